// Historical trades of one symbol for GET /api/v3/aggTrades, /trades and /historicalTrades.
// Each dataset trade is served as one aggregate trade (first = last = its id). Binance ids are
// integers: the dataset's ids are used when they are all integers in ascending order, otherwise
// the row number + 1 stands in (ccxt returns it as the trade id text). The live feed loops the
// dataset with ids and times shifted per loop (trade-replay.ts); a `fromId` past the dataset's
// last id is answered from those loops, so trades missed on the live stream can be fetched back
// by id however long the sim has been running.
import type { Trades } from '../../data/types.js';
import { fixed8, fmt } from './format.js';
import { assertAscending, lowerBound, upperBound } from './sorted.js';
import { loopPeriod } from './book-replay.js';

export interface AggTradeRow { a: number; p: string; q: string; f: number; l: number; T: number; m: boolean; M: boolean }
export interface TradeRow {
  id: number; price: string; qty: string; quoteQty: string; time: number; isBuyerMaker: boolean; isBestMatch: boolean;
}

export class TradeHistory {
  /** Numeric trade id of each row (ascending). */
  readonly ids: Float64Array;
  /** Id and time shift of one replay loop (as DatasetTradeFeed applies them). */
  private readonly idSpan: number;
  private readonly period: number;

  constructor(readonly t: Trades) {
    assertAscending(t.ts, `trades ${t.symbol} ts`);
    this.ids = tradeIds(t.id);
    const n = this.ids.length;
    this.idSpan = n ? this.ids[n - 1] - this.ids[0] + 1 : 0;
    this.period = loopPeriod(t.ts);
  }

  /** Rows from `fromId` on, in replay loops: [loop, row] pairs, at most `limit`. */
  private fromId(fromId: number, limit: number): Array<[number, number]> {
    const n = this.length;
    if (n === 0) return [];
    let loop = Math.max(0, Math.floor((fromId - this.ids[0]) / this.idSpan));
    let i = lowerBound(this.ids, fromId - loop * this.idSpan);
    const out: Array<[number, number]> = [];
    while (out.length < limit) {
      if (i === n) {
        loop++;
        i = 0;
      }
      out.push([loop, i++]);
    }
    return out;
  }

  get length(): number {
    return this.t.ts.length;
  }

  /** Number of trades with from <= ts <= to (the kline trade-count column). */
  count(from: number, to: number): number {
    return upperBound(this.t.ts, to) - lowerBound(this.t.ts, from);
  }

  /**
   * aggTrades selection: fromId -> the first `limit` from that id; startTime/endTime -> the first
   * `limit` in [startTime, endTime] (both inclusive); nothing -> the latest `limit`.
   */
  aggTrades(q: { fromId?: number; start?: number; end?: number; limit: number }): AggTradeRow[] {
    if (q.fromId !== undefined && this.length && q.fromId > this.ids[this.length - 1]) {
      const rows: AggTradeRow[] = [];
      for (const [loop, i] of this.fromId(q.fromId, q.limit)) {
        const T = this.t.ts[i] + loop * this.period;
        if ((q.start !== undefined && T < q.start) || (q.end !== undefined && T > q.end)) break;
        const id = this.ids[i] + loop * this.idSpan;
        rows.push({ a: id, p: fmt(this.t.price[i]), q: fmt(this.t.amount[i]), f: id, l: id, T, m: this.t.side[i] < 0, M: true });
      }
      return rows;
    }
    let from = 0;
    let to = this.length;
    if (q.fromId !== undefined) from = lowerBound(this.ids, q.fromId);
    if (q.start !== undefined) from = Math.max(from, lowerBound(this.t.ts, q.start));
    if (q.end !== undefined) to = upperBound(this.t.ts, q.end);
    if (q.fromId === undefined && q.start === undefined) from = Math.max(from, to - q.limit);
    to = Math.min(to, from + q.limit);
    const rows: AggTradeRow[] = [];
    for (let i = from; i < to; i++) {
      const id = this.ids[i];
      rows.push({
        a: id, p: fmt(this.t.price[i]), q: fmt(this.t.amount[i]), f: id, l: id, T: this.t.ts[i],
        m: this.t.side[i] < 0, M: true,
      });
    }
    return rows;
  }

  /** /trades (latest `limit`) and /historicalTrades (from `fromId`, else latest). */
  trades(limit: number, fromId?: number): TradeRow[] {
    if (fromId !== undefined && this.length && fromId > this.ids[this.length - 1]) {
      return this.fromId(fromId, limit).map(([loop, i]) => this.tradeRow(i, this.ids[i] + loop * this.idSpan, this.t.ts[i] + loop * this.period));
    }
    const from = fromId === undefined ? Math.max(0, this.length - limit) : lowerBound(this.ids, fromId);
    const to = Math.min(this.length, from + limit);
    const rows: TradeRow[] = [];
    for (let i = from; i < to; i++) rows.push(this.tradeRow(i, this.ids[i], this.t.ts[i]));
    return rows;
  }

  private tradeRow(i: number, id: number, time: number): TradeRow {
    const price = this.t.price[i];
    const qty = this.t.amount[i];
    return { id, price: fmt(price), qty: fmt(qty), quoteQty: fixed8(price * qty), time, isBuyerMaker: this.t.side[i] < 0, isBestMatch: true };
  }
}

function tradeIds(ids: string[]): Float64Array {
  const out = new Float64Array(ids.length);
  let ok = true;
  for (let i = 0; i < ids.length && ok; i++) {
    const s = ids[i];
    ok = /^\d{1,15}$/.test(s) && (i === 0 || Number(s) > out[i - 1]);
    out[i] = Number(s);
  }
  if (!ok) for (let i = 0; i < ids.length; i++) out[i] = i + 1;
  return out;
}
