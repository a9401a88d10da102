// The sweep coordinator: proposes trials (grid, random, TPE), hands them to an executor (in this
// process, local worker processes, or BullMQ), answers intermediate reports with the early-stopping
// rule, records every finished trial durably, and writes the ranked results and the best config.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { z } from 'zod';
import { ConfigError } from '../../data/errors.js';
import { applySets, deepMerge, readConfigTree, validateConfig } from '../config-file.js';
import { makeStopper } from './early-stop.js';
import { InProcessExecutor, type Executor } from './executor.js';
import { LocalProcessExecutor } from './local-executor.js';
import { QueueExecutor } from './queue-executor.js';
import { DEFAULT_QUEUE_NAME, checkQueueName } from './redis-queue.js';
import { bestTrial, bestYaml, rankTrials, resultsTable, toCsv, type ResultsTable } from './results.js';
import { makeSearch } from './search.js';
import { statsJson, statsPath, sweepSelectionStats, type SweepStats } from './selection-stats.js';
import { canonicalJson, nestParams, type Params } from './space.js';
import type { SweepSpec } from './sweep-file.js';
import { SweepHparams, trialDir } from './sweep-hparams.js';
import { SweepStore, writeFileAtomic, type Proposal, type SweepState, type TrialRecord } from './sweep-store.js';
import { failedOutcome, trialId, trialSeed, type TrialJob, type TrialOutcome } from './trial.js';
import type { Observation } from './tpe.js';

export const DEFAULT_SWEEP_OUT = 'runs/sweeps';

export interface SweepRunOptions {
  /** Parent folder: the sweep lives in <out>/<name>/ (default runs/sweeps). */
  out?: string;
  /** `--set path=value` overrides of the base config (every trial starts from them). */
  baseSets?: readonly string[];
  /** BullMQ instead of local processes: workers started with `tradegym worker --queue <url>`. */
  queue?: { url: string; name?: string };
  /** Run trials here instead (tests, embedding); overrides queue and workers; closed at the end. */
  executor?: Executor;
  /** Validates each trial's merged config (e.g. ExperimentSchema); default: plain JSON only. */
  configSchema?: z.ZodType;
  /** Progress lines; default console.log. */
  log?: (line: string) => void;
}

export interface SweepOutcome {
  dir: string;
  /** Every finished trial, best first (completed, then stopped, then failed). */
  ranked: TrialRecord[];
  best?: TrialRecord;
  bestConfig?: Record<string, unknown>;
  /** The results table, numbers rounded for printing (results.csv has them in full). */
  table: ResultsTable;
  /** Deflated Sharpe ratio of the best trial and PBO of the search (also in stats.json); undefined if they could not be computed. */
  stats?: SweepStats;
  /** Trials found finished in trials.jsonl at start, and trials run now. */
  resumed: number;
  ran: number;
}

/** The config a trial runs: base deep-merged with its params, validated when a schema is given. */
export function trialConfig(base: Record<string, unknown>, params: Params, schema: z.ZodType | undefined, source: string): Record<string, unknown> {
  const merged = JSON.parse(JSON.stringify(deepMerge(base, nestParams(params)))) as Record<string, unknown>;
  return schema ? (validateConfig(schema, merged, source) as Record<string, unknown>) : merged;
}

export async function runSweep(spec: SweepSpec, opts: SweepRunOptions = {}): Promise<SweepOutcome> {
  const log = opts.log ?? ((line: string) => console.log(line));
  const dir = resolve(opts.out ?? DEFAULT_SWEEP_OUT, spec.name);
  const base = applySets(spec.base ? readConfigTree(spec.base) : {}, opts.baseSets ?? []);
  const search = makeSearch(spec);
  if (opts.configSchema) {
    // A base config the schema rejects would fail every trial: say so now, before anything is written.
    const first = search.propose(0, [], 0);
    if (first) trialConfig(base, first, opts.configSchema, spec.base ?? 'base config');
  }
  const store = new SweepStore(dir);
  const state = openState(store, spec, base);
  const records = store.readTrials();
  const done = new Map(records.map((r) => [r.id, r]));
  const stopper = makeStopper(spec.earlyStop, spec.mode);
  for (const r of records) stopper.finish(r.id, r.status, r.curve);
  const proposals = store.readProposals();
  const known = new Set([...proposals.map((p) => p.id), ...done.keys()]);
  // Proposed before a restart but never finished: run them again with the same params first.
  const pending: Proposal[] = proposals.filter((p) => !done.has(p.id));
  let nextIndex = [...proposals, ...records].reduce((m, p) => Math.max(m, p.index + 1), 0);
  let proposed = Math.max(nextIndex, known.size);
  let exhausted = false;
  const resumed = done.size;
  if (resumed || pending.length) log(`sweep ${spec.name}: resuming in ${dir}: ${resumed} trials done, ${pending.length} to run again`);
  else log(`sweep ${spec.name}: ${spec.method} search, ${search.total} trials, results in ${dir} (tensorboard --logdir ${dir}: every trial in the HPARAMS tab)`);

  const history = (): Observation[] =>
    [...done.values()]
      .filter((r) => r.status !== 'failed' && Number.isFinite(r.metrics[spec.metric]))
      .map((r) => ({ index: r.index, params: r.params, value: r.metrics[spec.metric] }));

  const propose = (): Proposal | undefined => {
    if (pending.length) return pending.shift();
    if (exhausted || proposed >= search.total) return undefined;
    for (let attempt = 0; attempt < 50; attempt++) {
      const params = search.propose(nextIndex, history(), attempt);
      if (!params) break;
      const id = trialId(params, spec.seed);
      if (known.has(id)) continue; // random/TPE drew an earlier trial again: draw again
      const p: Proposal = { index: nextIndex++, id, params };
      known.add(id);
      proposed++;
      store.appendProposal(p); // before dispatch: a restart re-runs exactly this trial
      return p;
    }
    exhausted = true;
    log(`sweep ${spec.name}: the search space is exhausted after ${proposed} distinct trials`);
    return undefined;
  };

  const hparams = new SweepHparams(dir, spec, state.createdAt);
  // TensorBoard data is a view of trials.jsonl: (re)written for every finished trial, including
  // those recorded before a restart; it never decides anything, so a failure to write it is only logged.
  const writeHparams = (rec?: TrialRecord) => {
    try {
      if (rec) hparams.trial(rec);
      hparams.experiment([...done.values()]);
    } catch (err) {
      log(`sweep ${spec.name}: cannot write TensorBoard hparams data: ${(err as Error).message}`);
    }
  };
  writeHparams();
  for (const r of done.values()) writeHparams(r);

  const executor = opts.executor ?? (await openExecutor(spec, opts, state, log));
  const concurrency = spec.concurrency ?? (opts.queue ? 4 : Math.max(1, spec.workers));
  const inFlight = new Map<string, Promise<void>>();
  let ran = 0;

  const progress = () => {
    const all = [...done.values()];
    const count = (s: string) => all.filter((r) => r.status === s).length;
    const best = bestTrial(rankTrials(all, spec.metric, spec.mode), spec.metric);
    const total = exhausted ? proposed : Math.max(search.total, proposed);
    const extra = [count('stopped') && `${count('stopped')} stopped`, count('failed') && `${count('failed')} failed`].filter(Boolean).join(', ');
    log(`sweep ${spec.name}: ${all.length}/${total} trials${extra ? ` (${extra})` : ''}` +
      (best ? `, best ${spec.metric}=${fmt(best.metrics[spec.metric])} (trial ${best.id})` : ''));
  };

  const runOne = async (p: Proposal): Promise<void> => {
    let outcome: TrialOutcome;
    try {
      const config = trialConfig(base, p.params, opts.configSchema, `trial ${p.id}`);
      const job: TrialJob = {
        sweep: spec.name, trialId: p.id, index: p.index, params: p.params, seed: trialSeed(p.id), config, metric: spec.metric, earlyStop: spec.earlyStop.kind !== 'none',
        trialModule: spec.trial, trialModuleRel: relative(process.cwd(), spec.trial),
        runDir: trialDir(dir, p.id), runDirRel: relative(process.cwd(), trialDir(dir, p.id)),
      };
      outcome = await executor.run(job, (id, step, value) => stopper.report(id, step, value));
    } catch (err) {
      outcome = failedOutcome(err);
    }
    const rec: TrialRecord = {
      id: p.id, index: p.index, params: p.params, status: outcome.status, metrics: outcome.metrics ?? {}, curve: outcome.curve ?? [],
      ...(outcome.error ? { error: outcome.error } : {}), durationMs: outcome.durationMs ?? 0,
      ...(outcome.worker ? { worker: outcome.worker } : {}), ...(outcome.attempts ? { attempts: outcome.attempts } : {}),
      finishedAt: new Date().toISOString(),
    };
    store.appendTrial(rec);
    done.set(rec.id, rec);
    writeHparams(rec);
    ran++;
    stopper.finish(rec.id, rec.status, rec.curve);
    if (rec.status === 'failed') log(`sweep ${spec.name}: trial ${rec.id} failed: ${rec.error}`);
    progress();
  };

  try {
    for (;;) {
      while (inFlight.size < concurrency) {
        const p = propose();
        if (!p) break;
        const task = runOne(p).finally(() => inFlight.delete(p.id));
        inFlight.set(p.id, task);
      }
      if (inFlight.size === 0) break;
      await Promise.race(inFlight.values());
    }
  } finally {
    await Promise.allSettled(inFlight.values());
    await executor.close();
  }
  return writeResults(spec, dir, base, [...done.values()], opts.configSchema, resumed, ran, log);
}

async function openExecutor(spec: SweepSpec, opts: SweepRunOptions, state: SweepState, log: (line: string) => void): Promise<Executor> {
  if (opts.queue) {
    const name = checkQueueName(opts.queue.name ?? DEFAULT_QUEUE_NAME);
    log(`sweep ${spec.name}: queueing trials on ${opts.queue.url} (queue ${name}); start workers with: tradegym worker --queue ${opts.queue.url}${name === DEFAULT_QUEUE_NAME ? '' : ` --queue-name ${name}`}`);
    return QueueExecutor.open({ url: opts.queue.url, queueName: name, runId: state.runId, log });
  }
  if (spec.workers === 0) return new InProcessExecutor();
  return new LocalProcessExecutor({ workers: spec.workers, retries: spec.retries, log });
}

/** Reads state.json, or starts one; refuses to resume a sweep whose search changed underneath. */
function openState(store: SweepStore, spec: SweepSpec, base: Record<string, unknown>): SweepState {
  const fingerprint = createHash('sha256')
    .update(canonicalJson({ method: spec.method, params: spec.params, seed: spec.seed, metric: spec.metric, mode: spec.mode, tpe: spec.method === 'tpe' ? spec.tpe : undefined, base }))
    .digest('hex')
    .slice(0, 16);
  const existing = store.readState();
  const started = () => store.readProposals().length > 0 || store.readTrials().length > 0;
  if (existing && (existing.fingerprint === fingerprint || started())) {
    if (existing.fingerprint !== fingerprint) {
      throw new ConfigError(store.dir, 'holds a sweep with other params, method, seed, metric or base config; use another --out or name, or delete the folder to start over');
    }
    return existing;
  }
  const createdAt = new Date().toISOString();
  const state: SweepState = {
    version: 1, name: spec.name, fingerprint, createdAt,
    runId: `${spec.name}-${createHash('sha256').update(`${store.dir}|${createdAt}|${process.pid}`).digest('hex').slice(0, 8)}`,
  };
  store.saveState(state);
  return state;
}

async function writeResults(
  spec: SweepSpec, dir: string, base: Record<string, unknown>, records: TrialRecord[], schema: z.ZodType | undefined, resumed: number, ran: number, log: (line: string) => void,
): Promise<SweepOutcome> {
  mkdirSync(dir, { recursive: true });
  const ranked = rankTrials(records, spec.metric, spec.mode);
  const keys = spec.params.map(([k]) => k);
  writeFileAtomic(join(dir, 'results.csv'), toCsv(resultsTable(ranked, spec.metric, keys)));
  const best = bestTrial(ranked, spec.metric);
  // Like the TensorBoard data, the statistics only describe the trials: a failure is logged, never fatal.
  let stats: SweepStats | undefined;
  try {
    stats = await sweepSelectionStats(dir, ranked, best);
    writeFileAtomic(statsPath(dir), statsJson(stats));
  } catch (err) {
    log(`sweep ${spec.name}: cannot compute the deflated Sharpe ratio and PBO: ${(err as Error).message}`);
  }
  let bestConfig: Record<string, unknown> | undefined;
  if (best) {
    bestConfig = trialConfig(base, best.params, schema, `trial ${best.id}`);
    writeFileAtomic(join(dir, 'best.yaml'), bestYaml(spec.name, best, spec.metric, bestConfig, stats));
  } else {
    writeFileSync(join(dir, 'best.yaml'), `# sweep ${spec.name}: no trial completed\n`);
  }
  return { dir, ranked, best, bestConfig, table: resultsTable(ranked, spec.metric, keys, { digits: 4 }), ...(stats ? { stats } : {}), resumed, ran };
}

const fmt = (x: number) => (Number.isInteger(x) ? String(x) : Math.abs(x) >= 1e-3 && Math.abs(x) < 1e6 ? x.toFixed(4) : x.toExponential(3));
