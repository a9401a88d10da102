// What an on-policy trainer needs from a batch of envs. envs/vec-env.ts's VecEnv satisfies it
// structurally (no import either way: agents sit above envs, and other vectorised envs, such as
// envs/cartpole.ts's, can satisfy it too).
import type { Space } from '../../envs/spaces.js';

export interface VecEnvLike {
  readonly n: number;
  readonly obsSize: number;
  readonly observationSpace: Space;
  readonly actionSpace: Space;
  /** [n, obsSize], rewritten in place by reset() and step(); after an episode ends it already holds the next episode's first observation. */
  readonly obs: Float32Array;
  readonly rewards: ArrayLike<number>;
  readonly terminated: ArrayLike<number>;
  readonly truncated: ArrayLike<number>;
  /** [n, obsSize]: the last observation of an episode that ended this step (valid where done). */
  readonly finalObs: Float32Array;
  /** Return and length of the episodes that ended this step (valid where done). */
  readonly episodeReturn: ArrayLike<number>;
  readonly episodeLength: ArrayLike<number>;
  /** Discrete: n action indices; Box: n * actionDim values, row-major. */
  step(actions: ArrayLike<number>): void;
  reset(seed?: number): Float32Array;
  /** Optional: a JSON-able snapshot of every env, so a checkpoint can resume the exact episode in a new process. */
  saveState?(): unknown;
  restoreState?(state: unknown): void;
}
