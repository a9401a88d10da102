// Linearly weighted moving average, TA-Lib WMA: weights 1..n, the newest value weighs n, divided by
// n(n+1)/2. Lookback n - 1. A NaN input makes every output whose window holds it NaN.
//
// O(1) per value: with S the window sum and W the weighted sum, a new value x gives
// W' = W - S + n*x (every older value loses one weight, the oldest drops to 0) and S' = S - old + x.
// Drift guard as in rolling-sum.ts: block sums (weights 1..n by position in the block) replace the
// running sums each time the ring wraps. NaNs count as 0 and are counted.
import { checkPeriod, outArray } from './params.js';

export function wmaLookback(n: number): number {
  return checkPeriod('n', n) - 1;
}

export class WmaStream {
  readonly lookback: number;
  private readonly divider: number;
  private readonly ring: Float64Array;
  private pos = 0;
  private full = false;
  private sum = 0;
  private weighted = 0;
  private blockSum = 0;
  private blockWeighted = 0;
  private nans = 0;

  constructor(readonly n: number) {
    this.lookback = wmaLookback(n);
    this.divider = (n * (n + 1)) / 2;
    this.ring = new Float64Array(n);
  }

  update(x: number): number {
    const n = this.n;
    let v = x;
    if (x !== x) {
      v = 0;
      this.nans++;
    }
    const old = this.ring[this.pos];
    this.ring[this.pos] = x;
    this.blockSum += v;
    this.blockWeighted += (this.pos + 1) * v;
    if (this.full) {
      let oldV = old;
      if (old !== old) {
        oldV = 0;
        this.nans--;
      }
      this.weighted = this.weighted - this.sum + n * v;
      this.sum = this.sum - oldV + v;
    }
    if (++this.pos === n) {
      this.pos = 0;
      this.full = true;
      this.sum = this.blockSum;
      this.weighted = this.blockWeighted;
      this.blockSum = 0;
      this.blockWeighted = 0;
    }
    return this.full && this.nans === 0 ? this.weighted / this.divider : NaN;
  }

  reset(): void {
    this.ring.fill(0);
    this.pos = 0;
    this.full = false;
    this.sum = 0;
    this.weighted = 0;
    this.blockSum = 0;
    this.blockWeighted = 0;
    this.nans = 0;
  }
}

/** Batch WMA; `out` may be `values` itself. */
export function wma(values: Float64Array, n: number, out?: Float64Array): Float64Array {
  const s = new WmaStream(n);
  const o = outArray(out, values.length);
  for (let i = 0; i < values.length; i++) o[i] = s.update(values[i]);
  return o;
}
