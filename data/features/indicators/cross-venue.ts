// Cross-venue spread net of taker fees, for arbitrage between venue A and venue B:
//   buyASellB = bidB * (1 - feeB) - askA * (1 + feeA)   (= bidB - askA - feeB*bidB - feeA*askA)
//   buyBSellA = bidA * (1 - feeA) - askB * (1 + feeB)
// per unit of base asset, in quote currency (divide by a mid for a return). > 0 means crossing both
// books at the top level pays after fees (sizes, latency and slippage are the env's business).
// Alignment by ts, as of: the output has one row per distinct ts of either series, built from the
// latest quote of each venue with ts <= that row's ts (no lookahead); NaN until both have quoted.
// Stateless per pair of quotes, so the streaming form keeps just the latest quote of each venue.
import { checkAscending, checkFinite, checkSameLength } from './params.js';
import type { BookLevels } from './book.js';

/** Top-of-book quotes of one venue. */
export interface Quotes {
  ts: Float64Array;
  bid: Float64Array;
  ask: Float64Array;
}

/** Taker fee rates as fractions (0.001 = 10 bp). */
export interface VenueFees {
  a: number;
  b: number;
}

export interface CrossVenueSpreadValue {
  readonly buyASellB: number;
  readonly buyBSellA: number;
}

export interface CrossVenueSpreadSeries {
  ts: Float64Array;
  buyASellB: Float64Array;
  buyBSellA: Float64Array;
}

/** Proceeds of selling one unit at `bid` minus the cost of buying it at `ask`, after both fees. */
export function netSpreadOf(bid: number, sellFee: number, ask: number, buyFee: number): number {
  return bid * (1 - sellFee) - ask * (1 + buyFee);
}

/** Level-0 quotes of a Books series (best bid / best ask per snapshot). */
export function topOfBook(book: BookLevels & { ts: Float64Array }): Quotes {
  const n = book.ts.length;
  const bid = new Float64Array(n);
  const ask = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    bid[t] = book.bidPx[t * book.depth];
    ask[t] = book.askPx[t * book.depth];
  }
  return { ts: book.ts, bid, ask };
}

export class CrossVenueSpreadStream implements CrossVenueSpreadValue {
  readonly lookback = 0;
  buyASellB = NaN;
  buyBSellA = NaN;
  private readonly feeA: number;
  private readonly feeB: number;
  private bidA = NaN;
  private askA = NaN;
  private bidB = NaN;
  private askB = NaN;

  constructor(fees: VenueFees) {
    this.feeA = checkFinite('fees.a', fees.a);
    this.feeB = checkFinite('fees.b', fees.b);
  }

  updateA(bid: number, ask: number): CrossVenueSpreadValue {
    this.bidA = bid;
    this.askA = ask;
    return this.refresh();
  }

  updateB(bid: number, ask: number): CrossVenueSpreadValue {
    this.bidB = bid;
    this.askB = ask;
    return this.refresh();
  }

  private refresh(): CrossVenueSpreadValue {
    this.buyASellB = netSpreadOf(this.bidB, this.feeB, this.askA, this.feeA);
    this.buyBSellA = netSpreadOf(this.bidA, this.feeA, this.askB, this.feeB);
    return this;
  }

  reset(): void {
    this.bidA = this.askA = this.bidB = this.askB = NaN;
    this.buyASellB = this.buyBSellA = NaN;
  }
}

/** Both directions on the union of the two time axes (each series ascending in ts). */
export function crossVenueSpread(a: Quotes, b: Quotes, fees: VenueFees): CrossVenueSpreadSeries {
  checkSameLength({ 'a.ts': a.ts, 'a.bid': a.bid, 'a.ask': a.ask });
  checkSameLength({ 'b.ts': b.ts, 'b.bid': b.bid, 'b.ask': b.ask });
  const na = a.ts.length;
  const nb = b.ts.length;
  checkAscending(a.ts, 'a.ts');
  checkAscending(b.ts, 'b.ts');
  // First pass counts the distinct times, so the outputs are allocated once.
  let rows = 0;
  for (let i = 0, j = 0; i < na || j < nb; rows++) {
    const t = Math.min(i < na ? a.ts[i] : Infinity, j < nb ? b.ts[j] : Infinity);
    while (i < na && a.ts[i] === t) i++;
    while (j < nb && b.ts[j] === t) j++;
  }
  const ts = new Float64Array(rows);
  const buyASellB = new Float64Array(rows);
  const buyBSellA = new Float64Array(rows);
  const s = new CrossVenueSpreadStream(fees);
  for (let i = 0, j = 0, r = 0; r < rows; r++) {
    const t = Math.min(i < na ? a.ts[i] : Infinity, j < nb ? b.ts[j] : Infinity);
    for (; i < na && a.ts[i] === t; i++) s.updateA(a.bid[i], a.ask[i]);
    for (; j < nb && b.ts[j] === t; j++) s.updateB(b.bid[j], b.ask[j]);
    ts[r] = t;
    buyASellB[r] = s.buyASellB;
    buyBSellA[r] = s.buyBSellA;
  }
  return { ts, buyASellB, buyBSellA };
}
