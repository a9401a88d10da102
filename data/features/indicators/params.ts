// Argument checks shared by every indicator: a bad period or output buffer is a ConfigError that
// names the parameter, a length mismatch between input columns is a DataError naming the column.
import { ConfigError, DataError } from '../../errors.js';

/** Throws ConfigError unless `value` is an integer >= min (periods, window lengths, depths). */
export function checkPeriod(field: string, value: number, min = 1): number {
  if (!Number.isInteger(value) || value < min) {
    throw new ConfigError(field, `must be an integer >= ${min}, got ${value}`);
  }
  return value;
}

/** Throws ConfigError unless `value` is a finite number (band widths, fee rates). */
export function checkFinite(field: string, value: number): number {
  if (!Number.isFinite(value)) throw new ConfigError(field, `must be a finite number, got ${value}`);
  return value;
}

/**
 * The output array of a batch call: `out` when given (it must have exactly `length` elements, so
 * index i of the output always belongs to row i of the input), else a new one.
 */
export function outArray(out: Float64Array | undefined, length: number, field = 'out'): Float64Array {
  if (out === undefined) return new Float64Array(length);
  if (out.length !== length) throw new ConfigError(field, `has ${out.length} elements, the input has ${length}`);
  return out;
}

/**
 * DataError naming the first column whose length differs from the first one's. Callers then loop
 * to `someTypedArray.length`, not to a returned number: V8 types a typed array's length as a small
 * integer, while a number returned from a helper left the loop counter untyped (measured 3x slower).
 */
export function checkSameLength(columns: Record<string, ArrayLike<number>>): void {
  let length = -1;
  let first = '';
  for (const [name, col] of Object.entries(columns)) {
    if (length < 0) {
      length = col.length;
      first = name;
    } else if (col.length !== length) {
      throw new DataError(`has ${col.length} rows, ${first} has ${length}`, { column: name });
    }
  }
}

/** DataError naming the row unless `ts` is non-decreasing and free of NaN (merges rely on it). */
export function checkAscending(ts: ArrayLike<number>, column: string): void {
  let prev = -Infinity;
  for (let i = 0; i < ts.length; i++) {
    const t = ts[i];
    if (!(t >= prev)) throw new DataError(`${t} after ${prev}: times must be ascending and not NaN`, { column, row: i });
    prev = t;
  }
}
