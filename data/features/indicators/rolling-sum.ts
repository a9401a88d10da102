// Sum of the last n values in O(1) per value: the building block of SMA, rolling VWAP and %K/%D.
//
// Drift guard. A running sum updated by `+ new - old` accumulates rounding error forever (TA-Lib's
// SMA does). Here a second sum restarts every n values ("block"); when the ring wraps, the window
// holds exactly that block, so the running sum is replaced by the block's fresh sum. Rounding can
// therefore build up over at most 2n updates, the same order as summing the window from scratch,
// while every update stays O(1) (no periodic O(n) rescan).
//
// NaN. A NaN value counts as 0 in the sums and is counted in `nans`; `nans > 0` means the window
// holds a NaN, and users then output NaN. Once the NaN leaves the window the sum is exact again.

export class RollingSum {
  private readonly ring: Float64Array;
  private pos = 0;
  private seen = 0;
  private running = 0;
  private block = 0;
  /** NaN values currently in the window. */
  nans = 0;
  /**
   * Non-zero values currently in the window. An all-zero window (e.g. no volume) then reads as
   * exactly empty, whatever rounding residue `+ x - old` left in the running sum.
   */
  nonZero = 0;

  constructor(readonly n: number) {
    // Zeros: before the window is full the "leaving" value is a 0, which leaves the sum unchanged.
    this.ring = new Float64Array(n);
  }

  push(x: number): void {
    const old = this.ring[this.pos];
    this.ring[this.pos] = x;
    if (x === x) {
      this.running += x;
      this.block += x;
      if (x !== 0) this.nonZero++;
    } else {
      this.nans++;
    }
    if (old === old) {
      this.running -= old;
      if (old !== 0) this.nonZero--;
    } else {
      this.nans--;
    }
    if (++this.pos === this.n) {
      this.pos = 0;
      this.running = this.block;
      this.block = 0;
    }
    if (this.seen < this.n) this.seen++;
  }

  /** True once n values have been pushed. */
  get full(): boolean {
    return this.seen === this.n;
  }

  /** Sum of the window (NaNs counted as 0; check `nans`). */
  get sum(): number {
    return this.running;
  }

  reset(): void {
    this.ring.fill(0);
    this.pos = 0;
    this.seen = 0;
    this.running = 0;
    this.block = 0;
    this.nans = 0;
    this.nonZero = 0;
  }
}
