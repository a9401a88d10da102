// The columnar market-data contracts every layer shares (see DESIGN.md, "Contracts").
// Parquet column names equal the field names below.

/** Identifies one stored series. `symbol` is the ccxt unified symbol, e.g. "BTC/USDT". */
export interface SeriesKey {
  exchange: string;
  symbol: string;
}

/** OHLCV candles; `ts` is the bar OPEN time in ms UTC. All arrays have the same length. */
export interface Candles extends SeriesKey {
  timeframe: string;
  ts: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
}

/** Side of the taker: +1 buy (taker lifted the ask), -1 sell (taker hit the bid). */
export type TradeSide = 1 | -1;

/** Public trades. `id` is the exchange's trade id as text (unique within a symbol). */
export interface Trades extends SeriesKey {
  ts: Float64Array;
  price: Float64Array;
  amount: Float64Array;
  side: Int8Array;
  id: string[];
}

/**
 * L2 book snapshots of fixed depth N: level i of snapshot t lives at index t * depth + i.
 * Level 0 is the best price. A missing level (thin book) is NaN for price and 0 for size.
 */
export interface Books extends SeriesKey {
  depth: number;
  ts: Float64Array;
  bidPx: Float64Array;
  bidSz: Float64Array;
  askPx: Float64Array;
  askSz: Float64Array;
}

export type DataKind = 'ohlcv' | 'trades' | 'books';

export const CANDLE_COLUMNS = ['ts', 'open', 'high', 'low', 'close', 'volume'] as const;
export type CandleColumn = (typeof CANDLE_COLUMNS)[number];

export function emptyCandles(exchange: string, symbol: string, timeframe: string, n = 0): Candles {
  return {
    exchange, symbol, timeframe,
    ts: new Float64Array(n), open: new Float64Array(n), high: new Float64Array(n),
    low: new Float64Array(n), close: new Float64Array(n), volume: new Float64Array(n),
  };
}

/** Copies rows [from, to) of candles (a real copy: the result owns its buffers). */
export function sliceCandles(c: Candles, from: number, to: number): Candles {
  return {
    exchange: c.exchange, symbol: c.symbol, timeframe: c.timeframe,
    ts: c.ts.slice(from, to), open: c.open.slice(from, to), high: c.high.slice(from, to),
    low: c.low.slice(from, to), close: c.close.slice(from, to), volume: c.volume.slice(from, to),
  };
}

/** Keeps the rows whose index is listed, in that order. */
export function takeCandles(c: Candles, index: ArrayLike<number>): Candles {
  const out = emptyCandles(c.exchange, c.symbol, c.timeframe, index.length);
  for (let k = 0; k < index.length; k++) {
    const i = index[k];
    out.ts[k] = c.ts[i]; out.open[k] = c.open[i]; out.high[k] = c.high[i];
    out.low[k] = c.low[i]; out.close[k] = c.close[i]; out.volume[k] = c.volume[i];
  }
  return out;
}

export function emptyTrades(exchange: string, symbol: string, n = 0): Trades {
  return {
    exchange, symbol,
    ts: new Float64Array(n), price: new Float64Array(n), amount: new Float64Array(n),
    side: new Int8Array(n), id: new Array<string>(n).fill(''),
  };
}

export function emptyBooks(exchange: string, symbol: string, depth: number, n = 0): Books {
  return {
    exchange, symbol, depth,
    ts: new Float64Array(n),
    bidPx: new Float64Array(n * depth).fill(NaN), bidSz: new Float64Array(n * depth),
    askPx: new Float64Array(n * depth).fill(NaN), askSz: new Float64Array(n * depth),
  };
}
