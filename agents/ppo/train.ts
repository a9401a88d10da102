// One call from an env and a config to a trained agent, with an optional per-update callback and
// periodic checkpoints (`checkpointDir/last`), for scripts and the CLI.
import type { VecEnvLike } from '../common/vec-env-like.js';
import { runTrainLoop, type TrainLoopOptions } from '../common/train-loop.js';
import type { PpoConfigInput } from './config.js';
import { PpoTrainer, type PpoTrainerOptions } from './trainer.js';
import type { PpoUpdateRecord } from './update-record.js';

export interface TrainPpoOptions extends PpoTrainerOptions, TrainLoopOptions<PpoUpdateRecord, PpoTrainer> {}

export async function trainPpo(env: VecEnvLike, config: PpoConfigInput = {}, opts: TrainPpoOptions = {}): Promise<{ trainer: PpoTrainer; history: PpoUpdateRecord[] }> {
  const trainer = opts.resumeFrom ? await PpoTrainer.load(opts.resumeFrom, env, opts) : await PpoTrainer.create(env, config, opts);
  return runTrainLoop(trainer, opts);
}
