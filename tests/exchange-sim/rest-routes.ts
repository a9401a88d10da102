// The public REST endpoints the sim serves (GET /api/v3/...), each with its Binance request
// weight (the same numbers ccxt's binance class budgets with: ccxt cost / 0.2).
import type { SimMarket } from './exchange-info.js';
import { exchangeInfoBody } from './exchange-info.js';
import type { KlineHistory } from './klines.js';
import type { TradeHistory } from './trade-history.js';
import type { LiveMarket } from './live-market.js';
import { BINANCE_INTERVALS } from './intervals.js';
import { depthSnapshot } from './payloads.js';
import { bookTickerRow, priceRow, ticker24hRow } from './tickers.js';
import { errors, intParam, limitParam, symbolParam, symbolsParam, type Query } from './params.js';

export interface RestContext {
  /** Markets by Binance id, in listing order. */
  markets: Map<string, SimMarket>;
  klines: Map<string, KlineHistory>;
  trades: Map<string, TradeHistory>;
  live: LiveMarket;
  now: () => number;
  weightPerMinute: number;
}

export interface Route {
  weight(q: Query): number;
  handle(q: Query, ctx: RestContext): unknown;
}

const fixed = (w: number) => () => w;

/** Depth weight grows with the number of levels asked for. */
function depthWeight(q: Query): number {
  const limit = Number(q.limit ?? 100);
  if (!(limit <= 100)) return limit <= 500 ? 25 : limit <= 1000 ? 50 : 250;
  return 5;
}

export const routes: Record<string, Route> = {
  '/api/v3/ping': { weight: fixed(1), handle: () => ({}) },

  '/api/v3/time': { weight: fixed(1), handle: (_q, ctx) => ({ serverTime: ctx.now() }) },

  '/api/v3/exchangeInfo': {
    weight: fixed(20),
    handle: (q, ctx) => {
      const list = symbolsParam(q, ctx.markets) ?? [...ctx.markets.values()];
      return exchangeInfoBody(list, ctx.now(), ctx.weightPerMinute);
    },
  },

  '/api/v3/klines': { weight: fixed(2), handle: klines },
  '/api/v3/uiKlines': { weight: fixed(2), handle: klines },

  '/api/v3/aggTrades': {
    weight: fixed(2),
    handle: (q, ctx) => {
      const m = symbolParam(q, ctx.markets);
      const limit = limitParam(q, 500, 1000);
      const fromId = intParam(q, 'fromId');
      const start = intParam(q, 'startTime');
      const end = intParam(q, 'endTime');
      return ctx.trades.get(m.id)?.aggTrades({ fromId, start, end, limit }) ?? [];
    },
  },

  '/api/v3/trades': {
    weight: fixed(10),
    handle: (q, ctx) => {
      const m = symbolParam(q, ctx.markets);
      return ctx.trades.get(m.id)?.trades(limitParam(q, 500, 1000)) ?? [];
    },
  },

  '/api/v3/historicalTrades': {
    weight: fixed(10),
    handle: (q, ctx) => {
      const m = symbolParam(q, ctx.markets);
      return ctx.trades.get(m.id)?.trades(limitParam(q, 500, 1000), intParam(q, 'fromId')) ?? [];
    },
  },

  '/api/v3/depth': {
    weight: depthWeight,
    handle: (q, ctx) => {
      const m = symbolParam(q, ctx.markets);
      return depthSnapshot(ctx.live.book(m.id), limitParam(q, 100, 5000));
    },
  },

  '/api/v3/ticker/bookTicker': { weight: (q) => (q.symbol !== undefined ? 2 : 4), handle: perSymbol(bookTickerRow) },
  '/api/v3/ticker/price': { weight: (q) => (q.symbol !== undefined ? 2 : 4), handle: perSymbol(priceRow) },
  '/api/v3/ticker/24hr': { weight: (q) => (q.symbol !== undefined ? 2 : 80), handle: perSymbol(ticker24hRow) },
};

function klines(q: Query, ctx: RestContext): unknown {
  const m = symbolParam(q, ctx.markets);
  const interval = q.interval;
  if (interval === undefined || interval === '') throw errors.mandatory('interval');
  if (!BINANCE_INTERVALS.has(interval)) throw errors.badInterval();
  const start = intParam(q, 'startTime');
  const end = intParam(q, 'endTime');
  const limit = limitParam(q, 500, 1000);
  return ctx.klines.get(m.id)?.query(interval, start, end, limit) ?? [];
}

/** `symbol` -> one row; `symbols` -> rows for those; neither -> rows for every market. */
function perSymbol(row: (m: SimMarket, ctx: RestContext) => unknown): Route['handle'] {
  return (q, ctx) => {
    const list = symbolsParam(q, ctx.markets);
    if (q.symbol !== undefined && list) return row(list[0], ctx);
    return (list ?? [...ctx.markets.values()]).map((m) => row(m, ctx));
  };
}
