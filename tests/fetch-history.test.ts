// data fetch through the real ccxt client against the local Binance-speaking server:
// pagination, exact values, resume without duplicates, retries, and clear errors.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExchangeSim, type ExchangeSim } from './exchange-sim/server.js';
import { importCandlesFile } from '../data/sources/import-candles.js';
import { createExchange } from '../data/sources/exchange.js';
import { fetchHistory } from '../data/sources/fetch-history.js';
import { readCandles } from '../data/store/candle-store.js';
import { readTrades } from '../data/store/trade-store.js';
import { ConfigError, ExchangeError } from '../data/errors.js';
import { sliceCandles, type Candles, type Trades } from '../data/types.js';
import { SAMPLES_STORE } from '../data/store/catalog.js';
import { describeIf, SHARED_DATA, sharedFile } from './helpers/requirements.js';

let sim: ExchangeSim;
let btc: Candles;
let trades: Trades;
const dir = mkdtempSync(join(tmpdir(), 'tg-fetch-'));
const fastRetry = { retries: 4, baseDelayMs: 5, maxDelayMs: 20 };

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const binance = () => createExchange({ exchange: 'binance', exchangeUrl: sim.url });
const klineRequests = () => sim.requests.filter((r) => r.path === '/api/v3/klines');

describeIf([SHARED_DATA], 'the local exchange serving real Binance candles', () => {
  beforeAll(async () => {
    // Real Binance BTC/USDT 1m candles (GPL set, read in place), first 5000 bars: no gap in them.
    const { candles } = await importCandlesFile(sharedFile('binance-spot-1m-2021-04-to-05', 'BTC_USDT-1m.json'), { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1m' });
    btc = sliceCandles(candles, 0, 5000);
    trades = await readTrades(SAMPLES_STORE, { exchange: 'binance', symbol: 'BTC/USDT' });
    sim = await startExchangeSim({ candles: [btc], trades: [trades], syntheticLive: false });
  });
  afterAll(() => sim.close());

  describe('fetch OHLCV history', () => {
    it('paginates and stores exactly the bars the exchange serves', async () => {
      const store = join(dir, 'a');
      const ex = binance();
      const before = klineRequests().length;
      const r = await fetchHistory({ exchange: ex, store, symbol: 'BTC/USDT', kind: 'ohlcv', timeframe: '1m', since: btc.ts[0], until: btc.ts[2500], retry: fastRetry });
      await ex.close();
      expect(r.rows).toBe(2500);
      expect(r.resumed).toBe(false);
      expect(klineRequests().length - before).toBe(3); // 1000 + 1000 + 500
      const got = await readCandles(store, btc);
      for (const k of ['ts', 'open', 'high', 'low', 'close', 'volume'] as const) expect(got[k]).toEqual(btc[k].slice(0, 2500));
    });

    it('resumes after the last stored bar and never stores a duplicate', async () => {
      const store = join(dir, 'b');
      const ex = binance();
      await fetchHistory({ exchange: ex, store, symbol: 'BTC/USDT', kind: 'ohlcv', timeframe: '1m', since: btc.ts[0], until: btc.ts[1200], retry: fastRetry });
      const firstRun = klineRequests().length;
      const r = await fetchHistory({ exchange: ex, store, symbol: 'BTC/USDT', kind: 'ohlcv', timeframe: '1m', since: btc.ts[0], until: btc.ts[4000], retry: fastRetry });
      await ex.close();
      expect(r.resumed).toBe(true);
      expect(r.start).toBe(btc.ts[1200]);
      expect(r.rows).toBe(2800);
      const firstResumed = klineRequests()[firstRun];
      expect(Number(firstResumed.query.startTime)).toBe(btc.ts[1200]);
      const got = await readCandles(store, btc);
      expect(got.ts).toEqual(btc.ts.slice(0, 4000));
      expect(got.close).toEqual(btc.close.slice(0, 4000));
      // A third run has nothing to do.
      const ex2 = binance();
      const again = await fetchHistory({ exchange: ex2, store, symbol: 'BTC/USDT', kind: 'ohlcv', timeframe: '1m', since: btc.ts[0], until: btc.ts[4000], retry: fastRetry });
      await ex2.close();
      expect(again.rows).toBe(0);
      expect((await readCandles(store, btc)).ts.length).toBe(4000);
    });

    it('stores only closed bars', async () => {
      const store = join(dir, 'c');
      const ex = binance();
      // "now" is 30 s into bar 100: bar 100 is still open and must not be stored.
      const r = await fetchHistory({ exchange: ex, store, symbol: 'BTC/USDT', kind: 'ohlcv', timeframe: '1m', since: btc.ts[0], now: () => btc.ts[100] + 30_000, retry: fastRetry });
      await ex.close();
      expect(r.rows).toBe(100);
      expect(r.last).toBe(btc.ts[99]);
    });

    it('retries transient failures (503, 429) with backoff and loses nothing', async () => {
      const store = join(dir, 'd');
      const ex = binance();
      await ex.loadMarkets();
      sim.failNext(2, { path: '/api/v3/klines', status: 503 });
      const r1 = await fetchHistory({ exchange: ex, store, symbol: 'BTC/USDT', kind: 'ohlcv', timeframe: '1m', since: btc.ts[0], until: btc.ts[1500], retry: fastRetry });
      expect(r1.retries).toBe(2);
      sim.failNext(1, { path: '/api/v3/klines', status: 429 });
      const r2 = await fetchHistory({ exchange: ex, store, symbol: 'BTC/USDT', kind: 'ohlcv', timeframe: '1m', since: btc.ts[0], until: btc.ts[3000], retry: fastRetry });
      await ex.close();
      expect(r2.retries).toBe(1);
      expect((await readCandles(store, btc)).close).toEqual(btc.close.slice(0, 3000));
    });

    it('gives up with a clear ExchangeError when failures persist', async () => {
      const ex = binance();
      await ex.loadMarkets();
      sim.failNext(10, { path: '/api/v3/klines', status: 503 });
      const run = fetchHistory({ exchange: ex, store: join(dir, 'e'), symbol: 'BTC/USDT', kind: 'ohlcv', timeframe: '1m', since: btc.ts[0], until: btc.ts[10], retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 2 } });
      await expect(run).rejects.toThrow(ExchangeError);
      await expect(run).rejects.toThrow(/fetchOHLCV BTC\/USDT 1m .* failed after 3 attempts/);
      sim.failNext(0);
      await ex.close();
    });

    it('names unknown symbols and timeframes', async () => {
      const ex = binance();
      await expect(fetchHistory({ exchange: ex, store: dir, symbol: 'DOGE/USDT', kind: 'ohlcv', timeframe: '1m', since: 0, retry: fastRetry }))
        .rejects.toThrow(ConfigError);
      await expect(fetchHistory({ exchange: ex, store: dir, symbol: 'DOGE/USDT', kind: 'ohlcv', timeframe: '1m', since: 0, retry: fastRetry }))
        .rejects.toThrow(/unknown symbol "DOGE\/USDT" on binance/);
      await expect(fetchHistory({ exchange: ex, store: dir, symbol: 'BTC/USDT', kind: 'ohlcv', timeframe: '7m', since: 0, retry: fastRetry }))
        .rejects.toThrow(/binance has no "7m" candles/);
      await ex.close();
    });
  });

  describe('fetch trade history', () => {
    it('walks the windows, resumes, and stores every trade once', async () => {
      const store = join(dir, 't');
      const ex = binance();
      const since = trades.ts[0];
      const mid = trades.ts[9000];
      const r1 = await fetchHistory({ exchange: ex, store, symbol: 'BTC/USDT', kind: 'trades', since, until: mid, retry: fastRetry });
      const r2 = await fetchHistory({ exchange: ex, store, symbol: 'BTC/USDT', kind: 'trades', since, until: trades.ts[trades.ts.length - 1] + 1, retry: fastRetry });
      await ex.close();
      expect(r2.resumed).toBe(true);
      const got = await readTrades(store, trades);
      expect(got.ts.length).toBe(trades.ts.length);
      expect(new Set(got.id).size).toBe(trades.ts.length);
      expect(got.price).toEqual(trades.price);
      expect(got.amount).toEqual(trades.amount);
      expect(r1.rows).toBeGreaterThan(8000);
    });
  });
});
