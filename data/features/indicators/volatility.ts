// Rolling volatility: the SAMPLE standard deviation (divides by n - 1) of the last n log returns
// ln(close[i] / close[i-1]). Per bar, not annualised (multiply by sqrt(bars per year) if wanted).
// The first bar has no return, so lookback n: out[n] is the first value (returns 1..n).
// A NaN close gives NaN returns on its bar and the next; outputs whose window holds one are NaN.
// Not in TA-Lib (its STDDEV is a population std of prices); checked against a direct two-pass
// computation in the tests.
import { checkPeriod, outArray } from './params.js';
import { RollingMoments } from './rolling-moments.js';

export function rollingVolatilityLookback(n: number): number {
  return checkPeriod('n', n, 2);
}

export class RollingVolatilityStream {
  readonly lookback: number;
  private readonly window: RollingMoments;
  private prev = NaN;
  private seen = 0;

  constructor(readonly n: number) {
    this.lookback = rollingVolatilityLookback(n);
    this.window = new RollingMoments(n);
  }

  update(close: number): number {
    const first = this.seen++ === 0;
    const prev = this.prev;
    this.prev = close;
    if (first) return NaN;
    const w = this.window;
    w.push(Math.log(close / prev));
    return w.full && w.nans === 0 ? Math.sqrt(w.sumSquares / (this.n - 1)) : NaN;
  }

  reset(): void {
    this.window.reset();
    this.prev = NaN;
    this.seen = 0;
  }
}

/** Batch rolling volatility of a close series; `out` may be `close` itself. */
export function rollingVolatility(close: Float64Array, n: number, out?: Float64Array): Float64Array {
  const s = new RollingVolatilityStream(n);
  const o = outArray(out, close.length);
  for (let i = 0; i < close.length; i++) o[i] = s.update(close[i]);
  return o;
}
