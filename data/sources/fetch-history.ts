// Historical OHLCV and trades through ccxt's unified API (fetchOHLCV / fetchTrades), paginated,
// throttled by ccxt's own rate limiter (enableRateLimit), retried on transient errors, committed
// to the store as it goes and resumable: a second run continues after the last stored row.
//
// Commits go through the store's upsert (atomic per partition file) every `commitMs` (2 s) or
// `flushRows` rows, whichever comes first, so a kill -9 loses at most the rows fetched since the
// last commit and a rerun carries on from the last stored row. Each commit rewrites the partition
// it touches, which grows through a month of candles or a day of trades: the interval stretches
// to four times the last commit's duration, so committing never takes more than a fifth of the
// run, however large the partition.
import type { Exchange } from 'ccxt';
import { ConfigError, ExchangeError } from '../errors.js';
import { emptyCandles, emptyTrades, type Candles, type Trades } from '../types.js';
import { timeframeMs } from '../timeframe.js';
import { lastCandleTs, writeCandles } from '../store/candle-store.js';
import { lastTrade, writeTrades } from '../store/trade-store.js';
import { assertSymbol, assertTimeframe, loadMarkets } from './markets.js';
import { DEFAULT_RETRY, withRetry, type RetryOptions } from './retry.js';

export interface FetchProgress {
  /** Market time covered so far, from `start` (ms). */
  cursor: number;
  start: number;
  until: number;
  rows: number;
  requests: number;
  retries: number;
}

export interface FetchHistoryOptions {
  exchange: Exchange;
  store: string;
  symbol: string;
  kind: 'ohlcv' | 'trades';
  /** Candle timeframe (ohlcv only). */
  timeframe?: string;
  since: number;
  /** Exclusive end in ms; default now. */
  until?: number;
  /** Rows per request; default 1000 (Binance's maximum for klines and aggTrades). */
  pageSize?: number;
  /** Commit to the store at least this often (ms, default 2000): what a kill -9 can lose. */
  commitMs?: number;
  /** Rows buffered before a commit regardless of time (bounds memory). */
  flushRows?: number;
  retry?: RetryOptions;
  now?: () => number;
  onProgress?: (p: FetchProgress) => void;
}

export interface FetchResult {
  rows: number;
  requests: number;
  retries: number;
  /** Writes to the store (each a point a killed run resumes from). */
  commits: number;
  /** Where this run started: `since`, or just after the last stored row when resuming. */
  start: number;
  resumed: boolean;
  first?: number;
  last?: number;
}

/** Decides when buffered rows go to the store: every `everyMs`, stretched for slow commits. */
class CommitClock {
  private due: number;
  commits = 0;
  constructor(private readonly everyMs: number, private readonly maxRows: number) {
    this.due = performance.now() + everyMs;
  }
  shouldCommit(rows: number): boolean {
    return rows > 0 && (rows >= this.maxRows || performance.now() >= this.due);
  }
  async commit(write: () => Promise<unknown>): Promise<void> {
    const t0 = performance.now();
    await write();
    const took = performance.now() - t0;
    this.commits++;
    this.due = performance.now() + Math.max(this.everyMs, 4 * took);
  }
}

/** Fetches history into the store. Returns what was fetched; the store holds the rows. */
export async function fetchHistory(opts: FetchHistoryOptions): Promise<FetchResult> {
  const ex = opts.exchange;
  const now = opts.now ?? Date.now;
  const until = opts.until ?? now();
  if (!(until > opts.since)) throw new ConfigError('until', `must be after since (${new Date(opts.since).toISOString()})`);
  const retryOpts = { ...(opts.retry ?? DEFAULT_RETRY) };
  let retries = 0;
  const userOnRetry = retryOpts.onRetry;
  retryOpts.onRetry = (info) => {
    retries++;
    userOnRetry?.(info);
  };
  await loadMarkets(ex, retryOpts);
  assertSymbol(ex, opts.symbol);
  if (opts.kind === 'ohlcv') {
    if (!opts.timeframe) throw new ConfigError('timeframe', 'required for --kind ohlcv');
    if (!ex.has.fetchOHLCV) throw new ConfigError('kind', `${ex.id} has no fetchOHLCV`);
    assertTimeframe(ex, opts.timeframe);
    return fetchCandlePages(opts, until, now, retryOpts, () => retries);
  }
  if (!ex.has.fetchTrades) throw new ConfigError('kind', `${ex.id} has no fetchTrades`);
  return fetchTradePages(opts, until, retryOpts, () => retries);
}

async function fetchCandlePages(
  opts: FetchHistoryOptions, until: number, now: () => number, retry: RetryOptions, retries: () => number,
): Promise<FetchResult> {
  const ex = opts.exchange;
  const tf = opts.timeframe as string;
  const tfMs = timeframeMs(tf);
  const key = { exchange: ex.id, symbol: opts.symbol, timeframe: tf };
  const last = await lastCandleTs(opts.store, key);
  const resumed = last !== undefined && last + tfMs > opts.since;
  const start = resumed ? (last as number) + tfMs : opts.since;
  // A bar is stored only once it has closed: the still-open bar would change after we saved it.
  const end = Math.min(until, Math.floor(now() / tfMs) * tfMs);
  const pageSize = opts.pageSize ?? 1000;
  const flushRows = opts.flushRows ?? 50_000;
  const clock = new CommitClock(opts.commitMs ?? 2000, flushRows);
  const buf = new CandleBuffer(key.exchange, key.symbol, tf, Math.min(flushRows, 10_000) + pageSize);
  let cursor = start;
  let requests = 0;
  let rows = 0;
  let first: number | undefined;
  let lastTs: number | undefined;
  const report = () => opts.onProgress?.({ cursor, start, until: end, rows, requests, retries: retries() });
  report();
  while (cursor < end) {
    const page = await withRetry(
      `${ex.id} fetchOHLCV ${opts.symbol} ${tf} since ${new Date(cursor).toISOString()}`,
      () => ex.fetchOHLCV(opts.symbol, tf, cursor, pageSize, { until: end - 1 }),
      retry,
    );
    requests++;
    let added = 0;
    for (const bar of page) {
      const ts = Number(bar[0]);
      if (ts < cursor || ts >= end) continue;
      if (lastTs !== undefined && ts <= lastTs) {
        throw new ExchangeError(`${ex.id} returned candles out of order (${ts} after ${lastTs}) for ${opts.symbol}`);
      }
      buf.push(ts, bar);
      first ??= ts;
      lastTs = ts;
      added++;
    }
    rows += added;
    if (added === 0) {
      cursor = end; // nothing in [cursor, end): the exchange has no more bars in this range
    } else {
      cursor = (lastTs as number) + tfMs;
    }
    if (clock.shouldCommit(buf.length)) await clock.commit(() => writeCandles(opts.store, buf.take()));
    report();
  }
  if (buf.length) await clock.commit(() => writeCandles(opts.store, buf.take()));
  return { rows, requests, retries: retries(), commits: clock.commits, start, resumed, first, last: lastTs };
}

/** Growable column buffer for candles arriving page by page. */
class CandleBuffer {
  private c: Candles;
  length = 0;
  constructor(private exchange: string, private symbol: string, private timeframe: string, capacity: number) {
    this.c = emptyCandles(exchange, symbol, timeframe, capacity);
  }
  push(ts: number, bar: ArrayLike<unknown>): void {
    if (this.length === this.c.ts.length) {
      const bigger = emptyCandles(this.exchange, this.symbol, this.timeframe, this.length * 2);
      for (const k of ['ts', 'open', 'high', 'low', 'close', 'volume'] as const) bigger[k].set(this.c[k]);
      this.c = bigger;
    }
    const i = this.length++;
    this.c.ts[i] = ts;
    this.c.open[i] = Number(bar[1]);
    this.c.high[i] = Number(bar[2]);
    this.c.low[i] = Number(bar[3]);
    this.c.close[i] = Number(bar[4]);
    this.c.volume[i] = Number(bar[5]);
  }
  take(): Candles {
    const n = this.length;
    const out = emptyCandles(this.exchange, this.symbol, this.timeframe, n);
    for (const k of ['ts', 'open', 'high', 'low', 'close', 'volume'] as const) out[k].set(this.c[k].subarray(0, n));
    this.length = 0;
    return out;
  }
}

// Trade endpoints cap the time span of one request (Binance aggTrades: 1 hour), so trades are
// walked window by window; a full page moves the cursor to the last trade's ms (inclusive; the
// store dedupes by trade id), a short page moves it past the window.
const TRADE_WINDOW_MS = 3_600_000;

async function fetchTradePages(
  opts: FetchHistoryOptions, until: number, retry: RetryOptions, retries: () => number,
): Promise<FetchResult> {
  const ex = opts.exchange;
  const key = { exchange: ex.id, symbol: opts.symbol };
  const stored = await lastTrade(opts.store, key);
  const resumed = stored !== undefined && stored.ts >= opts.since;
  const start = resumed ? (stored as { ts: number }).ts : opts.since;
  const pageSize = opts.pageSize ?? 1000;
  const flushRows = opts.flushRows ?? 100_000;
  const clock = new CommitClock(opts.commitMs ?? 2000, flushRows);
  let pending: Trades[] = [];
  let pendingRows = 0;
  const seen = new Set<string>();
  let cursor = start;
  let requests = 0;
  let rows = 0;
  let first: number | undefined;
  let last: number | undefined;
  const flush = async () => {
    if (!pendingRows) return;
    await clock.commit(() => writeTrades(opts.store, concatTrades(key.exchange, key.symbol, pending)));
    pending = [];
    pendingRows = 0;
  };
  const report = () => opts.onProgress?.({ cursor, start, until, rows, requests, retries: retries() });
  report();
  while (cursor < until) {
    const windowEnd = Math.min(cursor + TRADE_WINDOW_MS, until) - 1;
    const page = await withRetry(
      `${ex.id} fetchTrades ${opts.symbol} since ${new Date(cursor).toISOString()}`,
      () => ex.fetchTrades(opts.symbol, cursor, pageSize, { until: windowEnd }),
      retry,
    );
    requests++;
    const t = emptyTrades(key.exchange, key.symbol, page.length);
    let n = 0;
    let maxTs = -Infinity;
    for (const tr of page) {
      const ts = Number(tr.timestamp);
      const id = String(tr.id ?? `${ts}-${tr.price}-${tr.amount}-${tr.side}`);
      maxTs = Math.max(maxTs, ts);
      if (ts < cursor || ts > windowEnd || seen.has(id)) continue;
      seen.add(id);
      t.ts[n] = ts;
      t.price[n] = Number(tr.price);
      t.amount[n] = Number(tr.amount);
      t.side[n] = tr.side === 'sell' ? -1 : 1;
      t.id[n] = id;
      n++;
    }
    if (n) {
      const part = sliceTrades(t, n);
      pending.push(part);
      pendingRows += n;
      rows += n;
      first ??= part.ts[0];
      last = part.ts[n - 1];
    }
    if (page.length >= pageSize && maxTs > cursor) {
      cursor = maxTs; // more in this window: continue from the last trade's millisecond
    } else {
      if (page.length >= pageSize) {
        throw new ExchangeError(`${ex.id}: more than ${pageSize} trades in one millisecond at ${cursor}; lower the page size or use an id-based endpoint`);
      }
      cursor = windowEnd + 1;
      seen.clear();
    }
    if (clock.shouldCommit(pendingRows)) await flush();
    report();
  }
  await flush();
  return { rows, requests, retries: retries(), commits: clock.commits, start, resumed, first, last };
}

function sliceTrades(t: Trades, n: number): Trades {
  // ccxt sorts each page by timestamp already; keep a stable order by (ts, arrival).
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => t.ts[a] - t.ts[b] || a - b);
  const out = emptyTrades(t.exchange, t.symbol, n);
  idx.forEach((i, k) => {
    out.ts[k] = t.ts[i]; out.price[k] = t.price[i]; out.amount[k] = t.amount[i];
    out.side[k] = t.side[i]; out.id[k] = t.id[i];
  });
  return out;
}

export function concatTrades(exchange: string, symbol: string, parts: Trades[]): Trades {
  const n = parts.reduce((s, p) => s + p.ts.length, 0);
  const out = emptyTrades(exchange, symbol, n);
  let off = 0;
  for (const p of parts) {
    out.ts.set(p.ts, off); out.price.set(p.price, off); out.amount.set(p.amount, off); out.side.set(p.side, off);
    for (let i = 0; i < p.id.length; i++) out.id[off + i] = p.id[i];
    off += p.ts.length;
  }
  return out;
}
