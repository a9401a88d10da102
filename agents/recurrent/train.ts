// One call from an env and a config to a trained recurrent agent (as agents/ppo/train.ts).
import { join } from 'node:path';
import type { VecEnvLike } from '../common/vec-env-like.js';
import type { PpoUpdateRecord } from '../ppo/update-record.js';
import type { RecurrentPpoConfigInput } from './config.js';
import { RecurrentPpoTrainer, type RecurrentTrainerOptions } from './trainer.js';

export interface TrainRecurrentPpoOptions extends RecurrentTrainerOptions {
  onUpdate?: (r: PpoUpdateRecord, trainer: RecurrentPpoTrainer) => boolean | void | Promise<boolean | void>;
  /** Writes `<dir>/last` every `checkpointEvery` updates and at the end. */
  checkpointDir?: string;
  checkpointEvery?: number;
  resumeFrom?: string;
}

export async function trainRecurrentPpo(env: VecEnvLike, config: RecurrentPpoConfigInput = {}, opts: TrainRecurrentPpoOptions = {}): Promise<{ trainer: RecurrentPpoTrainer; history: PpoUpdateRecord[] }> {
  const trainer = opts.resumeFrom ? await RecurrentPpoTrainer.load(opts.resumeFrom, env, opts) : await RecurrentPpoTrainer.create(env, config, opts);
  const every = opts.checkpointEvery ?? 0;
  const history = await trainer.learn({
    onUpdate: async (r) => {
      if (opts.checkpointDir && every > 0 && r.update % every === 0) await trainer.save(join(opts.checkpointDir, 'last'));
      return opts.onUpdate?.(r, trainer);
    },
  });
  if (opts.checkpointDir) await trainer.save(join(opts.checkpointDir, 'last'));
  return { trainer, history };
}
