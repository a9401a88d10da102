// Running mean and variance per feature (Chan et al.'s parallel update, as SB3's RunningMeanStd),
// serialisable so a checkpoint carries the exact normaliser.
export class RunningMeanStd {
  readonly mean: Float64Array;
  readonly var: Float64Array;
  count: number;
  constructor(readonly size: number, epsilon = 1e-4) {
    this.mean = new Float64Array(size);
    this.var = new Float64Array(size).fill(1);
    this.count = epsilon;
  }
  /** Updates with `batch` rows of `size` values starting at x[0]. */
  update(x: ArrayLike<number>, batch = 1): void {
    const S = this.size;
    for (let j = 0; j < S; j++) {
      let m = 0;
      for (let b = 0; b < batch; b++) m += x[b * S + j];
      m /= batch;
      let v = 0;
      for (let b = 0; b < batch; b++) v += (x[b * S + j] - m) ** 2;
      v /= batch;
      const delta = m - this.mean[j];
      const tot = this.count + batch;
      const m2 = this.var[j] * this.count + v * batch + (delta * delta * this.count * batch) / tot;
      this.mean[j] += (delta * batch) / tot;
      this.var[j] = m2 / tot;
    }
    this.count += batch;
  }
  toJSON(): { mean: number[]; var: number[]; count: number } {
    return { mean: Array.from(this.mean), var: Array.from(this.var), count: this.count };
  }
  static fromJSON(s: { mean: number[]; var: number[]; count: number }): RunningMeanStd {
    const r = new RunningMeanStd(s.mean.length);
    r.mean.set(s.mean);
    r.var.set(s.var);
    r.count = s.count;
    return r;
  }
}
