// Fair baselines (issue 12) on the shipped Coinbase BTC/USD 1h sample: every baseline but
// buy-and-hold is tuned on the validation rows by the agent's selection metric and scored on the
// test rows. The tuning never reads a test row (perturbed test prices leave every choice and
// validation score unchanged), the choice is the best grid point on validation (checked by brute
// force through `tradegym backtest`'s own code path), pinned parameters are not tuned, and the
// classifiers' minimum holding period holds on real data.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../data/errors.js';
import { transform } from '../data/features/pipeline.js';
import type { Candles } from '../data/types.js';
import { candleMarket } from '../envs/candle-market.js';
import { directionLabels, usableRows } from '../agents/baselines/labels.js';
import { fitLogisticRegression } from '../agents/baselines/logistic-regression.js';
import { signalPolicy } from '../agents/baselines/signal-policy.js';
import { runBacktest } from '../agents/backtest.js';
import { readConfigTree, deepMerge } from '../experiments/config-file.js';
import { ExperimentSchema, type ExperimentConfig } from '../experiments/schema.js';
import { evalEnv, prepareExperiment, type Prepared } from '../experiments/prepare.js';
import { backtestPolicy } from '../experiments/backtest-policies.js';
import {
  baselineGrids, paramsText, scoreTunedBaselines, scoreTunedPredictors, tuningRanges, walkForwardRanges, type ScoredPolicy, type SelectBy,
} from '../experiments/baselines-run.js';

const BASE = fileURLToPath(new URL('../experiments/configs/base.yaml', import.meta.url));

/** base.yaml (the shipped sample, 70/15/15 splits, its features) with these fields merged in. */
function config(over: Record<string, unknown> = {}): ExperimentConfig {
  return ExperimentSchema.parse(deepMerge(readConfigTree(BASE), {
    baselines: { models: ['ma-cross', 'rsi', 'logistic-regression', 'random-forest'], randomForest: { trees: 20, maxDepth: 6, minLeaf: 50, maxSamples: 0.5 } },
    ...over,
  }));
}

const p = await prepareExperiment(config());
const cfg = p.config.baselines!;
const ranges = tuningRanges(p, p.splits.test);
const byName = (scored: ScoredPolicy[]) => Object.fromEntries(scored.map((s) => [s.name, s]));

/** The same experiment with every bar from `from` on scaled by a smooth factor (a different future). */
function perturbedFrom(q: Prepared, from: number): Prepared {
  const c = q.candles;
  const d: Candles = { ...c, open: c.open.slice(), high: c.high.slice(), low: c.low.slice(), close: c.close.slice(), volume: c.volume.slice() };
  for (let t = from; t < d.close.length; t++) {
    const f = Math.exp(0.3 * Math.sin((t - from) / 97));
    d.open[t] *= f; d.high[t] *= f; d.low[t] *= f; d.close[t] *= f; d.volume[t] *= 3;
  }
  // The pipeline fitted on the train rows is reused as fitted: only the test rows' features change.
  return { ...q, candles: d, market: candleMarket(d, transform(q.pipeline, d)) };
}

describe('tuned baselines', () => {
  it('for the test split: fit on train, tuned on valid, scored on test', () => {
    expect(ranges).toEqual({ train: p.splits.train, valid: p.splits.valid, test: p.splits.test });
    // A walk-forward window inside the test split is tuned on the valid split's length right before it.
    const [, second] = walkForwardRanges(p, 3);
    const r = tuningRanges(p, second.range);
    const validLength = p.splits.valid.to - p.splits.valid.from;
    expect(r.valid).toEqual({ from: second.range.from - validLength, to: second.range.from });
    expect(r.train).toEqual({ from: 0, to: r.valid.from });
  });

  it('never reads the test rows: a different future leaves every choice and validation score unchanged', () => {
    const selectBy: SelectBy = 'sharpe';
    const a = byName(scoreTunedBaselines(p, cfg, ranges, selectBy));
    const b = byName(scoreTunedBaselines(perturbedFrom(p, p.splits.test.from), cfg, ranges, selectBy));
    expect(Object.keys(a)).toEqual(['buy-and-hold', 'ma-cross', 'rsi', 'logistic-regression', 'random-forest']);
    expect(a['buy-and-hold'].params).toBeUndefined();
    for (const name of ['ma-cross', 'rsi', 'logistic-regression', 'random-forest']) {
      expect(a[name].tuning, name).toMatchObject({ selectBy, candidates: name === 'ma-cross' ? 9 : name === 'rsi' ? 12 : 9 });
      expect(b[name].params, name).toEqual(a[name].params);
      expect(b[name].tuning, name).toEqual(a[name].tuning);
      // ... while the test scores did see the other future.
      expect(b[name].metrics.totalReturn, name).not.toBe(a[name].metrics.totalReturn);
    }
    expect(b['buy-and-hold'].metrics.totalReturn).not.toBe(a['buy-and-hold'].metrics.totalReturn);
  });

  it('chooses the best grid point on validation (brute force through the backtest command) and scores it on test', async () => {
    for (const selectBy of ['totalReturn', 'calmar'] as const) {
      const scored = byName(scoreTunedBaselines(p, { ...cfg, models: ['ma-cross', 'rsi'] }, ranges, selectBy));
      const grids = baselineGrids(cfg);
      const setup = (range: typeof ranges.valid) => ({
        candles: p.candles, range, actions: p.config.env.actions, longOnly: p.config.env.longOnly,
        execution: p.config.env.execution, window: 16, seed: 0,
      });
      for (const [name, grid] of [['ma-cross', grids.maCross], ['rsi', grids.rsi]] as const) {
        const spec = (q: Record<string, number>) => (name === 'ma-cross'
          ? { kind: 'ma-cross' as const, fast: q.fast, slow: q.slow }
          : { kind: 'rsi' as const, period: q.period, lower: q.lower, upper: q.upper });
        const scores: number[] = [];
        for (const q of grid) scores.push((await backtestPolicy(spec(q), setup(ranges.valid))).result.metrics[selectBy]);
        const best = Math.max(...scores);
        expect(scored[name].tuning!.score, `${name} by ${selectBy}`).toBe(best);
        expect(scored[name].params, `${name} by ${selectBy}`).toEqual(grid[scores.indexOf(best)]);
        // The test score is the chosen rule's own backtest on the test rows.
        const onTest = await backtestPolicy(spec(scored[name].params as Record<string, number>), setup(ranges.test));
        expect(scored[name].metrics.totalReturn).toBe(onTest.result.metrics.totalReturn);
        expect(scored[name].metrics.trades).toBe(onTest.result.metrics.trades);
      }
    }
  });

  it('a classifier\'s threshold and minimum holding period are the best pair on validation (brute force)', () => {
    const selectBy: SelectBy = 'sortino';
    const [, lr] = scoreTunedBaselines(p, { ...cfg, models: ['logistic-regression'] }, ranges, selectBy);
    // Fitted independently: direction labels known inside the train split, finite features.
    const F = p.market.features.names.length;
    const y = directionLabels(p.candles.close, 1);
    const rows = usableRows(p.market.features.values, F, (i) => y[i] >= 0 && i + 1 < ranges.train.to);
    const model = fitLogisticRegression(p.market.features.values, F, y, { l2: cfg.logisticRegression.l2, rows });
    const grid = baselineGrids(cfg).classifier;
    const scores = grid.map(({ threshold, minHold }) => {
      const env = evalEnv(p, ranges.valid);
      return runBacktest(env, signalPolicy(model, { threshold, minHold, obsSize: env.core.obsSize })).metrics[selectBy];
    });
    const best = Math.max(...scores);
    expect(lr.tuning).toEqual({ selectBy, score: best, candidates: 9 });
    expect(lr.params).toEqual(grid[scores.indexOf(best)]);
  });

  it('the minimum holding period holds on real data and cuts the fills', () => {
    const pinned = (minHold: number) => byName(scoreTunedBaselines(p, { ...cfg, models: ['random-forest'], threshold: 0.5, minHold }, ranges, 'sharpe'))['random-forest'];
    const churn = pinned(1);
    const held = pinned(24);
    // Pinned: nothing to tune, the parameters are reported as given.
    expect(held.params).toEqual({ threshold: 0.5, minHold: 24 });
    expect(held.tuning).toBeUndefined();
    const changes: number[] = [];
    const pos = held.curve.position;
    for (let k = 1; k < pos.length; k++) if (pos[k] !== pos[k - 1]) changes.push(k);
    expect(changes.length).toBe(held.metrics.trades);
    for (let j = 1; j < changes.length; j++) expect(changes[j] - changes[j - 1]).toBeGreaterThanOrEqual(24);
    expect(held.metrics.trades * 5).toBeLessThan(churn.metrics.trades);
  });

  it('a GRU predictor\'s signal is tuned on validation too, without reading the test rows', async () => {
    const gru = { ...cfg, models: ['gru' as const], predictor: { seqLen: 8, units: 8, epochs: 1, patience: 1 } };
    const [a] = await scoreTunedPredictors(p, gru, ranges, 'sharpe');
    const [b] = await scoreTunedPredictors(perturbedFrom(p, p.splits.test.from), gru, ranges, 'sharpe');
    expect(a.name).toBe('gru');
    expect(baselineGrids(cfg).classifier).toContainEqual(a.params);
    expect(a.tuning).toMatchObject({ selectBy: 'sharpe', candidates: 9 });
    expect(b.params).toEqual(a.params);
    expect(b.tuning).toEqual(a.tuning);
    expect(a.metrics.steps).toBe(ranges.test.to - ranges.test.from - 1);
    expect(a.metrics.ml!.auc).toBeGreaterThan(0.3);
    expect(paramsText(a)).toMatch(/^threshold 0\.5\d*, minHold \d+$/);
  });

  it('pinned parameters are not tuned; no validation rows to tune on, or an empty grid, is a ConfigError', async () => {
    const pinned = scoreTunedBaselines(p, { ...cfg, models: ['ma-cross', 'rsi'], maCross: { ...cfg.maCross, fast: 10, slow: 50 }, rsi: { ...cfg.rsi, period: 14 } }, ranges, 'sharpe');
    expect(pinned[1]).toMatchObject({ name: 'ma-cross', params: { fast: 10, slow: 50 } });
    expect(pinned[1].tuning).toBeUndefined();
    // The period is pinned, the levels are still tuned: 2 x 2 pairs.
    expect(pinned[2]).toMatchObject({ name: 'rsi', params: { period: 14 }, tuning: { candidates: 4 } });
    const none = { ...ranges, valid: { from: ranges.test.from, to: ranges.test.from } };
    expect(() => scoreTunedBaselines(p, { ...cfg, models: ['ma-cross'] }, none, 'sharpe')).toThrow(ConfigError);
    expect(() => scoreTunedBaselines(p, { ...cfg, models: ['ma-cross'] }, none, 'sharpe')).toThrow(/splits.valid.*ma-cross is tuned over 9 grid points/);
    expect(scoreTunedBaselines(p, { ...cfg, models: ['ma-cross'], maCross: { ...cfg.maCross, fast: 10, slow: 50 } }, none, 'sharpe')[1].params).toEqual({ fast: 10, slow: 50 });
    expect(() => baselineGrids({ ...cfg, maCross: { grid: { fast: [50], slow: [10] } } })).toThrow(/baselines.maCross: no pair of windows with fast < slow/);
    // The config schema gives the grids and refuses a bad one, naming the field.
    expect(config().baselines).toMatchObject({ maCross: { grid: { fast: [5, 10, 20], slow: [50, 100, 200] } }, classifierGrid: { threshold: [0.5, 0.52, 0.55], minHold: [1, 6, 24] } });
    expect(() => config({ baselines: { classifierGrid: { threshold: [1] } } })).toThrow(/classifierGrid/);
  });
});
