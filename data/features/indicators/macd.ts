// MACD as TA-Lib defines it (not the textbook EMA(fast) - EMA(slow) from bar 0):
//  - both EMAs start at index slow - 1: the slow one seeded with the SMA of values[0..slow-1], the
//    fast one seeded LATE with the SMA of values[slow-fast..slow-1] (so they start together);
//  - macd = fastEma - slowEma from index slow - 1; signal = EMA(signal) of macd, seeded with the SMA
//    of its first `signal` values; hist = macd - signal;
//  - nothing is output (NaN) before index (slow - 1) + (signal - 1), i.e. 33 for 12/26/9, for all
//    three lines, as TA-Lib.
// The late fast seed differs from the textbook form by an amount that decays like (1 - 2/13)^t and
// is negligible after ~300 bars. EMA steps in TA-Lib's operation order: equal bit for bit.
// Lookback (slow - 1) + (signal - 1). NaN: carried by the recursive state (that output and all later).
import { ConfigError } from '../../errors.js';
import { checkPeriod, outArray } from './params.js';

export interface MacdOptions {
  /** Fast EMA period, default 12. */
  fast?: number;
  /** Slow EMA period, default 26; must be > fast. */
  slow?: number;
  /** Signal EMA period, default 9. */
  signal?: number;
}

export interface MacdValue {
  readonly macd: number;
  readonly signal: number;
  readonly hist: number;
}

export interface MacdSeries {
  macd: Float64Array;
  signal: Float64Array;
  hist: Float64Array;
}

function resolve(opts: MacdOptions): Required<MacdOptions> {
  const fast = checkPeriod('fast', opts.fast ?? 12);
  const slow = checkPeriod('slow', opts.slow ?? 26);
  const signal = checkPeriod('signal', opts.signal ?? 9);
  if (slow <= fast) throw new ConfigError('slow', `must be greater than fast (${fast}), got ${slow}`);
  return { fast, slow, signal };
}

export function macdLookback(opts: MacdOptions = {}): number {
  const { slow, signal } = resolve(opts);
  return slow - 1 + (signal - 1);
}

/** Streaming MACD. `update` returns the stream itself as the record of the three lines. */
export class MacdStream implements MacdValue {
  readonly lookback: number;
  macd = NaN;
  signal = NaN;
  hist = NaN;
  private readonly fast: number;
  private readonly slow: number;
  private readonly signalPeriod: number;
  private readonly kFast: number;
  private readonly kSlow: number;
  private readonly kSignal: number;
  private seen = 0;
  private fastEma = 0;
  private slowEma = 0;
  private signalEma = 0;

  constructor(opts: MacdOptions = {}) {
    const { fast, slow, signal } = resolve(opts);
    this.fast = fast;
    this.slow = slow;
    this.signalPeriod = signal;
    this.kFast = 2 / (fast + 1);
    this.kSlow = 2 / (slow + 1);
    this.kSignal = 2 / (signal + 1);
    this.lookback = slow - 1 + (signal - 1);
  }

  update(x: number): MacdValue {
    const i = this.seen++;
    const slow = this.slow;
    if (i < slow) {
      // Seeding: sum in index order, like TA-Lib's INT_EMA.
      this.slowEma += x;
      if (i >= slow - this.fast) this.fastEma += x;
      if (i < slow - 1) return this;
      this.slowEma /= slow;
      this.fastEma /= this.fast;
    } else {
      this.slowEma = (x - this.slowEma) * this.kSlow + this.slowEma;
      this.fastEma = (x - this.fastEma) * this.kFast + this.fastEma;
    }
    const line = this.fastEma - this.slowEma;
    const j = i - (slow - 1);
    if (j < this.signalPeriod) {
      this.signalEma += line;
      if (j < this.signalPeriod - 1) return this;
      this.signalEma /= this.signalPeriod;
    } else {
      this.signalEma = (line - this.signalEma) * this.kSignal + this.signalEma;
    }
    this.macd = line;
    this.signal = this.signalEma;
    this.hist = line - this.signalEma;
    return this;
  }

  reset(): void {
    this.seen = 0;
    this.fastEma = 0;
    this.slowEma = 0;
    this.signalEma = 0;
    this.macd = NaN;
    this.signal = NaN;
    this.hist = NaN;
  }
}

/** Batch MACD; arrays given in `out` are filled (each must have values.length elements). */
export function macd(values: Float64Array, opts: MacdOptions = {}, out: Partial<MacdSeries> = {}): MacdSeries {
  const s = new MacdStream(opts);
  const len = values.length;
  const m = outArray(out.macd, len, 'out.macd');
  const sig = outArray(out.signal, len, 'out.signal');
  const h = outArray(out.hist, len, 'out.hist');
  for (let i = 0; i < len; i++) {
    s.update(values[i]);
    m[i] = s.macd;
    sig[i] = s.signal;
    h[i] = s.hist;
  }
  return { macd: m, signal: sig, hist: h };
}
