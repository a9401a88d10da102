// The classic baselines of an experiment, scored on the test split next to buy-and-hold:
// MA-cross and RSI rules (on their own un-normalised indicator columns), logistic regression and
// a random forest (on the experiment's features, fitted on the train rows with the label horizon
// purged) and the LSTM / GRU predictors, each trading through the same execution model.
//
// Fair baselines: each one but buy-and-hold is tuned the way the agent picks its checkpoint.
// Every point of its small grid (config `baselines`: MA windows, RSI period and levels, the
// classifiers' probability threshold and minimum holding period) is backtested on the validation
// rows, the best by training.selectBy is kept (the first of equals), and only that one is scored
// on the test rows, which the tuning never reads.
import type { Policy } from '../agents/policy.js';
import { runBacktest, type BacktestResult } from '../agents/backtest.js';
import { buyAndHold } from '../agents/simple-policies.js';
import { maCrossPolicy, rsiPolicy } from '../agents/baselines/rule-policies.js';
import { directionLabels, forwardReturns, tripleBarrierLabels } from '../agents/baselines/labels.js';
import { fitLogisticRegression } from '../agents/baselines/logistic-regression.js';
import { fitRandomForest } from '../agents/baselines/random-forest/forest.js';
import { signalPolicy, type ProbabilisticClassifier } from '../agents/baselines/signal-policy.js';
import { accuracy, binaryScores, rocAuc } from '../agents/baselines/classification-metrics.js';
import { fitPredictor, predictorTargets } from '../agents/predictors/index.js';
import { ConfigError } from '../data/errors.js';
import { fitPipeline, transform } from '../data/features/pipeline.js';
import { candleMarket, type CandleMarket } from '../envs/candle-market.js';
import { CandleEnv } from '../envs/candle-env.js';
import type { Range } from '../envs/splits.js';
import type { MlMetrics, PolicyMetrics, WalkForwardFold } from './run-dir.js';
import { envConfig, evalEnv, type Prepared } from './prepare.js';
import type { ExperimentConfig } from './schema.js';

export type BaselinesConfig = NonNullable<ExperimentConfig['baselines']>;

export type SelectBy = ExperimentConfig['training']['selectBy'];

/** Rows a baseline is fitted on (`train`), tuned on (`valid`) and scored on (`test`), in time order. */
export interface TuningRanges {
  train: Range;
  valid: Range;
  test: Range;
}

export interface ScoredPolicy {
  name: string;
  metrics: PolicyMetrics;
  curve: BacktestResult;
  /** The parameters it was scored with: chosen on the validation rows, or pinned by the config (none for buy-and-hold and agents). */
  params?: Record<string, number | string>;
  /** How `params` were chosen: the validation metric, the best value of it, and how many grid points were tried (absent when nothing was tuned). */
  tuning?: { selectBy: SelectBy; score: number; candidates: number };
}

/** Binary "up" labels (1 / 0; -1 = no label) and how many bars ahead each label looks. */
export function binaryLabels(p: Prepared, label: BaselinesConfig['label']): { y: Int8Array; horizon: number } {
  const c = p.candles;
  if (label.kind === 'direction') return { y: directionLabels(c.close, 1), horizon: 1 };
  if (label.kind === 'forward-return') {
    const r = forwardReturns(c.close, label.horizon);
    return { y: Int8Array.from(r, (v) => (Number.isNaN(v) ? -1 : v > label.threshold ? 1 : 0)), horizon: label.horizon };
  }
  const tb = tripleBarrierLabels(c, { horizon: label.horizon, upper: label.upper, lower: label.lower, volWindow: label.volWindow });
  return { y: Int8Array.from(tb.label, (v, i) => (tb.end[i] < 0 ? -1 : v > 0 ? 1 : 0)), horizon: label.horizon };
}

/** Rows of `fit` whose label is known inside it (purged: i + horizon < fit.to) and whose features are finite. */
function trainingRows(p: Prepared, y: Int8Array, horizon: number, fit: Range): Int32Array {
  const F = p.market.features.names.length;
  const X = p.market.features.values;
  const rows: number[] = [];
  for (let i = Math.max(fit.from, p.market.firstValid); i + horizon < fit.to; i++) {
    if (y[i] < 0) continue;
    let ok = true;
    for (let j = 0; j < F; j++) if (!Number.isFinite(X[i * F + j])) ok = false;
    if (ok) rows.push(i);
  }
  return Int32Array.from(rows);
}

function mlMetrics(proba: Float64Array, y: Int8Array, range: Range, threshold: number): MlMetrics {
  const yt: number[] = [];
  const yp: number[] = [];
  const sc: number[] = [];
  for (let i = range.from; i < range.to; i++) {
    if (y[i] < 0 || Number.isNaN(proba[i])) continue;
    yt.push(y[i]);
    yp.push(proba[i] > threshold ? 1 : 0);
    sc.push(proba[i]);
  }
  const s = binaryScores(yt, yp);
  return { accuracy: accuracy(yt, yp), precision: s.precision, recall: s.recall, f1: s.f1, auc: rocAuc(yt, sc) };
}

function score(name: string, env: CandleEnv, policy: Policy, ml?: MlMetrics): ScoredPolicy {
  const curve = runBacktest(env, policy);
  return { name, metrics: { ...curve.metrics, ...(ml ? { ml } : {}) }, curve };
}

/** A rule's market: the same candles with the rule's own un-normalised indicator columns. */
function ruleMarket(p: Prepared, features: string[], fit: Range): { market: CandleMarket; names: string[] } {
  const pipe = fitPipeline(p.candles, { features, normalize: 'none', clip: 0 }, fit);
  return { market: candleMarket(p.candles, transform(pipe, p.candles)), names: pipe.columns };
}

/** Buy-and-hold through the execution model (fees, next-open fills): the one buy-and-hold line of every report. */
export function scoreBuyAndHold(p: Prepared, range: Range): ScoredPolicy {
  const env = evalEnv(p, range);
  return score('buy-and-hold', env, buyAndHold(env.actionSpace));
}

type Params = Record<string, number>;

/** The values one parameter takes: the pinned one when the config gives it, else its grid (duplicates dropped). */
function valuesOf(pinned: number | undefined, grid: readonly number[]): number[] {
  return pinned !== undefined ? [pinned] : [...new Set(grid)];
}

/** Every combination of the parameters' values, the first parameter varying slowest; `keep` drops invalid ones. */
export function gridPoints(values: Record<string, readonly number[]>, keep: (p: Params) => boolean = () => true): Params[] {
  let out: Params[] = [{}];
  for (const [k, vs] of Object.entries(values)) out = out.flatMap((p) => vs.map((v) => ({ ...p, [k]: v })));
  return out.filter(keep);
}

/** The grids of every configured baseline (pinned parameters as one value), in the order they are tried. */
export function baselineGrids(cfg: BaselinesConfig): { maCross: Params[]; rsi: Params[]; classifier: Params[] } {
  const ma = cfg.maCross;
  const rsi = cfg.rsi;
  const cls = cfg.classifierGrid;
  const grids = {
    maCross: gridPoints({ fast: valuesOf(ma.fast, ma.grid.fast), slow: valuesOf(ma.slow, ma.grid.slow) }, (q) => q.fast < q.slow),
    rsi: gridPoints({ period: valuesOf(rsi.period, rsi.grid.period), lower: valuesOf(rsi.lower, rsi.grid.lower), upper: valuesOf(rsi.upper, rsi.grid.upper) }, (q) => q.lower < q.upper),
    classifier: gridPoints({ threshold: valuesOf(cfg.threshold, cls.threshold), minHold: valuesOf(cfg.minHold, cls.minHold) }),
  };
  if (cfg.models.includes('ma-cross') && grids.maCross.length === 0) throw new ConfigError('baselines.maCross', 'no pair of windows with fast < slow in the grid (or the pinned fast / slow)');
  if (cfg.models.includes('rsi') && grids.rsi.length === 0) throw new ConfigError('baselines.rsi', 'no pair of levels with lower < upper in the grid (or the pinned lower / upper)');
  return grids;
}

/** A policy and the env it trades in over `range`, for one grid point. */
type Build = (params: Params, range: Range) => { env: CandleEnv; policy: Policy };

/**
 * The grid point whose backtest on `valid` scores best by `selectBy`, as the agent's checkpoint
 * is picked: a higher score wins, the first of equals is kept, NaN never wins. One grid point
 * (everything pinned) is taken without a backtest.
 */
function selectOnValid(name: string, grid: Params[], build: Build, valid: Range, selectBy: SelectBy): { params: Params; tuning?: ScoredPolicy['tuning'] } {
  if (grid.length === 1) return { params: grid[0] };
  if (valid.to - valid.from < 2) {
    throw new ConfigError('splits.valid', `${name} is tuned over ${grid.length} grid points on the validation split, which is empty here: set splits.valid above 0 or pin its parameters (see baselines in the config)`);
  }
  let best = 0;
  let bestScore = -Infinity;
  for (let k = 0; k < grid.length; k++) {
    const { env, policy } = build(grid[k], valid);
    const m = runBacktest(env, policy).metrics[selectBy];
    const v = Number.isNaN(m) ? -Infinity : m;
    if (k === 0 || v > bestScore) {
      best = k;
      bestScore = v;
    }
  }
  return { params: grid[best], tuning: { selectBy, score: bestScore, candidates: grid.length } };
}

/** Tunes one baseline on `ranges.valid` and scores the chosen grid point on `ranges.test`. */
function scoreTuned(name: string, grid: Params[], build: Build, ranges: TuningRanges, selectBy: SelectBy, ml?: MlMetrics): ScoredPolicy {
  const { params, tuning } = selectOnValid(name, grid, build, ranges.valid, selectBy);
  const { env, policy } = build(params, ranges.test);
  return { ...score(name, env, policy, ml), params: { ...params }, ...(tuning ? { tuning } : {}) };
}

/**
 * Fits on `train`, tunes on `valid` (selected by `selectBy`, the same metric as the agent's
 * checkpoint selection), scores on `test`; returns every baseline with its chosen parameters.
 * Buy-and-hold comes first and is not tuned; the LSTM / GRU predictors (tfjs, asynchronous) are
 * scored by scoreTunedPredictors. The test rows are read only by the final backtests.
 */
export function scoreTunedBaselines(p: Prepared, cfg: BaselinesConfig, ranges: TuningRanges, selectBy: SelectBy): ScoredPolicy[] {
  const out: ScoredPolicy[] = [scoreBuyAndHold(p, ranges.test)];
  const grids = baselineGrids(cfg);
  const longOnly = p.config.env.longOnly;
  // A rule's columns are computed once per grid point and reused on valid and test.
  const markets = new Map<string, { market: CandleMarket; names: string[] }>();
  const ruleEnv = (features: string[], range: Range) => {
    const key = features.join(',');
    let m = markets.get(key);
    if (!m) markets.set(key, (m = ruleMarket(p, features, ranges.train)));
    const env = new CandleEnv({ ...envConfig(p, range, false), market: m.market });
    return { env, names: m.names };
  };
  for (const model of cfg.models) {
    if (model === 'ma-cross') {
      out.push(scoreTuned(model, grids.maCross, ({ fast, slow }, range) => {
        const { env, names } = ruleEnv([`sma:${fast}`, `sma:${slow}`], range);
        return { env, policy: maCrossPolicy(env.actionSpace, names, fast, slow, env.core.obsSize) };
      }, ranges, selectBy));
    } else if (model === 'rsi') {
      out.push(scoreTuned(model, grids.rsi, ({ period, lower, upper }, range) => {
        const { env, names } = ruleEnv([`rsi:${period}`], range);
        return { env, policy: rsiPolicy(env.actionSpace, names, period, lower, upper, env.core.obsSize) };
      }, ranges, selectBy));
    } else if (model === 'lstm' || model === 'gru') {
      continue; // fitted asynchronously by scoreTunedPredictors (tfjs)
    } else {
      const { y, horizon } = binaryLabels(p, cfg.label);
      const rows = trainingRows(p, y, horizon, ranges.train);
      const X = p.market.features.values;
      const F = p.market.features.names.length;
      const fitted = model === 'logistic-regression'
        ? fitLogisticRegression(X, F, y, { l2: cfg.logisticRegression.l2, rows })
        : fitRandomForest(X, F, y, {
          nTrees: cfg.randomForest.trees, maxDepth: cfg.randomForest.maxDepth, minSamplesLeaf: cfg.randomForest.minLeaf,
          maxSamples: cfg.randomForest.maxSamples, seed: p.config.seed, rows,
        });
      const ml = mlMetrics(fitted.predictProba(X), y, ranges.test, 0.5);
      out.push(scoreTuned(model, grids.classifier, ({ threshold, minHold }, range) => {
        const env = evalEnv(p, range);
        return { env, policy: signalPolicy(fitted, { threshold, minHold, longOnly, obsSize: env.core.obsSize }) };
      }, ranges, selectBy, ml));
    }
  }
  return out;
}

/**
 * The rows a baseline scored on `test` is fitted and tuned on: a validation window of the
 * validation split's length right before `test`, and every earlier row of the series for fitting.
 * For the test split itself these are exactly the train and valid splits; for a walk-forward
 * window inside the test split they roll forward with it.
 */
export function tuningRanges(p: Prepared, test: Range): TuningRanges {
  const { train, valid } = p.splits;
  const from = Math.max(train.from, test.from - (valid.to - valid.from));
  return { train: { from: train.from, to: from }, valid: { from, to: test.from }, test };
}

/**
 * Every configured baseline (and buy-and-hold) scored on `range`: scoreTunedBaselines over
 * tuningRanges(p, range), selected by the run's training.selectBy.
 */
export function scoreBaselines(p: Prepared, cfg: BaselinesConfig, range: Range): ScoredPolicy[] {
  return scoreTunedBaselines(p, cfg, tuningRanges(p, range), p.config.training.selectBy);
}

/** The walk-forward windows over the test split: `folds` consecutive ones, those of fewer than 3 bars left out. */
export function walkForwardRanges(p: Prepared, folds: number): { fold: number; range: Range }[] {
  const t = p.splits.test;
  const size = Math.floor((t.to - t.from) / folds);
  const out: { fold: number; range: Range }[] = [];
  for (let k = 0; k < folds; k++) {
    const range = { from: t.from + k * size, to: k === folds - 1 ? t.to : t.from + (k + 1) * size };
    if (range.to - range.from >= 3) out.push({ fold: k, range });
  }
  return out;
}

/** Walk-forward over the test split (walkForwardRanges), models refit and retuned before each window (tuningRanges). */
export function walkForwardBaselines(p: Prepared, cfg: BaselinesConfig, folds: number, extra?: (range: Range) => ScoredPolicy[]): WalkForwardFold[] {
  const out: WalkForwardFold[] = [];
  for (const { fold: k, range } of walkForwardRanges(p, folds)) {
    const scored = [...scoreBaselines(p, cfg, range), ...(extra ? extra(range) : [])];
    out.push({
      fold: k, from: new Date(p.candles.ts[range.from]).toISOString(), to: new Date(p.candles.ts[range.to - 1]).toISOString(),
      policies: Object.fromEntries(scored.map((s) => [s.name, s.metrics])),
    });
  }
  return out;
}

/**
 * LSTM / GRU direction predictors (agents/predictors, tfjs) scored like the other classifiers:
 * trained on windows of `ranges.train` with early stopping on `ranges.valid`, their signal's
 * threshold and minimum holding period tuned on `ranges.valid` by `selectBy`, then traded on
 * `ranges.test`.
 *
 * P(up) is predicted for every bar of valid and test in one batch (one tfjs call, not one per bar
 * and grid point: that took minutes) from each bar's window of rows <= t, history before the range
 * included, and the signal policy trades it as a market column; bars without a window are neutral
 * (0.5: flat at any threshold).
 */
export async function scoreTunedPredictors(p: Prepared, cfg: BaselinesConfig, ranges: TuningRanges, selectBy: SelectBy): Promise<ScoredPolicy[]> {
  const out: ScoredPolicy[] = [];
  const grid = baselineGrids(cfg).classifier;
  const T = p.candles.ts.length;
  const longOnly = p.config.env.longOnly;
  for (const cell of cfg.models.filter((m): m is 'lstm' | 'gru' => m === 'lstm' || m === 'gru')) {
    const horizon = cfg.predictor.horizon ?? 1;
    const target = predictorTargets(p.candles.close, 'direction', horizon);
    const predictor = await fitPredictor(
      { features: p.market.features, target, train: ranges.train, valid: ranges.valid },
      { ...cfg.predictor, cell, task: 'direction', seed: p.config.seed },
    );
    const proba = new Float64Array(T).fill(NaN);
    try {
      const ends: number[] = [];
      for (const r of [ranges.valid, ranges.test]) for (let t = r.from; t < r.to; t++) ends.push(t);
      const probaAt = predictor.predictAt(p.market.features.values, ends);
      ends.forEach((t, k) => { proba[t] = probaAt[k]; });
    } finally {
      predictor.dispose();
    }
    const column = new Float32Array(T);
    for (let t = 0; t < T; t++) column[t] = t < p.market.firstValid ? NaN : Number.isNaN(proba[t]) ? 0.5 : proba[t];
    const market = candleMarket(p.candles, { values: column, names: [`p_up_${cell}`], rows: T });
    const model: ProbabilisticClassifier = {
      kind: cell,
      nFeatures: 1,
      predictProba(X, n, o) {
        for (let i = 0; i < n; i++) o[i] = X[i];
        return o;
      },
    };
    const ml = mlMetrics(proba, Int8Array.from(target as Int8Array), ranges.test, 0.5);
    out.push(scoreTuned(cell, grid, ({ threshold, minHold }, range) => {
      const env = new CandleEnv({ ...envConfig(p, range, false), market });
      return { env, policy: signalPolicy(model, { threshold, minHold, longOnly, featureColumns: [0], obsSize: env.core.obsSize }) };
    }, ranges, selectBy, ml));
  }
  return out;
}

/** The predictors scored on `range`: scoreTunedPredictors over tuningRanges(p, range), selected by training.selectBy. */
export async function scorePredictors(p: Prepared, cfg: BaselinesConfig, range: Range): Promise<ScoredPolicy[]> {
  return scoreTunedPredictors(p, cfg, tuningRanges(p, range), p.config.training.selectBy);
}

/** `params` as one line for tables and logs, e.g. "fast 20, slow 100"; "-" when there are none. */
export function paramsText(s: Pick<ScoredPolicy, 'params'>): string {
  return s.params ? Object.entries(s.params).map(([k, v]) => `${k} ${v}`).join(', ') : '-';
}
