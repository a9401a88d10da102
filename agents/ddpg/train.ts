// One call from an env and a config to a trained DDPG/TD3 agent, with an optional per-record
// callback and periodic checkpoints (`checkpointDir/last`), for scripts and the CLI.
import { join } from 'node:path';
import type { VecEnvLike } from '../common/vec-env-like.js';
import type { DdpgConfigInput } from './config.js';
import { DdpgTrainer, type DdpgTrainerOptions } from './trainer.js';
import type { DdpgUpdateRecord } from './update-record.js';

export interface TrainDdpgOptions extends DdpgTrainerOptions {
  /** Called after every record; return false to stop. */
  onUpdate?: (r: DdpgUpdateRecord, trainer: DdpgTrainer) => boolean | void | Promise<boolean | void>;
  /** Writes `<dir>/last` (with the replay buffer) every `checkpointEvery` records and at the end. */
  checkpointDir?: string;
  checkpointEvery?: number;
  /** Resume from this checkpoint folder instead of starting fresh. */
  resumeFrom?: string;
}

export async function trainDdpg(env: VecEnvLike, config: DdpgConfigInput = {}, opts: TrainDdpgOptions = {}): Promise<{ trainer: DdpgTrainer; history: DdpgUpdateRecord[] }> {
  const trainer = opts.resumeFrom ? await DdpgTrainer.load(opts.resumeFrom, env, opts) : await DdpgTrainer.create(env, config, opts);
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
