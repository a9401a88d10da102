// Rows of GET /api/v3/ticker/price, /ticker/bookTicker and /ticker/24hr. The 24 h statistics come
// from the last day of stored candles (the datasets have no rolling window of their own); last
// price and best bid / ask come from the live replay.
import type { SimMarket } from './exchange-info.js';
import type { KlineHistory } from './klines.js';
import type { LiveMarket } from './live-market.js';
import { bookTicker } from './payloads.js';
import { fixed8, fmt } from './format.js';

export interface TickerSources {
  live: LiveMarket;
  klines: Map<string, KlineHistory>;
}

/** Last live trade, else last candle close, else book mid, else 0. */
export function lastPrice(m: SimMarket, src: TickerSources): number {
  const live = src.live.lastPrice(m.id);
  if (live !== undefined) return live;
  const bar = src.klines.get(m.id)?.lastBar();
  if (bar) return bar.close;
  const { bid, ask } = src.live.book(m.id)?.best() ?? {};
  return bid && ask ? (bid[0] + ask[0]) / 2 : 0;
}

export function priceRow(m: SimMarket, src: TickerSources): unknown {
  return { symbol: m.id, price: fmt(lastPrice(m, src)) };
}

export function bookTickerRow(m: SimMarket, src: TickerSources): unknown {
  const t = bookTicker(m.id, src.live.book(m.id));
  return { symbol: m.id, bidPrice: t.b, bidQty: t.B, askPrice: t.a, askQty: t.A };
}

export interface Ticker24h {
  symbol: string;
  priceChange: string;
  priceChangePercent: string;
  weightedAvgPrice: string;
  prevClosePrice: string;
  lastPrice: string;
  lastQty: string;
  bidPrice: string;
  bidQty: string;
  askPrice: string;
  askQty: string;
  openPrice: string;
  highPrice: string;
  lowPrice: string;
  volume: string;
  quoteVolume: string;
  openTime: number;
  closeTime: number;
  firstId: number;
  lastId: number;
  count: number;
}

export function ticker24hRow(m: SimMarket, src: TickerSources): Ticker24h {
  const last = lastPrice(m, src);
  const day = src.klines.get(m.id)?.last24h();
  const open = day?.open ?? last;
  const t = bookTicker(m.id, src.live.book(m.id));
  return {
    symbol: m.id,
    priceChange: fixed8(last - open),
    priceChangePercent: open ? ((100 * (last - open)) / open).toFixed(3) : '0.000',
    weightedAvgPrice: fixed8(day && day.volume ? day.quoteVolume / day.volume : last),
    prevClosePrice: fmt(open),
    lastPrice: fmt(last),
    lastQty: '0.00000000',
    bidPrice: t.b, bidQty: t.B, askPrice: t.a, askQty: t.A,
    openPrice: fmt(open),
    highPrice: fmt(Math.max(day?.high ?? last, last)),
    lowPrice: fmt(Math.min(day?.low ?? last, last)),
    volume: fixed8(day?.volume ?? 0),
    quoteVolume: fixed8(day?.quoteVolume ?? 0),
    openTime: day?.openTime ?? 0,
    closeTime: day?.closeTime ?? 0,
    firstId: -1,
    lastId: -1,
    count: 0,
  };
}

/** <symbol>@ticker event (pushed every second). */
export function tickerEvent(r: Ticker24h, E: number): unknown {
  return {
    e: '24hrTicker', E, s: r.symbol, p: r.priceChange, P: r.priceChangePercent, w: r.weightedAvgPrice,
    x: r.prevClosePrice, c: r.lastPrice, Q: r.lastQty, b: r.bidPrice, B: r.bidQty, a: r.askPrice, A: r.askQty,
    o: r.openPrice, h: r.highPrice, l: r.lowPrice, v: r.volume, q: r.quoteVolume,
    O: r.openTime, C: r.closeTime, F: r.firstId, L: r.lastId, n: r.count,
  };
}

/** <symbol>@miniTicker event. */
export function miniTickerEvent(r: Ticker24h, E: number): unknown {
  return { e: '24hrMiniTicker', E, s: r.symbol, c: r.lastPrice, o: r.openPrice, h: r.highPrice, l: r.lowPrice, v: r.volume, q: r.quoteVolume };
}
