// The per-row value rules (a possible time, NaN, prices > 0, low <= open/close <= high, volume >= 0),
// written once and used by both the check (which reports every problem) and the repair (which acts
// on the first).
import type { CandleColumn, Candles } from '../types.js';
import { CANDLE_COLUMNS } from '../types.js';
import { DataError } from '../errors.js';
import { outOfBounds } from '../market-time.js';
import type { TimeBounds } from '../market-time.js';

export type ValueRule = 'impossible-time' | 'nan' | 'non-positive-price' | 'high-low' | 'negative-volume';

/** Receives one problem of a row; `problem` names the column and values, e.g. "high 40100 < low 40200". */
export type ValueSink = (rule: ValueRule, column: CandleColumn, value: number, problem: string) => void;

const PRICE_COLUMNS = ['open', 'high', 'low', 'close'] as const;

/** Throws DataError when the columns do not all have the length of `ts`. */
export function assertSameLength(c: Candles, file?: string): void {
  for (const col of CANDLE_COLUMNS) {
    if (c[col].length !== c.ts.length) {
      throw new DataError(`column ${col} has ${c[col].length} rows but ts has ${c.ts.length}`, { file, column: col });
    }
  }
}

/**
 * Checks the values of row i and calls `sink` once per problem; returns how many it found (0 for a
 * clean row). A clean row costs one combined comparison and no allocation; strings are built only
 * for bad rows.
 */
export function checkRowValues(c: Candles, i: number, bounds: TimeBounds, sink: ValueSink): number {
  const ts = c.ts[i], o = c.open[i], h = c.high[i], l = c.low[i], cl = c.close[i], v = c.volume[i];
  // x - x === 0 holds exactly for finite x. low <= open/close <= high and low > 0 imply all prices > 0.
  if (
    ts >= bounds.min && ts <= bounds.max && o - o === 0 && h - h === 0 && l - l === 0 && cl - cl === 0 && v - v === 0
    && l > 0 && l <= o && o <= h && l <= cl && cl <= h && v >= 0
  ) return 0;
  return slowRow(c, i, bounds, sink);
}

function slowRow(c: Candles, i: number, bounds: TimeBounds, sink: ValueSink): number {
  let n = 0;
  const ts = c.ts[i];
  const outside = Number.isFinite(ts) ? outOfBounds(ts, bounds) : undefined;
  if (outside) { sink('impossible-time', 'ts', ts, outside); n++; }
  for (const col of CANDLE_COLUMNS) {
    const x = c[col][i];
    if (!Number.isFinite(x)) { sink('nan', col, x, `${col} is ${x}`); n++; }
  }
  for (const col of PRICE_COLUMNS) {
    const x = c[col][i];
    if (Number.isFinite(x) && x <= 0) { sink('non-positive-price', col, x, `${col} ${x} <= 0`); n++; }
  }
  const h = c.high[i], l = c.low[i];
  if (Number.isFinite(h) && Number.isFinite(l)) {
    if (h < l) {
      // open/close cannot be judged against an inverted range: report the range only.
      sink('high-low', 'high', h, `high ${h} < low ${l}`); n++;
    } else {
      for (const col of ['open', 'close'] as const) {
        const x = c[col][i];
        if (!Number.isFinite(x)) continue;
        if (x > h) { sink('high-low', col, x, `${col} ${x} > high ${h}`); n++; }
        else if (x < l) { sink('high-low', col, x, `${col} ${x} < low ${l}`); n++; }
      }
    }
  }
  const v = c.volume[i];
  if (Number.isFinite(v) && v < 0) { sink('negative-volume', 'volume', v, `volume ${v} < 0`); n++; }
  return n;
}

/** "close 101 vs 100, volume 3 vs 2" for the columns where row b differs from row a; '' when none. */
export function describeDifference(c: Candles, a: number, b: number): string {
  const parts: string[] = [];
  for (const name of ['open', 'high', 'low', 'close', 'volume'] as const) {
    const x = c[name][a], y = c[name][b];
    if (!Object.is(x, y) && !(x === y)) parts.push(`${name} ${y} vs ${x}`);
  }
  return parts.join(', ');
}
