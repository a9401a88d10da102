// Scoring a trained checkpoint the way `tradegym eval` does: the policy loaded from its folder
// (never the trainer's in-memory weights), backtested through the experiment's execution model.
import { loadAnyPolicy } from '../agents/load-any-policy.js';
import { runBacktest } from '../agents/backtest.js';
import type { Range } from '../envs/splits.js';
import type { ScoredPolicy } from './baselines-run.js';
import { evalEnv, type Prepared } from './prepare.js';

/** Scores a checkpoint folder on any range, as `tradegym eval` would (the policy loaded from disk). */
export async function checkpointScorer(p: Prepared, checkpointDir: string, name: string): Promise<(range: Range) => ScoredPolicy> {
  const policy = await loadAnyPolicy(checkpointDir);
  return (range) => {
    const curve = runBacktest(evalEnv(p, range), policy);
    return { name, metrics: curve.metrics, curve };
  };
}
