// Slow stochastic as TA-Lib STOCH with SMA smoothing. Defaults here are 14 / 3 / 3 (the usual
// charting convention); TA-Lib's own defaults are fastK 5, slowK 3, slowD 3, so pass
// { kPeriod: 5 } to reproduce a default TA-Lib call.
//  - fastK = (close - lowestLow) / ((highestHigh - lowestLow) / 100) over the last kPeriod bars
//    (TA-Lib's exact expression), 0 when the range is 0;
//  - k (TA-Lib's slowK) = SMA(kSmooth) of fastK; d (slowD) = SMA(dPeriod) of k.
//  - Both lines start together at the lookback (kPeriod - 1) + (kSmooth - 1) + (dPeriod - 1) = 17
//    for 14/3/3, as TA-Lib outputs them; k is NaN before that although it exists 2 bars earlier.
// A NaN input makes every output whose windows (kPeriod bars, then the two SMAs) hold it NaN.
import { checkPeriod, checkSameLength, outArray } from './params.js';
import { ScratchBar, type HighLowClose, type HighLowCloseBar } from './bar.js';
import { RollingMax } from './rolling-max.js';
import { SmaStream } from './sma.js';

export interface StochasticOptions {
  /** Bars of the highest-high / lowest-low window, default 14. */
  kPeriod?: number;
  /** SMA period that turns fast %K into %K, default 3. */
  kSmooth?: number;
  /** SMA period of %D, default 3. */
  dPeriod?: number;
}

export interface StochasticValue {
  readonly k: number;
  readonly d: number;
}

export interface StochasticSeries {
  k: Float64Array;
  d: Float64Array;
}

function resolve(opts: StochasticOptions): Required<StochasticOptions> {
  return {
    kPeriod: checkPeriod('kPeriod', opts.kPeriod ?? 14),
    kSmooth: checkPeriod('kSmooth', opts.kSmooth ?? 3),
    dPeriod: checkPeriod('dPeriod', opts.dPeriod ?? 3),
  };
}

export function stochasticLookback(opts: StochasticOptions = {}): number {
  const { kPeriod, kSmooth, dPeriod } = resolve(opts);
  return kPeriod - 1 + (kSmooth - 1) + (dPeriod - 1);
}

/** Streaming stochastic. `update` returns the stream itself as the record { k, d }. */
export class StochasticStream implements StochasticValue {
  readonly lookback: number;
  k = NaN;
  d = NaN;
  private readonly highest: RollingMax;
  /** Maximum of -low, i.e. minus the lowest low. */
  private readonly negLowest: RollingMax;
  private readonly kSma: SmaStream;
  private readonly dSma: SmaStream;
  private seen = 0;

  constructor(opts: StochasticOptions = {}) {
    const { kPeriod, kSmooth, dPeriod } = resolve(opts);
    this.lookback = kPeriod - 1 + (kSmooth - 1) + (dPeriod - 1);
    this.highest = new RollingMax(kPeriod);
    this.negLowest = new RollingMax(kPeriod);
    this.kSma = new SmaStream(kSmooth);
    this.dSma = new SmaStream(dPeriod);
  }

  update(bar: HighLowCloseBar): StochasticValue {
    const hi = this.highest;
    const lo = this.negLowest;
    hi.push(bar.high);
    lo.push(-bar.low);
    let fastK = NaN;
    if (hi.full && hi.nans === 0 && lo.nans === 0) {
      const lowest = -lo.max;
      const diff = (hi.max - lowest) / 100;
      fastK = diff !== 0 ? (bar.close - lowest) / diff : 0;
    }
    // NaN before the first full window: the SMAs then output NaN exactly until that has passed.
    const k = this.kSma.update(fastK);
    const d = this.dSma.update(k);
    if (this.seen++ < this.lookback) return this;
    this.k = k;
    this.d = d;
    return this;
  }

  reset(): void {
    this.highest.reset();
    this.negLowest.reset();
    this.kSma.reset();
    this.dSma.reset();
    this.seen = 0;
    this.k = NaN;
    this.d = NaN;
  }
}

/** Batch stochastic; arrays given in `out` are filled (each must have one element per bar). */
export function stochastic(bars: HighLowClose, opts: StochasticOptions = {}, out: Partial<StochasticSeries> = {}): StochasticSeries {
  const s = new StochasticStream(opts);
  const { high, low, close } = bars;
  checkSameLength({ high, low, close });
  const k = outArray(out.k, close.length, 'out.k');
  const d = outArray(out.d, close.length, 'out.d');
  const bar = new ScratchBar();
  for (let i = 0; i < close.length; i++) {
    bar.high = high[i];
    bar.low = low[i];
    bar.close = close[i];
    s.update(bar);
    k[i] = s.k;
    d[i] = s.d;
  }
  return { k, d };
}
