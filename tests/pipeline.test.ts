// The feature pipeline: batch == live, no lookahead, normalisation fitted on train rows only,
// JSON round trip, clear errors.
import { describe, expect, it } from 'vitest';
import { readCandles } from '../data/store/candle-store.js';
import { SAMPLES_STORE } from '../data/store/catalog.js';
import { computeFeatures, fitPipeline, FeatureStream, transform, type PipelineConfig } from '../data/features/pipeline.js';
import { timeSplits } from '../envs/splits.js';
import { ConfigError } from '../data/errors.js';
import type { Candles } from '../data/types.js';

const config: PipelineConfig = {
  features: ['logret:4', 'sma:20', 'ema:12', 'wma:10', 'vwap:20', 'rsi:14', 'macd:12:26:9', 'bb:20:2', 'atr:14', 'stoch:14:3:3', 'obv:20', 'roc:10', 'vol:20', 'zscore:20'],
  normalize: 'zscore',
  clip: 5,
};
const sample = () => readCandles(SAMPLES_STORE, { exchange: 'coinbase', symbol: 'BTC/USD', timeframe: '1h' });
const copy = (c: Candles): Candles => ({ ...c, open: c.open.slice(), high: c.high.slice(), low: c.low.slice(), close: c.close.slice(), volume: c.volume.slice() });

describe('feature pipeline', () => {
  it('batch rows equal live rows built bar by bar', async () => {
    const c = await sample();
    const split = timeSplits(c.ts.length);
    const p = fitPipeline(c, config, split.train);
    const batch = transform(p, c);
    const live = new FeatureStream(JSON.parse(JSON.stringify(p)));
    const F = p.columns.length;
    expect(F).toBe(4 + 1 + 1 + 1 + 1 + 1 + 3 + 3 + 1 + 2 + 1 + 1 + 1 + 1);
    let mismatches = 0;
    for (let t = 0; t < c.ts.length; t++) {
      const row = live.update({ high: c.high[t], low: c.low[t], close: c.close[t], volume: c.volume[t] });
      for (let j = 0; j < F; j++) if (!Object.is(row[j], batch.values[t * F + j])) mismatches++;
    }
    expect(mismatches).toBe(0);
    // After the warm-up (MACD's 33 bars is the longest) every value is finite.
    let nonFinite = 0;
    for (let t = 40; t < c.ts.length; t++) for (let j = 0; j < F; j++) if (!Number.isFinite(batch.values[t * F + j])) nonFinite++;
    expect(nonFinite).toBe(0);
  });

  it('no feature at t changes when data after t changes', async () => {
    const c = await sample();
    const cut = 5000;
    const a = computeFeatures(c, config.features);
    const d = copy(c);
    for (let t = cut + 1; t < d.close.length; t++) { d.close[t] *= 1.7; d.high[t] *= 2; d.low[t] *= 0.5; d.volume[t] *= 3; }
    const b = computeFeatures(d, config.features);
    const F = a.columns.length;
    expect(Array.from(b.values.subarray(0, (cut + 1) * F))).toEqual(Array.from(a.values.subarray(0, (cut + 1) * F)));
  });

  it('normalisation statistics come from the training rows only', async () => {
    const c = await sample();
    const split = timeSplits(c.ts.length);
    const p1 = fitPipeline(c, config, split.train);
    const d = copy(c);
    for (let t = split.train.to; t < d.close.length; t++) { d.close[t] *= 10; d.high[t] *= 10; d.low[t] *= 10; d.volume[t] *= 100; }
    const p2 = fitPipeline(d, config, split.train);
    expect(p2.center).toEqual(p1.center);
    expect(p2.scale).toEqual(p1.scale);
    expect(p1.fittedOn).toMatchObject({ from: 0, to: split.train.to });
    // and they differ when fitted on everything (the leak the split prevents)
    const leaky = fitPipeline(d, config, { from: 0, to: d.close.length });
    expect(leaky.center).not.toEqual(p1.center);
  });

  it('robust scaling and clipping', async () => {
    const c = await sample();
    const p = fitPipeline(c, { features: ['logret:1'], normalize: 'robust', clip: 3 }, { from: 0, to: 10_000 });
    const m = transform(p, c);
    let max = 0;
    for (let t = 1; t < m.rows; t++) max = Math.max(max, Math.abs(m.values[t]));
    expect(max).toBe(3);
  });

  it('unknown features and bad parameters name the problem', () => {
    expect(() => computeFeatures({} as Candles, ['rsx:14'])).toThrow(ConfigError);
    expect(() => computeFeatures({} as Candles, ['rsx:14'])).toThrow(/unknown feature "rsx".*known: logret, sma/);
    expect(() => computeFeatures({} as Candles, ['rsi:-3'])).toThrow(/"rsi:-3": parameter 1 must be a positive number/);
  });
});

describe('missing values', () => {
  it('a NaN bar is a no-trade bar at the last close (ffill), or an error naming the row', async () => {
    const c = copy(await sample());
    c.close[500] = NaN; c.high[500] = NaN; c.low[500] = NaN;
    const ff = computeFeatures(c, ['ema:12', 'rsi:14']);
    expect(Number.isFinite(ff.values[600 * 2])).toBe(true); // EMA recovered: not poisoned for good
    const filled = copy(c);
    filled.close[500] = filled.high[500] = filled.low[500] = c.close[499];
    filled.volume[500] = 0;
    expect(Array.from(ff.values)).toEqual(Array.from(computeFeatures(filled, ['ema:12', 'rsi:14']).values));
    expect(() => computeFeatures(c, ['ema:12'], false, 'error')).toThrow(/row 500.*missing value/);
  });
});
