// Mean and sum of squared deviations of the last n values in O(1) per value: Bollinger bands,
// rolling volatility and z-score share it.
//
// Accuracy. Var = E[x^2] - E[x]^2 over raw prices cancels catastrophically (x^2 ~ 1e9 for BTC while
// the variance may be ~1); TA-Lib does exactly that. Here the sums are of d = x - shift, with shift a
// value from the data near the window, so the cancellation is of (window range)^2, not price^2.
// Drift is guarded as in rolling-sum.ts: block sums (with their own shift, the block's first finite
// value) replace the running sums each time the ring wraps, so rounding builds up over <= 2n updates.
//
// NaN. Counted in `nans` and contributes d = 0 to every sum; users output NaN while nans > 0.

/** ~500 eps: relative size of s2 - s1^2/n below which the difference is rounding. */
const NOISE = 1e-13;

export class RollingMoments {
  private readonly ring: Float64Array;
  private pos = 0;
  private seen = 0;
  private shift = NaN;
  private s1 = 0;
  private s2 = 0;
  private blockShift = NaN;
  private b1 = 0;
  private b2 = 0;
  nans = 0;

  constructor(readonly n: number) {
    this.ring = new Float64Array(n);
  }

  push(x: number): void {
    if (x === x) {
      // A shift is fixed the first time a finite value meets empty sums; NaN marks "not yet".
      if (this.shift !== this.shift) this.shift = x;
      if (this.blockShift !== this.blockShift) this.blockShift = x;
      const d = x - this.shift;
      this.s1 += d;
      this.s2 += d * d;
      const e = x - this.blockShift;
      this.b1 += e;
      this.b2 += e * e;
    } else {
      this.nans++;
    }
    if (this.seen === this.n) {
      const old = this.ring[this.pos];
      if (old === old) {
        const d = old - this.shift;
        this.s1 -= d;
        this.s2 -= d * d;
      } else {
        this.nans--;
      }
    } else {
      this.seen++;
    }
    this.ring[this.pos] = x;
    if (++this.pos === this.n) {
      // The window is now exactly the block: take its fresh sums (and its shift).
      this.pos = 0;
      this.s1 = this.b1;
      this.s2 = this.b2;
      this.shift = this.blockShift;
      this.b1 = 0;
      this.b2 = 0;
      this.blockShift = NaN;
    }
  }

  get full(): boolean {
    return this.seen === this.n;
  }

  /** Mean of the window (meaningful when full and nans === 0). */
  get mean(): number {
    return this.shift + this.s1 / this.n;
  }

  /** Deviation of x from the window mean, computed on shifted values to keep digits. */
  deviation(x: number): number {
    return x - this.shift - this.s1 / this.n;
  }

  /**
   * Sum of squared deviations from the mean. s2 - s1^2/n carries rounding of a few eps * s2, so a
   * result below NOISE * s2 is indistinguishable from a flat window and reads as exactly 0 (this
   * also clamps negatives); otherwise a flat window could give a z-score of +-1 out of pure noise.
   */
  get sumSquares(): number {
    const m2 = this.s2 - (this.s1 * this.s1) / this.n;
    return m2 > NOISE * this.s2 ? m2 : 0;
  }

  reset(): void {
    this.ring.fill(0);
    this.pos = 0;
    this.seen = 0;
    this.shift = NaN;
    this.s1 = 0;
    this.s2 = 0;
    this.blockShift = NaN;
    this.b1 = 0;
    this.b2 = 0;
    this.nans = 0;
  }
}
