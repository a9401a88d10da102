// Relative strength index, Wilder's smoothing as TA-Lib RSI (default compatibility, no unstable
// period): the first n changes (values[1..n] minus their predecessors) are averaged, giving the
// first output at index n; after that avg = (avg * (n - 1) + change) / n for gains and losses.
// RSI = 100 * avgGain / (avgGain + avgLoss), and 0 when that sum is below 1e-14 in magnitude
// (TA-Lib's TA_IS_ZERO). Same operation order as TA-Lib, so the numbers agree bit for bit.
// Lookback n. NaN: carried by the recursive state, so that output and every later one are NaN.
import { checkPeriod, outArray } from './params.js';

/** TA-Lib's zero test for the denominator. */
const EPSILON = 1e-14;

export function rsiLookback(n = 14): number {
  // n = 1 is a special case in TA-Lib (the input is copied through); it is not an RSI.
  return checkPeriod('n', n, 2);
}

export class RsiStream {
  readonly lookback: number;
  private seen = 0;
  private prev = 0;
  private gain = 0;
  private loss = 0;

  constructor(readonly n = 14) {
    this.lookback = rsiLookback(n);
  }

  update(x: number): number {
    const seen = ++this.seen;
    const change = x - this.prev;
    this.prev = x;
    if (seen === 1) return NaN;
    const n = this.n;
    if (seen > n + 1) {
      this.loss *= n - 1;
      this.gain *= n - 1;
      if (change < 0) this.loss -= change;
      else this.gain += change;
      this.loss /= n;
      this.gain /= n;
      return this.value();
    }
    if (change < 0) this.loss -= change;
    else this.gain += change;
    if (seen <= n) return NaN;
    this.loss /= n;
    this.gain /= n;
    return this.value();
  }

  private value(): number {
    const total = this.gain + this.loss;
    return total > -EPSILON && total < EPSILON ? 0 : 100 * (this.gain / total);
  }

  reset(): void {
    this.seen = 0;
    this.prev = 0;
    this.gain = 0;
    this.loss = 0;
  }
}

/** Batch RSI; `out` may be `values` itself. */
export function rsi(values: Float64Array, n = 14, out?: Float64Array): Float64Array {
  const s = new RsiStream(n);
  const o = outArray(out, values.length);
  for (let i = 0; i < values.length; i++) o[i] = s.update(values[i]);
  return o;
}
