// A local exchange that speaks enough of Binance's spot REST and websocket APIs for ccxt's real
// `binance` / `pro.binance` classes (URLs pointed here with createExchange's exchangeUrl): it
// lists the datasets' symbols, serves their candles and trades as history, and replays books and
// trades live. Tests and demos use it instead of the internet.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import seedrandom from 'seedrandom';
import type { Books, Candles, Trades } from '../../data/types.js';
import { buildMarket, binanceNames, type SimMarket } from './exchange-info.js';
import { KlineHistory } from './klines.js';
import { TradeHistory } from './trade-history.js';
import { LiveMarket } from './live-market.js';
import { WsHub } from './ws-streams.js';
import { WeightLimiter } from './rate-limit.js';
import { routes, type RestContext } from './rest-routes.js';
import { ticker24hRow } from './tickers.js';
import { BinanceError, type Query } from './params.js';

export interface ExchangeSimOptions {
  /** Interface to bind; default 127.0.0.1 (never all interfaces unless asked). */
  host?: string;
  /** Default 0: an ephemeral port, read it back from `port` / `url`. */
  port?: number;
  /** Served by /api/v3/klines (the stored timeframe, or longer fixed intervals it divides). */
  candles?: Candles[];
  /** Served by /api/v3/aggTrades, /trades, /historicalTrades; replayed on @trade / @aggTrade / @kline_*. */
  trades?: Trades[];
  /** Depth-N snapshots replayed live as depthUpdate diffs; /api/v3/depth returns the current book. */
  books?: Books[];
  /** 1 = real time by dataset timestamps; larger = faster. Live replay loops when data ends. */
  replaySpeed?: number;
  /** Default true: symbols without recorded books / trades get a seeded synthetic live book / trades. */
  syntheticLive?: boolean;
  /** REQUEST_WEIGHT per minute (default 6000); over it the sim answers 429 + Retry-After. */
  weightPerMinute?: number;
  /** Clock of /api/v3/time and exchangeInfo.serverTime (default Date.now). */
  now?: () => number;
  /** Share of REST requests (0..1) answered 503 at random, like a flaky venue (default 0). */
  failRate?: number;
  /** Drops every websocket this often, in ms (default never): clients must reconnect and resync. */
  dropEveryMs?: number;
  /** Delay before each REST answer, in ms (default 0): a slow venue, or a far one. */
  latencyMs?: number;
  /** Seed of the random faults (default "exchange-sim"): the same seed fails the same requests. */
  seed?: string;
}

export interface FailOptions {
  /** HTTP status, default 503. */
  status?: number;
  /** Only requests to this path (e.g. "/api/v3/klines") fail; default any path. */
  path?: string;
  /** Response body (object -> JSON); default a Binance-style body for the status. */
  body?: unknown;
}

export interface RequestLogEntry {
  path: string;
  query: Record<string, string>;
  at: number;
}

export interface ExchangeSim {
  /** http://127.0.0.1:PORT */
  url: string;
  port: number;
  close(): Promise<void>;
  /** The next `n` matching REST requests fail (default 503) -> to test retries. */
  failNext(n: number, opts?: FailOptions): void;
  /** Abruptly terminates every websocket (to test reconnects). */
  dropConnections(): void;
  /** Every REST request, oldest first (capped at the latest 50 000). */
  requests: RequestLogEntry[];
  /** Open websockets. */
  connections(): number;
  /** Id of the latest trade the live feed published for a symbol (undefined before the first). */
  lastTradeId(symbol: string): number | undefined;
}

const MAX_LOG = 50_000;

interface Failure {
  remaining: number;
  status: number;
  path?: string;
  body?: unknown;
}

interface SymbolData {
  /** Unified name, as the first dataset that mentions the symbol spells it. */
  symbol: string;
  candles: Candles[];
  trades?: Trades;
  books?: Books;
}

/** Groups the datasets by symbol; one trades and one books dataset per symbol at most. */
function groupBySymbol(opts: ExchangeSimOptions): Map<string, SymbolData> {
  const out = new Map<string, SymbolData>();
  const entry = (symbol: string): SymbolData => {
    const id = binanceNames(symbol).id;
    let d = out.get(id);
    if (!d) out.set(id, (d = { symbol, candles: [] }));
    return d;
  };
  for (const c of opts.candles ?? []) entry(c.symbol).candles.push(c);
  for (const t of opts.trades ?? []) {
    const d = entry(t.symbol);
    if (d.trades) throw new Error(`exchange-sim: two trades datasets for ${t.symbol}`);
    d.trades = t;
  }
  for (const b of opts.books ?? []) {
    const d = entry(b.symbol);
    if (d.books) throw new Error(`exchange-sim: two books datasets for ${b.symbol}`);
    d.books = b;
  }
  return out;
}

function marketOf(d: SymbolData): SimMarket {
  const prices: ArrayLike<number>[] = [];
  const qtys: ArrayLike<number>[] = [];
  for (const c of d.candles) prices.push(c.open, c.high, c.low, c.close);
  if (d.trades) {
    prices.push(d.trades.price);
    qtys.push(d.trades.amount);
  }
  if (d.books) {
    prices.push(d.books.bidPx, d.books.askPx);
    qtys.push(d.books.bidSz, d.books.askSz);
  }
  // Candle volumes are sums of trade sizes: only used for the lot step when nothing finer exists.
  if (qtys.length === 0) for (const c of d.candles) qtys.push(c.volume);
  return buildMarket(d.symbol, prices, qtys);
}

function failureBody(status: number): unknown {
  if (status === 429 || status === 418) {
    return { code: -1003, msg: 'Too many requests; IP banned or rate limited, retry later.' };
  }
  // No "code": ccxt then maps the HTTP status itself (503 -> ExchangeNotAvailable, a NetworkError).
  return { msg: status === 503 ? 'Service Unavailable.' : http.STATUS_CODES[status] ?? 'Error' };
}

export async function startExchangeSim(opts: ExchangeSimOptions = {}): Promise<ExchangeSim> {
  const host = opts.host ?? '127.0.0.1';
  const speed = opts.replaySpeed ?? 1;
  if (!(speed > 0 && Number.isFinite(speed))) throw new Error(`exchange-sim: replaySpeed must be > 0, got ${speed}`);
  const weightPerMinute = opts.weightPerMinute ?? 6000;
  const now = opts.now ?? Date.now;
  const failRate = opts.failRate ?? 0;
  if (!(failRate >= 0 && failRate <= 1)) throw new Error(`exchange-sim: failRate must be in [0, 1], got ${failRate}`);
  const latencyMs = opts.latencyMs ?? 0;
  if (!(latencyMs >= 0 && Number.isFinite(latencyMs))) throw new Error(`exchange-sim: latencyMs must be >= 0, got ${latencyMs}`);
  const dropEveryMs = opts.dropEveryMs;
  if (dropEveryMs !== undefined && !(dropEveryMs > 0 && Number.isFinite(dropEveryMs))) throw new Error(`exchange-sim: dropEveryMs must be > 0, got ${dropEveryMs}`);
  const faultRng = seedrandom(opts.seed ?? 'exchange-sim');

  const hub = new WsHub();
  const klines = new Map<string, KlineHistory>();
  const live: LiveMarket = new LiveMarket(hub, speed, opts.syntheticLive ?? true, (m) => ticker24hRow(m, { live, klines }));
  const ctx: RestContext = { markets: new Map(), klines, trades: new Map(), live, now, weightPerMinute };
  for (const [id, d] of groupBySymbol(opts)) {
    const m = marketOf(d);
    ctx.markets.set(id, m);
    const th = d.trades ? new TradeHistory(d.trades) : undefined;
    if (th) ctx.trades.set(id, th);
    const kh = new KlineHistory(d.candles, th ? (a, b) => th.count(a, b) : undefined);
    ctx.klines.set(id, kh);
    live.add(m, { books: d.books, trades: th && d.trades ? { data: d.trades, ids: th.ids } : undefined, lastBar: kh.lastBar() });
  }

  const limiter = new WeightLimiter(weightPerMinute);
  const failures: Failure[] = [];
  const requests: RequestLogEntry[] = [];

  const send = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, {
      'Content-Type': typeof body === 'string' ? 'text/plain' : 'application/json;charset=UTF-8',
      'Content-Length': Buffer.byteLength(text),
      ...headers,
    });
    res.end(text);
  };

  const takeFailure = (path: string): Failure | undefined => {
    const f = failures.find((x) => x.remaining > 0 && (x.path === undefined || x.path === path));
    if (!f) return failRate > 0 && faultRng() < failRate ? { remaining: 0, status: 503 } : undefined;
    if (--f.remaining === 0) failures.splice(failures.indexOf(f), 1);
    return f;
  };

  const handle = (req: http.IncomingMessage, res: http.ServerResponse) => {
    req.resume(); // public endpoints take no body; drain whatever came
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    const query: Query = Object.fromEntries(url.searchParams);
    requests.push({ path, query, at: Date.now() });
    if (requests.length > MAX_LOG) requests.splice(0, requests.length - MAX_LOG);

    const failure = takeFailure(path);
    if (failure) {
      const retry: Record<string, string> = failure.status === 429 || failure.status === 418 ? { 'Retry-After': '1' } : {};
      send(res, failure.status, failure.body ?? failureBody(failure.status), retry);
      return;
    }
    const route = req.method === 'GET' || req.method === 'HEAD' ? routes[path] : undefined;
    if (!route) {
      send(res, 404, 'Not Found');
      return;
    }
    const w = limiter.take(route.weight(query));
    const used = { 'X-MBX-USED-WEIGHT': String(w.used), 'X-MBX-USED-WEIGHT-1M': String(w.used) };
    if (!w.ok) {
      send(res, 429, {
        code: -1003,
        msg: `Too much request weight used; current limit is ${weightPerMinute} request weight per 1 MINUTE. `
          + 'Please use WebSocket Streams for live updates to avoid polling the API.',
      }, { ...used, 'Retry-After': String(w.retryAfterSec) });
      return;
    }
    try {
      send(res, 200, route.handle(query, ctx), used);
    } catch (e) {
      if (e instanceof BinanceError) send(res, e.status, e.body(), used);
      else send(res, 500, { code: -1000, msg: `An unknown error occurred while processing the request. (${String(e)})` }, used);
    }
  };

  // Latency delays the whole handling, so the rate limiter and the failures see the request when
  // it "arrives", as they would behind a slow link.
  const server = http.createServer(latencyMs > 0 ? (req, res) => void setTimeout(() => handle(req, res), latencyMs) : handle);
  server.on('upgrade', (req, socket, head) => hub.handleUpgrade(req, socket, head));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  live.start();
  const port = (server.address() as AddressInfo).port;
  let closed = false;
  const dropAll = () => hub.dropAll();
  const dropTimer = dropEveryMs ? setInterval(dropAll, dropEveryMs) : undefined;
  dropTimer?.unref(); // a forgotten sim must not keep a test process alive

  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    requests,
    async close() {
      if (closed) return;
      closed = true;
      if (dropTimer) clearInterval(dropTimer);
      live.stop();
      await hub.close();
      server.closeAllConnections(); // idle keep-alive sockets of HTTP clients would hold close()
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    failNext(n, o = {}) {
      if (n > 0) failures.push({ remaining: n, status: o.status ?? 503, path: o.path, body: o.body });
    },
    dropConnections: dropAll,
    connections: () => hub.count(),
    lastTradeId: (symbol) => live.lastTradeId(binanceNames(symbol).id),
  };
}
