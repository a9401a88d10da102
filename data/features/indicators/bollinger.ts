// Bollinger bands as TA-Lib BBANDS with an SMA middle band: middle = SMA(n), std = POPULATION
// standard deviation of the same n values (divides by n, as TA-Lib), upper/lower = middle +- k*std.
// Lookback n - 1. A NaN input makes every output whose window holds it NaN.
// The variance comes from shifted sums (rolling-moments.ts), more accurate than TA-Lib's
// E[x^2] - E[x]^2 on raw prices (on BTC 1m data TA-Lib's std is off by up to ~1e-8 relative, this
// one by ~1e-13). TA-Lib zeroes variances below 1e-14 (absolute); this code zeroes one only when it
// is below the rounding noise of its sums, relative to their size.
import { checkFinite, checkPeriod, outArray } from './params.js';
import { RollingMoments } from './rolling-moments.js';

export interface BollingerOptions {
  /** Window, default 20. */
  n?: number;
  /** Band width in standard deviations, default 2. */
  k?: number;
}

export interface BollingerValue {
  readonly upper: number;
  readonly middle: number;
  readonly lower: number;
  /** Population standard deviation of the window. */
  readonly std: number;
}

export interface BollingerSeries {
  upper: Float64Array;
  middle: Float64Array;
  lower: Float64Array;
  std: Float64Array;
}

export function bollingerLookback(opts: BollingerOptions = {}): number {
  return checkPeriod('n', opts.n ?? 20) - 1;
}

/** Streaming bands. `update` returns the stream itself as the record of the bands. */
export class BollingerStream implements BollingerValue {
  readonly lookback: number;
  readonly n: number;
  readonly k: number;
  upper = NaN;
  middle = NaN;
  lower = NaN;
  std = NaN;
  private readonly window: RollingMoments;

  constructor(opts: BollingerOptions = {}) {
    this.lookback = bollingerLookback(opts);
    this.n = this.lookback + 1;
    this.k = checkFinite('k', opts.k ?? 2);
    this.window = new RollingMoments(this.n);
  }

  update(x: number): BollingerValue {
    const w = this.window;
    w.push(x);
    if (!w.full || w.nans > 0) {
      this.upper = this.middle = this.lower = this.std = NaN;
      return this;
    }
    const mid = w.mean;
    const std = Math.sqrt(w.sumSquares / this.n);
    const width = std * this.k;
    this.middle = mid;
    this.std = std;
    this.upper = mid + width;
    this.lower = mid - width;
    return this;
  }

  reset(): void {
    this.window.reset();
    this.upper = this.middle = this.lower = this.std = NaN;
  }
}

/** Batch bands; arrays given in `out` are filled (each must have values.length elements). */
export function bollinger(values: Float64Array, opts: BollingerOptions = {}, out: Partial<BollingerSeries> = {}): BollingerSeries {
  const s = new BollingerStream(opts);
  const len = values.length;
  const upper = outArray(out.upper, len, 'out.upper');
  const middle = outArray(out.middle, len, 'out.middle');
  const lower = outArray(out.lower, len, 'out.lower');
  const std = outArray(out.std, len, 'out.std');
  for (let i = 0; i < len; i++) {
    s.update(values[i]);
    upper[i] = s.upper;
    middle[i] = s.middle;
    lower[i] = s.lower;
    std[i] = s.std;
  }
  return { upper, middle, lower, std };
}
