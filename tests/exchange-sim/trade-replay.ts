// Live trades: a dataset replayed in time order, looping forever. Each loop shifts timestamps by
// the dataset's period and ids by its id span, so both keep increasing like a real feed.
import type { Trades } from '../../data/types.js';
import { loopPeriod } from './book-replay.js';

export interface LiveTrade {
  id: number;
  ts: number;
  price: number;
  amount: number;
  /** +1 taker bought, -1 taker sold. */
  side: number;
}

export interface TradeFeed {
  readonly startTs: number;
  next(until: number): LiveTrade | undefined;
}

export class DatasetTradeFeed implements TradeFeed {
  private i = 0;
  private loop = 0;
  private readonly period: number;
  private readonly idSpan: number;

  /** `ids` are the numeric ids the REST history serves (see TradeHistory). */
  constructor(private readonly t: Trades, private readonly ids: Float64Array) {
    if (t.ts.length === 0) throw new Error(`exchange-sim: trades dataset ${t.symbol} is empty`);
    this.period = loopPeriod(t.ts);
    this.idSpan = ids[ids.length - 1] - ids[0] + 1;
  }

  get startTs(): number {
    return this.t.ts[0];
  }

  next(until: number): LiveTrade | undefined {
    if (this.i === this.t.ts.length) {
      this.i = 0;
      this.loop++;
    }
    const ts = this.t.ts[this.i] + this.loop * this.period;
    if (ts > until) return undefined;
    const i = this.i++;
    return {
      id: this.ids[i] + this.loop * this.idSpan, ts,
      price: this.t.price[i], amount: this.t.amount[i], side: this.t.side[i] < 0 ? -1 : 1,
    };
  }
}
