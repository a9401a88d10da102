// The files of one run folder (runs/<name>-<utc stamp>/) that reports and `tradegym compare` read:
// metrics.json, curves.json, config.yaml and log.jsonl. Writes are atomic (temp file + rename) so a
// report regenerated while a run is still writing never sees half a file.
// JSON has no NaN: non-finite numbers are written as null and read back as NaN.
import { appendFile, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { z } from 'zod';
import { DataError } from '../data/errors.js';
import type { TradingMetrics } from '../envs/metrics.js';

export const RUN_FILES = {
  metrics: 'metrics.json',
  curves: 'curves.json',
  config: 'config.yaml',
  log: 'log.jsonl',
  report: 'report.html',
} as const;

/** Classification scores of an ML baseline on the same split (labels of agents/baselines). */
export interface MlMetrics {
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
  auc: number;
}

export type PolicyMetrics = TradingMetrics & { ml?: MlMetrics };

/** Rows [from, to) of the loaded series and the ISO times of their first and last bar. */
export interface RowRange {
  from: number;
  to: number;
  start: string;
  end: string;
}

export interface WalkForwardFold {
  fold: number;
  /** ISO times bounding the fold's test window. */
  from: string;
  to: string;
  /** The agent: the mean over its seeds (each seed's own metrics in `seeds`). */
  policies: Record<string, PolicyMetrics>;
  /** The windows this fold used: trained on `train`, selected on `valid`, scored on `test` (retrain); only `test` otherwise. */
  ranges?: { train?: RowRange; valid?: RowRange; test: RowRange };
  /** Each seed's metrics on this fold, per agent policy. */
  seeds?: Record<string, { seed: number; metrics: PolicyMetrics }[]>;
}

/** How the walk-forward folds were made (absent in older folders: one checkpoint on sub-windows of the test split). */
export interface WalkForwardSetup {
  folds: number;
  /** rolling / anchored windows over the whole series (retrain), or sub-windows of the test split. */
  mode: 'rolling' | 'anchored' | 'test-split';
  retrain: boolean;
  /** What the table shows, in words. */
  label: string;
}

/** A statistic on the scored bars and its bootstrap interval. */
export interface Interval {
  estimate: number;
  lo: number;
  hi: number;
}

/** Stationary-bootstrap summary of one policy against buy-and-hold on the same bars (experiments/stats). */
export interface BootstrapRecord {
  blockLength: number;
  samples: number;
  level: number;
  bars: number;
  totalReturn: Interval;
  sharpe: Interval;
  /** Total return minus buy-and-hold's on the same resampled bars. */
  excessReturn: Interval;
  /** P(total return > buy-and-hold's) over the resamples. */
  pBeatBenchmark: number;
}

/** Mean, sample standard deviation (n - 1), min and max of a metric over seeds (or folds). */
export interface Spread {
  mean: number;
  sd: number;
  min: number;
  max: number;
  n: number;
}

export interface SeedRecord {
  seed: number;
  /** The seed's folder, relative to the run folder (its log.jsonl, TensorBoard events, checkpoints). */
  dir: string;
  /** On the run's scored split. */
  metrics: PolicyMetrics;
  bootstrap?: BootstrapRecord;
  training: {
    steps: number;
    /** The selected checkpoint: the best validation score. */
    selected: { step: number; score: number };
    /** Every validation evaluation, in step order. */
    validation: { step: number; score: number }[];
    /** Set when validation ended far below its peak (experiments/overfitting.ts). */
    warning?: string;
  };
}

/** An agent trained over several seeds: every seed's row and the spread across them. */
export interface AgentSeeds {
  /** The policy's name in `policies` (the algo), whose metrics there are the mean over seeds. */
  policy: string;
  /** The validation metric each seed picked its checkpoint by. */
  selectBy: string;
  seeds: SeedRecord[];
  /** Per metric across seeds. */
  spread: Record<string, Spread>;
  /**
   * The seeds pooled (see experiments/uncertainty.ts): each interval's lo / hi are the lowest lo
   * and highest hi of the seeds' (at least `level` of a seed drawn from these, on a resampled
   * period, falls inside), estimate the seeds' mean; pBeatBenchmark the seeds' mean probability.
   */
  pooled?: { totalReturn: Interval; sharpe: Interval; excessReturn: Interval; pBeatBenchmark: number };
  /** The seed whose checkpoints/{best,last} the run folder holds (best validation score; for eval and deploy). */
  checkpointSeed: number;
}

export interface RunMetrics {
  name: string;
  /** ISO time the run started. */
  createdAt: string;
  seed: number;
  data: { exchange: string; symbol: string; timeframe: string };
  /** What wrote the folder: `tradegym run`, `train`, `baseline` or a sweep trial (absent in older folders). */
  kind?: 'run' | 'train' | 'baseline' | 'trial';
  /**
   * The split the policies were scored on and the ISO times bounding it: `test` for `run` and
   * `baseline`, `valid` for `train` and sweep trials (they pick their checkpoint there and never
   * look at the test split). Older folders have no name: test.
   */
  split: { name?: SplitName; from: string; to: string };
  policies: Record<string, PolicyMetrics>;
  /** Name of the policy the run picked (on validation), if any. */
  best?: string;
  /** The metric that picked the best checkpoint (training.selectBy); reports sort by it. */
  selectBy?: string;
  /** The parameters each tuned baseline was scored with (chosen on the validation split). */
  params?: Record<string, Record<string, number | string>>;
  walkForward?: WalkForwardFold[];
  walkForwardSetup?: WalkForwardSetup;
  /** Set when the agent was trained over seeds (`seeds` in the config); absent in older folders. */
  agent?: AgentSeeds;
  /** Bootstrap intervals against buy-and-hold per policy (an agent over seeds: its `agent.pooled`). */
  bootstrap?: { method: string; benchmark: string; policies: Record<string, BootstrapRecord> };
}

export type SplitName = 'train' | 'valid' | 'test';

/**
 * Per-bar series of the scored split, as read: every array has the length of `ts`. In the file
 * each policy carries its own `ts` (its curve's bars; older files have none: the top-level ts),
 * and `ts` is the union of them; reading aligns each policy onto `ts`, NaN where it has no bar.
 */
export interface RunCurves {
  /** Bar open time, ms UTC. */
  ts: number[];
  close: number[];
  policies: Record<string, { equity: number[]; position: number[] }>;
}

/** curves.json as written: each policy against its own timestamps. */
interface RunCurvesFile {
  ts: number[];
  close: number[];
  policies: Record<string, { ts?: number[]; equity: number[]; position: number[] }>;
}

/** One training progress record, e.g. { step: 2048, 'charts/episodic_return': 0.01, 'losses/value_loss': 0.3 }. */
export type LogRecord = Record<string, unknown>;

/**
 * What writers may pass: typed arrays are welcome in curves. A policy without its own `ts` is
 * against the top-level `ts`; with one, its bars must all be in the top-level `ts`.
 */
export interface RunCurvesInput {
  ts: ArrayLike<number>;
  close: ArrayLike<number>;
  policies: Record<string, { ts?: ArrayLike<number>; equity: ArrayLike<number>; position: ArrayLike<number> }>;
}

export interface RunFilesInput {
  metrics?: RunMetrics;
  curves?: RunCurvesInput;
  /** The resolved config, as YAML text. */
  config?: string;
  /** Replaces log.jsonl; use appendLog to stream records during training. */
  log?: LogRecord[];
}

export interface Run {
  /** The folder as given. */
  dir: string;
  metrics: RunMetrics;
  curves?: RunCurves;
  config?: string;
  log?: LogRecord[];
}

// ---------------------------------------------------------------------------------------- write

/** Temp file + rename; a failed write removes its temp file (no `*.tmp-*` is left behind). */
async function writeAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  try {
    await writeFile(tmp, text);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

const plain = (a: ArrayLike<number>): number[] => Array.from(a);

/**
 * Writes the given files into `dir` (created if missing), each atomically. Everything is checked
 * before the first byte is written, and every write is finished (or its temp file removed)
 * before an error is passed on, so a failure never leaves a temp file or a write in flight.
 */
export async function writeRunFiles(dir: string, files: RunFilesInput): Promise<void> {
  const texts: [string, string][] = [];
  if (files.metrics) texts.push([RUN_FILES.metrics, `${JSON.stringify(files.metrics, null, 2)}\n`]);
  if (files.curves) {
    const c = files.curves;
    const policies = Object.fromEntries(Object.entries(c.policies).map(([k, p]) => [k, {
      ...(p.ts ? { ts: plain(p.ts) } : {}), equity: plain(p.equity), position: plain(p.position),
    }]));
    const curves: RunCurvesFile = { ts: plain(c.ts), close: plain(c.close), policies };
    checkCurves(curves, join(dir, RUN_FILES.curves));
    texts.push([RUN_FILES.curves, JSON.stringify(curves)]);
  }
  if (files.config !== undefined) texts.push([RUN_FILES.config, files.config.endsWith('\n') ? files.config : `${files.config}\n`]);
  if (files.log) texts.push([RUN_FILES.log, files.log.map((r) => `${JSON.stringify(r)}\n`).join('')]);
  await mkdir(dir, { recursive: true });
  const done = await Promise.allSettled(texts.map(([name, text]) => writeAtomic(join(dir, name), text)));
  const failed = done.find((d): d is PromiseRejectedResult => d.status === 'rejected');
  if (failed) throw failed.reason;
}

/** Appends one record to log.jsonl (one write of one line, so readers see whole lines). */
export async function appendLog(dir: string, record: LogRecord): Promise<void> {
  await appendFile(join(dir, RUN_FILES.log), `${JSON.stringify(record)}\n`);
}

/** `<name>-<YYYYMMDDTHHMMSSZ>`, the folder name of a run started at `now`. */
export function runDirName(name: string, now: Date = new Date()): string {
  return `${name}-${now.toISOString().slice(0, 19).replace(/[-:]/g, '')}Z`;
}

/** Creates runs/<name>-<stamp>/ under `root`; a second run in the same second gets a -2, -3 ... suffix. */
export async function createRunDir(root: string, name: string, now: Date = new Date()): Promise<string> {
  await mkdir(root, { recursive: true });
  const base = join(root, runDirName(name, now));
  for (let i = 1; ; i++) {
    const dir = i === 1 ? base : `${base}-${i}`;
    try {
      await mkdir(dir);
      return dir;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}

// ----------------------------------------------------------------------------------------- read

const num = z.number().nullable().transform((v) => v ?? NaN);
const MlSchema = z.object({ accuracy: num, precision: num, recall: num, f1: num, auc: num });
const PolicyMetricsSchema = z.object({
  totalReturn: num,
  cagr: num,
  sharpe: num,
  sortino: num,
  calmar: num,
  maxDrawdown: num,
  winRate: num,
  turnover: num,
  exposure: num,
  fees: num,
  trades: num,
  steps: num,
  ml: MlSchema.optional(),
});
const PoliciesSchema = z.record(z.string(), PolicyMetricsSchema);
const RowRangeSchema = z.object({ from: z.number(), to: z.number(), start: z.string(), end: z.string() });
const IntervalSchema = z.object({ estimate: num, lo: num, hi: num });
const BootstrapSchema = z.object({
  blockLength: num, samples: z.number(), level: z.number(), bars: z.number(),
  totalReturn: IntervalSchema, sharpe: IntervalSchema, excessReturn: IntervalSchema, pBeatBenchmark: num,
});
const SpreadSchema = z.object({ mean: num, sd: num, min: num, max: num, n: z.number() });
const CurvePointSchema = z.object({ step: z.number(), score: num });
const AgentSeedsSchema = z.object({
  policy: z.string(),
  selectBy: z.string(),
  seeds: z.array(z.object({
    seed: z.number(),
    dir: z.string(),
    metrics: PolicyMetricsSchema,
    bootstrap: BootstrapSchema.optional(),
    training: z.object({ steps: z.number(), selected: CurvePointSchema, validation: z.array(CurvePointSchema), warning: z.string().optional() }),
  })).min(1),
  spread: z.record(z.string(), SpreadSchema),
  pooled: z.object({ totalReturn: IntervalSchema, sharpe: IntervalSchema, excessReturn: IntervalSchema, pBeatBenchmark: num }).optional(),
  checkpointSeed: z.number(),
});
const RunMetricsSchema = z.object({
  name: z.string(),
  createdAt: z.string(),
  seed: z.number(),
  data: z.object({ exchange: z.string(), symbol: z.string(), timeframe: z.string() }),
  kind: z.enum(['run', 'train', 'baseline', 'trial']).optional(),
  split: z.object({ name: z.enum(['train', 'valid', 'test']).optional(), from: z.string(), to: z.string() }),
  policies: PoliciesSchema,
  best: z.string().optional(),
  selectBy: z.string().optional(),
  params: z.record(z.string(), z.record(z.string(), z.union([z.number(), z.string()]))).optional(),
  walkForward: z.array(z.object({
    fold: z.number(), from: z.string(), to: z.string(), policies: PoliciesSchema,
    ranges: z.object({ train: RowRangeSchema.optional(), valid: RowRangeSchema.optional(), test: RowRangeSchema }).optional(),
    seeds: z.record(z.string(), z.array(z.object({ seed: z.number(), metrics: PolicyMetricsSchema }))).optional(),
  })).optional(),
  walkForwardSetup: z.object({ folds: z.number(), mode: z.enum(['rolling', 'anchored', 'test-split']), retrain: z.boolean(), label: z.string() }).optional(),
  agent: AgentSeedsSchema.optional(),
  bootstrap: z.object({ method: z.string(), benchmark: z.string(), policies: z.record(z.string(), BootstrapSchema) }).optional(),
});
function parseJsonText(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new DataError(`not valid JSON: ${(err as Error).message}`, { file });
  }
}

// curves.json holds millions of numbers: checked by hand, a schema library is ~10x slower here.
function numbers(v: unknown, file: string, field: string, nullable: boolean): number[] {
  if (!Array.isArray(v)) throw new DataError('must be an array of numbers', { file, column: field });
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (typeof x === 'number') continue;
    if (x === null && nullable) {
      v[i] = NaN;
      continue;
    }
    throw new DataError(`item ${i} is ${JSON.stringify(x)}, not a number`, { file, column: field });
  }
  return v as number[];
}

function parseCurves(text: string, file: string): RunCurvesFile {
  const raw = parseJsonText(text, file);
  const obj = (v: unknown, field: string): Record<string, unknown> => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new DataError('must be an object', { file, column: field });
    return v as Record<string, unknown>;
  };
  const root = obj(raw, 'curves');
  const policies: RunCurvesFile['policies'] = {};
  for (const [name, p] of Object.entries(obj(root.policies, 'policies'))) {
    const pol = obj(p, `policies.${name}`);
    policies[name] = {
      ...(pol.ts !== undefined ? { ts: numbers(pol.ts, file, `policies.${name}.ts`, false) } : {}),
      equity: numbers(pol.equity, file, `policies.${name}.equity`, true), position: numbers(pol.position, file, `policies.${name}.position`, true),
    };
  }
  return { ts: numbers(root.ts, file, 'ts', false), close: numbers(root.close, file, 'close', true), policies };
}

/** Each policy onto the top-level ts (checked: its bars are in it), NaN where it has no bar. */
function alignCurves(c: RunCurvesFile): RunCurves {
  const at = new Map<number, number>();
  c.ts.forEach((t, i) => at.set(t, i));
  const policies: RunCurves['policies'] = {};
  for (const [name, p] of Object.entries(c.policies)) {
    if (!p.ts) {
      policies[name] = { equity: p.equity, position: p.position };
      continue;
    }
    const equity = new Array<number>(c.ts.length).fill(NaN);
    const position = new Array<number>(c.ts.length).fill(NaN);
    p.ts.forEach((t, k) => {
      const i = at.get(t)!;
      equity[i] = p.equity[k];
      position[i] = p.position[k];
    });
    policies[name] = { equity, position };
  }
  return { ts: c.ts, close: c.close, policies };
}

function parseJson<S extends z.ZodType>(schema: S, text: string, file: string): z.infer<S> {
  const r = schema.safeParse(parseJsonText(text, file));
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  throw new DataError(issue.message, { file, column: issue.path.length ? issue.path.join('.') : undefined });
}

function checkCurves(c: RunCurvesFile, file: string): void {
  const n = c.ts.length;
  if (c.close.length !== n) throw new DataError(`close has ${c.close.length} values, ts has ${n}`, { file, column: 'close' });
  let known: Set<number> | undefined;
  for (const [name, p] of Object.entries(c.policies)) {
    const own = p.ts ? `policies.${name}.ts` : 'ts';
    const m = p.ts ? p.ts.length : n;
    if (p.equity.length !== m) throw new DataError(`equity has ${p.equity.length} values, ${own} has ${m}`, { file, column: `policies.${name}.equity` });
    if (p.position.length !== m) throw new DataError(`position has ${p.position.length} values, ${own} has ${m}`, { file, column: `policies.${name}.position` });
    if (!p.ts) continue;
    known ??= new Set(c.ts);
    const seen = new Set<number>();
    for (let k = 0; k < p.ts.length; k++) {
      const t = p.ts[k];
      if (!known.has(t)) throw new DataError(`item ${k} (${t}) is not one of the bars in ts`, { file, column: own });
      if (seen.has(t)) throw new DataError(`item ${k} (${t}) repeats a bar`, { file, column: own });
      seen.add(t);
    }
  }
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new DataError(`cannot read: ${(err as Error).message}`, { file: path });
  }
}

/** Parses log.jsonl; a torn last line (a run killed mid-write) is dropped, any other bad line is an error. */
export function parseLog(text: string, file: string): LogRecord[] {
  const lines = text.split('\n');
  const out: LogRecord[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line) continue;
    let rec: unknown;
    try {
      rec = JSON.parse(line);
    } catch (err) {
      if (lines.slice(i + 1).every((l) => !l.trim())) break;
      throw new DataError(`not valid JSON: ${(err as Error).message}`, { file, row: i + 1 });
    }
    if (typeof rec !== 'object' || rec === null || Array.isArray(rec)) throw new DataError('each line must be a JSON object', { file, row: i + 1 });
    out.push(rec as LogRecord);
  }
  return out;
}

/** Reads a run folder: metrics.json is required, curves.json, config.yaml and log.jsonl are optional. */
export async function readRun(dir: string): Promise<Run> {
  let isDir = false;
  try {
    isDir = (await stat(dir)).isDirectory();
  } catch {
    throw new DataError('no such run folder', { file: dir });
  }
  if (!isDir) throw new DataError('not a folder (expected a run folder with metrics.json)', { file: dir });
  const metricsPath = join(dir, RUN_FILES.metrics);
  const metricsText = await readOptional(metricsPath);
  if (metricsText === undefined) throw new DataError(`missing ${RUN_FILES.metrics}; is ${basename(dir)} a finished run folder?`, { file: metricsPath });
  const metrics: RunMetrics = parseJson(RunMetricsSchema, metricsText, metricsPath);
  if (metrics.best !== undefined && !(metrics.best in metrics.policies)) {
    throw new DataError(`best is "${metrics.best}", not one of the policies (${Object.keys(metrics.policies).join(', ')})`, { file: metricsPath, column: 'best' });
  }
  const run: Run = { dir, metrics };
  const curvesPath = join(dir, RUN_FILES.curves);
  const curvesText = await readOptional(curvesPath);
  if (curvesText !== undefined) {
    const curves = parseCurves(curvesText, curvesPath);
    checkCurves(curves, curvesPath);
    run.curves = alignCurves(curves);
  }
  run.config = await readOptional(join(dir, RUN_FILES.config));
  const logPath = join(dir, RUN_FILES.log);
  const logText = await readOptional(logPath);
  if (logText !== undefined) run.log = parseLog(logText, logPath);
  return run;
}
