// Frame stacking: the observation is the last k observations, oldest first (filled with the
// first observation after a reset), so memoryless policies can see short histories.
import type { Env, ResetResult, StepResult } from '../env.js';
import { box, flatSize, type Box, type Space } from '../spaces.js';

export class FrameStack<I> implements Env<I> {
  readonly observationSpace: Box;
  readonly actionSpace: Space;
  private readonly buf: Float32Array;
  private readonly size: number;
  private readonly result: StepResult<I>;

  constructor(readonly env: Env<I>, readonly k: number) {
    if (!Number.isInteger(k) || k < 1) throw new RangeError(`frame stack size must be a positive integer, got ${k}`);
    const inner = env.observationSpace;
    if (inner.kind !== 'box') throw new TypeError('FrameStack needs a Box observation space');
    this.size = flatSize(inner);
    const lo = new Float32Array(this.size * k);
    const hi = new Float32Array(this.size * k);
    for (let j = 0; j < k; j++) {
      lo.set(inner.low, j * this.size);
      hi.set(inner.high, j * this.size);
    }
    this.observationSpace = box([this.size * k], lo, hi);
    this.actionSpace = env.actionSpace;
    this.buf = new Float32Array(this.size * k);
    this.result = { obs: this.buf, reward: 0, terminated: false, truncated: false, info: undefined as I };
  }

  reset(opts?: { seed?: number }): ResetResult<I> {
    const r = this.env.reset(opts);
    for (let j = 0; j < this.k; j++) this.buf.set(r.obs, j * this.size);
    return { obs: this.buf, info: r.info };
  }

  step(action: number | ArrayLike<number>): StepResult<I> {
    const r = this.env.step(action);
    this.buf.copyWithin(0, this.size);
    this.buf.set(r.obs, (this.k - 1) * this.size);
    const out = this.result;
    out.reward = r.reward;
    out.terminated = r.terminated;
    out.truncated = r.truncated;
    out.info = r.info;
    return out;
  }
}
