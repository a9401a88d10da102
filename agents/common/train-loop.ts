// The training loop every algorithm's one-call `train*` function shares: learn, with a
// per-update callback and `<checkpointDir>/last` written every `checkpointEvery` updates and at the end.
import { join } from 'node:path';

export interface CheckpointedTrainer<R extends { update: number }> {
  learn(opts: { onUpdate?: (r: R) => boolean | void | Promise<boolean | void> }): Promise<R[]>;
  save(dir: string): Promise<void>;
}

export interface TrainLoopOptions<R, T> {
  /** Called after every update; return false to stop. */
  onUpdate?: (r: R, trainer: T) => boolean | void | Promise<boolean | void>;
  /** Writes `<dir>/last` every `checkpointEvery` updates and at the end. */
  checkpointDir?: string;
  checkpointEvery?: number;
  /** Resume from this checkpoint folder instead of starting fresh. */
  resumeFrom?: string;
}

export async function runTrainLoop<R extends { update: number }, T extends CheckpointedTrainer<R>>(trainer: T, opts: TrainLoopOptions<R, T>): Promise<{ trainer: T; history: R[] }> {
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
