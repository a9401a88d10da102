// The JSON shapes of Binance's market streams (and the REST depth snapshot, which shares the
// partial-depth shape). Prices and sizes are decimal strings, times are ms, ids integers.
import type { BookDiff, Level, LiveBook } from './book-replay.js';
import type { LiveTrade } from './trade-replay.js';
import { fmt } from './format.js';

const text = (levels: Level[]): [string, string][] => levels.map(([p, s]) => [fmt(p), fmt(s)]);

/** <symbol>@depth / @depth@100ms event. */
export function depthUpdate(id: string, d: BookDiff): unknown {
  return { e: 'depthUpdate', E: d.E, s: id, U: d.U, u: d.u, b: text(d.bids), a: text(d.asks) };
}

/** GET /api/v3/depth body and the <symbol>@depth<N> partial-book event. */
export function depthSnapshot(book: LiveBook | undefined, limit: number): unknown {
  if (!book) return { lastUpdateId: 0, bids: [], asks: [] };
  return { lastUpdateId: book.lastUpdateId, bids: text(book.levels('bids', limit)), asks: text(book.levels('asks', limit)) };
}

/** <symbol>@bookTicker event, also one row of GET /api/v3/ticker/bookTicker (without u). */
export interface BookTickerEvent { u: number; s: string; b: string; B: string; a: string; A: string }

export function bookTicker(id: string, book: LiveBook | undefined): BookTickerEvent {
  const { bid, ask } = book ? book.best() : {};
  return {
    u: book?.lastUpdateId ?? 0, s: id,
    b: fmt(bid?.[0] ?? 0), B: fmt(bid?.[1] ?? 0), a: fmt(ask?.[0] ?? 0), A: fmt(ask?.[1] ?? 0),
  };
}

/** <symbol>@trade event. m = buyer was the maker, i.e. the taker sold. */
export function tradeEvent(id: string, t: LiveTrade): unknown {
  return { e: 'trade', E: t.ts, s: id, t: t.id, p: fmt(t.price), q: fmt(t.amount), T: t.ts, m: t.side < 0, M: true };
}

/** <symbol>@aggTrade event (each replayed trade is its own aggregate). */
export function aggTradeEvent(id: string, t: LiveTrade): unknown {
  return {
    e: 'aggTrade', E: t.ts, s: id, a: t.id, p: fmt(t.price), q: fmt(t.amount), f: t.id, l: t.id,
    T: t.ts, m: t.side < 0, M: true,
  };
}
