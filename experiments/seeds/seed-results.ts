// From the trained seeds to what a run folder records, the same for `tradegym run` (test split)
// and `tradegym train` over seeds (validation split): each seed's best checkpoint scored as
// `eval` would score it (loaded from disk), the agent as the mean over seeds, bootstrap intervals
// against buy-and-hold, each seed's validation curve and overfitting check, the seed whose
// checkpoint the run folder keeps, and one log.jsonl naming each record's seed.
import { cp, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Range } from '../../envs/splits.js';
import type { ScoredPolicy } from '../baselines-run.js';
import { checkValidationCurve } from '../overfitting.js';
import type { Prepared } from '../prepare.js';
import { parseLog, RUN_FILES, type AgentSeeds, type BootstrapRecord, type LogRecord, type RunMetrics } from '../run-dir.js';
import type { TrainResult } from '../train-agent.js';
import { checkpointScorer } from '../checkpoint-scorer.js';
import { BOOTSTRAP_METHOD, bootstrapCurves, poolSeeds } from '../uncertainty.js';
import { jobDir } from './seed-job.js';
import { meanCurve, meanMetrics, metricSpreads } from './spread.js';

export interface SeedOutcome {
  seed: number;
  training: TrainResult;
  /** Its best checkpoint on the scored range. */
  scored: ScoredPolicy;
  /** Scores the same checkpoint on any other range (walk-forward sub-windows). */
  scorer: (range: Range) => ScoredPolicy;
}

/** Every seed's best checkpoint on `range`, in seed order. */
export async function scoreSeeds(p: Prepared, name: string, trainings: { seed: number; training: TrainResult }[], range: Range): Promise<SeedOutcome[]> {
  const out: SeedOutcome[] = [];
  for (const { seed, training } of trainings) {
    const scorer = await checkpointScorer(p, training.bestDir, name);
    out.push({ seed, training, scored: scorer(range), scorer });
  }
  return out;
}

/** The agent as one policy: its seeds' mean metrics, and their mean equity for the charts. */
export function agentMean(name: string, scored: ScoredPolicy[]): ScoredPolicy {
  const metrics = meanMetrics(scored.map((s) => s.metrics));
  return { name, metrics, curve: meanCurve(scored.map((s) => s.curve), metrics) };
}

/** The seed with the best validation score (the first of equals): the one `eval <run>` and deploy get. */
export function checkpointSeed(seeds: SeedOutcome[]): number {
  let best = seeds[0];
  for (const s of seeds) if (s.training.best.score > best.training.best.score) best = s;
  return best.seed;
}

export const seedKey = (seed: number): string => `seed ${seed}`;

export interface SeedsRecord {
  agent: AgentSeeds;
  bootstrap: NonNullable<RunMetrics['bootstrap']>;
}

/**
 * metrics.json's `agent` and `bootstrap`: every seed and every baseline against buy-and-hold
 * (which must be among `baselines`) on one block length and the run's seed.
 */
export function seedsRecord(name: string, selectBy: string, seeds: SeedOutcome[], baselines: ScoredPolicy[], seed: number): SeedsRecord {
  const hold = baselines.find((s) => s.name === 'buy-and-hold');
  if (!hold) throw new Error('the seeds are scored against buy-and-hold, which is not among the scored policies');
  const others = baselines.filter((s) => s !== hold);
  const intervals = bootstrapCurves([...seeds.map((s) => ({ name: seedKey(s.seed), curve: s.scored.curve })), ...others], hold.curve, seed);
  const boots = seeds.map((s) => intervals[seedKey(s.seed)]);
  const pooled = poolSeeds(boots);
  const agent: AgentSeeds = {
    policy: name,
    selectBy,
    seeds: seeds.map((s, i) => {
      const t = s.training;
      const check = checkValidationCurve(t.validation, { step: t.best.step, score: t.best.score }, selectBy);
      return {
        seed: s.seed, dir: join('seeds', String(s.seed)), metrics: s.scored.metrics, bootstrap: boots[i],
        training: { steps: t.steps, selected: { step: t.best.step, score: t.best.score }, validation: t.validation, ...(check?.warning ? { warning: check.warning } : {}) },
      };
    }),
    spread: metricSpreads(seeds.map((s) => s.scored.metrics)),
    pooled,
    checkpointSeed: checkpointSeed(seeds),
  };
  // The agent first, as in `policies`: its seeds pooled (each seed's own intervals are in agent.seeds).
  const pooledRecord: BootstrapRecord = { blockLength: boots[0].blockLength, samples: boots[0].samples, level: boots[0].level, bars: boots[0].bars, ...pooled };
  const policies = Object.fromEntries([[name, pooledRecord] as const, ...others.map((s) => [s.name, intervals[s.name]] as const)]);
  return { agent, bootstrap: { method: BOOTSTRAP_METHOD, benchmark: hold.name, policies } };
}

/** Copies the chosen seed's checkpoints/{best,last} to the run folder's own checkpoints/. */
export async function adoptCheckpoints(runDir: string, seed: number): Promise<void> {
  const from = jobDir(runDir, seed);
  for (const c of ['best', 'last']) await cp(join(from, 'checkpoints', c), join(runDir, 'checkpoints', c), { recursive: true });
}

/** The seeds' training logs as one log.jsonl (each record naming its seed), for the report's training charts. */
export async function mergedLog(runDir: string, seeds: number[]): Promise<LogRecord[]> {
  const out: LogRecord[] = [];
  for (const seed of seeds) {
    const path = join(jobDir(runDir, seed), RUN_FILES.log);
    for (const r of parseLog(await readFile(path, 'utf8'), path)) out.push({ seed, ...r });
  }
  return out;
}
