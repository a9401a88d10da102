// `tradegym eval`: a checkpoint scored on a split of its own experiment's data, next to
// buy-and-hold, with the features rebuilt from the pipeline stored in the checkpoint.
import { loadAnyPolicy, readCheckpointInfo } from '../agents/load-any-policy.js';
import { runBacktest } from '../agents/backtest.js';
import { buyAndHold } from '../agents/simple-policies.js';
import { ConfigError } from '../data/errors.js';
import type { FittedPipeline } from '../data/features/pipeline.js';
import type { TradingMetrics } from '../envs/metrics.js';
import { resolveCheckpoint } from './checkpoint-path.js';
import { validateConfig } from './config-file.js';
import { evalEnv, prepareExperiment } from './prepare.js';
import { ExperimentSchema, type ExperimentConfig } from './schema.js';

export interface CheckpointEvaluation {
  checkpoint: string;
  algo: string;
  config: ExperimentConfig;
  first: number;
  last: number;
  agent: TradingMetrics;
  buyAndHold: TradingMetrics;
}

/** The experiment and fitted pipeline a checkpoint was trained with (its lineage). */
export async function checkpointLineage(dir: string): Promise<{ algo: string; config: ExperimentConfig; pipeline: FittedPipeline }> {
  const info = await readCheckpointInfo(dir);
  const lineage = info.lineage as { experiment?: unknown; pipeline?: FittedPipeline } | undefined;
  if (!lineage?.experiment || !lineage.pipeline) throw new ConfigError('checkpoint', `${dir}/policy.json has no data lineage (experiment + pipeline); was it written by tradegym train?`);
  const config = validateConfig(ExperimentSchema, lineage.experiment, `${dir}/policy.json lineage.experiment`);
  return { algo: info.algo, config, pipeline: lineage.pipeline };
}

export async function evaluateCheckpoint(path: string, split: 'train' | 'valid' | 'test'): Promise<CheckpointEvaluation> {
  const checkpoint = resolveCheckpoint(path);
  const { algo, config, pipeline } = await checkpointLineage(checkpoint);
  const p = await prepareExperiment(config, pipeline);
  const range = p.splits[split];
  const policy = await loadAnyPolicy(checkpoint);
  const agent = runBacktest(evalEnv(p, range), policy).metrics;
  const env = evalEnv(p, range);
  const bh = runBacktest(env, buyAndHold(env.actionSpace)).metrics;
  return { checkpoint, algo, config, first: p.candles.ts[range.from], last: p.candles.ts[range.to - 1], agent, buyAndHold: bh };
}
