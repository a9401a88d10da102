// Seeded synthetic live data for symbols that have no recorded books or trades: a random-walk
// book around a starting price (or around the last live trade, when trades are replayed) and
// trades against that book's best levels. Deterministic per symbol, so demos look the same.
import seedrandom from 'seedrandom';
import type { BookFeed, BookSnapshot, Level } from './book-replay.js';
import type { LiveTrade, TradeFeed } from './trade-replay.js';
import { roundTo } from './format.js';

export type Rng = () => number;

export function rngFor(symbol: string, what: string): Rng {
  return seedrandom(`exchange-sim:${symbol}:${what}`);
}

/** Standard normal draw (Box-Muller). */
function normal(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}

/** Typical order size: about 2000 quote units, on the lot grid. */
function baseQty(mid: number, qtyDecimals: number): number {
  return Math.max(10 ** -qtyDecimals, roundTo(2000 / mid, qtyDecimals));
}

export interface SyntheticBookOptions {
  startTs: number;
  /** Data-time between two book states. */
  stepMs: number;
  mid: number;
  priceDecimals: number;
  qtyDecimals: number;
  depth?: number;
  rng: Rng;
  /** When it returns a price (the last replayed trade) the book centres there instead of walking. */
  anchor?: () => number | undefined;
}

export class SyntheticBookFeed implements BookFeed {
  private ts: number;
  private mid: number;
  readonly startTs: number;

  constructor(private readonly o: SyntheticBookOptions) {
    this.ts = o.startTs;
    this.startTs = o.startTs;
    this.mid = o.mid > 0 ? o.mid : 100;
  }

  first(): BookSnapshot {
    return this.make();
  }

  next(until: number): BookSnapshot | undefined {
    if (this.ts + this.o.stepMs > until) return undefined;
    this.ts += this.o.stepMs;
    const anchored = this.o.anchor?.();
    this.mid = anchored !== undefined && anchored > 0 ? anchored : this.mid * Math.exp(0.0003 * normal(this.o.rng));
    return this.make();
  }

  private make(): BookSnapshot {
    const { priceDecimals: pd, qtyDecimals: qd, rng } = this.o;
    const depth = this.o.depth ?? 20;
    const tick = 10 ** -pd;
    // Levels half a basis point apart (at least one tick): a liquid-looking book.
    const gap = Math.max(tick, roundTo(this.mid * 5e-5, pd));
    const bestBid = roundTo(Math.floor((this.mid - gap / 2) / tick) * tick, pd);
    const bestAsk = roundTo(bestBid + gap, pd);
    const q = baseQty(this.mid, qd);
    const size = () => Math.max(10 ** -qd, roundTo(q * Math.exp(0.8 * normal(rng)), qd));
    const bids: Level[] = [];
    const asks: Level[] = [];
    for (let i = 0; i < depth; i++) {
      const b = roundTo(bestBid - i * gap, pd);
      if (b > 0) bids.push([b, size()]);
      asks.push([roundTo(bestAsk + i * gap, pd), size()]);
    }
    return { ts: this.ts, bids, asks };
  }
}

export interface SyntheticTradeOptions {
  startTs: number;
  stepMs: number;
  qtyDecimals: number;
  rng: Rng;
  /** Current best levels; trades lift the ask or hit the bid. */
  quote: () => { bid?: Level; ask?: Level };
  firstId?: number;
}

export class SyntheticTradeFeed implements TradeFeed {
  private stepStart: number;
  private id: number;
  private pending: LiveTrade[] = [];
  readonly startTs: number;

  constructor(private readonly o: SyntheticTradeOptions) {
    this.stepStart = o.startTs;
    this.startTs = o.startTs;
    this.id = o.firstId ?? 1;
  }

  next(until: number): LiveTrade | undefined {
    while (this.pending.length === 0 && this.stepStart <= until) this.fill();
    const t = this.pending[0];
    if (!t || t.ts > until) return undefined;
    this.pending.shift();
    return t;
  }

  /** Draws 0-2 trades spread over the next step. */
  private fill(): void {
    const { rng, stepMs, qtyDecimals: qd } = this.o;
    const r = rng();
    const n = r < 0.3 ? 0 : r < 0.75 ? 1 : 2;
    const { bid, ask } = this.o.quote();
    const times: number[] = [];
    for (let k = 0; k < n; k++) times.push(this.stepStart + Math.floor(rng() * stepMs));
    times.sort((a, b) => a - b);
    for (const ts of times) {
      const side = rng() < 0.5 ? 1 : -1;
      const level = side > 0 ? ask : bid;
      if (!level) continue;
      const amount = Math.max(10 ** -qd, roundTo(baseQty(level[0], qd) * 0.3 * Math.exp(normal(rng)), qd));
      this.pending.push({ id: this.id++, ts, price: level[0], amount, side });
    }
    this.stepStart += stepMs;
  }
}
