// Repair of OHLCV candles under an explicit policy: nothing changes unless a policy field says so,
// and every change is listed. The steps run in a fixed order, each on the output of the one before:
//   invalid values -> order -> duplicates -> misaligned -> outliers -> gaps
// (values first, so the later steps see finite ts; outliers before gaps, so a dropped outlier leaves
// a gap that 'ffill' fills and filled bars copy a repaired close).
import type { Candles } from '../types.js';
import { takeCandles } from '../types.js';
import { ConfigError, DataError } from '../errors.js';
import { barGrid, missingBetween, offGrid, outlierThreshold } from './bar-grid.js';
import type { BarGrid, CleanOptions } from './bar-grid.js';
import { at, shortTime } from './findings.js';
import type { CheckRule } from './findings.js';
import { assertSameLength, checkRowValues, describeDifference } from './row-values.js';
import type { ValueRule, ValueSink } from './row-values.js';
import { scanReturnOutliers } from './robust-outliers.js';
import { timeOrder } from './time-order.js';

export interface RepairPolicy {
  /** Rows with the same ts: throw, or keep the first / last of them in the given order. */
  duplicates: 'error' | 'keep-first' | 'keep-last';
  /** A ts smaller than the previous row's: throw, or stable-sort by ts. */
  order: 'error' | 'sort';
  /** ts off the timeframe grid: keep as is, throw, or drop the row. */
  misaligned: 'keep' | 'error' | 'drop';
  /**
   * Missing bars: 'keep' leaves the hole; 'ffill' inserts bars with open = high = low = close = the
   * previous close and volume 0 (no trade happened: the price stood still); 'mark' inserts bars with
   * NaN open/high/low/close and volume 0, so the hole stays visible downstream (features and envs
   * must then handle NaN; checkCandles reports those rows as 'nan').
   */
  gaps: 'keep' | 'mark' | 'ffill';
  /**
   * Return outliers (see scanReturnOutliers): 'keep'; 'clip' clamps the bar's open, high, low and close
   * into the band of closes the threshold allows around the previous accepted close (clamping every
   * price keeps low <= open/close <= high); 'drop' removes the row.
   */
  outliers: 'keep' | 'clip' | 'drop';
  /** Rows with NaN/Infinity, a price <= 0, high < low or open/close outside it, volume < 0: throw, or drop. */
  invalid: 'error' | 'drop';
}

/**
 * Changes nothing: every violation either throws or is kept. The CLI (`tradegym data check`) builds
 * a policy from its flags over these defaults, so each repair is something the user asked for.
 */
export const DEFAULT_REPAIR: Readonly<RepairPolicy> = Object.freeze({
  duplicates: 'error', order: 'error', misaligned: 'keep', gaps: 'keep', outliers: 'keep', invalid: 'error',
});

const ALLOWED: { [K in keyof RepairPolicy]: readonly RepairPolicy[K][] } = {
  duplicates: ['error', 'keep-first', 'keep-last'],
  order: ['error', 'sort'],
  misaligned: ['keep', 'error', 'drop'],
  gaps: ['keep', 'mark', 'ffill'],
  outliers: ['keep', 'clip', 'drop'],
  invalid: ['error', 'drop'],
};

/**
 * DEFAULT_REPAIR overridden by the fields of `policy` that are defined (an undefined flag keeps the
 * default rather than erasing it). Throws ConfigError naming the field and the allowed values for
 * anything else, since CLI flags arrive as unchecked strings.
 */
export function resolveRepairPolicy(policy: Partial<RepairPolicy> = {}): RepairPolicy {
  const p: RepairPolicy = { ...DEFAULT_REPAIR };
  for (const key of Object.keys(policy) as (keyof RepairPolicy)[]) {
    const value = policy[key];
    if (value === undefined) continue;
    if (!(key in ALLOWED)) throw new ConfigError(key, `is not a repair policy field; use ${Object.keys(ALLOWED).join(', ')}`);
    if (!(ALLOWED[key] as readonly string[]).includes(value)) {
      throw new ConfigError(key, `"${value}" is not allowed; use ${ALLOWED[key].join(', ')}`);
    }
    (p as unknown as Record<string, string>)[key] = value;
  }
  return p;
}

export interface RepairContext extends CleanOptions {
  /** Named in DataError messages. */
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
}

/**
 * Applies `policy` (see resolveRepairPolicy: fields not given take DEFAULT_REPAIR, which changes
 * nothing) and returns the
 * repaired copy with the list of changes. A violation under an 'error' policy throws DataError
 * naming the file (if given), row, ts and problem.
 */
export function repairCandles(c: Candles, policy: Partial<RepairPolicy> = {}, context: RepairContext = {}): RepairResult {
  const p = resolveRepairPolicy(policy);
  const file = context.file;
  assertSameLength(c, file);
  const grid = barGrid(c.timeframe, context);
  const changes: RepairChange[] = [];
  // `keep` holds input row numbers; every step narrows or reorders it, so changes name input rows.
  let keep = dropInvalid(c, p.invalid, file, changes);
  keep = fixOrder(c.ts, keep, p.order, file, changes);
  keep = fixDuplicates(c, keep, p.duplicates, file, changes);
  keep = fixMisaligned(c.ts, keep, grid, p.misaligned, file, changes);
  let out = takeCandles(c, keep);
  if (p.outliers !== 'keep') {
    const threshold = outlierThreshold(context);
    ({ candles: out, keep } = fixOutliers(out, keep, grid, threshold, p.outliers, changes));
  }
  if (p.gaps !== 'keep') out = fillGaps(out, keep, grid, p.gaps, changes);
  return { candles: out, changes };
}

function fail(file: string | undefined, row: number, ts: number, problem: string, fix: string, column?: string): never {
  throw new DataError(`${shortTime(ts)}: ${problem} (${fix})`, { file, row, column });
}

function dropInvalid(c: Candles, how: RepairPolicy['invalid'], file: string | undefined, changes: RepairChange[]): Int32Array {
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
    if (checkRowValues(c, row, sink) === 0) { keep[m++] = row; continue; }
    const f = first!;
    if (how === 'error') fail(file, row, c.ts[row], f.problem, "invalid: 'drop' removes such rows", f.column);
    changes.push({ rule: f.rule, action: 'drop', row, ts: c.ts[row], message: `${at(row, c.ts[row])}: dropped, ${f.problem}` });
  }
  return keep.slice(0, m);
}

function fixOrder(ts: Float64Array, keep: Int32Array, how: RepairPolicy['order'], file: string | undefined, changes: RepairChange[]): Int32Array {
  let broken = false;
  for (let k = 1; k < keep.length; k++) {
    const i = keep[k], j = keep[k - 1];
    if (ts[i] >= ts[j]) continue;
    const problem = `ts goes back ${ts[j] - ts[i]} ms, before row ${j} (${shortTime(ts[j])})`;
    if (how === 'error') fail(file, i, ts[i], problem, "order: 'sort' sorts by ts", 'ts');
    // One change per place the order breaks (not per displaced row): that is what a reader can act on.
    changes.push({ rule: 'out-of-order', action: 'sort', row: i, ts: ts[i], message: `${at(i, ts[i])}: moved by the sort, ${problem}` });
    broken = true;
  }
  return broken ? timeOrder(ts, keep) : keep;
}

function fixDuplicates(c: Candles, keep: Int32Array, how: RepairPolicy['duplicates'], file: string | undefined, changes: RepairChange[]): Int32Array {
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
    if (how === 'error') fail(file, i, ts[i], `duplicate of row ${prev}, ${what}`, "duplicates: 'keep-first' or 'keep-last'", 'ts');
    const [dropped, kept] = how === 'keep-first' ? [i, prev] : [prev, i];
    changes.push({ rule: 'duplicate', action: 'drop', row: dropped, ts: ts[i], message: `${at(dropped, ts[i])}: dropped, duplicate of row ${kept} (${how}), ${what}` });
    if (how === 'keep-last') out[m - 1] = i;
  }
  return out.slice(0, m);
}

function fixMisaligned(ts: Float64Array, keep: Int32Array, grid: BarGrid, how: RepairPolicy['misaligned'], file: string | undefined, changes: RepairChange[]): Int32Array {
  if (how === 'keep') return keep;
  const out = new Int32Array(keep.length);
  let m = 0;
  for (let k = 0; k < keep.length; k++) {
    const i = keep[k];
    const off = offGrid(grid, ts[i]);
    if (off === 0) { out[m++] = i; continue; }
    const problem = `ts is ${off} ms past the ${grid.timeframe} grid`;
    if (how === 'error') fail(file, i, ts[i], problem, "misaligned: 'drop' removes such rows", 'ts');
    changes.push({ rule: 'misaligned', action: 'drop', row: i, ts: ts[i], message: `${at(i, ts[i])}: dropped, ${problem}` });
  }
  return out.slice(0, m);
}

/** `c` is sorted, unique and valid here; `keep[k]` is the input row of c's row k. */
function fixOutliers(
  c: Candles, keep: Int32Array, grid: BarGrid, threshold: number, how: 'clip' | 'drop', changes: RepairChange[],
): { candles: Candles; keep: Int32Array } {
  const rows = new Int32Array(c.ts.length);
  for (let k = 0; k < rows.length; k++) rows[k] = k;
  const scan = scanReturnOutliers(c.ts, c.close, rows, grid.tfMs, threshold, how);
  if (scan.outliers.length === 0) return { candles: c, keep };
  const z = (v: number) => v.toFixed(1);
  if (how === 'clip') {
    for (const o of scan.outliers) {
      const i = o.row;
      const before = c.close[i];
      for (const name of ['open', 'high', 'low', 'close'] as const) {
        c[name][i] = Math.min(Math.max(c[name][i], o.lo), o.hi);
      }
      changes.push({
        rule: 'outlier', action: 'clip', row: keep[i], ts: c.ts[i],
        message: `${at(keep[i], c.ts[i])}: close ${before} -> ${c.close[i]} (robust z ${z(o.z)} > ${threshold}; prices clamped to [${o.lo}, ${o.hi}] around close ${o.refClose} at row ${keep[o.refRow]})`,
      });
    }
    return { candles: c, keep };
  }
  const dropped = new Uint8Array(c.ts.length);
  for (const o of scan.outliers) {
    dropped[o.row] = 1;
    changes.push({
      rule: 'outlier', action: 'drop', row: keep[o.row], ts: c.ts[o.row],
      message: `${at(keep[o.row], c.ts[o.row])}: dropped, close ${c.close[o.row]} vs ${o.refClose} at row ${keep[o.refRow]} (robust z ${z(o.z)} > ${threshold})`,
    });
  }
  const stay = new Int32Array(c.ts.length - scan.outliers.length);
  let m = 0;
  for (let k = 0; k < dropped.length; k++) if (dropped[k] === 0) stay[m++] = k;
  return { candles: takeCandles(c, stay), keep: stay.map((k) => keep[k]) };
}

/** `c` is sorted and unique; inserts the missing bars (see RepairPolicy.gaps). */
function fillGaps(c: Candles, keep: Int32Array, grid: BarGrid, how: 'mark' | 'ffill', changes: RepairChange[]): Candles {
  const n = c.ts.length;
  let extra = 0;
  for (let k = 1; k < n; k++) extra += missingBetween(grid, c.ts[k - 1], c.ts[k]);
  if (extra === 0) return c;
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
          message: `${at(row, a)}: inserted ${missing} ${how === 'ffill' ? 'flat bars at close ' + px : 'NaN bars'} from ${shortTime(a + grid.tfMs)} to ${shortTime(a + missing * grid.tfMs)}, volume 0`,
        });
      }
    }
    out.ts[w] = c.ts[k]; out.open[w] = c.open[k]; out.high[w] = c.high[k];
    out.low[w] = c.low[k]; out.close[w] = c.close[k]; out.volume[w] = c.volume[k];
    w++;
  }
  return out;
}
