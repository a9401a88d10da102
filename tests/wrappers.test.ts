// Observation normalisation (learns while training, frozen in evaluation) and frame stacking.
import { describe, expect, it } from 'vitest';
import { readCandles } from '../data/store/candle-store.js';
import { SAMPLES_STORE } from '../data/store/catalog.js';
import { logReturnWindow } from '../data/features/log-return-window.js';
import { candleMarket } from '../envs/candle-market.js';
import { CandleEnv } from '../envs/candle-env.js';
import { NormalizeObservation, ObservationNormalizer } from '../envs/wrappers/normalize-observation.js';
import { RunningMeanStd } from '../envs/wrappers/running-stats.js';
import { FrameStack } from '../envs/wrappers/frame-stack.js';
import { checkEnv } from '../envs/check-env.js';

describe('wrappers', () => {
  it('running statistics match a direct computation, also in batches', () => {
    const x = Float32Array.from({ length: 300 }, (_, i) => Math.sin(i) * 3 + (i % 7));
    const one = new RunningMeanStd(3, 0);
    const batched = new RunningMeanStd(3, 0);
    for (let b = 0; b < 100; b++) one.update(x.subarray(b * 3, b * 3 + 3));
    batched.update(x.subarray(0, 150), 50);
    batched.update(x.subarray(150), 50);
    for (let j = 0; j < 3; j++) {
      const col = Array.from({ length: 100 }, (_, b) => x[b * 3 + j]);
      const m = col.reduce((a, v) => a + v, 0) / 100;
      const v = col.reduce((a, c) => a + (c - m) ** 2, 0) / 100;
      expect(one.mean[j]).toBeCloseTo(m, 9);
      expect(one.var[j]).toBeCloseTo(v, 9);
      expect(batched.mean[j]).toBeCloseTo(m, 9);
      expect(batched.var[j]).toBeCloseTo(v, 9);
    }
    expect(RunningMeanStd.fromJSON(JSON.parse(JSON.stringify(one.toJSON()))).mean).toEqual(one.mean);
  });

  it('normalises while training and freezes in evaluation', async () => {
    const c = await readCandles(SAMPLES_STORE, { exchange: 'coinbase', symbol: 'BTC/USD', timeframe: '1h' });
    const env = new NormalizeObservation(new CandleEnv({ market: candleMarket(c, logReturnWindow(c, 8)), episodeLength: 500 }, 1));
    // A learning normaliser changes observations between two identical runs; a frozen one must not.
    const frozenNorm = new ObservationNormalizer(new RunningMeanStd(10), 10);
    frozenNorm.training = false;
    checkEnv(new NormalizeObservation(new CandleEnv({ market: candleMarket(c, logReturnWindow(c, 8)), episodeLength: 500 }, 1), frozenNorm), { steps: 200 });
    env.reset({ seed: 1 });
    for (let k = 0; k < 2000; k++) if (env.step(k % 3).truncated) env.reset();
    const stats = env.normalizer.stats;
    expect(Math.abs(stats.mean[0])).toBeLessThan(0.01); // hourly log returns are centred near 0
    env.normalizer.training = false;
    const frozen = stats.toJSON();
    for (let k = 0; k < 500; k++) if (env.step(2).truncated) env.reset();
    expect(stats.toJSON()).toEqual(frozen);
  });

  it('frame stacking shows the last k observations, oldest first', async () => {
    const c = await readCandles(SAMPLES_STORE, { exchange: 'coinbase', symbol: 'BTC/USD', timeframe: '1h' });
    const inner = new CandleEnv({ market: candleMarket(c, logReturnWindow(c, 2)), accountFeatures: false });
    const env = new FrameStack(inner, 3);
    const first = Array.from(env.reset().obs);
    expect(first.slice(0, 2)).toEqual(first.slice(4, 6)); // filled with the first observation
    const o1 = Array.from(inner.core.obs);
    env.step(1);
    const o2 = Array.from(inner.core.obs);
    const s = Array.from(env.step(1).obs);
    expect(s.slice(0, 2)).toEqual(o1);
    expect(s.slice(2, 4)).toEqual(o2);
    expect(s.slice(4, 6)).toEqual(Array.from(inner.core.obs));
    checkEnv(new FrameStack(new CandleEnv({ market: candleMarket(c, logReturnWindow(c, 2)), episodeLength: 100 }), 4), { steps: 200 });
  });
});
