// Live L2 books and trades through ccxt.pro (watchOrderBook / watchTrades), buffered in memory
// and flushed to the store as immutable chunk files every `flushMs`. A kill -9 loses at most the
// unflushed buffer.
//
// Dropped sockets: a pending watch rejects, the stream's loop waits (capped exponential backoff
// with jitter, each attempt reported as an event) and watches again, forever; only errors no
// retry can cure (bad symbol, credentials, unsupported) stop it. ccxt.pro's own reconnect backoff
// is switched off: it doubles from 1 s to 60 s and resets only after 30 s of calm, so a socket
// dropped every few seconds went silent for a minute after a handful of drops.
//
// Trades stay complete across reconnects. On Binance-protocol exchanges the recorder watches
// aggregate trades (@aggTrade, the same ids `data fetch` stores from /api/v3/aggTrades), whose ids
// are consecutive integers; whenever a batch does not continue the last id (a reconnect, a lagging
// client, a restart after a kill), the missing ids are fetched over REST by id (fetchTrades with
// `fromId`, i.e. GET /api/v3/aggTrades?fromId=) before the batch is buffered, so chunks are
// written in id order and the stored ids have no hole. What REST cannot supply is reported as a
// trades `gap` event. Elsewhere ids are not consecutive: a reconnect is reported as a trades gap.
//
// Books are never stitched across a resync. After a reconnect (and after a restart) ccxt.pro
// rebuilds the book from a fresh REST snapshot; the recorder then writes a gap row first: a
// snapshot whose levels are all empty (NaN price, 0 size) at 1 ms after the last book seen. It
// means "the book is unknown from here until the next row" (see isBookGap); the env replaying it
// sees an empty book there, so no order fills against a book pieced together across the gap.
import type { Exchange, OrderBook, Trade } from 'ccxt';
import { ExchangeError } from '../errors.js';
import { emptyBooks, emptyTrades, type Books, type Trades } from '../types.js';
import { appendBooks, lastBookTs } from '../store/book-store.js';
import { appendTradeChunk, lastTrade, readTrades } from '../store/trade-store.js';
import { removeStaleTemps } from '../store/atomic-parquet.js';
import { seriesDir } from '../store/layout.js';
import { assertSymbol, loadMarkets } from './markets.js';
import { backoffDelay, DEFAULT_RETRY, isPermanent, sleep, withRetry, type RetryOptions } from './retry.js';

export interface RecordOptions {
  exchange: Exchange;
  store: string;
  symbols: string[];
  depth: number;
  flushMs?: number;
  /** Record trades too (default true). */
  trades?: boolean;
  signal?: AbortSignal;
  /** Reconnect backoff after a dropped stream: first wait about this long (default 500 ms)... */
  reconnectBaseMs?: number;
  /** ...doubling per failed attempt up to this cap (default 10 s). Attempts never stop. */
  reconnectMaxMs?: number;
  /**
   * Most trades fetched over REST to close one hole in the ids (default 200,000, about two hours
   * of BTC/USDT); a longer outage is recorded as a trades gap instead of a long download.
   */
  maxBackfill?: number;
  /** Retries of one backfill request (transient errors); after them the loop backs off and tries again. */
  retry?: RetryOptions;
  onEvent?: (e: RecorderEvent) => void;
}

export type RecorderEvent =
  | { type: 'flush'; symbol: string; books: number; trades: number; files: string[] }
  /** A watch failed; attempt `attempt` to reconnect starts in `retryInMs`. */
  | { type: 'disconnect'; symbol: string; stream: 'books' | 'trades'; error: string; attempt: number; retryInMs: number }
  | { type: 'reconnect'; symbol: string; stream: 'books' | 'trades'; attempts: number }
  /** Trades fetched over REST to close a hole in the ids [fromId, toId]. */
  | { type: 'backfill'; symbol: string; fromId: number; toId: number; trades: number }
  /**
   * Data that could not be recorded. Books: a gap row was written at `from`; the next book is at
   * `to`. Trades: ids [fromId, toId] (id-numbered exchanges) or the span [from, to] in ms are missing.
   */
  | { type: 'gap'; symbol: string; stream: 'books' | 'trades'; from?: number; to?: number; fromId?: number; toId?: number; reason: string }
  | { type: 'error'; symbol: string; error: string };

export interface RecordStats {
  books: number;
  trades: number;
  flushes: number;
  reconnects: number;
  /** Trades fetched over REST to close holes. */
  backfilled: number;
  /** Gap rows written into the books. */
  bookGaps: number;
}

/** True when snapshot `i` is a gap row: every level of both sides empty (the book was unknown). */
export function isBookGap(b: Books, i: number): boolean {
  const d = b.depth;
  for (let k = i * d; k < (i + 1) * d; k++) {
    if (!Number.isNaN(b.bidPx[k]) || !Number.isNaN(b.askPx[k]) || b.bidSz[k] !== 0 || b.askSz[k] !== 0) return false;
  }
  return true;
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
  /** The next book comes from a new sync (reconnect or restart): a gap row goes before it. */
  private resync = false;
  constructor(private exchange: string, private symbol: string, private depth: number) {
    this.b = emptyBooks(exchange, symbol, depth, 256);
  }
  /** Untimed updates in a row; after UNTIMED_LIMIT of them the recorder stamps books with local time. */
  private untimed = 0;
  private localClock = false;

  /** The stream broke: whatever comes next is not a continuation of what was recorded. */
  markResync(): void {
    if (this.lastTs() > -Infinity) this.resync = true;
  }

  private lastTs(): number {
    return this.length ? this.b.ts[this.length - 1] : this.flushedTs;
  }

  /** Buffers a book; returns the gap written before it, if any. */
  push(ob: OrderBook, receivedAt: number): { from: number; to: number } | undefined {
    // Exchange event time is the series clock. The first book after a (re)connect comes from the
    // REST snapshot and often has no time: it is skipped (the next diff follows within ~100 ms)
    // rather than stamped with the local clock, which would break the order of the series.
    let ts = ob.timestamp === undefined || ob.timestamp === null ? undefined : Number(ob.timestamp);
    if (ts === undefined) {
      if (!this.localClock && ++this.untimed < UNTIMED_LIMIT) {
        this.skipped++;
        return undefined;
      }
      this.localClock = true;
      ts = receivedAt;
    } else {
      this.untimed = 0;
    }
    let gap: { from: number; to: number } | undefined;
    if (this.resync) {
      const at = this.lastTs() + 1;
      if (ts <= at) {
        this.skipped++;
        return undefined;
      }
      this.write(this.length, at, undefined);
      this.resync = false;
      gap = { from: at, to: ts };
    }
    let i = this.length;
    if (i === 0 && ts <= this.flushedTs) {
      this.skipped++;
      return gap;
    }
    // Snapshot times must be strictly increasing; a later update in the same ms replaces the row.
    if (i > 0 && ts <= this.b.ts[i - 1]) i -= 1;
    this.write(i, i < this.length ? this.b.ts[i] : ts, ob);
    return gap;
  }

  /** Writes row i (a gap row when `ob` is undefined) and makes it the last. */
  private write(i: number, ts: number, ob: OrderBook | undefined): void {
    if (i === this.b.ts.length) this.grow();
    const d = this.depth;
    this.b.ts[i] = ts;
    for (let k = 0; k < d; k++) {
      const bid = ob?.bids[k];
      const ask = ob?.asks[k];
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

/** Trades waiting for the next flush, with what is needed to spot repeats and holes. */
class TradeBuffer {
  private rows: Trade[] = [];
  private recentIds = new Set<string>();
  /** Highest id buffered so far (id-numbered exchanges); the next trade should be lastId + 1. */
  lastId: number | undefined;
  /** Time of the latest trade buffered (to name a gap where ids say nothing). */
  lastTs: number | undefined;
  constructor(private exchange: string, private symbol: string, readonly numericIds: boolean) {}

  /** The trades of `batch` not buffered yet, in id (else time) order. */
  fresh(batch: Trade[]): Trade[] {
    const out: Trade[] = [];
    const ids = new Set<string>();
    for (const t of batch) {
      const id = String(t.id);
      if (ids.has(id)) continue;
      ids.add(id);
      if (this.numericIds ? this.lastId !== undefined && Number(id) <= this.lastId : this.recentIds.has(id)) continue;
      out.push(t);
    }
    return this.numericIds ? out.sort((a, b) => Number(a.id) - Number(b.id)) : out.sort((a, b) => Number(a.timestamp) - Number(b.timestamp));
  }

  /** Buffers trades given in order (see `fresh`); returns how many were new. */
  push(trades: Trade[]): number {
    let added = 0;
    for (const t of trades) {
      const id = String(t.id);
      if (this.numericIds) {
        if (this.lastId !== undefined && Number(id) <= this.lastId) continue; // a reconnect can resend trades already seen
        this.lastId = Number(id);
      } else {
        if (this.recentIds.has(id)) continue;
        this.recentIds.add(id);
      }
      this.lastTs = Math.max(this.lastTs ?? -Infinity, Number(t.timestamp));
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
    // Stable sort: trades of one millisecond keep their id order.
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

/**
 * Binance-protocol exchanges number aggregate trades consecutively and serve them by id
 * (aggTrades `fromId`, no API key needed), which is what makes trades recoverable by id.
 */
function idBackfill(ex: Exchange): boolean {
  return /^binance/.test(ex.id) && ex.has.fetchTrades === true;
}

/** Highest numeric trade id stored for the series (the trades at its last stored millisecond). */
async function lastStoredId(store: string, exchange: string, symbol: string): Promise<number | undefined> {
  const last = await lastTrade(store, { exchange, symbol });
  if (!last) return undefined;
  const t = await readTrades(store, { exchange, symbol }, { from: last.ts });
  const ids = t.id.map(Number).filter(Number.isSafeInteger);
  return ids.length ? Math.max(...ids) : undefined;
}

/** Records until `signal` aborts; then flushes what is buffered and closes the sockets. */
export async function recordLive(opts: RecordOptions): Promise<RecordStats> {
  const ex = opts.exchange;
  const flushMs = opts.flushMs ?? 5000;
  const baseMs = opts.reconnectBaseMs ?? 500;
  const maxMs = opts.reconnectMaxMs ?? 10_000;
  const maxBackfill = opts.maxBackfill ?? 200_000;
  const retry = opts.retry ?? { ...DEFAULT_RETRY, retries: 3 };
  const withTrades = opts.trades ?? true;
  const stats: RecordStats = { books: 0, trades: 0, flushes: 0, reconnects: 0, backfilled: 0, bookGaps: 0 };
  const emit = (e: RecorderEvent) => opts.onEvent?.(e);
  await loadMarkets(ex);
  for (const s of opts.symbols) assertSymbol(ex, s, 'symbols');
  for (const s of opts.symbols) {
    await removeStaleTemps(seriesDir(opts.store, { kind: 'books', exchange: ex.id, symbol: s, depth: opts.depth }));
  }
  // The recorder paces its own reconnects (below); ccxt's backoff would stack on top of it.
  const exOptions = ex.options as Record<string, unknown>;
  exOptions.ws = { ...(exOptions.ws as object | undefined), backoff: { base: 0 } };
  const byId = idBackfill(ex);
  const watchParams = byId ? { name: 'aggTrade' } : {};

  const books = new Map(opts.symbols.map((s) => [s, new BookBuffer(ex.id, s, opts.depth)]));
  // After a restart, continue strictly after what earlier runs stored, with a gap row between.
  for (const [s, buf] of books) {
    buf.flushedTs = (await lastBookTs(opts.store, { exchange: ex.id, symbol: s, depth: opts.depth })) ?? -Infinity;
    buf.markResync();
  }
  const trades = new Map(opts.symbols.map((s) => [s, new TradeBuffer(ex.id, s, byId)]));
  // ...and trades continue from the last stored id: the first batch backfills what was missed.
  if (byId && withTrades) for (const [s, buf] of trades) buf.lastId = await lastStoredId(opts.store, ex.id, s);

  // Stops every loop: the caller's abort, or a loop that met an error no retry can cure.
  const halt = new AbortController();
  const stopped = () => halt.signal.aborted;
  const onAbort = () => halt.abort();
  if (opts.signal?.aborted) halt.abort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });

  /** Trades with ids [from, to] over REST, in id order; reports what it could not get. */
  const fetchIds = async (symbol: string, from: number, to: number): Promise<Trade[]> => {
    const want = to - from + 1;
    if (want > maxBackfill) {
      emit({ type: 'gap', symbol, stream: 'trades', fromId: from, toId: to, reason: `${want} trades missed, more than the backfill limit of ${maxBackfill}` });
      return [];
    }
    const got: Trade[] = [];
    let next = from;
    while (next <= to && !stopped()) {
      const page = await withRetry(
        `${ex.id} fetchTrades ${symbol} fromId ${next}`,
        () => ex.fetchTrades(symbol, undefined, Math.min(1000, to - next + 1), { fromId: next }),
        retry,
      );
      const inRange = page.filter((t) => Number(t.id) >= next && Number(t.id) <= to).sort((a, b) => Number(a.id) - Number(b.id));
      if (inRange.length === 0) break;
      got.push(...inRange);
      next = Number(inRange[inRange.length - 1].id) + 1;
    }
    stats.backfilled += got.length;
    emit({ type: 'backfill', symbol, fromId: from, toId: to, trades: got.length });
    if (got.length < want) {
      const reason = stopped() ? 'stopped before the backfill finished' : `the exchange served ${got.length} of ${want} missed trades`;
      emit({ type: 'gap', symbol, stream: 'trades', fromId: from, toId: to, reason });
    }
    return got;
  };

  /** `fresh` trades (in id order) with every hole before or among them filled over REST. */
  const fillHoles = async (symbol: string, buf: TradeBuffer, fresh: Trade[]): Promise<Trade[]> => {
    if (!buf.numericIds || buf.lastId === undefined) return fresh;
    const out: Trade[] = [];
    let expected = buf.lastId + 1;
    for (const t of fresh) {
      const id = Number(t.id);
      if (id > expected) out.push(...(await fetchIds(symbol, expected, id - 1)));
      out.push(t);
      expected = id + 1;
    }
    return out;
  };

  /** Waits before the next attempt and says so; throws what no retry can cure. */
  const failed = async (symbol: string, stream: 'books' | 'trades', err: unknown, attempt: number) => {
    const message = err instanceof Error ? err.message : String(err);
    if (isPermanent(err)) {
      throw new ExchangeError(`${ex.id} ${stream} ${symbol}: ${message}`, { cause: err });
    }
    const retryInMs = backoffDelay(attempt, baseMs, maxMs);
    emit({ type: 'disconnect', symbol, stream, error: message, attempt, retryInMs });
    await sleep(retryInMs, halt.signal);
  };

  const bookLoop = async (symbol: string) => {
    const buf = books.get(symbol)!;
    let attempt = 0;
    while (!stopped()) {
      try {
        const ob = await ex.watchOrderBook(symbol);
        const gap = buf.push(ob, Date.now());
        stats.books++;
        if (gap) {
          stats.bookGaps++;
          emit({ type: 'gap', symbol, stream: 'books', ...gap, reason: 'book resynced from a new snapshot' });
        }
        if (attempt) {
          stats.reconnects++;
          emit({ type: 'reconnect', symbol, stream: 'books', attempts: attempt });
          attempt = 0;
        }
      } catch (err) {
        if (stopped()) break;
        buf.markResync();
        await failed(symbol, 'books', err, ++attempt);
      }
    }
  };

  const tradeLoop = async (symbol: string) => {
    const buf = trades.get(symbol)!;
    let attempt = 0;
    // Trades received but not buffered yet: they wait behind a hole until REST has filled it.
    let held: Trade[] = [];
    let reconnectedAt: number | undefined;
    while (!stopped()) {
      try {
        const batch = await ex.watchTrades(symbol, undefined, undefined, watchParams);
        if (attempt && reconnectedAt === undefined) {
          stats.reconnects++;
          emit({ type: 'reconnect', symbol, stream: 'trades', attempts: attempt });
          reconnectedAt = buf.lastTs;
        }
        held = buf.fresh(held.concat(batch));
        if (!buf.numericIds && reconnectedAt !== undefined && held.length) {
          emit({ type: 'gap', symbol, stream: 'trades', from: reconnectedAt, to: Number(held[0].timestamp), reason: `${ex.id} trade ids cannot be fetched by id; trades during the reconnect may be missing` });
        }
        const ready = await fillHoles(symbol, buf, held);
        stats.trades += buf.push(ready);
        held = [];
        attempt = 0;
        reconnectedAt = undefined;
      } catch (err) {
        if (stopped()) break;
        await failed(symbol, 'trades', err, ++attempt);
      }
    }
    // Stopping with trades still behind a hole: keep them, and say which ids are missing.
    if (held.length) {
      const first = Number(held[0].id);
      if (buf.numericIds && buf.lastId !== undefined && first > buf.lastId + 1) {
        emit({ type: 'gap', symbol, stream: 'trades', fromId: buf.lastId + 1, toId: first - 1, reason: 'stopped before the backfill finished' });
      }
      stats.trades += buf.push(held);
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
      emit({ type: 'flush', symbol: s, books: nb, trades: nt, files });
    }
  };

  let flushing = Promise.resolve();
  const timer = setInterval(() => {
    flushing = flushing.then(flushAll).catch((err) => emit({ type: 'error', symbol: '*', error: String(err) }));
  }, flushMs);
  const loops = opts.symbols.flatMap((s) => [bookLoop(s), ...(withTrades ? [tradeLoop(s)] : [])]);
  const halted = new Promise<void>((resolve) => {
    if (stopped()) resolve();
    halt.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  // A loop that throws stops the others; its error is the result.
  const firstFailure = Promise.all(loops.map((l) => l.catch((err: unknown) => {
    halt.abort();
    throw err;
  })));
  firstFailure.catch(() => undefined); // awaited below; this only keeps Node from calling it unhandled
  try {
    await Promise.race([halted, firstFailure]);
  } finally {
    halt.abort();
    opts.signal?.removeEventListener('abort', onAbort);
    clearInterval(timer);
    // Closing rejects the pending watches, so every loop ends and hands over what it holds.
    await ex.close().catch(() => undefined);
    await Promise.allSettled(loops);
    await flushing;
    await flushAll();
  }
  await firstFailure;
  return stats;
}
