// Observation normalisation with running statistics: updated while `training`, frozen otherwise
// (evaluation must not learn from the data it is scored on). Works on one env or a batch buffer.
import type { Env, ResetResult, StepResult } from '../env.js';
import { box, flatSize, type Box, type Space } from '../spaces.js';
import { RunningMeanStd } from './running-stats.js';

export class ObservationNormalizer {
  training = true;
  constructor(readonly stats: RunningMeanStd, readonly clip = 10, readonly epsilon = 1e-8) {}

  /** Normalises `batch` rows of `src` into `dst` (may be the same buffer), updating stats first when training. */
  apply(src: Float32Array, dst: Float32Array, batch = 1): void {
    if (this.training) this.stats.update(src, batch);
    const S = this.stats.size;
    const { mean } = this.stats;
    for (let j = 0; j < S; j++) {
      const m = mean[j];
      const inv = 1 / Math.sqrt(this.stats.var[j] + this.epsilon);
      for (let b = 0; b < batch; b++) {
        const v = (src[b * S + j] - m) * inv;
        dst[b * S + j] = v > this.clip ? this.clip : v < -this.clip ? -this.clip : v;
      }
    }
  }
}

export class NormalizeObservation<I> implements Env<I> {
  readonly observationSpace: Box;
  readonly actionSpace: Space;
  readonly normalizer: ObservationNormalizer;
  private readonly buf: Float32Array;
  private readonly result: StepResult<I>;

  constructor(readonly env: Env<I>, normalizer?: ObservationNormalizer) {
    const size = flatSize(env.observationSpace);
    this.normalizer = normalizer ?? new ObservationNormalizer(new RunningMeanStd(size));
    const c = this.normalizer.clip;
    this.observationSpace = box([size], -c, c);
    this.actionSpace = env.actionSpace;
    this.buf = new Float32Array(size);
    this.result = { obs: this.buf, reward: 0, terminated: false, truncated: false, info: undefined as I };
  }

  reset(opts?: { seed?: number }): ResetResult<I> {
    const r = this.env.reset(opts);
    this.normalizer.apply(r.obs, this.buf);
    return { obs: this.buf, info: r.info };
  }

  step(action: number | ArrayLike<number>): StepResult<I> {
    const r = this.env.step(action);
    this.normalizer.apply(r.obs, this.buf);
    const out = this.result;
    out.reward = r.reward;
    out.terminated = r.terminated;
    out.truncated = r.truncated;
    out.info = r.info;
    return out;
  }
}
