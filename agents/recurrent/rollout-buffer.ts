// The PPO rollout buffer plus what recurrence needs per step: the LSTM state each env's step
// started from (so sequence minibatches can start mid-episode exactly where the rollout was) and
// whether an episode started at that step (where BPTT must reset the state).
import { RolloutBuffer } from '../common/rollout-buffer.js';

export class RecurrentRolloutBuffer extends RolloutBuffer {
  /** [size, H] hidden and cell state going INTO step t of env i (zero where an episode started). */
  readonly hidden: Float32Array;
  readonly cell: Float32Array;
  /** 1 where the observation of row t * envs + i is the first of an episode. */
  readonly starts: Uint8Array;

  constructor(steps: number, envs: number, obsSize: number, actionDim: number, readonly lstmHidden: number) {
    super(steps, envs, obsSize, actionDim);
    this.hidden = new Float32Array(this.size * lstmHidden);
    this.cell = new Float32Array(this.size * lstmHidden);
    this.starts = new Uint8Array(this.size);
  }
}
