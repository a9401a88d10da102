// One call from an env and a config to a trained DDPG/TD3 agent, with an optional per-record
// callback and periodic checkpoints (`checkpointDir/last`, with the replay buffer), for scripts and the CLI.
import type { VecEnvLike } from '../common/vec-env-like.js';
import { runTrainLoop, type TrainLoopOptions } from '../common/train-loop.js';
import type { DdpgConfigInput } from './config.js';
import { DdpgTrainer, type DdpgTrainerOptions } from './trainer.js';
import type { DdpgUpdateRecord } from './update-record.js';

export interface TrainDdpgOptions extends DdpgTrainerOptions, TrainLoopOptions<DdpgUpdateRecord, DdpgTrainer> {}

export async function trainDdpg(env: VecEnvLike, config: DdpgConfigInput = {}, opts: TrainDdpgOptions = {}): Promise<{ trainer: DdpgTrainer; history: DdpgUpdateRecord[] }> {
  const trainer = opts.resumeFrom ? await DdpgTrainer.load(opts.resumeFrom, env, opts) : await DdpgTrainer.create(env, config, opts);
  return runTrainLoop(trainer, opts);
}
