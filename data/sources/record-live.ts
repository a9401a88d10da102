// Live L2 books and trades through ccxt.pro (watchOrderBook / watchTrades), buffered in memory
// and flushed to the store as immutable chunk files every `flushMs`. A dropped socket makes the
// pending watch reject; the loop waits (backoff) and watches again, which reconnects and, for
// books, re-syncs from a fresh REST snapshot. A kill -9 loses at most the unflushed buffer.
import type { Exchange, OrderBook, Trade } from 'ccxt';
import { emptyBooks, emptyTrades, type Books, type Trades } from '../types.js';
import { appendBooks, lastBookTs } from '../store/book-store.js';
import { appendTradeChunk } from '../store/trade-store.js';
import { removeStaleTemps } from '../store/atomic-parquet.js';
import { seriesDir } from '../store/layout.js';
import { assertSymbol, loadMarkets } from './markets.js';
import { isTransient, sleep } from './retry.js';

export interface RecordOptions {
  exchange: Exchange;
  store: string;
  symbols: string[];
  depth: number;
  flushMs?: number;
  /** Record trades too (default true). */
  trades?: boolean;
  signal?: AbortSignal;
  /** Reconnect backoff after a dropped stream. */
  reconnectBaseMs?: number;
  reconnectMaxMs?: number;
  onEvent?: (e: RecorderEvent) => void;
}

export type RecorderEvent =
  | { type: 'flush'; symbol: string; books: number; trades: number; files: string[] }
  | { type: 'disconnect'; symbol: string; stream: 'books' | 'trades'; error: string; retryInMs: number }
  | { type: 'reconnect'; symbol: string; stream: 'books' | 'trades' }
  | { type: 'error'; symbol: string; error: string };

export interface RecordStats {
  books: number;
  trades: number;
  flushes: number;
  reconnects: number;
}

const UNTIMED_LIMIT = 50;

/** Growable buffer of fixed-depth snapshots, drained at each flush. */
class BookBuffer {
  private b: Books;
  length = 0;
  /** Last flushed snapshot time: a chunk must start after it (files stay in strict time order). */
  flushedTs = -Infinity;
  /** Updates not recorded: untimed snapshots, or the same ms as an already flushed snapshot. */
  skipped = 0;
  constructor(private exchange: string, private symbol: string, private depth: number) {
    this.b = emptyBooks(exchange, symbol, depth, 256);
  }
  /** Untimed updates in a row; after UNTIMED_LIMIT of them the recorder stamps books with local time. */
  private untimed = 0;
  private localClock = false;
  push(ob: OrderBook, receivedAt: number): void {
    // Exchange event time is the series clock. The first book after a (re)connect comes from the
    // REST snapshot and often has no time: it is skipped (the next diff follows within ~100 ms)
    // rather than stamped with the local clock, which would break the order of the series.
    let ts = ob.timestamp === undefined || ob.timestamp === null ? undefined : Number(ob.timestamp);
    if (ts === undefined) {
      if (!this.localClock && ++this.untimed < UNTIMED_LIMIT) {
        this.skipped++;
        return;
      }
      this.localClock = true;
      ts = receivedAt;
    } else {
      this.untimed = 0;
    }
    const d = this.depth;
    let i = this.length;
    let t = ts;
    if (i === 0 && ts <= this.flushedTs) {
      this.skipped++;
      return;
    }
    // Snapshot times must be strictly increasing; a later update in the same ms replaces the row.
    if (i > 0 && ts <= this.b.ts[i - 1]) {
      i -= 1;
      t = this.b.ts[i];
    } else if (i === this.b.ts.length) {
      this.grow();
    }
    this.b.ts[i] = t;
    for (let k = 0; k < d; k++) {
      const bid = ob.bids[k];
      const ask = ob.asks[k];
      this.b.bidPx[i * d + k] = bid ? Number(bid[0]) : NaN;
      this.b.bidSz[i * d + k] = bid ? Number(bid[1]) : 0;
      this.b.askPx[i * d + k] = ask ? Number(ask[0]) : NaN;
      this.b.askSz[i * d + k] = ask ? Number(ask[1]) : 0;
    }
    this.length = i + 1;
  }
  private grow(): void {
    const bigger = emptyBooks(this.exchange, this.symbol, this.depth, this.b.ts.length * 2);
    for (const k of ['ts', 'bidPx', 'bidSz', 'askPx', 'askSz'] as const) bigger[k].set(this.b[k]);
    this.b = bigger;
  }
  take(): Books {
    const n = this.length;
    const d = this.depth;
    const out = emptyBooks(this.exchange, this.symbol, d, n);
    out.ts.set(this.b.ts.subarray(0, n));
    for (const k of ['bidPx', 'bidSz', 'askPx', 'askSz'] as const) out[k].set(this.b[k].subarray(0, n * d));
    if (n) this.flushedTs = out.ts[n - 1];
    this.length = 0;
    return out;
  }
}

class TradeBuffer {
  private rows: Trade[] = [];
  private recentIds = new Set<string>();
  constructor(private exchange: string, private symbol: string) {}
  push(trades: Trade[]): number {
    let added = 0;
    for (const t of trades) {
      const id = String(t.id);
      if (this.recentIds.has(id)) continue; // a reconnect can resend trades already seen
      this.recentIds.add(id);
      this.rows.push(t);
      added++;
    }
    if (this.recentIds.size > 100_000) this.recentIds = new Set([...this.recentIds].slice(-10_000));
    return added;
  }
  get length(): number {
    return this.rows.length;
  }
  take(): Trades {
    const rows = this.rows.sort((a, b) => Number(a.timestamp) - Number(b.timestamp));
    this.rows = [];
    const out = emptyTrades(this.exchange, this.symbol, rows.length);
    rows.forEach((t, i) => {
      out.ts[i] = Number(t.timestamp);
      out.price[i] = Number(t.price);
      out.amount[i] = Number(t.amount);
      out.side[i] = t.side === 'sell' ? -1 : 1;
      out.id[i] = String(t.id);
    });
    return out;
  }
}

/** Records until `signal` aborts; then flushes what is buffered and closes the sockets. */
export async function recordLive(opts: RecordOptions): Promise<RecordStats> {
  const ex = opts.exchange;
  const flushMs = opts.flushMs ?? 5000;
  const baseMs = opts.reconnectBaseMs ?? 500;
  const maxMs = opts.reconnectMaxMs ?? 30_000;
  const withTrades = opts.trades ?? true;
  const stats: RecordStats = { books: 0, trades: 0, flushes: 0, reconnects: 0 };
  await loadMarkets(ex);
  for (const s of opts.symbols) assertSymbol(ex, s, 'symbols');
  for (const s of opts.symbols) {
    await removeStaleTemps(seriesDir(opts.store, { kind: 'books', exchange: ex.id, symbol: s, depth: opts.depth }));
  }
  const books = new Map(opts.symbols.map((s) => [s, new BookBuffer(ex.id, s, opts.depth)]));
  // After a restart, continue strictly after what earlier runs stored.
  for (const [s, buf] of books) buf.flushedTs = (await lastBookTs(opts.store, { exchange: ex.id, symbol: s, depth: opts.depth })) ?? -Infinity;
  const trades = new Map(opts.symbols.map((s) => [s, new TradeBuffer(ex.id, s)]));
  const stopped = () => opts.signal?.aborted === true;

  // One loop per stream: watch, buffer, and on a network error wait and watch again.
  const loop = async (symbol: string, stream: 'books' | 'trades') => {
    let failures = 0;
    while (!stopped()) {
      try {
        if (stream === 'books') {
          const ob = await ex.watchOrderBook(symbol);
          books.get(symbol)!.push(ob, Date.now());
          stats.books++;
        } else {
          stats.trades += trades.get(symbol)!.push(await ex.watchTrades(symbol));
        }
        if (failures) {
          failures = 0;
          stats.reconnects++;
          opts.onEvent?.({ type: 'reconnect', symbol, stream });
        }
      } catch (err) {
        if (stopped()) break;
        const message = err instanceof Error ? err.message : String(err);
        if (!isTransient(err) && failures > 5) throw err;
        const retryInMs = Math.min(maxMs, baseMs * 2 ** failures);
        failures++;
        opts.onEvent?.({ type: 'disconnect', symbol, stream, error: message, retryInMs });
        await sleep(retryInMs);
      }
    }
  };

  const flushAll = async () => {
    for (const s of opts.symbols) {
      const b = books.get(s)!;
      const t = trades.get(s)!;
      if (!b.length && !t.length) continue;
      const nb = b.length;
      const nt = t.length;
      const files = [...(nb ? await appendBooks(opts.store, b.take()) : []), ...(nt ? await appendTradeChunk(opts.store, t.take()) : [])];
      stats.flushes++;
      opts.onEvent?.({ type: 'flush', symbol: s, books: nb, trades: nt, files });
    }
  };

  let flushing = Promise.resolve();
  const timer = setInterval(() => {
    flushing = flushing.then(flushAll).catch((err) => opts.onEvent?.({ type: 'error', symbol: '*', error: String(err) }));
  }, flushMs);
  const loops = opts.symbols.flatMap((s) => [loop(s, 'books'), ...(withTrades ? [loop(s, 'trades')] : [])]);
  const aborted = new Promise<void>((resolve) => {
    if (stopped()) resolve();
    opts.signal?.addEventListener('abort', () => resolve(), { once: true });
  });
  try {
    await Promise.race([aborted, Promise.all(loops)]);
  } finally {
    clearInterval(timer);
    await flushing;
    await flushAll();
    await ex.close().catch(() => undefined);
  }
  return stats;
}
