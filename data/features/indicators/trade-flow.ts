// Trade-flow imbalance: over the trades of a time window, (buy volume - sell volume) / total volume
// = sum(side * amount) / sum(amount), in [-1, 1] (+1: only takers buying). Side is the taker side
// of the Trades contract (+1 buy, -1 sell).
//  - per trade (`tradeFlowImbalance`, `TradeFlowStream.update`): the window of trade i holds the
//    trades j <= i with ts[j] > ts[i] - windowMs. By index, so a later trade with the same ts is
//    not seen (no lookahead);
//  - at given times (`tradeFlowImbalanceAt`, `TradeFlowStream.valueAt`), e.g. book snapshot times:
//    the trades with t - windowMs < ts <= t.
// NaN while the window is empty (no volume, no imbalance) or holds a NaN amount.
// O(1) amortised per trade: a ring of the window's trades (grown by doubling, so it allocates only
// when a window holds more trades than ever before) and Kahan-compensated running sums, which are
// also reset to exact zeros whenever the window empties, so rounding cannot drift.
import { ConfigError, DataError } from '../../errors.js';
import type { Trades } from '../../types.js';
import { checkAscending, checkSameLength, outArray } from './params.js';

export interface TradeTick {
  ts: number;
  amount: number;
  /** +1 buy, -1 sell (taker side). */
  side: number;
}

export type TradeColumns = Pick<Trades, 'ts' | 'amount' | 'side'>;

/** The reusable tick of the batch loops; a class for the reason given at ScratchBar (bar.ts). */
class ScratchTick implements TradeTick {
  ts = NaN;
  amount = NaN;
  side = NaN;
}

/** Kahan-compensated sum that can also subtract. */
class CompensatedSum {
  sum = 0;
  private c = 0;
  add(x: number): void {
    const y = x - this.c;
    const t = this.sum + y;
    this.c = t - this.sum - y;
    this.sum = t;
  }
  clear(): void {
    this.sum = 0;
    this.c = 0;
  }
}

export class TradeFlowStream {
  readonly lookback = 0;
  private ts = new Float64Array(64);
  private signed = new Float64Array(64);
  private amount = new Float64Array(64);
  private head = 0;
  private size = 0;
  private lastTs = -Infinity;
  private nans = 0;
  private readonly signedSum = new CompensatedSum();
  private readonly totalSum = new CompensatedSum();

  constructor(readonly windowMs: number) {
    if (!(windowMs > 0 && Number.isFinite(windowMs))) throw new ConfigError('windowMs', `must be a finite number > 0, got ${windowMs}`);
  }

  /** Adds one trade (ts non-decreasing) and returns the imbalance of the window ending at it. */
  update(trade: TradeTick): number {
    if (trade.ts < this.lastTs) throw new DataError(`trade at ts ${trade.ts} comes after one at ${this.lastTs}: trades must be in time order`, { column: 'ts' });
    this.lastTs = trade.ts;
    if (this.size === this.ts.length) this.grow();
    const at = (this.head + this.size) & (this.ts.length - 1);
    const signedAmount = trade.side * trade.amount;
    this.ts[at] = trade.ts;
    this.signed[at] = signedAmount;
    this.amount[at] = trade.amount;
    this.size++;
    if (signedAmount === signedAmount && trade.amount === trade.amount) {
      this.signedSum.add(signedAmount);
      this.totalSum.add(trade.amount);
    } else {
      this.nans++;
    }
    this.expire(trade.ts);
    return this.value();
  }

  /** Imbalance of (t - windowMs, t]; every trade added so far must have ts <= t. */
  valueAt(t: number): number {
    if (t < this.lastTs) throw new DataError(`asked at ts ${t}, before the last trade added (${this.lastTs}): that would look ahead`, { column: 'ts' });
    this.expire(t);
    return this.value();
  }

  private value(): number {
    const total = this.totalSum.sum;
    return this.nans === 0 && total > 0 ? this.signedSum.sum / total : NaN;
  }

  private expire(now: number): void {
    const cutoff = now - this.windowMs;
    const mask = this.ts.length - 1;
    while (this.size > 0 && this.ts[this.head] <= cutoff) {
      const s = this.signed[this.head];
      const a = this.amount[this.head];
      if (s === s && a === a) {
        this.signedSum.add(-s);
        this.totalSum.add(-a);
      } else {
        this.nans--;
      }
      this.head = (this.head + 1) & mask;
      this.size--;
    }
    if (this.size === 0) {
      this.signedSum.clear();
      this.totalSum.clear();
    }
  }

  /** Doubles the ring (capacity stays a power of two, so indices wrap with a mask). */
  private grow(): void {
    const cap = this.ts.length;
    const ts = new Float64Array(cap * 2);
    const signed = new Float64Array(cap * 2);
    const amount = new Float64Array(cap * 2);
    for (let k = 0; k < this.size; k++) {
      const from = (this.head + k) & (cap - 1);
      ts[k] = this.ts[from];
      signed[k] = this.signed[from];
      amount[k] = this.amount[from];
    }
    this.ts = ts;
    this.signed = signed;
    this.amount = amount;
    this.head = 0;
  }

  reset(): void {
    this.head = 0;
    this.size = 0;
    this.lastTs = -Infinity;
    this.nans = 0;
    this.signedSum.clear();
    this.totalSum.clear();
  }
}

/** Imbalance of the window ending at each trade (one output per trade). */
export function tradeFlowImbalance(trades: TradeColumns, windowMs: number, out?: Float64Array): Float64Array {
  const { ts, amount, side } = trades;
  checkSameLength({ ts, amount, side });
  const o = outArray(out, ts.length);
  const s = new TradeFlowStream(windowMs);
  const tick = new ScratchTick();
  for (let i = 0; i < ts.length; i++) {
    tick.ts = ts[i];
    tick.amount = amount[i];
    tick.side = side[i];
    o[i] = s.update(tick);
  }
  return o;
}

/** Imbalance of (at[q] - windowMs, at[q]] for ascending times `at` (e.g. books.ts). */
export function tradeFlowImbalanceAt(trades: TradeColumns, windowMs: number, at: Float64Array, out?: Float64Array): Float64Array {
  const { ts, amount, side } = trades;
  checkSameLength({ ts, amount, side });
  checkAscending(at, 'at');
  const o = outArray(out, at.length);
  const s = new TradeFlowStream(windowMs);
  const tick = new ScratchTick();
  let j = 0;
  for (let q = 0; q < at.length; q++) {
    const t = at[q];
    for (; j < ts.length && ts[j] <= t; j++) {
      tick.ts = ts[j];
      tick.amount = amount[j];
      tick.side = side[j];
      s.update(tick);
    }
    o[q] = s.valueAt(t);
  }
  return o;
}
