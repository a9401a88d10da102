// Basic validation of public trades: order, duplicate ids, and values a trade cannot have.
import type { Trades } from '../types.js';
import { DataError } from '../errors.js';
import { rowName } from '../file-position.js';
import type { RowPositions } from '../file-position.js';
import { marketTimeBounds, outOfBounds } from '../market-time.js';
import { at, DEFAULT_MAX_FINDINGS_PER_RULE, FindingCollector, finiteRange } from './findings.js';
import type { Report } from './findings.js';

export const TRADE_RULES = [
  'impossible-time', 'out-of-order', 'duplicate-id', 'nan', 'non-positive-price', 'non-positive-amount', 'bad-side',
] as const;
export type TradeRule = (typeof TRADE_RULES)[number];

export interface TradesReport extends Report<TradeRule> {
  exchange: string;
  symbol: string;
  /** No findings at all: every trade rule marks data that is wrong. */
  ok: boolean;
}

export interface TradeCheckOptions {
  /** Findings kept per rule (counts stay exact). Default 1000. */
  maxFindingsPerRule?: number;
  /** "Now" for the 'impossible-time' rule (a trade may be at most a minute after it). Default Date.now(). */
  now?: number;
  /** Where each trade is in the file it was read from: messages then name its line. */
  positions?: RowPositions;
}

/** Clock skew between an exchange and this machine that a trade's time may show. */
const TRADE_CLOCK_SLACK_MS = 60_000;

/**
 * Checks trades; findings hold 0-based rows, messages name file lines when `opts.positions` is
 * given. Equal ts are in order (many trades share a millisecond). Empty ids are not compared (some
 * sources have none). Throws DataError only for a malformed series (columns of different lengths).
 */
export function checkTrades(t: Trades, opts: TradeCheckOptions = {}): TradesReport {
  const n = t.ts.length;
  for (const [name, len] of [['price', t.price.length], ['amount', t.amount.length], ['side', t.side.length], ['id', t.id.length]] as const) {
    if (len !== n) throw new DataError(`column ${name} has ${len} rows but ts has ${n}`, { column: name });
  }
  const col = new FindingCollector<TradeRule>(TRADE_RULES, opts.maxFindingsPerRule ?? DEFAULT_MAX_FINDINGS_PER_RULE);
  const pos = opts.positions;
  const bounds = marketTimeBounds(TRADE_CLOCK_SLACK_MS, opts.now);
  const nan = (row: number, ts: number, column: string, x: number) => {
    if (col.want('nan')) col.push({ rule: 'nan', row, ts, column, value: x, message: `${at(row, ts, pos)}: ${column} is ${x}` });
  };
  const firstRowOfId = new Map<string, number>();
  let prevRow = -1;
  for (let i = 0; i < n; i++) {
    const ts = t.ts[i], px = t.price[i], amt = t.amount[i], side = t.side[i];
    // No per-row allocation: the three finite checks are spelled out.
    if (ts - ts !== 0) nan(i, ts, 'ts', ts);
    if (px - px !== 0) nan(i, ts, 'price', px);
    if (amt - amt !== 0) nan(i, ts, 'amount', amt);
    if (!(ts >= bounds.min && ts <= bounds.max) && ts - ts === 0 && col.want('impossible-time')) {
      col.push({ rule: 'impossible-time', row: i, ts, column: 'ts', value: ts, message: `${at(i, ts, pos)}: ${outOfBounds(ts, bounds)}` });
    }
    if (px <= 0 && col.want('non-positive-price')) {
      col.push({ rule: 'non-positive-price', row: i, ts, column: 'price', value: px, message: `${at(i, ts, pos)}: price ${px} <= 0` });
    }
    if (amt <= 0 && col.want('non-positive-amount')) {
      col.push({ rule: 'non-positive-amount', row: i, ts, column: 'amount', value: amt, message: `${at(i, ts, pos)}: amount ${amt} <= 0` });
    }
    if (side !== 1 && side !== -1 && col.want('bad-side')) {
      col.push({ rule: 'bad-side', row: i, ts, column: 'side', value: side, message: `${at(i, ts, pos)}: side ${side} is not 1 (buy) or -1 (sell)` });
    }
    const id = t.id[i];
    if (id !== '') {
      const first = firstRowOfId.get(id);
      if (first === undefined) firstRowOfId.set(id, i);
      else if (col.want('duplicate-id')) {
        col.push({ rule: 'duplicate-id', row: i, ts, column: 'id', message: `${at(i, ts, pos)}: id "${id}" already at ${rowName(pos, first)}` });
      }
    }
    if (!(ts >= bounds.min && ts <= bounds.max)) continue;
    if (prevRow >= 0 && ts < t.ts[prevRow] && col.want('out-of-order')) {
      col.push({
        rule: 'out-of-order', row: i, ts, column: 'ts',
        message: `${at(i, ts, pos)}: ts goes back ${t.ts[prevRow] - ts} ms, before ${rowName(pos, prevRow)}`,
      });
    }
    prevRow = i;
  }
  const range = finiteRange(t.ts);
  const total = TRADE_RULES.reduce((s, r) => s + col.counts[r], 0);
  return {
    exchange: t.exchange, symbol: t.symbol, rows: n, firstTs: range.min, lastTs: range.max,
    counts: col.counts, findings: col.sorted(), truncated: col.truncated, ok: total === 0,
  };
}
