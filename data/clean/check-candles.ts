// Validation of OHLCV candles: finds every problem, changes nothing (repair-candles.ts does that,
// under an explicit policy). Three passes over the typed arrays: rows as given (values, alignment,
// order), time order (duplicates, gaps), prices along time (large moves, spikes: price-moves.ts).
import type { Candles } from '../types.js';
import { rowName } from '../file-position.js';
import { barGrid, barTimeBounds, missingBetween, moveThresholds, offGrid } from './bar-grid.js';
import type { CleanOptions } from './bar-grid.js';
import {
  at, CHECK_RULES, DEFAULT_MAX_FINDINGS_PER_RULE, FindingCollector, finiteRange, RULE_SEVERITY, shortTime,
} from './findings.js';
import type { CheckRule, Report } from './findings.js';
import { assertSameLength, checkRowValues, describeDifference } from './row-values.js';
import type { ValueSink } from './row-values.js';
import { describeMove, scanPriceMoves } from './price-moves.js';
import type { MoveStats } from './price-moves.js';
import { timeOrder } from './time-order.js';

export interface CheckOptions extends CleanOptions {
  /** Findings kept per rule (counts stay exact). Default 1000. */
  maxFindingsPerRule?: number;
}

export interface CheckReport extends Report<CheckRule> {
  exchange: string;
  symbol: string;
  timeframe: string;
  timeframeMs: number;
  /** Bars a complete series would have between firstTs and lastTs but this one lacks (sum over gaps). */
  missingBars: number;
  /** Findings of 'error' and 'warning' rules (see RULE_SEVERITY), counted exactly. */
  errors: number;
  warnings: number;
  /** No error-severity findings (gaps and large moves may remain). */
  ok: boolean;
  /** What the large-move and spike rules judged with. */
  moves: MoveStats & {
    /** The largest 'large-move' finding, for a one-line summary; absent when there is none. */
    largest?: { row: number; ts: number; z: number; pct: number };
  };
}

/**
 * Checks candles against every rule (see CHECK_RULES); never throws for bad values, only for a
 * malformed series (columns of different lengths: DataError; unknown timeframe: ConfigError).
 * Findings hold 0-based indices into the arrays as given; messages name file lines when
 * `opts.positions` says where the rows came from.
 */
export function checkCandles(c: Candles, opts: CheckOptions = {}): CheckReport {
  assertSameLength(c);
  const grid = barGrid(c.timeframe, opts);
  const bounds = barTimeBounds(grid, opts);
  const thresholds = moveThresholds(opts);
  const pos = opts.positions;
  const col = new FindingCollector<CheckRule>(CHECK_RULES, opts.maxFindingsPerRule ?? DEFAULT_MAX_FINDINGS_PER_RULE);
  const n = c.ts.length;
  const ts = c.ts;

  // Pass 1, rows as given. `badClose` marks rows the outlier rule must skip (no meaningful return);
  // `timed` collects the rows whose ts the time rules can judge (finite and possible).
  const badClose = new Uint8Array(n);
  const timed = new Int32Array(n);
  let nTimed = 0;
  let row = 0;
  const sink: ValueSink = (rule, column, value, problem) => {
    if (column === 'close' && rule !== 'high-low') badClose[row] = 1;
    if (col.want(rule)) col.push({ rule, row, ts: ts[row], column, value, message: `${at(row, ts[row], pos)}: ${problem}` });
  };
  let prevRow = -1;
  for (row = 0; row < n; row++) {
    checkRowValues(c, row, bounds, sink);
    const t = ts[row];
    // NaN is reported as 'nan', a time no market can have as 'impossible-time': no time rule can judge them.
    if (!(t >= bounds.min && t <= bounds.max)) continue;
    timed[nTimed++] = row;
    const off = offGrid(grid, t);
    if (off !== 0 && col.want('misaligned')) {
      col.push({
        rule: 'misaligned', row, ts: t, column: 'ts', value: off,
        message: `${at(row, t, pos)}: ts ${t} is ${off} ms past the ${grid.timeframe} grid (bars open at ${shortTime(t - off)}, ${shortTime(t - off + grid.tfMs)})`,
      });
    }
    if (prevRow >= 0 && t < ts[prevRow] && col.want('out-of-order')) {
      col.push({
        rule: 'out-of-order', row, ts: t, column: 'ts',
        message: `${at(row, t, pos)}: ts goes back ${ts[prevRow] - t} ms, before ${rowName(pos, prevRow)} (${shortTime(ts[prevRow])})`,
      });
    }
    prevRow = row;
  }

  // Pass 2, time order: a duplicate or gap is a fact about the set of bars, not about file order.
  const order = timeOrder(ts, nTimed === n ? undefined : timed.subarray(0, nTimed));
  let missingBars = 0;
  let runFirst = order.length > 0 ? order[0] : -1; // first row (in given order) of the current ts
  for (let k = 1; k < order.length; k++) {
    const i = order[k], j = order[k - 1];
    if (ts[i] === ts[j]) {
      if (col.want('duplicate')) {
        const diff = describeDifference(c, runFirst, i);
        col.push({
          rule: 'duplicate', row: i, ts: ts[i], column: 'ts',
          message: `${at(i, ts[i], pos)}: duplicate of ${rowName(pos, runFirst)}, ${diff ? `values differ: ${diff}` : 'identical values'}`,
        });
      }
      continue;
    }
    runFirst = i;
    const missing = missingBetween(grid, ts[j], ts[i]);
    if (missing > 0) {
      missingBars += missing;
      if (col.want('gap')) {
        col.push({
          rule: 'gap', row: j, ts: ts[j], value: missing,
          message: `${at(j, ts[j], pos)}: ${missing} missing ${grid.timeframe} bar${missing === 1 ? '' : 's'} before ${rowName(pos, i)} (${shortTime(ts[i])})`,
        });
      }
    }
  }

  // Pass 3, prices along time order, over one row per ts with a usable close.
  const moveRows = new Int32Array(order.length);
  let m = 0;
  for (let k = 0; k < order.length; k++) {
    const i = order[k];
    if (badClose[i] === 1 || (m > 0 && ts[i] === ts[moveRows[m - 1]])) continue;
    moveRows[m++] = i;
  }
  const scan = scanPriceMoves(c, moveRows.subarray(0, m), grid.tfMs, thresholds.largeMove, thresholds.spike);
  for (const mv of scan.moves) {
    if (!col.want(mv.kind)) continue;
    col.push({
      rule: mv.kind, row: mv.row, ts: ts[mv.row], column: mv.column, value: mv.z,
      message: `${at(mv.row, ts[mv.row], pos)}: ${describeMove(mv, c.close, (r) => rowName(pos, r))}`,
    });
  }
  let largest: CheckReport['moves']['largest'];
  for (const mv of scan.moves) {
    if (mv.kind === 'large-move' && (!largest || mv.z > largest.z)) {
      largest = { row: mv.row, ts: ts[mv.row], z: mv.z, pct: (mv.price / mv.refClose - 1) * 100 };
    }
  }

  const range = finiteRange(ts);
  let errors = 0;
  let warnings = 0;
  for (const rule of CHECK_RULES) {
    if (RULE_SEVERITY[rule] === 'error') errors += col.counts[rule];
    else warnings += col.counts[rule];
  }
  return {
    exchange: c.exchange, symbol: c.symbol, timeframe: c.timeframe, timeframeMs: grid.tfMs,
    rows: n, firstTs: range.min, lastTs: range.max,
    counts: col.counts, findings: col.sorted(), truncated: col.truncated,
    missingBars, errors, warnings, ok: errors === 0,
    moves: { ...scan.stats, ...(largest ? { largest } : {}) },
  };
}
