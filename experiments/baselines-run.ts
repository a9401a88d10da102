// The classic baselines of an experiment, scored on the test split next to buy-and-hold:
// MA-cross and RSI rules (on their own un-normalised indicator columns), logistic regression and
// a random forest (on the experiment's features, fitted on rows before the scored window, with the
// label horizon purged), each trading through the same execution model.
import type { Policy } from '../agents/policy.js';
import { runBacktest, type BacktestResult } from '../agents/backtest.js';
import { buyAndHold } from '../agents/simple-policies.js';
import { maCrossPolicy, rsiPolicy } from '../agents/baselines/rule-policies.js';
import { directionLabels, forwardReturns, tripleBarrierLabels } from '../agents/baselines/labels.js';
import { fitLogisticRegression } from '../agents/baselines/logistic-regression.js';
import { fitRandomForest } from '../agents/baselines/random-forest/forest.js';
import { signalPolicy } from '../agents/baselines/signal-policy.js';
import { accuracy, binaryScores, rocAuc } from '../agents/baselines/classification-metrics.js';
import { fitPredictor, predictorPolicy, predictorTargets } from '../agents/predictors/index.js';
import { fitPipeline, transform } from '../data/features/pipeline.js';
import { candleMarket } from '../envs/candle-market.js';
import { CandleEnv } from '../envs/candle-env.js';
import type { Range } from '../envs/splits.js';
import type { MlMetrics, PolicyMetrics, WalkForwardFold } from './run-dir.js';
import { envConfig, evalEnv, type Prepared } from './prepare.js';
import type { ExperimentConfig } from './schema.js';

type BaselinesConfig = NonNullable<ExperimentConfig['baselines']>;

export interface ScoredPolicy {
  name: string;
  metrics: PolicyMetrics;
  curve: BacktestResult;
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

/** Rows < `end` whose label is known before `end` (purged) and whose features are finite. */
function trainingRows(p: Prepared, y: Int8Array, horizon: number, end: number): Int32Array {
  const F = p.market.features.names.length;
  const X = p.market.features.values;
  const rows: number[] = [];
  for (let i = p.market.firstValid; i + horizon < end; i++) {
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

/** A rule's env: the same rows and execution, with the rule's own un-normalised columns. */
function ruleEnv(p: Prepared, features: string[], range: Range): { env: CandleEnv; names: string[] } {
  const pipe = fitPipeline(p.candles, { features, normalize: 'none', clip: 0 }, p.splits.train);
  const market = candleMarket(p.candles, transform(pipe, p.candles));
  return { env: new CandleEnv({ ...envConfig(p, range, false), market }), names: pipe.columns };
}

/** Buy-and-hold through the execution model (fees, next-open fills): the one buy-and-hold line of every report. */
export function scoreBuyAndHold(p: Prepared, range: Range): ScoredPolicy {
  const env = evalEnv(p, range);
  return score('buy-and-hold', env, buyAndHold(env.actionSpace));
}

/** Scores every configured baseline (and buy-and-hold) on `range`, ML models fitted on rows before it. */
export function scoreBaselines(p: Prepared, cfg: BaselinesConfig, range: Range): ScoredPolicy[] {
  const out: ScoredPolicy[] = [scoreBuyAndHold(p, range)];
  const longOnly = p.config.env.longOnly;
  for (const model of cfg.models) {
    if (model === 'ma-cross') {
      const { fast, slow } = cfg.maCross;
      const { env, names } = ruleEnv(p, [`sma:${fast}`, `sma:${slow}`], range);
      out.push(score('ma-cross', env, maCrossPolicy(env.actionSpace, names, fast, slow, env.core.obsSize)));
    } else if (model === 'rsi') {
      const { period, lower, upper } = cfg.rsi;
      const { env, names } = ruleEnv(p, [`rsi:${period}`], range);
      out.push(score('rsi', env, rsiPolicy(env.actionSpace, names, period, lower, upper, env.core.obsSize)));
    } else if (model === 'lstm' || model === 'gru') {
      continue; // fitted asynchronously by scorePredictors (tfjs)
    } else {
      const { y, horizon } = binaryLabels(p, cfg.label);
      const rows = trainingRows(p, y, horizon, range.from);
      const X = p.market.features.values;
      const F = p.market.features.names.length;
      const fitted = model === 'logistic-regression'
        ? fitLogisticRegression(X, F, y, { l2: cfg.logisticRegression.l2, rows })
        : fitRandomForest(X, F, y, {
          nTrees: cfg.randomForest.trees, maxDepth: cfg.randomForest.maxDepth, minSamplesLeaf: cfg.randomForest.minLeaf,
          maxSamples: cfg.randomForest.maxSamples, seed: p.config.seed, rows,
        });
      const proba = fitted.predictProba(X);
      const env = evalEnv(p, range);
      const policy = signalPolicy(fitted, { threshold: cfg.threshold, longOnly, obsSize: env.core.obsSize });
      out.push(score(model, env, policy, mlMetrics(proba, y, range, 0.5)));
    }
  }
  return out;
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

/** Walk-forward over the test split (walkForwardRanges), models refit before each window. */
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
 * trained on windows of the train split with early stopping on the validation split, then traded
 * through a signal policy on `range`.
 */
export async function scorePredictors(p: Prepared, cfg: BaselinesConfig, range: Range): Promise<ScoredPolicy[]> {
  const out: ScoredPolicy[] = [];
  for (const cell of cfg.models.filter((m): m is 'lstm' | 'gru' => m === 'lstm' || m === 'gru')) {
    const horizon = cfg.predictor.horizon ?? 1;
    const target = predictorTargets(p.candles.close, 'direction', horizon);
    const predictor = await fitPredictor(
      { features: p.market.features, target, train: p.splits.train, valid: p.splits.valid },
      { ...cfg.predictor, cell, task: 'direction', seed: p.config.seed },
    );
    const ends = Int32Array.from({ length: range.to - range.from }, (_, k) => range.from + k);
    const probaAt = predictor.predictAt(p.market.features.values, ends);
    const proba = new Float64Array(p.candles.ts.length).fill(NaN);
    ends.forEach((t, k) => { proba[t] = probaAt[k]; });
    const y = Int8Array.from(target as Int8Array);
    const env = evalEnv(p, range);
    const policy = predictorPolicy(predictor, { threshold: cfg.threshold, longOnly: p.config.env.longOnly, obsSize: env.core.obsSize });
    out.push(score(cell, env, policy, mlMetrics(proba, y, range, 0.5)));
    predictor.dispose();
  }
  return out;
}
