// Live order book: depth-N snapshots (from a dataset or a synthetic generator) applied one after
// another to the current book; each application yields a Binance depthUpdate diff (changed
// levels with their new size, vanished levels with size 0) numbered with update ids U..u that
// continue the previous u, which is what ccxt checks against the REST snapshot's lastUpdateId.
import type { Books } from '../../data/types.js';
import { assertAscending } from './sorted.js';

export type Level = [price: number, size: number];

export interface BookSnapshot {
  ts: number;
  bids: Level[];
  asks: Level[];
}

export interface BookDiff {
  /** First and last update id covered; E is the event time. */
  U: number;
  u: number;
  E: number;
  bids: Level[];
  asks: Level[];
}

/** A source of snapshots in time order; `next(until)` hands out the next one due by `until`. */
export interface BookFeed {
  readonly startTs: number;
  first(): BookSnapshot;
  next(until: number): BookSnapshot | undefined;
}

/** Time between the end of a dataset and its replayed copy: span + one average gap. */
export function loopPeriod(ts: ArrayLike<number>): number {
  const n = ts.length;
  if (n < 2) return 1000;
  const span = ts[n - 1] - ts[0];
  return span + Math.max(1, span / (n - 1));
}

/** Snapshot row `t` of a Books dataset, timestamps shifted by `shift` (NaN / 0 levels dropped). */
export function bookRow(b: Books, t: number, shift = 0): BookSnapshot {
  const bids: Level[] = [];
  const asks: Level[] = [];
  for (let i = 0; i < b.depth; i++) {
    const k = t * b.depth + i;
    if (Number.isFinite(b.bidPx[k]) && b.bidSz[k] > 0) bids.push([b.bidPx[k], b.bidSz[k]]);
    if (Number.isFinite(b.askPx[k]) && b.askSz[k] > 0) asks.push([b.askPx[k], b.askSz[k]]);
  }
  return { ts: b.ts[t] + shift, bids, asks };
}

/** Replays a Books dataset, looping forever with timestamps shifted so they keep increasing. */
export class DatasetBookFeed implements BookFeed {
  private i = 1;
  private loop = 0;
  private readonly period: number;

  constructor(private readonly b: Books) {
    if (b.ts.length === 0) throw new Error(`exchange-sim: books dataset ${b.symbol} is empty`);
    assertAscending(b.ts, `books ${b.symbol} ts`);
    this.period = loopPeriod(b.ts);
  }

  get startTs(): number {
    return this.b.ts[0];
  }

  first(): BookSnapshot {
    return bookRow(this.b, 0);
  }

  next(until: number): BookSnapshot | undefined {
    if (this.i === this.b.ts.length) {
      this.i = 0;
      this.loop++;
    }
    const shift = this.loop * this.period;
    if (this.b.ts[this.i] + shift > until) return undefined;
    return bookRow(this.b, this.i++, shift);
  }
}

/** The current book of one symbol and its update-id sequence. */
export class LiveBook {
  private readonly bids = new Map<number, number>();
  private readonly asks = new Map<number, number>();
  lastUpdateId: number;
  ts: number;

  constructor(first: BookSnapshot, firstUpdateId = 1_000_000) {
    for (const [p, s] of first.bids) this.bids.set(p, s);
    for (const [p, s] of first.asks) this.asks.set(p, s);
    this.lastUpdateId = firstUpdateId;
    this.ts = first.ts;
  }

  /** Makes the book equal `s`; returns the diff, or undefined when nothing changed. */
  apply(s: BookSnapshot): BookDiff | undefined {
    this.ts = s.ts;
    const bids = replaceSide(this.bids, s.bids);
    const asks = replaceSide(this.asks, s.asks);
    const changes = bids.length + asks.length;
    if (changes === 0) return undefined;
    // One update id per changed level, like Binance's U..u ranges.
    const U = this.lastUpdateId + 1;
    this.lastUpdateId += changes;
    return { U, u: this.lastUpdateId, E: s.ts, bids, asks };
  }

  /** Best `limit` levels of a side: bids high to low, asks low to high. */
  levels(side: 'bids' | 'asks', limit = Infinity): Level[] {
    const m = side === 'bids' ? this.bids : this.asks;
    const out = [...m.entries()].sort(side === 'bids' ? (x, y) => y[0] - x[0] : (x, y) => x[0] - y[0]);
    return out.length > limit ? out.slice(0, limit) : out;
  }

  best(): { bid?: Level; ask?: Level } {
    let bid: Level | undefined;
    let ask: Level | undefined;
    for (const [p, s] of this.bids) if (!bid || p > bid[0]) bid = [p, s];
    for (const [p, s] of this.asks) if (!ask || p < ask[0]) ask = [p, s];
    return { bid, ask };
  }
}

/** Sets `side` to exactly `levels`; returns the changed levels (size 0 for removed ones). */
function replaceSide(side: Map<number, number>, levels: Level[]): Level[] {
  const changed: Level[] = [];
  const keep = new Set<number>();
  for (const [p, s] of levels) {
    keep.add(p);
    if (side.get(p) !== s) {
      side.set(p, s);
      changed.push([p, s]);
    }
  }
  for (const p of side.keys()) {
    if (!keep.has(p)) {
      side.delete(p);
      changed.push([p, 0]);
    }
  }
  return changed;
}

/**
 * Merges consecutive diffs into one event, as Binance does for a stream's update interval
 * (@depth@100ms, @depth = 1000ms): later sizes win, U is the first id, u the last.
 */
export class DiffAccumulator {
  private U = 0;
  private u = 0;
  private E = 0;
  private readonly bids = new Map<number, number>();
  private readonly asks = new Map<number, number>();

  add(d: BookDiff): void {
    if (this.U === 0) this.U = d.U;
    this.u = d.u;
    this.E = d.E;
    for (const [p, s] of d.bids) this.bids.set(p, s);
    for (const [p, s] of d.asks) this.asks.set(p, s);
  }

  take(): BookDiff | undefined {
    if (this.U === 0) return undefined;
    const d: BookDiff = {
      U: this.U, u: this.u, E: this.E,
      bids: [...this.bids.entries()].sort((x, y) => y[0] - x[0]),
      asks: [...this.asks.entries()].sort((x, y) => x[0] - y[0]),
    };
    this.U = 0;
    this.bids.clear();
    this.asks.clear();
    return d;
  }
}
