// Rate of change as TA-Lib ROC: 100 * (values[i] / values[i-n] - 1), and 0 when values[i-n] is 0
// (TA-Lib's choice, kept so the numbers match). Lookback n. NaN in either value gives NaN.
import { checkPeriod, outArray } from './params.js';

export function rocLookback(n = 10): number {
  return checkPeriod('n', n);
}

export class RocStream {
  readonly lookback: number;
  private readonly ring: Float64Array;
  private pos = 0;
  private seen = 0;

  constructor(readonly n = 10) {
    this.lookback = rocLookback(n);
    this.ring = new Float64Array(n);
  }

  update(x: number): number {
    const prior = this.ring[this.pos];
    this.ring[this.pos] = x;
    if (++this.pos === this.n) this.pos = 0;
    if (this.seen < this.n) {
      this.seen++;
      return NaN;
    }
    return prior !== 0 ? (x / prior - 1) * 100 : 0;
  }

  reset(): void {
    this.ring.fill(0);
    this.pos = 0;
    this.seen = 0;
  }
}

/** Batch ROC; `out` may be `values` itself. */
export function roc(values: Float64Array, n = 10, out?: Float64Array): Float64Array {
  const s = new RocStream(n);
  const o = outArray(out, values.length);
  for (let i = 0; i < values.length; i++) o[i] = s.update(values[i]);
  return o;
}
