// `data fetch` of 100k one-minute bars from the local Binance-speaking server through the real
// ccxt client, into the Parquet store. ccxt's rate limiter stays on (it is what users get), so
// this measures the whole path: throttle + HTTP + JSON + parse + store.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emptyCandles } from '../../data/types.js';
import { createExchange } from '../../data/sources/exchange.js';
import { fetchHistory } from '../../data/sources/fetch-history.js';
import { startExchangeSim } from '../../tests/exchange-sim/server.js';
import type { Benchmark, BenchRow } from './harness.js';

const N = 100_000;

export const fetchBench: Benchmark = {
  name: 'fetch',
  async run(): Promise<BenchRow[]> {
    const c = emptyCandles('binance', 'BTC/USDT', '1m', N);
    let px = 40_000;
    for (let i = 0; i < N; i++) {
      c.ts[i] = Date.UTC(2024, 0, 1) + i * 60_000;
      c.open[i] = px;
      px *= 1 + 0.001 * Math.sin(i * 0.37);
      c.close[i] = px;
      c.high[i] = Math.max(c.open[i], px) + 1;
      c.low[i] = Math.min(c.open[i], px) - 1;
      c.volume[i] = 1 + (i % 13);
    }
    const sim = await startExchangeSim({ candles: [c], syntheticLive: false, weightPerMinute: 1e9 });
    const dir = await mkdtemp(join(tmpdir(), 'tg-bench-fetch-'));
    const rows: BenchRow[] = [];
    try {
      for (const rateLimit of [true, false]) {
        const ex = createExchange({ exchange: 'binance', exchangeUrl: sim.url });
        ex.enableRateLimit = rateLimit;
        const t0 = performance.now();
        const r = await fetchHistory({ exchange: ex, store: join(dir, String(rateLimit)), symbol: 'BTC/USDT', kind: 'ohlcv', timeframe: '1m', since: c.ts[0], until: c.ts[N - 1] + 60_000 });
        const ms = performance.now() - t0;
        await ex.close();
        if (r.rows !== N) throw new Error(`fetched ${r.rows} of ${N} bars`);
        rows.push({
          benchmark: `data fetch 100k 1m bars, local server${rateLimit ? '' : ' (ccxt rate limiter off)'}`,
          unit: 'bars', perSec: N / (ms / 1000),
          notes: `${r.requests} requests, ${(ms / r.requests).toFixed(1)} ms/request${rateLimit ? `, throttle ${ex.rateLimit} ms x weight` : ''}`,
        });
      }
    } finally {
      await sim.close();
      await rm(dir, { recursive: true, force: true });
    }
    return rows;
  },
};
