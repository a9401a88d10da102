// Order-book features over the Books contract (depth-N, row-major: level i of snapshot t at
// t * depth + i; a missing level is NaN price, 0 size). Each is a pure function of one snapshot,
// so the streaming form is the `...At(book, t)` function itself (a live book is a 1-row BookLevels,
// t = 0) and the batch form maps it over all rows. No state, lookback 0, no lookahead by design.
// An empty side (NaN best price) gives NaN; NaN prices or sizes propagate.
import { ConfigError } from '../../errors.js';
import { checkPeriod, outArray } from './params.js';
import type { Books } from '../../types.js';

/** The level arrays of a Books (what these features read); a `Books` satisfies it. */
export type BookLevels = Pick<Books, 'depth' | 'bidPx' | 'bidSz' | 'askPx' | 'askSz'>;

function rows(book: BookLevels): number {
  return book.depth > 0 ? Math.floor(book.bidPx.length / book.depth) : 0;
}

/** Best ask - best bid. Negative means a crossed book (left visible, not hidden). */
export function spreadAt(book: BookLevels, t: number): number {
  const i = t * book.depth;
  return book.askPx[i] - book.bidPx[i];
}

/** (best bid + best ask) / 2. */
export function midAt(book: BookLevels, t: number): number {
  const i = t * book.depth;
  return (book.bidPx[i] + book.askPx[i]) / 2;
}

/**
 * Size-weighted mid of the top level (the "weighted mid" / microprice of Stoikov's paper before
 * its correction term): (bid * askSize + ask * bidSize) / (bidSize + askSize). It leans toward the
 * side with LESS size, where the next trade is more likely to move the price; it lies in
 * [bid, ask] (a convex combination). NaN when both top sizes are 0.
 */
export function micropriceOf(bid: number, bidSize: number, ask: number, askSize: number): number {
  const total = bidSize + askSize;
  return total > 0 ? (bid * askSize + ask * bidSize) / total : NaN;
}

export function micropriceAt(book: BookLevels, t: number): number {
  const i = t * book.depth;
  return micropriceOf(book.bidPx[i], book.bidSz[i], book.askPx[i], book.askSz[i]);
}

/**
 * Depth imbalance over the best k levels of each side: (bidSize - askSize) / (bidSize + askSize)
 * in [-1, 1]; +1 all bids. Missing levels have size 0 and add nothing. NaN when both sides are 0.
 * k must be in 1..depth (the batch form checks it; this per-snapshot form does not, it is hot).
 */
export function depthImbalanceAt(book: BookLevels, t: number, k: number): number {
  const base = t * book.depth;
  let bid = 0;
  let ask = 0;
  for (let j = 0; j < k; j++) {
    bid += book.bidSz[base + j];
    ask += book.askSz[base + j];
  }
  const total = bid + ask;
  return total > 0 ? (bid - ask) / total : NaN;
}

export function spread(book: BookLevels, out?: Float64Array): Float64Array {
  const n = rows(book);
  const o = outArray(out, n);
  for (let t = 0; t < n; t++) o[t] = spreadAt(book, t);
  return o;
}

export function mid(book: BookLevels, out?: Float64Array): Float64Array {
  const n = rows(book);
  const o = outArray(out, n);
  for (let t = 0; t < n; t++) o[t] = midAt(book, t);
  return o;
}

export function microprice(book: BookLevels, out?: Float64Array): Float64Array {
  const n = rows(book);
  const o = outArray(out, n);
  for (let t = 0; t < n; t++) o[t] = micropriceAt(book, t);
  return o;
}

/** Imbalance at depth k (1 <= k <= book.depth) for every snapshot. */
export function depthImbalance(book: BookLevels, k: number, out?: Float64Array): Float64Array {
  checkPeriod('k', k);
  if (k > book.depth) throw new ConfigError('k', `must be <= the book depth ${book.depth}, got ${k}`);
  const n = rows(book);
  const o = outArray(out, n);
  for (let t = 0; t < n; t++) o[t] = depthImbalanceAt(book, t, k);
  return o;
}
