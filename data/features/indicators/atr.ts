// True range and Average True Range (Wilder), as TA-Lib TRANGE and ATR.
//  - TR[i] = max(high[i] - low[i], |close[i-1] - high[i]|, |close[i-1] - low[i]|) for i >= 1. The
//    first bar has no previous close, so it has no TR (NaN, lookback 1): its high - low is NOT used,
//    exactly as in TA-Lib (some libraries use it as TR[0]; their ATR then differs for a while).
//  - ATR seed at index n = mean of TR[1..n]; then atr = (atr * (n - 1) + TR) / n, in TA-Lib's
//    operation order (bit-for-bit equal). Lookback n.
// NaN: a NaN high/low gives a NaN TR; a NaN close gives a NaN TR on the next bar (max() propagates).
// ATR carries a NaN forever (recursive state).
import { checkPeriod, checkSameLength, outArray } from './params.js';
import { ScratchBar, type HighLowClose, type HighLowCloseBar } from './bar.js';

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
  private prevClose = NaN;
  private seen = 0;
  private value = 0;

  constructor(readonly n = 14) {
    this.lookback = atrLookback(n);
  }

  update(bar: HighLowCloseBar): number {
    const i = this.seen++;
    const prevClose = this.prevClose;
    this.prevClose = bar.close;
    if (i === 0) return NaN;
    const tr = trueRangeOf(bar.high, bar.low, prevClose);
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
    this.prevClose = NaN;
    this.seen = 0;
    this.value = 0;
  }
}

// Each batch form has its own loop (not a shared helper taking the stream): a call site that sees
// one stream class stays monomorphic, and V8 inlines the update (measured 2-3x faster).
export function trueRange(bars: HighLowClose, out?: Float64Array): Float64Array {
  const { high, low, close } = bars;
  checkSameLength({ high, low, close });
  const o = outArray(out, close.length);
  const s = new TrueRangeStream();
  // One scratch bar for the whole loop: no allocation per element.
  const bar = new ScratchBar();
  for (let i = 0; i < close.length; i++) {
    bar.high = high[i];
    bar.low = low[i];
    bar.close = close[i];
    o[i] = s.update(bar);
  }
  return o;
}

export function atr(bars: HighLowClose, n = 14, out?: Float64Array): Float64Array {
  const { high, low, close } = bars;
  checkSameLength({ high, low, close });
  const o = outArray(out, close.length);
  const s = new AtrStream(n);
  const bar = new ScratchBar();
  for (let i = 0; i < close.length; i++) {
    bar.high = high[i];
    bar.low = low[i];
    bar.close = close[i];
    o[i] = s.update(bar);
  }
  return o;
}
