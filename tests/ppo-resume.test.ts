// Exact resume of candle-env training through a checkpoint on disk, as in a new process: the env
// state (accounts, episode positions, pending orders, RNGs) travels in the checkpoint.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PpoTrainer } from '../agents/ppo/index.js';
import { readCandles } from '../data/store/candle-store.js';
import { SAMPLES_STORE } from '../data/store/catalog.js';
import { logReturnWindow } from '../data/features/log-return-window.js';
import { candleMarket } from '../envs/candle-market.js';
import { VecEnv } from '../envs/vec-env.js';

const dir = mkdtempSync(join(tmpdir(), 'tg-resume-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('PPO on the candle VecEnv resumes exactly from disk', () => {
  it('save after 3 updates, load into a fresh env, 3 more == 6 uninterrupted', async () => {
    const c = await readCandles(SAMPLES_STORE, { exchange: 'coinbase', symbol: 'BTC/USD', timeframe: '1h' });
    const market = candleMarket(c, logReturnWindow(c, 8));
    const makeEnv = () => new VecEnv(4, { market, episodeLength: 100, reward: { kind: 'differential-sharpe' }, execution: { latency: 2 } }, 3);
    const cfg = { seed: 5, totalTimesteps: 6 * 4 * 32, numSteps: 32, normalizeObservation: true, normalizeReward: true };
    const params = (t: PpoTrainer) => {
      const p = new Float32Array(t.engine.layout.size);
      t.engine.readParams(p);
      return Array.from(p);
    };

    const straight = await PpoTrainer.create(makeEnv(), cfg);
    await straight.learn({ updates: 6 });

    const first = await PpoTrainer.create(makeEnv(), cfg);
    await first.learn({ updates: 3 });
    await first.save(join(dir, 'ck'));
    first.dispose();
    const resumed = await PpoTrainer.load(join(dir, 'ck'), makeEnv());
    await resumed.learn({ updates: 3 });

    expect(resumed.globalStep).toBe(straight.globalStep);
    expect(params(resumed)).toEqual(params(straight));
    straight.dispose();
    resumed.dispose();
  });
});
