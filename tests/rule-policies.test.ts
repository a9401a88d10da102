// MA-cross and RSI rules as Policies, on hand-made observations and through a backtest.
import { describe, expect, it } from 'vitest';
import { discrete } from '../envs/spaces.js';
import { maCrossPolicy, rsiPolicy } from '../agents/baselines/rule-policies.js';
import { readCandles } from '../data/store/candle-store.js';
import { SAMPLES_STORE } from '../data/store/catalog.js';
import { fitPipeline, transform } from '../data/features/pipeline.js';
import { candleMarket } from '../envs/candle-market.js';
import { CandleEnv } from '../envs/candle-env.js';
import { runBacktest } from '../agents/backtest.js';
import { sma } from '../data/features/indicators/index.js';

describe('rule policies', () => {
  it('MA cross goes long when the fast average is above the slow one', () => {
    const names = ['sma10', 'sma50'];
    const p = maCrossPolicy(discrete(3), names, 10, 50, 2);
    // close/fast - 1 = 0.01 < close/slow - 1 = 0.05  =>  fast > slow  => long (action 2)
    expect(Array.from(p.act(Float32Array.of(0.01, 0.05, 0.05, 0.01), 2).actions.slice(0, 2))).toEqual([2, 0]);
    const longOnly = maCrossPolicy(discrete(2), names, 10, 50, 2);
    expect(Array.from(longOnly.act(Float32Array.of(0.05, 0.01), 1).actions.slice(0, 1))).toEqual([0]);
  });

  it('RSI rule enters below the lower band and holds until the upper band', () => {
    const p = rsiPolicy(discrete(3), ['rsi14'], 14, 30, 70, 1);
    const seq = [50, 25, 40, 65, 75, 50, 20].map((r) => p.act(Float32Array.of(r / 100 - 0.5), 1).actions[0]);
    expect(seq).toEqual([1, 2, 2, 2, 0, 0, 2]); // flat, long..., short at 75, long again at 20
  });

  it('MA cross trades exactly when the SMAs cross on real data', async () => {
    const c = await readCandles(SAMPLES_STORE, { exchange: 'coinbase', symbol: 'BTC/USD', timeframe: '1h' });
    const p = fitPipeline(c, { features: ['sma:10', 'sma:50'], normalize: 'none', clip: 0 }, { from: 0, to: 10_000 });
    const env = new CandleEnv({ market: candleMarket(c, transform(p, c)), longOnly: true, execution: { rebalanceBand: 0.5 } });
    const r = runBacktest(env, maCrossPolicy(env.actionSpace, p.columns, 10, 50));
    const fast = sma(c.close, 10);
    const slow = sma(c.close, 50);
    let crosses = 0;
    for (let t = 50; t < c.close.length - 1; t++) if ((fast[t] > slow[t]) !== (fast[t - 1] > slow[t - 1])) crosses++;
    // one fill per cross (enter or leave), give or take the first bar of the episode
    expect(Math.abs(r.metrics.trades - crosses)).toBeLessThanOrEqual(1);
  });
});
