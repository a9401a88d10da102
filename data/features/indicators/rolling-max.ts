// Maximum of the last n values, amortised O(1) per value (each value enters and leaves a monotonic
// deque once), for the highest high / lowest low of the stochastic. TA-Lib rescans the window when
// the extreme expires, O(n) at worst; the maximum is the same value either way (max is exact).
// The minimum is the maximum of -x (negation is exact), so one class serves both.
//
// NaN. Counted in `nans`; users output NaN while nans > 0. A NaN never pops or is popped, so the
// deque is out of order only around it, and that part expires before the NaN leaves the window.

export class RollingMax {
  /** Deque of (value, arrival number) in a ring of n slots: head = front, tail = next free slot. */
  private readonly vals: Float64Array;
  private readonly idx: Float64Array;
  private head = 0;
  private tail = 0;
  private size = 0;
  /** Values pushed so far; also the arrival number of the next one. */
  private t = 0;
  /** Ring of "was that value NaN" (1/0), so the count drops when it leaves the window. */
  private readonly nanAt: Uint8Array;
  private slot = 0;
  nans = 0;

  constructor(readonly n: number) {
    this.vals = new Float64Array(n);
    this.idx = new Float64Array(n);
    this.nanAt = new Uint8Array(n);
  }

  push(x: number): void {
    const n = this.n;
    const vals = this.vals;
    const idx = this.idx;
    const t = this.t;
    const bad = x !== x ? 1 : 0;
    this.nans += bad - this.nanAt[this.slot];
    this.nanAt[this.slot] = bad;
    if (++this.slot === n) this.slot = 0;
    // Fields in locals: the typed-array stores below would otherwise force V8 to reload them.
    let head = this.head;
    let tail = this.tail;
    let size = this.size;
    // Expire the front first (at most one value leaves per push), so the deque never exceeds n.
    if (size > 0 && idx[head] <= t - n) {
      if (++head === n) head = 0;
      size--;
    }
    // Drop smaller values from the back: they can never be the maximum again.
    while (size > 0) {
      const back = tail === 0 ? n - 1 : tail - 1;
      if (!(vals[back] <= x)) break;
      tail = back;
      size--;
    }
    vals[tail] = x;
    idx[tail] = t;
    if (++tail === n) tail = 0;
    this.head = head;
    this.tail = tail;
    this.size = size + 1;
    this.t = t + 1;
  }

  /** Maximum of the window (of the values pushed so far while not yet full). */
  get max(): number {
    return this.vals[this.head];
  }

  get full(): boolean {
    return this.t >= this.n;
  }

  reset(): void {
    this.head = 0;
    this.tail = 0;
    this.size = 0;
    this.t = 0;
    this.slot = 0;
    this.nans = 0;
    this.nanAt.fill(0);
  }
}
