// Exponential moving average, TA-Lib EMA (default compatibility): k = 2 / (n + 1), seeded with
// the SMA of the first n values at index n - 1, then ema = (x - ema) * k + ema, in that operation
// order so the numbers equal TA-Lib's bit for bit. Lookback n - 1.
// NaN: the recursive state carries it, so a NaN input makes that output and every later one NaN
// (clean the data first, or reset()).
import { checkPeriod, outArray } from './params.js';

export function emaLookback(n: number): number {
  return checkPeriod('n', n) - 1;
}

export class EmaStream {
  readonly lookback: number;
  private readonly k: number;
  private seen = 0;
  private value = 0;

  constructor(readonly n: number) {
    this.lookback = emaLookback(n);
    this.k = 2 / (n + 1);
  }

  update(x: number): number {
    const seen = ++this.seen;
    if (seen > this.n) {
      this.value = (x - this.value) * this.k + this.value;
      return this.value;
    }
    // Seeding: sum the first n values in order, as TA-Lib does.
    this.value += x;
    if (seen < this.n) return NaN;
    this.value /= this.n;
    return this.value;
  }

  reset(): void {
    this.seen = 0;
    this.value = 0;
  }
}

/** Batch EMA; `out` may be `values` itself. */
export function ema(values: Float64Array, n: number, out?: Float64Array): Float64Array {
  const s = new EmaStream(n);
  const o = outArray(out, values.length);
  for (let i = 0; i < values.length; i++) o[i] = s.update(values[i]);
  return o;
}
