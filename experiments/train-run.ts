// `tradegym train` and sweep trials: train the config's agent, keep the checkpoint that does best
// on the validation split, and score that checkpoint there next to buy-and-hold. Never the test
// split: a run that is tuned or stopped on test data overfits it (`tradegym run` scores on test).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadAnyPolicy } from '../agents/load-any-policy.js';
import { runBacktest } from '../agents/backtest.js';
import { ConfigError } from '../data/errors.js';
import type { Range } from '../envs/splits.js';
import { scoreBuyAndHold, type ScoredPolicy } from './baselines-run.js';
import { checkEnvs, evalEnv, prepareExperiment, type Prepared } from './prepare.js';
import { discardFailedRun, openRunFolder, type RunFolder } from './run-folder.js';
import { writeRunResults } from './run-output.js';
import type { ExperimentConfig } from './schema.js';
import { trainAgent, type AgentUpdate, type TrainResult } from './train-agent.js';

/** Called after every update; returning false stops training (a sweep's early stopping). */
export type TrainProgress = (r: AgentUpdate, validation?: { score: number; best: number }) => void | boolean | Promise<void | boolean>;

/** Scores a checkpoint folder on any range, as `tradegym eval` would (the policy loaded from disk). */
export async function checkpointScorer(p: Prepared, checkpointDir: string, name: string): Promise<(range: Range) => ScoredPolicy> {
  const policy = await loadAnyPolicy(checkpointDir);
  return (range) => {
    const curve = runBacktest(evalEnv(p, range), policy);
    return { name, metrics: curve.metrics, curve };
  };
}

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
}

export interface TrainRunOutcome extends TrainedResults {
  dir: string;
  prepared: Prepared;
}

/** `tradegym train`: a run folder like `tradegym run`'s, scored on the validation split. */
export async function trainRun(config: ExperimentConfig, opts: TrainRunOptions): Promise<TrainRunOutcome> {
  if (!config.agent) throw new ConfigError('agent', 'missing: add e.g. agent: { algo: ppo, totalTimesteps: 200000 }');
  const started = new Date();
  const p = await prepareExperiment(config);
  // Everything that can be refused is checked before the folder exists (as in `tradegym run`).
  checkEnvs(p);
  const folder = await openRunFolder(config, 'train', { runsDir: opts.runsDir }, started);
  let failure: { err: unknown } | undefined;
  try {
    opts.onStart?.(folder.dir, p);
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
