// Simple moving average, TA-Lib SMA: out[i] = mean(values[i-n+1..i]).
// Lookback n - 1: out[0..n-2] are NaN. A NaN input makes every output whose window holds it NaN.
// Running sum with the block drift guard of rolling-sum.ts (TA-Lib's own running sum drifts).
import { checkPeriod, outArray } from './params.js';
import { RollingSum } from './rolling-sum.js';

export function smaLookback(n: number): number {
  return checkPeriod('n', n) - 1;
}

export class SmaStream {
  readonly lookback: number;
  private readonly window: RollingSum;

  constructor(readonly n: number) {
    this.lookback = smaLookback(n);
    this.window = new RollingSum(n);
  }

  update(x: number): number {
    const w = this.window;
    w.push(x);
    return w.full && w.nans === 0 ? w.sum / this.n : NaN;
  }

  reset(): void {
    this.window.reset();
  }
}

/** Batch SMA; `out` may be `values` itself (each value is read before its slot is written). */
export function sma(values: Float64Array, n: number, out?: Float64Array): Float64Array {
  const s = new SmaStream(n);
  const o = outArray(out, values.length);
  for (let i = 0; i < values.length; i++) o[i] = s.update(values[i]);
  return o;
}
