// Rolling z-score: (x - mean) / std over the last n values INCLUDING x, with the SAMPLE std
// (divides by n - 1, like pandas' rolling().std()). 0 when the window is flat (std 0: x equals
// the mean). Lookback n - 1. A NaN input makes every output whose window holds it NaN.
// Not in TA-Lib; checked against a direct two-pass computation in the tests.
import { checkPeriod, outArray } from './params.js';
import { RollingMoments } from './rolling-moments.js';

export function zscoreLookback(n: number): number {
  return checkPeriod('n', n, 2) - 1;
}

export class ZscoreStream {
  readonly lookback: number;
  private readonly window: RollingMoments;

  constructor(readonly n: number) {
    this.lookback = zscoreLookback(n);
    this.window = new RollingMoments(n);
  }

  update(x: number): number {
    const w = this.window;
    w.push(x);
    if (!w.full || w.nans > 0) return NaN;
    const ss = w.sumSquares;
    return ss > 0 ? w.deviation(x) / Math.sqrt(ss / (this.n - 1)) : 0;
  }

  reset(): void {
    this.window.reset();
  }
}

/** Batch z-score; `out` may be `values` itself. */
export function zscore(values: Float64Array, n: number, out?: Float64Array): Float64Array {
  const s = new ZscoreStream(n);
  const o = outArray(out, values.length);
  for (let i = 0; i < values.length; i++) o[i] = s.update(values[i]);
  return o;
}
