// One training of a run: one seed on one set of windows (the run's own splits, or a walk-forward
// fold's), written into its own folder: log.jsonl, TensorBoard events and checkpoints/{best,last}
// picked on that job's validation window. Jobs run in worker processes (seed-pool.ts) or, with
// one worker, in the coordinator's process; either way a job's result depends only on the job.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Splits } from '../../envs/splits.js';
import { prepareExperiment, prepareSplits, type Prepared } from '../prepare.js';
import { configText } from '../run-folder.js';
import type { ExperimentConfig } from '../schema.js';
import { SummaryWriter } from '../tensorboard/summary-writer.js';
import { trainAgent, type AgentUpdate, type TrainResult } from '../train-agent.js';

export interface SeedJob {
  /** Position in the run's job list. */
  id: number;
  seed: number;
  /** Walk-forward fold (retrained); absent: the run's own splits. */
  fold?: number;
  /** The resolved experiment with `seed` set to this job's seed. */
  config: ExperimentConfig;
  /** The fold's windows; absent: the config's splits. */
  splits?: Splits;
  /** Where the job writes: <run>/seeds/<seed>/ or <run>/folds/<k>/seeds/<seed>/. */
  dir: string;
}

export type JobProgress = (r: AgentUpdate, validation?: { score: number; best: number }) => void;

/** "seed 3" or "fold 1 x seed 3": how messages and progress name a job. */
export const jobLabel = (j: Pick<SeedJob, 'seed' | 'fold'>): string => (j.fold === undefined ? `seed ${j.seed}` : `fold ${j.fold} x seed ${j.seed}`);

/** The job folder under a run folder. */
export function jobDir(runDir: string, seed: number, fold?: number): string {
  return fold === undefined ? join(runDir, 'seeds', String(seed)) : join(runDir, 'folds', String(fold), 'seeds', String(seed));
}

/** The data of a job, before its seed: the config's splits or the fold's windows (pipeline refit on its train window). */
export async function prepareJob(job: SeedJob): Promise<Prepared> {
  const p = await prepareExperiment(job.config);
  return job.splits ? prepareSplits(p, job.splits) : p;
}

/**
 * Trains the job's agent. `prepared` is the job's data when the caller has it already (the
 * coordinator does); only its config's seed may differ from the job's, which is applied here.
 */
export async function runSeedJob(job: SeedJob, progress?: JobProgress, prepared?: Prepared): Promise<TrainResult> {
  const base = prepared ?? (await prepareJob(job));
  const p: Prepared = { ...base, config: job.config };
  const tb = new SummaryWriter(job.dir);
  tb.text('config', configText(job.config));
  let training: TrainResult;
  try {
    training = await trainAgent(p, job.dir, tb, progress);
  } finally {
    tb.close();
  }
  if (training.best.step < 0 || !existsSync(join(training.bestDir, 'policy.json'))) {
    throw new Error(`${jobLabel(job)}: training ended before its first validation: no checkpoint in ${training.bestDir} to score`);
  }
  return training;
}
