// True range and Average True Range (Wilder), as TA-Lib TRANGE and ATR.
//  - TR[i] = max(high[i] - low[i], |close[i-1] - high[i]|, |close[i-1] - low[i]|) for i >= 1. The
//    first bar has no previous close, so it has no TR (NaN, lookback 1): its high - low is NOT used,
//    exactly as in TA-Lib (some libraries use it as TR[0]; their ATR then differs for a while).
//  - ATR seed at index n = mean of TR[1..n]; then atr = (atr * (n - 1) + TR) / n, in TA-Lib's
//    operation order (bit-for-bit equal). Lookback n.
// NaN: a NaN high/low gives a NaN TR; a NaN close gives a NaN TR on the next bar (max() propagates).
// ATR carries a NaN forever (recursive state).
import { checkPeriod, commonLength, outArray } from './params.js';
import type { HighLowClose, HighLowCloseBar } from './bar.js';

export function trueRangeLookback(): number {
  return 1;
}

export function atrLookback(n = 14): number {
  return checkPeriod('n', n);
}

/** The true range of a bar given the previous close (the one definition both forms use). */
export function trueRangeOf(high: number, low: number, prevClose: number): number {
  return Math.max(high - low, Math.abs(prevClose - high), Math.abs(prevClose - low));
}

export class TrueRangeStream {
  readonly lookback = 1;
  private prevClose = NaN;
  private seen = 0;

  update(bar: HighLowCloseBar): number {
    const tr = this.seen++ === 0 ? NaN : trueRangeOf(bar.high, bar.low, this.prevClose);
    this.prevClose = bar.close;
    return tr;
  }

  reset(): void {
    this.prevClose = NaN;
    this.seen = 0;
  }
}

export class AtrStream {
  readonly lookback: number;
  private readonly tr = new TrueRangeStream();
  private seen = 0;
  private value = 0;

  constructor(readonly n = 14) {
    this.lookback = atrLookback(n);
  }

  update(bar: HighLowCloseBar): number {
    const tr = this.tr.update(bar);
    const i = this.seen++;
    if (i === 0) return NaN;
    const n = this.n;
    if (i > n) {
      this.value *= n - 1;
      this.value += tr;
      this.value /= n;
      return this.value;
    }
    this.value += tr;
    if (i < n) return NaN;
    this.value /= n;
    return this.value;
  }

  reset(): void {
    this.tr.reset();
    this.seen = 0;
    this.value = 0;
  }
}

function runBars(bars: HighLowClose, stream: { update(bar: HighLowCloseBar): number }, out?: Float64Array): Float64Array {
  const len = commonLength({ high: bars.high, low: bars.low, close: bars.close });
  const o = outArray(out, len);
  // One scratch bar for the whole loop: no allocation per element.
  const bar = { high: 0, low: 0, close: 0 };
  for (let i = 0; i < len; i++) {
    bar.high = bars.high[i];
    bar.low = bars.low[i];
    bar.close = bars.close[i];
    o[i] = stream.update(bar);
  }
  return o;
}

export function trueRange(bars: HighLowClose, out?: Float64Array): Float64Array {
  return runBars(bars, new TrueRangeStream(), out);
}

export function atr(bars: HighLowClose, n = 14, out?: Float64Array): Float64Array {
  return runBars(bars, new AtrStream(n), out);
}
