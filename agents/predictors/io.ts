// A predictor on disk: a folder with predictor.json (format, config, feature names, target
// scaling, history, tensor manifest) and weights.bin (float32 little-endian, sha256-checked),
// written atomically with the checkpoint helpers of agents/nn (no tf.io handlers: those need
// tfjs-node). Loading rebuilds the same network and predicts exactly what the saved one did.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DataError } from '../../data/errors.js';
import { encodeTensors, readTensors, writeFolderAtomic, type TensorFileManifest } from '../nn/checkpoint-io.js';
import { selectBackend, type BackendPreference } from '../nn/backend.js';
import { resolvePredictorConfig } from './config.js';
import { buildNetwork, readWeights, setWeights, WEIGHT_NAMES } from './model.js';
import { SequencePredictor, type PredictorMeta } from './predictor.js';

export const PREDICTOR_FORMAT = 'tradegym-predictor';
export const PREDICTOR_VERSION = 1;

export interface PredictorJson extends PredictorMeta {
  format: typeof PREDICTOR_FORMAT;
  version: typeof PREDICTOR_VERSION;
  kind: string;
  createdAt: string;
  lineage?: Record<string, unknown>;
  weights: TensorFileManifest;
}

export async function savePredictor(dir: string, p: SequencePredictor, opts: { lineage?: Record<string, unknown> } = {}): Promise<void> {
  const shapes = p.model.getWeights().map((w) => w.shape);
  const w = encodeTensors('weights.bin', readWeights(p.model).map((data, i) => ({ name: WEIGHT_NAMES[i], shape: shapes[i], data })));
  const json: PredictorJson = {
    format: PREDICTOR_FORMAT, version: PREDICTOR_VERSION, kind: p.kind, createdAt: new Date().toISOString(),
    ...p.meta, lineage: opts.lineage, weights: w.manifest,
  };
  await writeFolderAtomic(dir, [{ name: 'weights.bin', data: w.bytes }, { name: 'predictor.json', data: `${JSON.stringify(json, null, 2)}\n` }]);
}

export async function loadPredictor(dir: string, opts: { backend?: BackendPreference } = {}): Promise<SequencePredictor> {
  const path = join(dir, 'predictor.json');
  let json: PredictorJson;
  try {
    json = JSON.parse(await readFile(path, 'utf8')) as PredictorJson;
  } catch (e) {
    throw new DataError(`cannot read the predictor: ${(e as Error).message}`, { file: path });
  }
  if (json.format !== PREDICTOR_FORMAT) throw new DataError(`not a predictor (format ${json.format})`, { file: path });
  if (json.version !== PREDICTOR_VERSION) throw new DataError(`predictor version ${json.version}; this build reads version ${PREDICTOR_VERSION}`, { file: path });
  const config = resolvePredictorConfig(json.config);
  await selectBackend(opts.backend ?? config.backend);
  const tensors = await readTensors(dir, json.weights);
  const model = buildNetwork(config.cell, config.seqLen, json.nFeatures, config.units);
  const shapes = model.getWeights().map((w) => w.shape);
  const weights = WEIGHT_NAMES.map((name, i) => {
    const t = tensors.get(name);
    const size = shapes[i].reduce((a, b) => a * b, 1);
    if (!t || t.length !== size) throw new DataError(`tensor ${name} is ${t ? `${t.length} values` : 'missing'}, the network needs [${shapes[i].join(', ')}]`, { file: join(dir, json.weights.file) });
    return t;
  });
  setWeights(model, weights);
  const { format: _f, version: _v, kind: _k, createdAt: _c, lineage: _l, weights: _w, ...meta } = json;
  return new SequencePredictor(model, { ...meta, config });
}
