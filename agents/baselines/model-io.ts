// Persistence of the ML baselines as one JSON document. Typed arrays are stored as base64 of their
// little-endian bytes (every platform Node runs on), so floats come back bit for bit and a loaded
// model predicts exactly what the saved one did. JSON has no Infinity: an unbounded maxDepth is null.
import { readFile, rename, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { DataError } from '../../data/errors.js';
import { LogisticRegression } from './logistic-regression.js';
import { RandomForest } from './random-forest/forest.js';

export type BaselineModel = LogisticRegression | RandomForest;

export const MODEL_FORMAT = 'tradegym-baseline-model';

type Typed = Float64Array | Float32Array | Int32Array | Uint8Array;
const CTORS = { float64: Float64Array, float32: Float32Array, int32: Int32Array, uint8: Uint8Array } as const;
type Dtype = keyof typeof CTORS;

function dtypeOf(a: Typed): Dtype {
  if (a instanceof Float64Array) return 'float64';
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Int32Array) return 'int32';
  return 'uint8';
}

function encode(a: Typed): { dtype: Dtype; length: number; base64: string } {
  return { dtype: dtypeOf(a), length: a.length, base64: Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64') };
}

const typedSchema = z.object({ dtype: z.enum(['float64', 'float32', 'int32', 'uint8']), length: z.number().int().min(0), base64: z.string() });

function decode<D extends Dtype>(field: string, t: z.infer<typeof typedSchema>, dtype: D): InstanceType<(typeof CTORS)[D]> {
  if (t.dtype !== dtype) throw new DataError(`is ${t.dtype}, expected ${dtype}`, { column: field });
  const bytes = Buffer.from(t.base64, 'base64');
  const Ctor = CTORS[dtype];
  if (bytes.length !== t.length * Ctor.BYTES_PER_ELEMENT) {
    throw new DataError(`holds ${bytes.length} bytes, ${t.length} ${dtype} values need ${t.length * Ctor.BYTES_PER_ELEMENT}`, { column: field });
  }
  // Copy into a fresh, aligned buffer (a Buffer's offset into its pool need not be aligned).
  const out = new Ctor(t.length);
  new Uint8Array(out.buffer).set(bytes);
  return out as InstanceType<(typeof CTORS)[D]>;
}

const lrSchema = z.object({
  format: z.literal(MODEL_FORMAT),
  version: z.literal(1),
  kind: z.literal('logistic-regression'),
  nFeatures: z.number().int().min(1),
  mean: typedSchema,
  scale: typedSchema,
  coef: typedSchema,
  intercept: z.number(),
  l2: z.number(),
  iterations: z.number().int(),
  converged: z.boolean(),
});

const rfSchema = z.object({
  format: z.literal(MODEL_FORMAT),
  version: z.literal(1),
  kind: z.literal('random-forest'),
  nFeatures: z.number().int().min(1),
  config: z.object({
    nTrees: z.number().int(),
    maxDepth: z.number().int().nullable(),
    minSamplesLeaf: z.number().int(),
    minSamplesSplit: z.number().int(),
    maxFeatures: z.number().int(),
    maxBins: z.number().int(),
    bootstrap: z.boolean(),
    maxSamples: z.number(),
    seed: z.string(),
  }),
  roots: typedSchema,
  feature: typedSchema,
  bin: typedSchema,
  threshold: typedSchema,
  left: typedSchema,
  right: typedSchema,
  value: typedSchema,
});

const modelSchema = z.discriminatedUnion('kind', [lrSchema, rfSchema]);

/** The model as a JSON object (see modelToJson). */
export function modelToObject(model: BaselineModel): z.input<typeof modelSchema> {
  const head = { format: MODEL_FORMAT, version: 1, nFeatures: model.nFeatures } as const;
  if (model instanceof LogisticRegression) {
    return {
      ...head, kind: 'logistic-regression',
      mean: encode(model.mean), scale: encode(model.scale), coef: encode(model.coef),
      intercept: model.intercept, l2: model.l2, iterations: model.iterations, converged: model.converged,
    };
  }
  const c = model.config;
  return {
    ...head, kind: 'random-forest',
    config: { ...c, maxDepth: Number.isFinite(c.maxDepth) ? c.maxDepth : null },
    roots: encode(model.roots), feature: encode(model.feature), bin: encode(model.bin), threshold: encode(model.threshold),
    left: encode(model.left), right: encode(model.right), value: encode(model.value),
  };
}

export function modelToJson(model: BaselineModel): string {
  return JSON.stringify(modelToObject(model));
}

/** Rebuilds a model from modelToObject's output; DataError naming the field when it is malformed. */
export function modelFromObject(json: unknown, file?: string): BaselineModel {
  const parsed = modelSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new DataError(`not a ${MODEL_FORMAT} v1: ${issue.message}`, { file, column: issue.path.join('.') || undefined });
  }
  const m = parsed.data;
  if (m.kind === 'logistic-regression') {
    return new LogisticRegression({
      nFeatures: m.nFeatures, mean: decode('mean', m.mean, 'float64'), scale: decode('scale', m.scale, 'float64'),
      coef: decode('coef', m.coef, 'float64'), intercept: m.intercept, l2: m.l2, iterations: m.iterations, converged: m.converged,
    });
  }
  const forest = new RandomForest({
    nFeatures: m.nFeatures,
    config: { ...m.config, maxDepth: m.config.maxDepth ?? Infinity },
    roots: decode('roots', m.roots, 'int32'), feature: decode('feature', m.feature, 'int32'), bin: decode('bin', m.bin, 'uint8'),
    threshold: decode('threshold', m.threshold, 'float32'), left: decode('left', m.left, 'int32'),
    right: decode('right', m.right, 'int32'), value: decode('value', m.value, 'float32'),
  });
  // A corrupt child or feature index would make predictProba loop or read out of bounds.
  const nodes = forest.feature.length;
  for (let i = 0; i < nodes; i++) {
    const j = forest.feature[i];
    if (j >= forest.nFeatures || (j >= 0 && !(forest.left[i] > i && forest.left[i] < nodes && forest.right[i] > i && forest.right[i] < nodes))) {
      throw new DataError(`node ${i} has feature ${j}, children ${forest.left[i]} / ${forest.right[i]}`, { file, column: 'feature' });
    }
  }
  for (const r of forest.roots) if (!(r >= 0 && r < nodes)) throw new DataError(`root ${r} outside [0, ${nodes})`, { file, column: 'roots' });
  return forest;
}

export function modelFromJson(text: string, file?: string): BaselineModel {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new DataError(`is not JSON: ${(e as Error).message}`, { file }, { cause: e });
  }
  return modelFromObject(json, file);
}

/** Writes the model to `path` atomically (temp file + rename). */
export async function saveModel(path: string, model: BaselineModel): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, modelToJson(model));
  await rename(tmp, path);
}

export async function loadModel(path: string): Promise<BaselineModel> {
  return modelFromJson(await readFile(path, 'utf8'), path);
}
