// N candle envs stepped together over batched typed arrays, with automatic reset: when an env's
// episode ends, its final observation is copied to `finalObs` and `obs` already holds the first
// observation of its next episode (Gymnasium's "next-step" autoreset is not used: SB3 style).
import { CandleCore, type CandleCoreState, type CandleEnvConfig } from './candle-core.js';
import type { Box, Space } from './spaces.js';

export class VecEnv {
  readonly core: CandleCore;
  readonly n: number;
  readonly observationSpace: Box;
  readonly actionSpace: Space;
  readonly obsSize: number;
  /** [n, obsSize], rewritten in place by reset() and step(). */
  readonly obs: Float32Array;
  readonly rewards: Float64Array;
  readonly terminated: Uint8Array;
  readonly truncated: Uint8Array;
  /** [n, obsSize]: the last observation of an episode that ended this step (valid where done). */
  readonly finalObs: Float32Array;
  /** Return and length of the episodes that ended this step (valid where done). */
  readonly episodeReturn: Float64Array;
  readonly episodeLength: Int32Array;
  private readonly runningReturn: Float64Array;
  private readonly runningLength: Int32Array;
  private readonly targets: Float64Array;

  constructor(n: number, config: CandleEnvConfig, seed = 0) {
    this.core = new CandleCore(n, config, seed);
    this.n = n;
    this.observationSpace = this.core.observationSpace;
    this.actionSpace = this.core.actionSpace;
    this.obsSize = this.core.obsSize;
    this.obs = this.core.obs;
    this.rewards = this.core.rewards;
    this.terminated = this.core.terminated;
    this.truncated = this.core.truncated;
    this.finalObs = new Float32Array(n * this.obsSize);
    this.episodeReturn = new Float64Array(n);
    this.episodeLength = new Int32Array(n);
    this.runningReturn = new Float64Array(n);
    this.runningLength = new Int32Array(n);
    this.targets = new Float64Array(n);
  }

  /** Env state plus the running episode returns, for exact resume (undefined with augmentation). */
  saveState(): { core: CandleCoreState; runningReturn: number[]; runningLength: number[] } | undefined {
    const core = this.core.saveState();
    return core && { core, runningReturn: Array.from(this.runningReturn), runningLength: Array.from(this.runningLength) };
  }

  restoreState(state: unknown): void {
    const s = state as { core: CandleCoreState; runningReturn: number[]; runningLength: number[] };
    this.core.restoreState(s.core);
    this.runningReturn.set(s.runningReturn);
    this.runningLength.set(s.runningLength);
  }

  reset(seed?: number): Float32Array {
    for (let i = 0; i < this.n; i++) {
      if (seed !== undefined) this.core.seed(i, seed);
      this.core.reset(i);
      this.runningReturn[i] = 0;
      this.runningLength[i] = 0;
    }
    return this.obs;
  }

  /** `actions`: n integers (Discrete) or n targets (Box of shape [1]). */
  step(actions: ArrayLike<number>): void {
    const core = this.core;
    const S = this.obsSize;
    const targets = this.targets;
    for (let i = 0; i < this.n; i++) targets[i] = core.target(i, actions[i]);
    core.stepRange(0, this.n, targets);
    for (let i = 0; i < this.n; i++) {
      this.runningReturn[i] += core.rewards[i];
      this.runningLength[i] += 1;
      if (core.terminated[i] || core.truncated[i]) {
        for (let k = i * S; k < i * S + S; k++) this.finalObs[k] = core.obs[k];
        this.episodeReturn[i] = this.runningReturn[i];
        this.episodeLength[i] = this.runningLength[i];
        this.runningReturn[i] = 0;
        this.runningLength[i] = 0;
        // reset() clears the done flags; keep them visible to the caller for this step.
        const term = core.terminated[i];
        const trunc = core.truncated[i];
        core.reset(i);
        core.terminated[i] = term;
        core.truncated[i] = trunc;
      }
    }
  }
}
