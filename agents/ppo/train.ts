// One call from an env and a config to a trained agent, with an optional per-update callback and
// periodic checkpoints (`checkpointDir/last`), for scripts and the CLI.
import { join } from 'node:path';
import type { VecEnvLike } from '../common/vec-env-like.js';
import type { PpoConfigInput } from './config.js';
import { PpoTrainer, type PpoTrainerOptions } from './trainer.js';
import type { PpoUpdateRecord } from './update-record.js';

export interface TrainPpoOptions extends PpoTrainerOptions {
  /** Called after every update; return false to stop. */
  onUpdate?: (r: PpoUpdateRecord, trainer: PpoTrainer) => boolean | void | Promise<boolean | void>;
  /** Writes `<dir>/last` every `checkpointEvery` updates and at the end. */
  checkpointDir?: string;
  checkpointEvery?: number;
  /** Resume from this checkpoint folder instead of starting fresh. */
  resumeFrom?: string;
}

export async function trainPpo(env: VecEnvLike, config: PpoConfigInput = {}, opts: TrainPpoOptions = {}): Promise<{ trainer: PpoTrainer; history: PpoUpdateRecord[] }> {
  const trainer = opts.resumeFrom ? await PpoTrainer.load(opts.resumeFrom, env, opts) : await PpoTrainer.create(env, config, opts);
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
