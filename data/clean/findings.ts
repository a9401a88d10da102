// Rule names, findings and reports shared by the candle and trade checks, plus the collector that
// keeps the findings list bounded while the counts stay exact (a broken file can have millions).
import { rowName } from '../file-position.js';
import type { RowPositions } from '../file-position.js';
import { timeText } from '../market-time.js';

/** The candle rules, in the order a report lists them for one row. */
export const CHECK_RULES = [
  'impossible-time', 'out-of-order', 'duplicate', 'misaligned', 'gap',
  'nan', 'non-positive-price', 'high-low', 'negative-volume', 'spike', 'large-move',
] as const;
export type CheckRule = (typeof CHECK_RULES)[number];

/**
 * 'error': the data is wrong and must be repaired or rejected. 'warning': real markets produce it
 * too (exchange downtime leaves gaps, crashes and pumps produce huge moves), so it is reported and a
 * human decides. A 'spike' (a price that jumps far and comes straight back, see price-moves.ts) is
 * the signature of a bad tick, not of a market: an error. So is a bar off the timeframe's grid (no
 * exchange opens one there: a wrong timeframe, a shifted clock or a bad row) and a time no market
 * can have ('impossible-time': before 2009-01-03 or after now, see market-time.ts).
 */
export const RULE_SEVERITY: Record<CheckRule, 'error' | 'warning'> = {
  'impossible-time': 'error', 'out-of-order': 'error', duplicate: 'error', misaligned: 'error', gap: 'warning',
  nan: 'error', 'non-positive-price': 'error', 'high-low': 'error', 'negative-volume': 'error',
  spike: 'error', 'large-move': 'warning',
};

export interface Finding<R extends string = CheckRule> {
  rule: R;
  /**
   * 0-based row index in the checked arrays (as given, before any sort). Messages name the row by
   * its file position instead when the check was given one (CleanOptions.positions).
   */
  row: number;
  /** ts of that row (NaN when the ts itself is the problem). */
  ts: number;
  /** The column at fault, where one is. */
  column?: string;
  /** The number behind the finding: the bad value, missing bars of a gap, local sigmas of a move or spike. */
  value?: number;
  message: string;
}

export interface Report<R extends string> {
  rows: number;
  /** Smallest and largest finite ts (NaN when there is none), so unsorted input reads right too. */
  firstTs: number;
  lastTs: number;
  /** Exact number of findings per rule, even when `findings` was capped. */
  counts: Record<R, number>;
  /** Findings ordered by row, then by rule; at most `maxFindingsPerRule` per rule. */
  findings: Finding<R>[];
  /** True when some findings were left out of `findings` by the cap. */
  truncated: boolean;
}

export const DEFAULT_MAX_FINDINGS_PER_RULE = 1000;

/** Counts every finding and keeps the first `cap` of each rule. */
export class FindingCollector<R extends string> {
  readonly counts: Record<R, number>;
  truncated = false;
  private readonly list: Finding<R>[] = [];

  constructor(private readonly rules: readonly R[], private readonly cap: number) {
    this.counts = Object.fromEntries(rules.map((r) => [r, 0])) as Record<R, number>;
  }

  /** Counts one finding of `rule`; true when it should be recorded, so the caller builds a message only then. */
  want(rule: R): boolean {
    if (++this.counts[rule] <= this.cap) return true;
    this.truncated = true;
    return false;
  }

  push(f: Finding<R>): void {
    this.list.push(f);
  }

  sorted(): Finding<R>[] {
    const rank = new Map(this.rules.map((r, k) => [r, k]));
    return this.list.sort((a, b) => a.row - b.row || rank.get(a.rule)! - rank.get(b.rule)!);
  }
}

/**
 * "2021-05-19T13:05Z" (seconds and millis only when not zero); "NaN" for a bad ts, "ts <ms>" for
 * one no date can show (an impossible time can be beyond the year 275760).
 */
export function shortTime(ts: number): string {
  return Number.isFinite(ts) ? timeText(ts).replace(/:00Z$/, 'Z') : String(ts);
}

/**
 * "row 1234 (2021-05-19T13:05Z)": how every message names its row; "line 81 (...)" or "line 5,
 * element 3 (...)" for a row read from a file (see file-position.ts).
 */
export function at(row: number, ts: number, positions?: RowPositions): string {
  return `${rowName(positions, row)} (${Number.isFinite(ts) ? shortTime(ts) : `ts ${ts}`})`;
}

/** Smallest and largest finite value; NaN for both when there is none. */
export function finiteRange(x: Float64Array): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (v - v !== 0) continue; // NaN or +-Infinity
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return min <= max ? { min, max } : { min: NaN, max: NaN };
}
