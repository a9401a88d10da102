// Time splits: contiguous, in time order (train, then valid, then test), never shuffled.
import { ConfigError } from '../data/errors.js';

export interface Range {
  /** First row (inclusive). */
  from: number;
  /** End row (exclusive). */
  to: number;
}

export interface Splits {
  train: Range;
  valid: Range;
  test: Range;
}

/** Splits rows [0, rows) by fractions (train + valid + test = 1). */
export function timeSplits(rows: number, f: { train: number; valid: number; test?: number } = { train: 0.7, valid: 0.15 }): Splits {
  const test = f.test ?? 1 - f.train - f.valid;
  if (f.train <= 0 || f.valid < 0 || test < 0 || Math.abs(f.train + f.valid + test - 1) > 1e-9) {
    throw new ConfigError('splits', `fractions must be positive and sum to 1 (train ${f.train}, valid ${f.valid}, test ${test})`);
  }
  const a = Math.floor(rows * f.train);
  const b = Math.floor(rows * (f.train + f.valid));
  return { train: { from: 0, to: a }, valid: { from: a, to: b }, test: { from: b, to: rows } };
}

/** Splits by timestamps: train before `validFrom`, valid before `testFrom`, test after. */
export function dateSplits(ts: Float64Array, validFrom: number, testFrom: number): Splits {
  if (!(validFrom < testFrom)) throw new ConfigError('splits', 'validFrom must be before testFrom');
  const idx = (x: number) => {
    let lo = 0;
    let hi = ts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ts[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const a = idx(validFrom);
  const b = idx(testFrom);
  return { train: { from: 0, to: a }, valid: { from: a, to: b }, test: { from: b, to: ts.length } };
}
