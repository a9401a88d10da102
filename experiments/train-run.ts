// `tradegym train` and sweep trials: train the config's agent, keep the checkpoint that does best
// on the validation split, and score that checkpoint there next to buy-and-hold. Never the test
// split: a run that is tuned or stopped on test data overfits it (`tradegym run` scores on test).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../data/errors.js';
import { scoreBuyAndHold, type ScoredPolicy } from './baselines-run.js';
import { checkEnvs, prepareExperiment, type Prepared } from './prepare.js';
import { discardFailedRun, openRunFolder, type RunFolder } from './run-folder.js';
import { writeRun, writeRunResults } from './run-output.js';
import { checkpointScorer } from './checkpoint-scorer.js';
import type { RunMetrics } from './run-dir.js';
import type { ExperimentConfig } from './schema.js';
import { trainAgent, type AgentUpdate, type TrainResult } from './train-agent.js';
import { jobDir, type SeedJob } from './seeds/seed-job.js';
import { seedList } from './seeds/seed-list.js';
import { poolSize, runSeedJobs } from './seeds/seed-pool.js';
import { adoptCheckpoints, agentMean, mergedLog, scoreSeeds, seedKey, seedsRecord } from './seeds/seed-results.js';

/** Called after every update; returning false stops training (a sweep's early stopping). */
export type TrainProgress = (r: AgentUpdate, validation?: { score: number; best: number }) => void | boolean | Promise<void | boolean>;

/** Where it always was; it lives in checkpoint-scorer.ts, which the seeds' code imports without this module. */
export { checkpointScorer };

export interface TrainedResults {
  training: TrainResult;
  /** The agent (named by its algo) and buy-and-hold on the validation split. */
  scored: ScoredPolicy[];
  report: string;
}

/** Trains in an opened run folder, then writes metrics.json, curves.json and report.html for the validation split. */
export async function trainInFolder(folder: RunFolder, p: Prepared, progress?: TrainProgress): Promise<TrainedResults> {
  const agent = p.config.agent;
  if (!agent) throw new ConfigError('agent', 'the config has no agent section (e.g. agent: { algo: ppo, totalTimesteps: 200000 })');
  const training = await trainAgent(p, folder.dir, folder.tb, progress);
  if (training.best.step < 0 || !existsSync(join(training.bestDir, 'policy.json'))) {
    throw new Error(`training ended before its first validation: no checkpoint in ${training.bestDir} to score`);
  }
  const valid = p.splits.valid;
  const scored = [(await checkpointScorer(p, training.bestDir, agent.algo))(valid), scoreBuyAndHold(p, valid)];
  for (const s of scored) folder.tb.scalar(`valid/sharpe/${s.name}`, s.metrics.sharpe, training.steps);
  folder.tb.flush();
  const report = await writeRunResults(folder, p, { name: 'valid', range: valid }, scored, { best: agent.algo });
  return { training, scored, report };
}

export interface TrainRunOptions {
  /** Parent folder: the run goes to <runsDir>/<name>-<utc stamp>/. */
  runsDir: string;
  /** Called once the data is loaded and the folder exists, before training. */
  onStart?: (dir: string, p: Prepared) => void;
  onUpdate?: (r: AgentUpdate, validation?: { score: number; best: number }) => void;
  /** Several seeds (`seeds` in the config): worker processes (default: the cores there are), and their jobs' progress. */
  workers?: number;
  onSeedsStart?: (dir: string, p: Prepared, jobs: SeedJob[], workers: number) => void;
  onJobStart?: (job: SeedJob, pid: number | undefined) => void;
  onJobUpdate?: (job: SeedJob, r: AgentUpdate, validation?: { score: number; best: number }) => void;
  onJobDone?: (job: SeedJob, result: TrainResult) => void;
}

export interface TrainRunOutcome extends TrainedResults {
  dir: string;
  prepared: Prepared;
  /** metrics.json as written, when the run trained several seeds. */
  metrics?: RunMetrics;
}

/** `tradegym train`: a run folder like `tradegym run`'s, scored on the validation split. */
export async function trainRun(config: ExperimentConfig, opts: TrainRunOptions): Promise<TrainRunOutcome> {
  if (!config.agent) throw new ConfigError('agent', 'missing: add e.g. agent: { algo: ppo, totalTimesteps: 200000 }');
  const started = new Date();
  const p = await prepareExperiment(config);
  // Everything that can be refused is checked before the folder exists (as in `tradegym run`).
  checkEnvs(p);
  const seeds = seedList(config);
  const folder = await openRunFolder(config, 'train', { runsDir: opts.runsDir }, started);
  let failure: { err: unknown } | undefined;
  try {
    opts.onStart?.(folder.dir, p);
    if (seeds.length > 1) return { dir: folder.dir, prepared: p, ...(await trainSeedsInFolder(folder, p, seeds, opts)) };
    const r = await trainInFolder(folder, p, opts.onUpdate);
    return { dir: folder.dir, prepared: p, ...r };
  } catch (err) {
    failure = { err };
    throw err;
  } finally {
    folder.close();
    if (failure) await discardFailedRun(folder, failure.err);
  }
}

/**
 * `tradegym train` over several seeds: each seed in its own folder (seeds/<seed>/) on a pool of
 * worker processes, each scored on the validation split, the agent as their mean with every
 * seed's row; checkpoints/ holds the seed with the best validation score. (A single seed trains
 * in the run folder itself, as sweep trials do.)
 */
async function trainSeedsInFolder(folder: RunFolder, p: Prepared, seeds: number[], opts: TrainRunOptions): Promise<TrainedResults & { metrics: RunMetrics }> {
  const config = p.config;
  const agent = config.agent!;
  const jobs: SeedJob[] = seeds.map((seed, id) => ({ id, seed, config: { ...config, seed }, dir: jobDir(folder.dir, seed) }));
  const workers = poolSize(jobs.length, opts.workers);
  opts.onSeedsStart?.(folder.dir, p, jobs, workers);
  const results = await runSeedJobs(jobs, { workers, onJobStart: opts.onJobStart, onUpdate: opts.onJobUpdate, onJobDone: opts.onJobDone, prepared: () => p });
  const valid = p.splits.valid;
  const outcomes = await scoreSeeds(p, agent.algo, jobs.map((j, i) => ({ seed: j.seed, training: results[i] })), valid);
  const hold = scoreBuyAndHold(p, valid);
  const scored = [agentMean(agent.algo, outcomes.map((o) => o.scored)), hold];
  for (const s of scored) folder.tb.scalar(`valid/sharpe/${s.name}`, s.metrics.sharpe, agent.totalTimesteps);
  folder.tb.flush();
  const record = seedsRecord(agent.algo, config.training.selectBy, outcomes, [hold], config.seed);
  await adoptCheckpoints(folder.dir, record.agent.checkpointSeed);
  const written = await writeRun(folder, p, { name: 'valid', range: valid }, scored, {
    best: agent.algo, agent: record.agent, bootstrap: record.bootstrap,
    seedCurves: outcomes.map((o) => ({ ...o.scored, name: `${agent.algo} ${seedKey(o.seed)}` })),
    log: await mergedLog(folder.dir, seeds),
  });
  // `training` is the adopted seed's (its checkpoints are the run folder's own).
  const adopted = outcomes.find((o) => o.seed === record.agent.checkpointSeed)!;
  const training = { ...adopted.training, bestDir: join(folder.dir, 'checkpoints', 'best'), lastDir: join(folder.dir, 'checkpoints', 'last') };
  return { training, scored, report: written.report, metrics: written.metrics };
}
