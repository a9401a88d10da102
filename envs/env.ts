// The Gymnasium-shaped interface every tradegym env implements.
import type { Space } from './spaces.js';

export interface ResetResult<I> {
  obs: Float32Array;
  info: I;
}

export interface StepResult<I> {
  obs: Float32Array;
  reward: number;
  /** The episode ended inside the MDP (liquidation, ruin): no value to bootstrap. */
  terminated: boolean;
  /** The episode was cut (end of data or episode length): bootstrap from `obs`. */
  truncated: boolean;
  info: I;
}

/**
 * reset/step return the SAME result object and observation buffer every call (no allocation per
 * step): copy `obs` if you keep it past the next call.
 */
export interface Env<I = unknown> {
  readonly observationSpace: Space;
  readonly actionSpace: Space;
  reset(opts?: { seed?: number }): ResetResult<I>;
  /** `action`: an integer for Discrete, a number or a Float32Array for Box. */
  step(action: number | ArrayLike<number>): StepResult<I>;
}
