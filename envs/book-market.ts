// What a book env replays: L2 snapshots plus the public trades between them, aligned once so a
// step reads its trades as an index range. Step t owns the trades with ts in (ts[t-1], ts[t]]
// (step 0: every trade at or before ts[0]); trades after the last snapshot are never used.
import { DataError } from '../data/errors.js';
import type { Books, Trades } from '../data/types.js';
import { tickGrid, type TickGrid } from './execution/book-ticks.js';

export interface BookMarketOptions {
  /** Price tick. Default: inferred from the first 1000 snapshots (smallest gap between levels). */
  tickSize?: number;
}

export interface BookMarket {
  books: Books;
  trades: Trades;
  rows: number;
  depth: number;
  grid: TickGrid;
  /** Trades of step t are indices [tradeStart[t], tradeStart[t + 1]); length rows + 1. */
  tradeStart: Int32Array;
  /**
   * Mid price of row t: (bid0 + ask0) / 2, or the last two-sided row's mid when a side is empty
   * (carried forward: never from a later row).
   */
  mid: Float64Array;
  /** First row with both sides quoted (episodes start there or later). */
  firstValid: number;
}

const INFER_ROWS = 1000;

/**
 * The smallest positive gap between adjacent price levels (and across the spread) in the first
 * 1000 snapshots, rounded to 3 significant digits (0.00999999 -> 0.01). A sparse book can make
 * this a multiple of the true tick: pass `tickSize` when you know it.
 */
export function inferTickSize(b: Books): number {
  const N = b.depth;
  const rows = Math.min(b.ts.length, INFER_ROWS);
  let best = Infinity;
  const scan = (px: Float64Array, o: number) => {
    for (let k = 1; k < N; k++) {
      const d = Math.abs(px[o + k] - px[o + k - 1]);
      if (d > 0 && d < best) best = d;
    }
  };
  for (let t = 0; t < rows; t++) {
    const o = t * N;
    scan(b.bidPx, o);
    scan(b.askPx, o);
    const s = b.askPx[o] - b.bidPx[o];
    if (s > 0 && s < best) best = s;
  }
  if (!Number.isFinite(best)) throw new DataError('cannot infer the tick size (no two distinct prices in the first snapshots); pass tickSize');
  return Number(best.toPrecision(3));
}

/** Validates books and trades and aligns them; errors name the row (and column). */
export function bookMarket(books: Books, trades: Trades, opts: BookMarketOptions = {}): BookMarket {
  const rows = books.ts.length;
  const N = books.depth;
  if (!Number.isInteger(N) || N < 1) throw new DataError(`book depth must be a positive integer, got ${N}`);
  if (rows < 2) throw new DataError(`a book env needs at least 2 snapshots, got ${rows}`);
  for (const col of ['bidPx', 'bidSz', 'askPx', 'askSz'] as const) {
    if (books[col].length !== rows * N) throw new DataError(`books.${col} has ${books[col].length} values, expected ${rows} x depth ${N}`, { column: col });
  }
  const { ts, bidPx, bidSz, askPx, askSz } = books;
  const mid = new Float64Array(rows);
  let firstValid = -1;
  let last = NaN;
  for (let t = 0; t < rows; t++) {
    if (!Number.isFinite(ts[t])) throw new DataError(`snapshot ts is ${ts[t]}`, { row: t, column: 'ts' });
    if (t > 0 && !(ts[t] > ts[t - 1])) throw new DataError(`snapshot ts ${ts[t]} is not after the previous ${ts[t - 1]} (book ts must strictly increase)`, { row: t, column: 'ts' });
    for (let k = 0; k < N; k++) {
      const i = t * N + k;
      if (!(bidPx[i] > 0 || Number.isNaN(bidPx[i])) || !(bidSz[i] >= 0) || bidSz[i] === Infinity) throw new DataError(`bad bid level ${k}: price ${bidPx[i]}, size ${bidSz[i]}`, { row: t, column: 'bidPx' });
      if (!(askPx[i] > 0 || Number.isNaN(askPx[i])) || !(askSz[i] >= 0) || askSz[i] === Infinity) throw new DataError(`bad ask level ${k}: price ${askPx[i]}, size ${askSz[i]}`, { row: t, column: 'askPx' });
    }
    const b0 = bidPx[t * N];
    const a0 = askPx[t * N];
    if (b0 > 0 && a0 > 0) {
      if (!(b0 < a0)) throw new DataError(`crossed book: best bid ${b0} >= best ask ${a0}`, { row: t });
      last = (b0 + a0) / 2;
      if (firstValid < 0) firstValid = t;
    }
    mid[t] = last;
  }
  if (firstValid < 0 || firstValid >= rows - 1) throw new DataError(`no step after the first two-sided snapshot (row ${firstValid} of ${rows})`);

  const nt = trades.ts.length;
  for (const col of ['price', 'amount', 'side'] as const) {
    if (trades[col].length !== nt) throw new DataError(`trades.${col} has ${trades[col].length} values, expected ${nt}`, { column: col });
  }
  for (let j = 0; j < nt; j++) {
    if (!Number.isFinite(trades.ts[j]) || (j > 0 && trades.ts[j] < trades.ts[j - 1])) throw new DataError(`trade ts ${trades.ts[j]} is out of time order`, { row: j, column: 'ts' });
    if (!(trades.price[j] > 0) || !(trades.amount[j] >= 0) || !Number.isFinite(trades.price[j] + trades.amount[j])) {
      throw new DataError(`bad trade: price ${trades.price[j]}, amount ${trades.amount[j]}`, { row: j, column: 'price' });
    }
    if (trades.side[j] !== 1 && trades.side[j] !== -1) throw new DataError(`trade side must be 1 or -1, got ${trades.side[j]}`, { row: j, column: 'side' });
  }
  const tradeStart = new Int32Array(rows + 1);
  let j = 0;
  for (let t = 0; t < rows; t++) {
    tradeStart[t] = j;
    while (j < nt && trades.ts[j] <= ts[t]) j++;
  }
  tradeStart[rows] = j;
  const grid = tickGrid(opts.tickSize ?? inferTickSize(books));
  return { books, trades, rows, depth: N, grid, tradeStart, mid, firstValid };
}
