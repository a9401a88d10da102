// Historical trades of one symbol for GET /api/v3/aggTrades, /trades and /historicalTrades.
// Each dataset trade is served as one aggregate trade (first = last = its id). Binance ids are
// integers: the dataset's ids are used when they are all integers in ascending order, otherwise
// the row number + 1 stands in (ccxt returns it as the trade id text).
import type { Trades } from '../../data/types.js';
import { fixed8, fmt } from './format.js';
import { assertAscending, lowerBound, upperBound } from './sorted.js';

export interface AggTradeRow { a: number; p: string; q: string; f: number; l: number; T: number; m: boolean; M: boolean }
export interface TradeRow {
  id: number; price: string; qty: string; quoteQty: string; time: number; isBuyerMaker: boolean; isBestMatch: boolean;
}

export class TradeHistory {
  /** Numeric trade id of each row (ascending). */
  readonly ids: Float64Array;

  constructor(readonly t: Trades) {
    assertAscending(t.ts, `trades ${t.symbol} ts`);
    this.ids = tradeIds(t.id);
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
    const from = fromId === undefined ? Math.max(0, this.length - limit) : lowerBound(this.ids, fromId);
    const to = Math.min(this.length, from + limit);
    const rows: TradeRow[] = [];
    for (let i = from; i < to; i++) {
      const price = this.t.price[i];
      const qty = this.t.amount[i];
      rows.push({
        id: this.ids[i], price: fmt(price), qty: fmt(qty), quoteQty: fixed8(price * qty), time: this.t.ts[i],
        isBuyerMaker: this.t.side[i] < 0, isBestMatch: true,
      });
    }
    return rows;
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
