// One call from an env and a config to a trained recurrent agent (as agents/ppo/train.ts).
import type { VecEnvLike } from '../common/vec-env-like.js';
import { runTrainLoop, type TrainLoopOptions } from '../common/train-loop.js';
import type { PpoUpdateRecord } from '../ppo/update-record.js';
import type { RecurrentPpoConfigInput } from './config.js';
import { RecurrentPpoTrainer, type RecurrentTrainerOptions } from './trainer.js';

export interface TrainRecurrentPpoOptions extends RecurrentTrainerOptions, TrainLoopOptions<PpoUpdateRecord, RecurrentPpoTrainer> {}

export async function trainRecurrentPpo(env: VecEnvLike, config: RecurrentPpoConfigInput = {}, opts: TrainRecurrentPpoOptions = {}): Promise<{ trainer: RecurrentPpoTrainer; history: PpoUpdateRecord[] }> {
  const trainer = opts.resumeFrom ? await RecurrentPpoTrainer.load(opts.resumeFrom, env, opts) : await RecurrentPpoTrainer.create(env, config, opts);
  return runTrainLoop(trainer, opts);
}
