// The local Binance-compatible exchange, exercised through ccxt's real binance / pro.binance
// classes (createExchange + prepareExchange), plus raw REST / websocket checks of the protocol.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ccxt, { type Exchange, type Trade } from 'ccxt';
import WebSocket from 'ws';
import { createExchange, prepareExchange } from '../data/sources/exchange.js';
import type { Books } from '../data/types.js';
import { startExchangeSim, type ExchangeSim } from './exchange-sim/server.js';
import { makeBooks, makeCandles, makeTrades } from './exchange-sim/fixtures.js';

const T0 = Date.UTC(2024, 0, 1);
const NOW = Date.UTC(2024, 0, 3, 12);
const MIN = 60_000;

const btcCandles = makeCandles({ symbol: 'BTC/USDT', start: T0, price: 42000, n: 3000 });
const ethCandles = makeCandles({ symbol: 'ETH/USDT', start: T0, price: 2200, n: 1000 });
const BTC_FIRST_ID = 5001;
const btcTrades = makeTrades({ symbol: 'BTC/USDT', start: T0, price: 42000, n: 20000, everyMs: 500, firstId: BTC_FIRST_ID });
// Sparse trades (one per 2.5 s of wall time at speed 10): a watch is reliably still pending.
const xrpTrades = makeTrades({
  symbol: 'XRP/USDT', start: T0, price: 0.6, n: 50, everyMs: 25_000, priceDecimals: 4, qtyDecimals: 1,
});
const btcBooks = makeBooks({ symbol: 'BTC/USDT', start: T0, price: 42000, n: 60, everyMs: 1000, depth: 5 });

type Side = number[][];
const sig = (bids: Side, asks: Side) => JSON.stringify([bids.map((l) => [l[0], l[1]]), asks.map((l) => [l[0], l[1]])]);

/** Signature of every snapshot of a Books dataset (the book ccxt holds must equal one of them). */
function snapshotSigs(b: Books): Set<string> {
  const out = new Set<string>();
  for (let t = 0; t < b.ts.length; t++) {
    const bids: Side = [];
    const asks: Side = [];
    for (let i = 0; i < b.depth; i++) {
      const k = t * b.depth + i;
      if (Number.isFinite(b.bidPx[k])) bids.push([b.bidPx[k], b.bidSz[k]]);
      if (Number.isFinite(b.askPx[k])) asks.push([b.askPx[k], b.askSz[k]]);
    }
    out.add(sig(bids, asks));
  }
  return out;
}

async function getJson(url: string): Promise<{ status: number; headers: Headers; body: unknown }> {
  const res = await fetch(url);
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON (404 page)
  }
  return { status: res.status, headers: res.headers, body };
}

type Msg = Record<string, unknown>;

/** A raw websocket client that queues parsed messages. */
async function openWs(url: string): Promise<{ ws: WebSocket; next: (pred?: (m: Msg) => boolean) => Promise<Msg> }> {
  const ws = new WebSocket(url);
  const queue: Msg[] = [];
  let wake: (() => void) | undefined;
  ws.on('message', (d) => {
    queue.push(JSON.parse(d.toString()) as Msg);
    wake?.();
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const next = async (pred: (m: Msg) => boolean = () => true): Promise<Msg> => {
    for (;;) {
      const i = queue.findIndex(pred);
      if (i >= 0) return queue.splice(i, 1)[0];
      await new Promise<void>((resolve) => (wake = resolve));
    }
  };
  return { ws, next };
}

describe('exchange sim through ccxt', () => {
  let sim: ExchangeSim;
  let rest: Exchange;
  let pro: Exchange;

  beforeAll(async () => {
    sim = await startExchangeSim({
      candles: [btcCandles, ethCandles], trades: [btcTrades, xrpTrades], books: [btcBooks],
      replaySpeed: 10, now: () => NOW,
    });
    rest = createExchange({ exchange: 'binance', exchangeUrl: sim.url });
    pro = createExchange({ exchange: 'binance', pro: true, exchangeUrl: sim.url });
    await prepareExchange(pro);
  });

  afterAll(async () => {
    await rest?.close();
    await pro?.close();
    await sim?.close();
  });

  it('lists the datasets as spot markets with precision derived from the data', async () => {
    const markets = await rest.loadMarkets();
    expect(Object.keys(markets).sort()).toEqual(['BTC/USDT', 'ETH/USDT', 'XRP/USDT']);
    const btc = markets['BTC/USDT'];
    const xrp = markets['XRP/USDT'];
    if (!btc || !xrp) throw new Error('markets missing');
    expect(btc).toMatchObject({ id: 'BTCUSDT', base: 'BTC', quote: 'USDT', spot: true, active: true, type: 'spot' });
    expect(btc.precision).toMatchObject({ price: 0.01, amount: 0.00001 });
    expect(btc.limits.cost?.min).toBe(5);
    expect(xrp.precision).toMatchObject({ price: 0.0001, amount: 0.1 });
    expect(sim.requests.map((r) => r.path)).toEqual(['/api/v3/exchangeInfo']);
  });

  it('fetchTime answers the sim clock', async () => {
    expect(await rest.fetchTime()).toBe(NOW);
  });

  it('fetchOHLCV returns exactly the stored bars for since/limit', async () => {
    const from = 1234;
    const rows = await rest.fetchOHLCV('BTC/USDT', '1m', btcCandles.ts[from], 100);
    expect(rows).toHaveLength(100);
    rows.forEach((r, k) => {
      const i = from + k;
      expect(r).toEqual([
        btcCandles.ts[i], btcCandles.open[i], btcCandles.high[i], btcCandles.low[i], btcCandles.close[i], btcCandles.volume[i],
      ]);
    });
    // since inside a bar: Binance starts at the next bar open
    const mid = await rest.fetchOHLCV('BTC/USDT', '1m', btcCandles.ts[10] + 30_000, 2);
    expect(mid.map((r) => r[0])).toEqual([btcCandles.ts[11], btcCandles.ts[12]]);
    // no since: the latest 500
    const latest = await rest.fetchOHLCV('BTC/USDT', '1m');
    expect(latest).toHaveLength(500);
    expect(latest[499][0]).toBe(btcCandles.ts[2999]);
  });

  it('fetchOHLCV resamples to a longer interval', async () => {
    const rows = await rest.fetchOHLCV('BTC/USDT', '5m', T0 + 10 * MIN, 3);
    expect(rows.map((r) => r[0])).toEqual([T0 + 10 * MIN, T0 + 15 * MIN, T0 + 20 * MIN]);
    const i = 10;
    const [, o, h, l, c, v] = rows[0];
    expect(o).toBe(btcCandles.open[i]);
    expect(c).toBe(btcCandles.close[i + 4]);
    expect(h).toBe(Math.max(...btcCandles.high.slice(i, i + 5)));
    expect(l).toBe(Math.min(...btcCandles.low.slice(i, i + 5)));
    expect(v).toBeCloseTo(btcCandles.volume.slice(i, i + 5).reduce((a, b) => a + b, 0), 9);
  });

  it('fetchTrades returns the trades of the window, in order, value for value', async () => {
    const since = T0 + 10 * MIN + 250; // between two trades
    const trades = await rest.fetchTrades('BTC/USDT', since, 50);
    expect(trades).toHaveLength(50);
    const first = 1201; // T0 + 10 min + 500 ms
    trades.forEach((t, k) => {
      const i = first + k;
      expect(t).toMatchObject({
        id: String(BTC_FIRST_ID + i), timestamp: btcTrades.ts[i], price: btcTrades.price[i], amount: btcTrades.amount[i],
        side: btcTrades.side[i] > 0 ? 'buy' : 'sell', symbol: 'BTC/USDT',
      });
    });
    const q = sim.requests.at(-1)!;
    expect(q.path).toBe('/api/v3/aggTrades');
    expect(Number(q.query.endTime) - Number(q.query.startTime)).toBe(3_600_000);
  });

  it('fetchOrderBook returns the current replayed book', async () => {
    const sigs = snapshotSigs(btcBooks);
    const ob = await rest.fetchOrderBook('BTC/USDT');
    expect(sigs.has(sig(ob.bids as Side, ob.asks as Side))).toBe(true);
    expect(ob.nonce).toBeGreaterThanOrEqual(1_000_000);
  });

  it('watchOrderBook follows the replayed snapshots (REST snapshot + diffs, no gaps)', async () => {
    const sigs = snapshotSigs(btcBooks);
    const seen = new Set<string>();
    let nonce = 0;
    for (let k = 0; k < 15; k++) {
      const ob = await pro.watchOrderBook('BTC/USDT');
      const s = sig(ob.bids as Side, ob.asks as Side);
      expect(sigs.has(s)).toBe(true);
      expect(ob.bids[0][0]).toBeLessThan(ob.asks[0][0] as number);
      expect(ob.nonce).toBeGreaterThan(nonce);
      nonce = ob.nonce as number;
      seen.add(s);
    }
    expect(seen.size).toBeGreaterThan(5);
    expect(sim.requests.some((r) => r.path === '/api/v3/depth' && r.query.limit === '1000')).toBe(true);
  });

  it('watchTrades receives the replayed trades', async () => {
    const got: Trade[] = [];
    while (got.length < 20) got.push(...(await pro.watchTrades('BTC/USDT')));
    let prev = 0;
    for (const t of got) {
      const id = Number(t.id);
      expect(id).toBeGreaterThan(prev);
      prev = id;
      const i = id - BTC_FIRST_ID;
      expect(t).toMatchObject({
        price: btcTrades.price[i], amount: btcTrades.amount[i], timestamp: btcTrades.ts[i],
        side: btcTrades.side[i] > 0 ? 'buy' : 'sell',
      });
    }
  });

  it('watchOHLCV builds live bars from the trades', async () => {
    const bars = await pro.watchOHLCV('BTC/USDT', '1m');
    const [t, o, h, l, c, v] = bars[bars.length - 1] as number[];
    expect(t % MIN).toBe(0);
    expect(t).toBeGreaterThanOrEqual(T0);
    expect(h).toBeGreaterThanOrEqual(Math.max(o, c));
    expect(l).toBeLessThanOrEqual(Math.min(o, c));
    expect(v).toBeGreaterThan(0);
  });

  it('streams a synthetic book and trades for a candles-only symbol', async () => {
    const lastClose = ethCandles.close[ethCandles.close.length - 1];
    const ob = await pro.watchOrderBook('ETH/USDT');
    const bid = ob.bids[0][0] as number;
    const ask = ob.asks[0][0] as number;
    expect(bid).toBeLessThan(ask);
    expect(Math.abs((bid + ask) / 2 / lastClose - 1)).toBeLessThan(0.05);
    expect(ob.bids.length).toBe(20);
    const trades = await pro.watchTrades('ETH/USDT');
    expect(trades.length).toBeGreaterThan(0);
    expect(Math.abs(Number(trades[0].price) / lastClose - 1)).toBeLessThan(0.05);
    // the REST book of a synthetic symbol is served too
    const rb = await rest.fetchOrderBook('ETH/USDT', 5);
    expect(rb.bids).toHaveLength(5);
  });

  it('fetchTicker / watchTicker / watchBidsAsks report last price and the live best bid / ask', async () => {
    const t = await rest.fetchTicker('BTC/USDT');
    expect(t.symbol).toBe('BTC/USDT');
    expect(Number(t.bid)).toBeLessThan(Number(t.ask));
    expect(t.last).toBeGreaterThan(0);
    // ccxt's watchTicker listens to @miniTicker (no bid / ask) unless asked for the full @ticker
    const mini = await pro.watchTicker('BTC/USDT');
    expect(mini.symbol).toBe('BTC/USDT');
    expect(mini.last).toBeGreaterThan(0);
    const full = await pro.watchTicker('BTC/USDT', { name: 'ticker' });
    expect(Number(full.bid)).toBeLessThan(Number(full.ask));
    const ba = await pro.watchBidsAsks(['BTC/USDT']);
    const row = ba['BTC/USDT'];
    expect(Number(row?.bid)).toBeLessThan(Number(row?.ask));
  });

  it('maps unknown symbols and bad parameters to ccxt errors', async () => {
    await expect(rest.fetchOHLCV('FOO/USDT')).rejects.toBeInstanceOf(ccxt.BadSymbol); // ccxt refuses locally
    const api = rest as unknown as { publicGetKlines(p: object): Promise<unknown>; publicGetDepth(p: object): Promise<unknown> };
    await expect(api.publicGetKlines({ symbol: 'FOOUSDT', interval: '1m' })).rejects.toBeInstanceOf(ccxt.BadSymbol);
    await expect(api.publicGetKlines({ symbol: 'BTCUSDT', interval: '7m' })).rejects.toBeInstanceOf(ccxt.BadRequest);
    await expect(api.publicGetDepth({ symbol: 'BTCUSDT', limit: 'x' })).rejects.toBeInstanceOf(ccxt.BadRequest);
  });

  it('failNext makes the next requests fail with 503 -> ExchangeNotAvailable, then recovers', async () => {
    sim.failNext(2);
    await expect(rest.fetchTime()).rejects.toBeInstanceOf(ccxt.ExchangeNotAvailable);
    await expect(rest.fetchTime()).rejects.toBeInstanceOf(ccxt.NetworkError);
    expect(await rest.fetchTime()).toBe(NOW);
    // only the named path fails
    sim.failNext(1, { path: '/api/v3/klines', status: 502 });
    expect(await rest.fetchTime()).toBe(NOW);
    await expect(rest.fetchOHLCV('BTC/USDT', '1m', T0, 1)).rejects.toBeInstanceOf(ccxt.ExchangeNotAvailable);
    expect(await rest.fetchOHLCV('BTC/USDT', '1m', T0, 1)).toHaveLength(1);
  });

  it('REST speaks Binance: row shapes, filters, error bodies, weight header, 404', async () => {
    const k = await getJson(`${sim.url}/api/v3/klines?symbol=BTCUSDT&interval=1m&endTime=${T0 + 9 * MIN}&limit=3`);
    expect(k.status).toBe(200);
    const rows = k.body as unknown[][];
    expect(rows.map((r) => r[0])).toEqual([T0 + 7 * MIN, T0 + 8 * MIN, T0 + 9 * MIN]);
    expect(rows[0]).toHaveLength(12);
    expect(rows[0][6]).toBe(T0 + 8 * MIN - 1);
    expect(typeof rows[0][1]).toBe('string');
    expect(rows[0][1]).toBe(btcCandles.open[7].toFixed(8));
    expect(Number(k.headers.get('x-mbx-used-weight-1m'))).toBeGreaterThan(0);

    const bad = await getJson(`${sim.url}/api/v3/klines?symbol=NOPE&interval=1m`);
    expect(bad).toMatchObject({ status: 400, body: { code: -1121, msg: 'Invalid symbol.' } });
    const missing = await getJson(`${sim.url}/api/v3/klines?symbol=BTCUSDT`);
    expect(missing).toMatchObject({ status: 400, body: { code: -1102 } });
    const illegal = await getJson(`${sim.url}/api/v3/aggTrades?symbol=BTCUSDT&startTime=yesterday`);
    expect(illegal).toMatchObject({ status: 400, body: { code: -1100 } });
    expect((await getJson(`${sim.url}/api/v3/nothing`)).status).toBe(404);

    const info = await getJson(`${sim.url}/api/v3/exchangeInfo?symbol=XRPUSDT`);
    const symbols = (info.body as { symbols: { symbol: string; filters: { filterType: string; tickSize?: string }[] }[] }).symbols;
    expect(symbols.map((s) => s.symbol)).toEqual(['XRPUSDT']);
    expect(symbols[0].filters.find((f) => f.filterType === 'PRICE_FILTER')?.tickSize).toBe('0.00010000');

    const recent = await getJson(`${sim.url}/api/v3/trades?symbol=BTCUSDT&limit=2`);
    expect((recent.body as { id: number }[]).map((t) => t.id)).toEqual([BTC_FIRST_ID + 19998, BTC_FIRST_ID + 19999]);
    const agg = await getJson(`${sim.url}/api/v3/aggTrades?symbol=BTCUSDT&fromId=${BTC_FIRST_ID + 7}&limit=2`);
    expect((agg.body as { a: number }[]).map((t) => t.a)).toEqual([BTC_FIRST_ID + 7, BTC_FIRST_ID + 8]);
    const bt = await getJson(`${sim.url}/api/v3/ticker/bookTicker?symbol=BTCUSDT`);
    expect(bt.body).toMatchObject({ symbol: 'BTCUSDT' });
    expect(Number((bt.body as { bidPrice: string }).bidPrice)).toBeLessThan(Number((bt.body as { askPrice: string }).askPrice));
  });

  it('websocket: SUBSCRIBE / LIST / UNSUBSCRIBE, raw and combined payloads, continuous update ids', async () => {
    const wsUrl = sim.url.replace('http', 'ws');
    const raw = await openWs(`${wsUrl}/ws`);
    raw.ws.send(JSON.stringify({ method: 'SUBSCRIBE', params: ['btcusdt@depth@100ms', 'btcusdt@aggTrade'], id: 7 }));
    expect(await raw.next((m) => m.id === 7)).toEqual({ result: null, id: 7 });
    raw.ws.send(JSON.stringify({ method: 'LIST_SUBSCRIPTIONS', id: 8 }));
    expect(await raw.next((m) => m.id === 8)).toEqual({ result: ['btcusdt@depth@100ms', 'btcusdt@aggTrade'], id: 8 });
    const agg = await raw.next((m) => m.e === 'aggTrade');
    expect(agg).toMatchObject({ s: 'BTCUSDT', M: true });
    expect(typeof agg.p).toBe('string');
    let prevU: number | undefined;
    for (let k = 0; k < 5; k++) {
      const d = await raw.next((m) => m.e === 'depthUpdate');
      expect(d.s).toBe('BTCUSDT');
      if (prevU !== undefined) expect(d.U).toBe(prevU + 1);
      expect(d.u as number).toBeGreaterThanOrEqual(d.U as number);
      prevU = d.u as number;
    }
    raw.ws.send(JSON.stringify({ method: 'UNSUBSCRIBE', params: ['btcusdt@aggTrade'], id: 9 }));
    expect(await raw.next((m) => m.id === 9)).toEqual({ result: null, id: 9 });
    raw.ws.send(JSON.stringify({ method: 'NOPE', id: 10 }));
    expect(await raw.next((m) => m.id === 10)).toMatchObject({ error: { code: 2 } });
    raw.ws.close();

    const combined = await openWs(`${wsUrl}/stream?streams=btcusdt@trade/btcusdt@bookTicker`);
    const wrapped = await combined.next((m) => m.stream === 'btcusdt@trade');
    expect(wrapped.data).toMatchObject({ e: 'trade', s: 'BTCUSDT' });
    const ticker = await combined.next((m) => m.stream === 'btcusdt@bookTicker');
    expect(ticker.data).toMatchObject({ s: 'BTCUSDT' });
    combined.ws.close();

    const inPath = await openWs(`${wsUrl}/ws/btcusdt@depth5@100ms`);
    const partial = await inPath.next();
    expect((partial.bids as unknown[]).length).toBe(5);
    expect(typeof partial.lastUpdateId).toBe('number');
    inPath.ws.close();

    await expect(openWs(`${wsUrl}/elsewhere`)).rejects.toThrow();
  });

  it('dropConnections rejects a pending watch; the next watch reconnects', async () => {
    const ex = createExchange({ exchange: 'binance', pro: true, exchangeUrl: sim.url });
    await prepareExchange(ex);
    try {
      const first = await ex.watchTrades('XRP/USDT');
      expect(first.length).toBeGreaterThan(0);
      expect(sim.connections()).toBeGreaterThan(0);
      const pending = ex.watchTrades('XRP/USDT');
      sim.dropConnections();
      await expect(pending).rejects.toBeInstanceOf(ccxt.NetworkError);
      const again = await ex.watchTrades('XRP/USDT');
      expect(Number(again[0].id)).toBeGreaterThan(Number(first[first.length - 1].id));
      expect(sim.connections()).toBe(1);
      // a book watch after the drop subscribes afresh and resynchronises from a new snapshot
      const depthCalls = sim.requests.filter((r) => r.path === '/api/v3/depth').length;
      const book = await ex.watchOrderBook('BTC/USDT');
      expect(snapshotSigs(btcBooks).has(sig(book.bids as Side, book.asks as Side))).toBe(true);
      expect(sim.requests.filter((r) => r.path === '/api/v3/depth').length).toBe(depthCalls + 1);
    } finally {
      await ex.close();
    }
  });
});

describe('exchange sim replay loops', () => {
  let sim: ExchangeSim;
  let ex: Exchange;
  const trades = makeTrades({ symbol: 'BTC/USDT', start: T0, price: 42000, n: 3, everyMs: 1000 });
  const books = makeBooks({ symbol: 'BTC/USDT', start: T0, price: 42000, n: 3, everyMs: 1000, depth: 5 });

  beforeAll(async () => {
    // 3 s of data at 100x: each dataset loops every ~40 ms
    sim = await startExchangeSim({ trades: [trades], books: [books], replaySpeed: 100 });
    ex = createExchange({ exchange: 'binance', pro: true, exchangeUrl: sim.url });
    await prepareExchange(ex);
  });

  afterAll(async () => {
    await ex?.close();
    await sim?.close();
  });

  it('keeps trade ids and timestamps increasing across loops', async () => {
    const c = await openWs(`${sim.url.replace('http', 'ws')}/ws/btcusdt@trade`);
    let prev = { t: 0, T: 0 };
    for (let k = 0; k < 12; k++) {
      const m = await c.next();
      const i = ((m.t as number) - 1) % 3;
      expect(m.t as number).toBeGreaterThan(prev.t);
      expect(m.T as number).toBeGreaterThan(prev.T);
      expect(m.p).toBe(trades.price[i].toFixed(8));
      prev = { t: m.t as number, T: m.T as number };
    }
    c.ws.close();
  });

  it('serves looped trades by id over REST, as the stream published them (recorders backfill this way)', async () => {
    const c = await openWs(`${sim.url.replace('http', 'ws')}/ws/btcusdt@aggTrade`);
    const live: Msg[] = [];
    while (live.length < 12 || (live[0].a as number) <= 3) live.push(await c.next());
    c.ws.close();
    const looped = live.filter((m) => (m.a as number) > 3);
    // ccxt's fetchTrades with fromId is GET /api/v3/aggTrades?fromId=
    const got = await ex.fetchTrades('BTC/USDT', undefined, 5, { fromId: looped[0].a });
    expect(got.map((t) => Number(t.id))).toEqual([0, 1, 2, 3, 4].map((k) => (looped[0].a as number) + k));
    for (const m of looped.slice(0, 5)) {
      const t = got.find((x) => Number(x.id) === m.a)!;
      expect([t.timestamp, t.price, t.amount, t.side]).toEqual([m.T, Number(m.p), Number(m.q), m.m ? 'sell' : 'buy']);
    }
  });

  it('watchOrderBook stays consistent while the books loop', async () => {
    const sigs = snapshotSigs(books);
    for (let k = 0; k < 20; k++) {
      const ob = await ex.watchOrderBook('BTC/USDT');
      expect(sigs.has(sig(ob.bids as Side, ob.asks as Side))).toBe(true);
    }
  });
});

describe('exchange sim request weight', () => {
  let sim: ExchangeSim;
  let ex: Exchange;

  beforeAll(async () => {
    sim = await startExchangeSim({ candles: [btcCandles], weightPerMinute: 40, syntheticLive: false });
    ex = createExchange({ exchange: 'binance', exchangeUrl: sim.url });
  });

  afterAll(async () => {
    await ex?.close();
    await sim?.close();
  });

  it('serves an empty book when there is no live data (syntheticLive: false)', async () => {
    const d = await getJson(`${sim.url}/api/v3/depth?symbol=BTCUSDT&limit=5`);
    expect(d.body).toEqual({ lastUpdateId: 0, bids: [], asks: [] });
  });

  it('answers 429 with Retry-After over the limit -> ccxt DDoSProtection', async () => {
    await ex.loadMarkets(); // weight 20
    let error: unknown;
    for (let k = 0; k < 200 && !error; k++) {
      try {
        await ex.fetchOHLCV('BTC/USDT', '1m', T0, 1); // weight 2 each
      } catch (e) {
        error = e;
      }
    }
    expect(error instanceof ccxt.DDoSProtection || error instanceof ccxt.RateLimitExceeded).toBe(true);
    const res = await getJson(`${sim.url}/api/v3/ping`);
    // a new minute may just have begun; otherwise the limit still holds
    if (res.status === 429) {
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(res.body).toMatchObject({ code: -1003 });
      expect(Number(res.headers.get('x-mbx-used-weight-1m'))).toBeGreaterThan(40);
    }
  });
});
