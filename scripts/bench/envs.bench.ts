// Env steps/s with random actions on the shipped Coinbase BTC/USD 1h sample: one CandleEnv (the
// full execution model, account and fees), and a VecEnv of 64. Actions come from a pre-drawn
// buffer so the RNG is not what is measured. Reference: a plain Python/numpy env of the same
// basic semantics runs ~3.9 M steps/s on this kind of machine (issue #3).
import { readCandles } from '../../data/store/candle-store.js';
import { SAMPLES_STORE } from '../../data/store/catalog.js';
import { logReturnWindow } from '../../data/features/log-return-window.js';
import { makeRng } from '../../data/random.js';
import { candleMarket } from '../../envs/candle-market.js';
import { CandleEnv } from '../../envs/candle-env.js';
import { VecEnv } from '../../envs/vec-env.js';
import type { Benchmark, BenchRow } from './harness.js';

const WINDOW = 16;

export const envsBench: Benchmark = {
  name: 'envs',
  async run(): Promise<BenchRow[]> {
    const c = await readCandles(SAMPLES_STORE, { exchange: 'coinbase', symbol: 'BTC/USD', timeframe: '1h' });
    const market = candleMarket(c, logReturnWindow(c, WINDOW));
    const rng = makeRng('bench-actions');
    const acts = new Float64Array(1 << 16);
    for (let i = 0; i < acts.length; i++) acts[i] = rng.int(3);
    const rows: BenchRow[] = [];

    const env = new CandleEnv({ market, episodeLength: 1000 }, 1);
    env.reset({ seed: 1 });
    let best = 0;
    for (let rep = 0; rep < 4; rep++) {
      const n = 3_000_000;
      const t0 = performance.now();
      for (let k = 0; k < n; k++) {
        const r = env.step(acts[k & 65535]);
        if (r.terminated || r.truncated) env.reset();
      }
      best = Math.max(best, n / ((performance.now() - t0) / 1000));
    }
    rows.push({ benchmark: `CandleEnv step, random actions, obs ${WINDOW}+2`, unit: 'steps', perSec: best, notes: 'target >= 5 M/s; numpy reference 3.9 M/s' });

    for (const N of [64]) {
      const vec = new VecEnv(N, { market, episodeLength: 1000 }, 1);
      vec.reset(1);
      const a = new Float64Array(N);
      let vbest = 0;
      for (let rep = 0; rep < 4; rep++) {
        const steps = 50_000;
        const t0 = performance.now();
        for (let k = 0; k < steps; k++) {
          for (let i = 0; i < N; i++) a[i] = acts[(k * N + i) & 65535];
          vec.step(a);
        }
        vbest = Math.max(vbest, (steps * N) / ((performance.now() - t0) / 1000));
      }
      rows.push({ benchmark: `VecEnv of ${N}, random actions`, unit: 'env-steps', perSec: vbest, notes: 'target >= 20 M/s' });
    }
    return rows;
  },
};

export const bookEnvBench: Benchmark = {
  name: 'book-env',
  async run(): Promise<BenchRow[]> {
    const { readBooks } = await import('../../data/store/book-store.js');
    const { readTrades } = await import('../../data/store/trade-store.js');
    const { bookMarket } = await import('../../envs/book-market.js');
    const { BookEnv } = await import('../../envs/book-env.js');
    const key = { exchange: 'binance', symbol: 'BTC/USDT' };
    const market = bookMarket(await readBooks(SAMPLES_STORE, { ...key, depth: 20 }), await readTrades(SAMPLES_STORE, key));
    const env = new BookEnv({ market, orderSize: 0.01, episodeLength: 1000 }, 1);
    const n = env.actionSpace.kind === 'discrete' ? env.actionSpace.n : 1;
    const rng = makeRng('bench-book-actions');
    const acts = new Float64Array(1 << 16);
    for (let i = 0; i < acts.length; i++) acts[i] = rng.int(n);
    env.reset({ seed: 1 });
    let best = 0;
    for (let rep = 0; rep < 4; rep++) {
      const steps = 1_000_000;
      const t0 = performance.now();
      for (let k = 0; k < steps; k++) {
        const r = env.step(acts[k & 65535]);
        if (r.terminated || r.truncated) env.reset();
      }
      best = Math.max(best, steps / ((performance.now() - t0) / 1000));
    }
    return [{ benchmark: `BookEnv step, random actions (${n} actions, depth 20)`, unit: 'steps', perSec: best, notes: 'Binance BTC/USDT L2 sample' }];
  },
};
