// Repair of OHLCV candles under an explicit policy: nothing changes unless a policy field says so,
// and every change is listed. The steps run in a fixed order, each on the output of the one before:
//   invalid values -> order -> duplicates -> misaligned -> spikes -> gaps
// (values first, so the later steps see finite ts; spikes before gaps, so a dropped spike leaves
// a gap that 'ffill' fills and filled bars copy a repaired close). Large moves are real market
// events: reported by checkCandles, never repaired.
import type { Candles } from '../types.js';
import { takeCandles } from '../types.js';
import { ConfigError, DataError } from '../errors.js';
import { FileDataError, rowName, rowPosition } from '../file-position.js';
import type { RowPositions } from '../file-position.js';
import type { TimeBounds } from '../market-time.js';
import { barGrid, barTimeBounds, missingBetween, moveThresholds, offGrid } from './bar-grid.js';
import type { BarGrid, CleanOptions } from './bar-grid.js';
import { at, shortTime } from './findings.js';
import type { CheckRule } from './findings.js';
import { assertSameLength, checkRowValues, describeDifference } from './row-values.js';
import type { ValueRule, ValueSink } from './row-values.js';
import { describeMove, scanPriceMoves } from './price-moves.js';
import type { PriceMove } from './price-moves.js';
import { timeOrder } from './time-order.js';

export interface RepairPolicy {
  /** Rows with the same ts: throw, or keep the first / last of them in the given order. */
  duplicates: 'error' | 'keep-first' | 'keep-last';
  /** A ts smaller than the previous row's: throw, or stable-sort by ts. */
  order: 'error' | 'sort';
  /** ts off the timeframe grid: throw, keep as is, or drop the row. */
  misaligned: 'keep' | 'error' | 'drop';
  /**
   * Missing bars: 'keep' leaves the hole; 'ffill' inserts bars with open = high = low = close = the
   * previous close and volume 0 (no trade happened: the price stood still); 'mark' inserts bars with
   * NaN open/high/low/close and volume 0, so the hole stays visible downstream (features and envs
   * must then handle NaN; checkCandles reports those rows as 'nan').
   */
  gaps: 'keep' | 'mark' | 'ffill';
  /**
   * Spikes, the bad-tick signature (see price-moves.ts): throw; 'keep' them; 'clip' clamps the bad
   * prices into the closes around them (a close spike: every price of the bar into the closes before
   * and after the excursion; an open/high/low spike: that price into the closes around its bar, then
   * high/low widened to cover open and close); 'drop' removes the rows.
   */
  spikes: 'error' | 'keep' | 'clip' | 'drop';
  /**
   * Rows with NaN/Infinity, a price <= 0, high < low or open/close outside it, volume < 0, or a time
   * no market can have (before 2009-01-03 or more than a bar after now): throw, or drop.
   */
  invalid: 'error' | 'drop';
}

/**
 * Changes nothing: every error of checkCandles throws, and only warnings (gaps) are kept. The CLI
 * (`tradegym data check`, `data import`) builds a policy from its flags over these defaults, so
 * each repair, and each error kept, is something the user asked for. (Misaligned bars were kept by
 * default, which stored them silently: now they throw too.)
 */
export const DEFAULT_REPAIR: Readonly<RepairPolicy> = Object.freeze({
  duplicates: 'error', order: 'error', misaligned: 'error', gaps: 'keep', spikes: 'error', invalid: 'error',
});

/**
 * The error rules of checkCandles whose findings a repaired series may still have because the policy
 * says so: spikes and misaligned bars the user chose to keep, and the NaN bars that gaps 'mark'
 * inserts. Any other error left after a repair means the data must not be stored.
 */
export function errorsKeptByPolicy(p: RepairPolicy): CheckRule[] {
  const kept: CheckRule[] = [];
  if (p.spikes === 'keep') kept.push('spike');
  if (p.misaligned === 'keep') kept.push('misaligned');
  if (p.gaps === 'mark') kept.push('nan');
  return kept;
}

const ALLOWED: { [K in keyof RepairPolicy]: readonly RepairPolicy[K][] } = {
  duplicates: ['error', 'keep-first', 'keep-last'],
  order: ['error', 'sort'],
  misaligned: ['keep', 'error', 'drop'],
  gaps: ['keep', 'mark', 'ffill'],
  spikes: ['error', 'keep', 'clip', 'drop'],
  invalid: ['error', 'drop'],
};

/** A policy as given: fields left out (or undefined) keep DEFAULT_REPAIR. */
export type RepairPolicyInput = Partial<RepairPolicy> & {
  /** The name of the CLI flag --outliers for `spikes` (which wins when both are given). */
  outliers?: RepairPolicy['spikes'];
};

/**
 * DEFAULT_REPAIR overridden by the fields of `policy` that are defined (an undefined flag keeps the
 * default rather than erasing it). Throws ConfigError naming the field and the allowed values for
 * anything else, since CLI flags arrive as unchecked strings.
 */
export function resolveRepairPolicy(policy: RepairPolicyInput = {}): RepairPolicy {
  const p: RepairPolicy = { ...DEFAULT_REPAIR };
  const { outliers, ...fields } = policy;
  const given: [string, string | undefined][] = [['outliers', outliers], ...Object.entries(fields)];
  for (const [name, value] of given) {
    if (value === undefined) continue;
    const key = (name === 'outliers' ? 'spikes' : name) as keyof RepairPolicy;
    if (!(key in ALLOWED)) throw new ConfigError(name, `is not a repair policy field; use ${Object.keys(ALLOWED).join(', ')}`);
    if (!(ALLOWED[key] as readonly string[]).includes(value)) {
      throw new ConfigError(name, `"${value}" is not allowed; use ${ALLOWED[key].join(', ')}`);
    }
    (p as unknown as Record<string, string>)[key] = value;
  }
  return p;
}

export interface RepairContext extends CleanOptions {
  /** Named in DataError messages (`positions.file` wins when positions are given). */
  file?: string;
}

export type RepairAction = 'drop' | 'sort' | 'clip' | 'ffill' | 'mark';

export interface RepairChange {
  rule: CheckRule;
  action: RepairAction;
  /** 0-based row in the INPUT candles (for inserted bars: the row before the hole). */
  row: number;
  /** ts of that row (for inserted bars: the first inserted ts). */
  ts: number;
  /** Bars inserted, for 'ffill' / 'mark' (one change per gap). */
  count?: number;
  message: string;
}

export interface RepairResult {
  /** A new series (the input is never modified). */
  candles: Candles;
  changes: RepairChange[];
  /** The input row of each output row; -1 for a bar inserted into a gap. */
  rows: Int32Array;
}

/**
 * Applies `policy` (see resolveRepairPolicy: fields not given take DEFAULT_REPAIR, which changes
 * nothing) and returns the repaired copy with the list of changes. A violation under an 'error'
 * policy throws DataError naming the file (if given), row, ts and problem; with
 * `context.positions`, a FileDataError naming the file's line (and JSON element) instead.
 */
export function repairCandles(c: Candles, policy: RepairPolicyInput = {}, context: RepairContext = {}): RepairResult {
  const p = resolveRepairPolicy(policy);
  assertSameLength(c, context.file);
  const grid = barGrid(c.timeframe, context);
  const r = new Rows(context.positions, context.file);
  const changes: RepairChange[] = [];
  // `keep` holds input row numbers; every step narrows or reorders it, so changes name input rows.
  let keep = dropInvalid(c, barTimeBounds(grid, context), p.invalid, r, changes);
  keep = fixOrder(c.ts, keep, p.order, r, changes);
  keep = fixDuplicates(c, keep, p.duplicates, r, changes);
  keep = fixMisaligned(c.ts, keep, grid, p.misaligned, r, changes);
  let out = takeCandles(c, keep);
  if (p.spikes !== 'keep') ({ candles: out, keep } = fixSpikes(out, keep, grid, context, p.spikes, r, changes));
  if (p.gaps !== 'keep') return { ...fillGaps(out, keep, grid, p.gaps, r, changes), changes };
  return { candles: out, changes, rows: keep };
}

/** How the repair names input rows, and how it fails at one. */
class Rows {
  constructor(private readonly positions: RowPositions | undefined, private readonly file: string | undefined) {}

  /** "row 4 (2021-05-19T13:04Z)" or "line 6 (2021-05-19T13:04Z)". */
  at(row: number, ts: number): string {
    return at(row, ts, this.positions);
  }

  name(row: number): string {
    return rowName(this.positions, row);
  }

  fail(row: number, ts: number, problem: string, fix: string, column?: string): never {
    const detail = `${shortTime(ts)}: ${problem} (${fix})`;
    if (this.positions) throw new FileDataError(detail, rowPosition(this.positions, row, column));
    throw new DataError(detail, { file: this.file, row, column });
  }
}

function dropInvalid(c: Candles, bounds: TimeBounds, how: RepairPolicy['invalid'], r: Rows, changes: RepairChange[]): Int32Array {
  const n = c.ts.length;
  const keep = new Int32Array(n);
  let m = 0;
  let row = 0;
  let first: { rule: ValueRule; column: string; problem: string } | undefined;
  const sink: ValueSink = (rule, column, _value, problem) => {
    first ??= { rule, column, problem };
  };
  for (row = 0; row < n; row++) {
    first = undefined;
    if (checkRowValues(c, row, bounds, sink) === 0) { keep[m++] = row; continue; }
    const f = first!;
    if (how === 'error') r.fail(row, c.ts[row], f.problem, "invalid: 'drop' removes such rows", f.column);
    changes.push({ rule: f.rule, action: 'drop', row, ts: c.ts[row], message: `${r.at(row, c.ts[row])}: dropped, ${f.problem}` });
  }
  return keep.slice(0, m);
}

function fixOrder(ts: Float64Array, keep: Int32Array, how: RepairPolicy['order'], r: Rows, changes: RepairChange[]): Int32Array {
  let broken = false;
  for (let k = 1; k < keep.length; k++) {
    const i = keep[k], j = keep[k - 1];
    if (ts[i] >= ts[j]) continue;
    const problem = `ts goes back ${ts[j] - ts[i]} ms, before ${r.name(j)} (${shortTime(ts[j])})`;
    if (how === 'error') r.fail(i, ts[i], problem, "order: 'sort' sorts by ts", 'ts');
    // One change per place the order breaks (not per displaced row): that is what a reader can act on.
    changes.push({ rule: 'out-of-order', action: 'sort', row: i, ts: ts[i], message: `${r.at(i, ts[i])}: moved by the sort, ${problem}` });
    broken = true;
  }
  return broken ? timeOrder(ts, keep) : keep;
}

function fixDuplicates(c: Candles, keep: Int32Array, how: RepairPolicy['duplicates'], r: Rows, changes: RepairChange[]): Int32Array {
  const ts = c.ts;
  const out = new Int32Array(keep.length);
  let m = 0;
  for (let k = 0; k < keep.length; k++) {
    const i = keep[k];
    if (m === 0 || ts[i] !== ts[out[m - 1]]) { out[m++] = i; continue; }
    // Sorted and stable: out[m - 1] is the kept row of this ts so far, i comes after it.
    const prev = out[m - 1];
    const diff = describeDifference(c, prev, i);
    const what = diff ? `values differ: ${diff}` : 'identical values';
    if (how === 'error') r.fail(i, ts[i], `duplicate of ${r.name(prev)}, ${what}`, "duplicates: 'keep-first' or 'keep-last'", 'ts');
    const [dropped, kept] = how === 'keep-first' ? [i, prev] : [prev, i];
    changes.push({ rule: 'duplicate', action: 'drop', row: dropped, ts: ts[i], message: `${r.at(dropped, ts[i])}: dropped, duplicate of ${r.name(kept)} (${how}), ${what}` });
    if (how === 'keep-last') out[m - 1] = i;
  }
  return out.slice(0, m);
}

function fixMisaligned(ts: Float64Array, keep: Int32Array, grid: BarGrid, how: RepairPolicy['misaligned'], r: Rows, changes: RepairChange[]): Int32Array {
  if (how === 'keep') return keep;
  const out = new Int32Array(keep.length);
  let m = 0;
  for (let k = 0; k < keep.length; k++) {
    const i = keep[k];
    const off = offGrid(grid, ts[i]);
    if (off === 0) { out[m++] = i; continue; }
    const problem = `ts is ${off} ms past the ${grid.timeframe} grid`;
    if (how === 'error') r.fail(i, ts[i], problem, "misaligned: 'drop' removes such rows, 'keep' keeps them", 'ts');
    changes.push({ rule: 'misaligned', action: 'drop', row: i, ts: ts[i], message: `${r.at(i, ts[i])}: dropped, ${problem}` });
  }
  return out.slice(0, m);
}

/** `c` is sorted, unique and valid here; `keep[k]` is the input row of c's row k. */
function fixSpikes(
  c: Candles, keep: Int32Array, grid: BarGrid, context: RepairContext, how: 'error' | 'clip' | 'drop', r: Rows, changes: RepairChange[],
): { candles: Candles; keep: Int32Array } {
  const thresholds = moveThresholds(context);
  const rows = new Int32Array(c.ts.length);
  for (let k = 0; k < rows.length; k++) rows[k] = k;
  const spikes = scanPriceMoves(c, rows, grid.tfMs, thresholds.largeMove, thresholds.spike).moves.filter((mv) => mv.kind === 'spike');
  if (spikes.length === 0) return { candles: c, keep };
  const what = (mv: PriceMove) => `spike: ${describeMove(mv, c.close, (k) => r.name(keep[k]))}`;
  if (how === 'error') {
    const mv = spikes[0];
    r.fail(keep[mv.row], c.ts[mv.row], what(mv), "spikes: 'clip' or 'drop' repairs it, 'keep' keeps it", mv.column);
  }
  if (how === 'clip') {
    for (const mv of spikes) {
      const i = mv.row;
      const before = c[mv.column][i];
      // A close spike: the whole bar is off, so every price comes into the closes around it. An
      // open/high/low spike: only the bad prices do, then high/low still cover open and close.
      for (const name of mv.columns ?? (['open', 'high', 'low', 'close'] as const)) {
        c[name][i] = Math.min(Math.max(c[name][i], mv.lo), mv.hi);
      }
      c.high[i] = Math.max(c.high[i], c.open[i], c.close[i]);
      c.low[i] = Math.min(c.low[i], c.open[i], c.close[i]);
      changes.push({
        rule: 'spike', action: 'clip', row: keep[i], ts: c.ts[i],
        message: `${r.at(keep[i], c.ts[i])}: ${mv.column} ${before} -> ${c[mv.column][i]} (a spike of ${mv.z.toFixed(1)} local sigmas; ${mv.columns ? mv.columns.join(', ') : 'prices'} clamped into the closes around it, [${mv.lo}, ${mv.hi}])`,
      });
    }
    return { candles: c, keep };
  }
  const dropped = new Uint8Array(c.ts.length);
  for (const mv of spikes) {
    dropped[mv.row] = 1;
    changes.push({ rule: 'spike', action: 'drop', row: keep[mv.row], ts: c.ts[mv.row], message: `${r.at(keep[mv.row], c.ts[mv.row])}: dropped, ${what(mv)}` });
  }
  const stay = new Int32Array(c.ts.length - spikes.length);
  let m = 0;
  for (let k = 0; k < dropped.length; k++) if (dropped[k] === 0) stay[m++] = k;
  return { candles: takeCandles(c, stay), keep: stay.map((k) => keep[k]) };
}

/** `c` is sorted and unique; inserts the missing bars (see RepairPolicy.gaps). */
function fillGaps(
  c: Candles, keep: Int32Array, grid: BarGrid, how: 'mark' | 'ffill', r: Rows, changes: RepairChange[],
): { candles: Candles; rows: Int32Array } {
  const n = c.ts.length;
  let extra = 0;
  for (let k = 1; k < n; k++) extra += missingBetween(grid, c.ts[k - 1], c.ts[k]);
  if (extra === 0) return { candles: c, rows: keep };
  const rows = new Int32Array(n + extra).fill(-1);
  const out: Candles = {
    exchange: c.exchange, symbol: c.symbol, timeframe: c.timeframe,
    ts: new Float64Array(n + extra), open: new Float64Array(n + extra), high: new Float64Array(n + extra),
    low: new Float64Array(n + extra), close: new Float64Array(n + extra), volume: new Float64Array(n + extra),
  };
  let w = 0;
  for (let k = 0; k < n; k++) {
    if (k > 0) {
      const a = c.ts[k - 1];
      const missing = missingBetween(grid, a, c.ts[k]);
      if (missing > 0) {
        const px = how === 'ffill' ? c.close[k - 1] : NaN;
        for (let g = 1; g <= missing; g++) {
          out.ts[w] = a + g * grid.tfMs;
          out.open[w] = px; out.high[w] = px; out.low[w] = px; out.close[w] = px; out.volume[w] = 0;
          w++;
        }
        const row = keep[k - 1];
        changes.push({
          rule: 'gap', action: how, row, ts: a + grid.tfMs, count: missing,
          message: `${r.at(row, a)}: inserted ${missing} ${how === 'ffill' ? 'flat bars at close ' + px : 'NaN bars'} from ${shortTime(a + grid.tfMs)} to ${shortTime(a + missing * grid.tfMs)}, volume 0`,
        });
      }
    }
    out.ts[w] = c.ts[k]; out.open[w] = c.open[k]; out.high[w] = c.high[k];
    out.low[w] = c.low[k]; out.close[w] = c.close[k]; out.volume[w] = c.volume[k];
    rows[w] = keep[k];
    w++;
  }
  return { candles: out, rows };
}
