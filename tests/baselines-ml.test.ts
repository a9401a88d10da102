// ML baselines (agents/baselines): labels on hand series, purged / walk-forward splits,
// classification metrics on hand cases, logistic regression against a gradient-descent reference,
// a histogram random forest on XOR, determinism, no leakage from test rows, JSON round trips, and
// the signal policy in a backtest.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataError } from '../data/errors.js';
import { logReturnWindow } from '../data/features/log-return-window.js';
import { makeRng } from '../data/random.js';
import { emptyCandles } from '../data/types.js';
import { candleMarket } from '../envs/candle-market.js';
import { CandleEnv } from '../envs/candle-env.js';
import { runBacktest } from '../agents/backtest.js';
import { directionLabels, forwardReturns, labelledRows, tripleBarrierLabels, usableRows } from '../agents/baselines/labels.js';
import { purgedKFold, rangeRows, walkForwardSplits } from '../agents/baselines/time-series-splits.js';
import {
  accuracy, binaryScores, confusionMatrix, f1Score, macroScores, precision, recall, rocAuc,
} from '../agents/baselines/classification-metrics.js';
import { fitLogisticRegression, LogisticRegression } from '../agents/baselines/logistic-regression.js';
import { binOf, binRows, fitBins } from '../agents/baselines/random-forest/binning.js';
import { fitRandomForest, prepareForest, RandomForest } from '../agents/baselines/random-forest/forest.js';
import { completeTrees, forestDepth } from '../agents/baselines/random-forest/complete-trees.js';
import { fitRandomForestParallel } from '../agents/baselines/random-forest/parallel.js';
import { loadModel, modelFromJson, modelToJson, saveModel } from '../agents/baselines/model-io.js';
import { signalPolicy, type ProbabilisticClassifier } from '../agents/baselines/signal-policy.js';

const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);

/** n rows of f standard-normal features, seeded. */
function normals(n: number, f: number, seed: string): Float32Array {
  const rng = makeRng(seed);
  const X = new Float32Array(n * f);
  for (let i = 0; i < X.length; i++) X[i] = rng.normal();
  return X;
}

const threshold = (p: Float64Array) => Uint8Array.from(p, (v) => (v > 0.5 ? 1 : 0));

describe('labels', () => {
  it('direction and forward returns look k bars ahead; the last k rows have none', () => {
    const close = Float64Array.from([1, 2, 2, 1, 3]);
    expect(Array.from(directionLabels(close))).toEqual([1, 0, 0, 1, -1]);
    expect(Array.from(directionLabels(close, 2))).toEqual([1, 0, 1, -1, -1]);
    const r = forwardReturns(close, 2);
    expect(Array.from(r.subarray(0, 3))).toEqual([1, -0.5, 0.5]);
    expect(Number.isNaN(r[3]) && Number.isNaN(r[4])).toBe(true);
    expect(forwardReturns(close, 1, { log: true })[0]).toBeCloseTo(Math.log(2), 15);
    expect(Array.from(labelledRows(directionLabels(close)))).toEqual([0, 1, 2, 3]);
    expect(Array.from(labelledRows(r))).toEqual([0, 1, 2]);
    const X = Float32Array.from([NaN, 1, 2, 3, 4]);
    expect(Array.from(usableRows(X, 1, (i) => r[i] >= -1))).toEqual([1, 2]);
  });

  it('triple barrier: upper first, lower first, vertical, ties, gaps, no label at the end', () => {
    // Barriers at close * exp(+-0.1): from 100 they are 110.52 and 90.48; horizon 3.
    const open = Float64Array.from([100, 100, 105, 100, 100, 100, 100, 100, 100, 100, 100, 100]);
    const high = Float64Array.from([100, 105, 111, 100, 101, 102, 101, 100, 112, 100, 100, 100]);
    const low = Float64Array.from([100, 99, 104, 100, 95, 89, 99, 99, 89, 100, 100, 100]);
    const close = Float64Array.from([100, 100, 108, 100, 100, 100, 100, 100, 100, 100, 100, 100]);
    const vol = new Float64Array(12).fill(0.1);
    vol[6] = NaN;
    const c = { open, high, low, close };
    const tb = tripleBarrierLabels(c, { horizon: 3, vol });
    // t=0: bar 2's high 111 >= 110.52 before any low touches the lower barrier.
    expect([tb.label[0], tb.end[0]]).toEqual([1, 2]);
    expect(tb.ret[0]).toBeCloseTo(0.1, 12);
    // t=3 (close 100): bar 4 low 95 stays above 90.48, bar 5 low 89 touches it.
    expect([tb.label[3], tb.end[3]]).toEqual([-1, 5]);
    // t=2 (close 108): barriers 119.36 / 97.72; bar 4's low 95 touches the lower one.
    expect([tb.label[2], tb.end[2]]).toEqual([-1, 4]);
    // t=6 has no volatility estimate: no label.
    expect(tb.end[6]).toBe(-1);
    // t=7: bar 8 touches both (high 112, low 89) with the open between: default tie is 'lower'.
    expect([tb.label[7], tb.end[7]]).toEqual([-1, 8]);
    expect(tripleBarrierLabels(c, { horizon: 3, vol, tie: 'upper' }).label[7]).toBe(1);
    expect(tripleBarrierLabels(c, { horizon: 3, vol, tie: 'zero' }).label[7]).toBe(0);
    // t=8 (close 100): bars 9..11 stay inside, the vertical barrier at 11 decides: 0.
    expect([tb.label[8], tb.end[8]]).toEqual([0, 11]);
    expect(tb.ret[8]).toBe(0);
    // The last 3 rows have no label, whatever happens.
    expect(Array.from(tb.end.subarray(9))).toEqual([-1, -1, -1]);
    // A bar that opens beyond a barrier hit that one first, even when its range spans both.
    const gap = tripleBarrierLabels({ ...c, open: Float64Array.from(open).fill(89.5, 8, 9) }, { horizon: 3, vol, tie: 'upper' });
    expect([gap.label[7], gap.end[7]]).toEqual([-1, 8]);
    expect(gap.ret[7]).toBeCloseTo(Math.log(0.895), 12);
    // 'sign' labels the vertical barrier by the return to close[t + k]; upper = 0 disables a barrier.
    expect(tripleBarrierLabels(c, { horizon: 3, vol, vertical: 'sign' }).label[8]).toBe(0);
    expect(tripleBarrierLabels(c, { horizon: 3, vol, upper: 0 }).end[0]).toBe(3);
  });

  it('triple barrier defaults to the rolling volatility known at t', () => {
    const n = 200;
    const rng = makeRng('tb');
    const c = emptyCandles('x', 'X/Y', '1m', n);
    let px = 100;
    for (let t = 0; t < n; t++) {
      const o = px;
      px *= Math.exp(0.01 * rng.normal());
      c.open[t] = o; c.close[t] = px;
      c.high[t] = Math.max(o, px) * 1.002; c.low[t] = Math.min(o, px) * 0.998;
    }
    const tb = tripleBarrierLabels(c, { horizon: 5, volWindow: 20 });
    // Rolling volatility of 20 returns first exists at row 20.
    expect(Array.from(tb.end.subarray(0, 20)).every((e) => e === -1)).toBe(true);
    for (let t = 20; t < n - 5; t++) {
      expect(tb.end[t]).toBeGreaterThan(t);
      expect(tb.end[t]).toBeLessThanOrEqual(t + 5);
    }
    const counts = [-1, 0, 1].map((v) => Array.from(tb.label.subarray(20, n - 5)).filter((l) => l === v).length);
    expect(Math.min(...counts)).toBeGreaterThan(0);
  });
});

describe('time-series splits', () => {
  it('walk-forward: test blocks in order, training before them less the label horizon', () => {
    const ex = walkForwardSplits(100, { trainSize: 40, testSize: 20, horizon: 5 });
    expect(ex).toEqual([
      { train: { from: 0, to: 40 }, test: { from: 45, to: 65 } },
      { train: { from: 0, to: 60 }, test: { from: 65, to: 85 } },
      { train: { from: 0, to: 80 }, test: { from: 85, to: 100 } },
    ]);
    const roll = walkForwardSplits(100, { trainSize: 30, testSize: 25, window: 'rolling', start: 10 });
    expect(roll.map((f) => [f.train.from, f.train.to, f.test.from, f.test.to])).toEqual([[10, 40, 40, 65], [35, 65, 65, 90], [60, 90, 90, 100]]);
    expect(Array.from(rangeRows({ from: 3, to: 6 }))).toEqual([3, 4, 5]);
  });

  it('purged K-fold: no training row in [testStart - horizon, testEnd + embargo)', () => {
    const n = 103;
    for (const [h, e] of [[0, 0], [5, 0], [5, 3], [0, 7]]) {
      const folds = purgedKFold(n, { folds: 5, horizon: h, embargo: e });
      expect(folds.map((f) => f.test.to - f.test.from)).toEqual([21, 21, 21, 20, 20]);
      expect(folds[0].test.from).toBe(0);
      for (let k = 1; k < 5; k++) expect(folds[k].test.from).toBe(folds[k - 1].test.to);
      for (const { train, test } of folds) {
        for (let i = 1; i < train.length; i++) expect(train[i]).toBeGreaterThan(train[i - 1]);
        for (const i of train) expect(i < test.from - h || i >= test.to + e).toBe(true);
        // Nothing more is dropped than purging and embargo require.
        const kept = new Set(train);
        const expected = range(0, n).filter((i) => (i < test.from && i + h < test.from) || i >= test.to + h + e);
        expect(expected.every((i) => kept.has(i)) && kept.size === expected.length).toBe(true);
      }
    }
  });

  it('purged K-fold with per-row label ends (triple barrier) purges overlapping labels', () => {
    const n = 60;
    const rng = makeRng('ends');
    const end = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const e = i + 1 + rng.int(6);
      end[i] = e < n ? e : -1;
    }
    for (const { train, test } of purgedKFold(n, { folds: 4, horizon: end, embargo: 2 })) {
      let maxEnd = test.to - 1;
      for (let i = test.from; i < test.to; i++) maxEnd = Math.max(maxEnd, end[i]);
      for (const i of train) {
        expect(end[i]).toBeGreaterThanOrEqual(0);
        // The label window [i, end[i]] of a training row never meets the test labels' [from, maxEnd] + embargo.
        expect(end[i] < test.from || i > maxEnd + 2).toBe(true);
      }
    }
  });
});

describe('classification metrics', () => {
  const y = [1, 1, 0, 0, 1];
  const p = [1, 0, 0, 1, 1];
  it('binary precision, recall, F1, accuracy and the confusion matrix on a hand case', () => {
    expect(precision(y, p)).toBeCloseTo(2 / 3, 15);
    expect(recall(y, p)).toBeCloseTo(2 / 3, 15);
    expect(f1Score(y, p)).toBeCloseTo(2 / 3, 15);
    expect(accuracy(y, p)).toBeCloseTo(3 / 5, 15);
    const cm = confusionMatrix(y, p);
    expect(cm.classes).toEqual([0, 1]);
    expect(Array.from(cm.counts)).toEqual([1, 1, 1, 2]); // [tn, fp, fn, tp]
    // No predicted positives: precision 0 (scikit-learn's zero_division=0), as F1.
    expect(binaryScores([1, 0], [0, 0])).toEqual({ precision: 0, recall: 0, f1: 0, support: 1 });
    expect(() => confusionMatrix([0, 1], [0, 2], [0, 1])).toThrow(DataError);
  });

  it('macro scores over three classes', () => {
    const t = Int8Array.from([-1, -1, 0, 0, 1, 1]);
    const q = Int8Array.from([-1, 0, 0, 0, 1, -1]);
    const m = macroScores(t, q);
    // class -1: P 1/2 R 1/2; class 0: P 2/3 R 1; class 1: P 1 R 1/2.
    expect(m.precision).toBeCloseTo((1 / 2 + 2 / 3 + 1) / 3, 15);
    expect(m.recall).toBeCloseTo((1 / 2 + 1 + 1 / 2) / 3, 15);
    expect(m.f1).toBeCloseTo((1 / 2 + 0.8 + 2 / 3) / 3, 15);
    expect(m.accuracy).toBeCloseTo(4 / 6, 15);
    expect(m.perClass.get(0)?.support).toBe(2);
  });

  it('ROC-AUC: Mann-Whitney with ties counted one half', () => {
    expect(rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBeCloseTo(0.75, 15);
    // Pairs (pos, neg): (0.5, 0.5) = 1/2, (0.5, 0.2), (0.9, 0.5), (0.9, 0.2) = 1 each -> 3.5 / 4.
    expect(rocAuc([0, 1, 0, 1], [0.5, 0.5, 0.2, 0.9])).toBeCloseTo(0.875, 15);
    expect(rocAuc([1, 1, 0], [0.3, 0.3, 0.3])).toBeCloseTo(0.5, 15);
    expect(Number.isNaN(rocAuc([1, 1], [0.1, 0.2]))).toBe(true);
    // Against the O(n^2) pair count on random scores with many ties.
    const rng = makeRng('auc');
    const yy = Array.from({ length: 300 }, () => rng.int(2));
    const ss = Array.from({ length: 300 }, () => rng.int(10) / 10);
    let wins = 0;
    let pairs = 0;
    for (let i = 0; i < 300; i++) for (let j = 0; j < 300; j++) {
      if (yy[i] === 1 && yy[j] === 0) {
        pairs++;
        wins += ss[i] > ss[j] ? 1 : ss[i] === ss[j] ? 0.5 : 0;
      }
    }
    expect(rocAuc(yy, ss)).toBeCloseTo(wins / pairs, 12);
  });
});

/** Linear rule 2 x0 - x1 + 0.5 x2 + noise > 0 on shifted, scaled features (standardisation matters). */
function linearData(n: number, seed: string) {
  const f = 4;
  const X = normals(n, f, seed);
  const rng = makeRng(`${seed}/y`);
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    X[i * f] = 10 + 3 * X[i * f];
    const z = (2 * (X[i * f] - 10)) / 3 - X[i * f + 1] + 0.5 * X[i * f + 2] + 0.3 * rng.normal();
    y[i] = z > 0 ? 1 : 0;
  }
  return { X, y, f };
}

describe('logistic regression', () => {
  it('learns a linear rule: > 0.9 held-out accuracy, coefficient signs and ratios', () => {
    const { X, y, f } = linearData(3000, 'lin');
    const train = rangeRows({ from: 0, to: 2000 });
    const model = fitLogisticRegression(X, f, y, { rows: train, l2: 1e-6 });
    expect(model.converged).toBe(true);
    const p = model.predictProba(X.subarray(2000 * f), 1000);
    expect(accuracy(y.subarray(2000), threshold(p))).toBeGreaterThan(0.9);
    const raw = model.rawCoefficients();
    expect(raw.coef[0]).toBeGreaterThan(0);
    expect(raw.coef[1]).toBeLessThan(0);
    expect(raw.coef[2]).toBeGreaterThan(0);
    expect(Math.abs(raw.coef[3])).toBeLessThan(0.2 * Math.abs(raw.coef[1]));
    // True ratio of x0 (per raw unit) to x1 is (2/3) : -1.
    expect(raw.coef[0] / -raw.coef[1]).toBeCloseTo(2 / 3, 1);
    // Raw coefficients give the same probabilities as the standardised model.
    const eta = raw.intercept + raw.coef.reduce((s, c, j) => s + c * X[2000 * f + j], 0);
    expect(1 / (1 + Math.exp(-eta))).toBeCloseTo(p[0], 10);
  });

  it('agrees with plain gradient descent on the same objective to 1e-6', () => {
    const { X, y, f } = linearData(300, 'gd');
    const l2 = 0.1;
    const model = fitLogisticRegression(X, f, y, { l2 });
    // Reference: standardise with the population std, then gradient descent on
    // mean log-loss + l2 / 2 * |w|^2 (intercept unpenalised) until it stops moving.
    const n = 300;
    const mean = range(0, f).map((j) => range(0, n).reduce((s, i) => s + X[i * f + j], 0) / n);
    const sd = range(0, f).map((j) => Math.sqrt(range(0, n).reduce((s, i) => s + (X[i * f + j] - mean[j]) ** 2, 0) / n));
    const Z = range(0, n).map((i) => [1, ...range(0, f).map((j) => (X[i * f + j] - mean[j]) / sd[j])]);
    const w = new Array<number>(f + 1).fill(0);
    const lr = 1 / (0.25 * (f + 1) + l2);
    for (let it = 0; it < 20000; it++) {
      const g = new Array<number>(f + 1).fill(0);
      for (let i = 0; i < n; i++) {
        const pi = 1 / (1 + Math.exp(-Z[i].reduce((s, z, a) => s + z * w[a], 0)));
        for (let a = 0; a <= f; a++) g[a] += ((pi - y[i]) * Z[i][a]) / n;
      }
      let moved = 0;
      for (let a = 0; a <= f; a++) {
        const step = lr * (g[a] + (a > 0 ? l2 * w[a] : 0));
        w[a] -= step;
        moved = Math.max(moved, Math.abs(step));
      }
      if (moved < 1e-13) break;
    }
    expect(Math.abs(model.intercept - w[0])).toBeLessThan(1e-6);
    for (let j = 0; j < f; j++) expect(Math.abs(model.coef[j] - w[j + 1])).toBeLessThan(1e-6);
    for (let j = 0; j < f; j++) expect(model.mean[j]).toBeCloseTo(mean[j], 10);
  });

  it('standardisation comes from the training rows only: changing test rows changes nothing', () => {
    const { X, y, f } = linearData(1000, 'leak');
    const train = rangeRows({ from: 0, to: 700 });
    const a = fitLogisticRegression(X, f, y, { rows: train });
    const X2 = X.slice();
    const y2 = y.slice();
    for (let i = 700 * f; i < X2.length; i++) X2[i] = X2[i] * 100 + 5;
    for (let i = 700; i < 1000; i++) y2[i] = 1 - y2[i];
    const b = fitLogisticRegression(X2, f, y2, { rows: train });
    expect(b.mean).toEqual(a.mean);
    expect(b.scale).toEqual(a.scale);
    expect(b.coef).toEqual(a.coef);
    expect(b.intercept).toBe(a.intercept);
    // ... while the statistics of all rows differ.
    expect(fitLogisticRegression(X2, f, y2).mean).not.toEqual(a.mean);
  });

  it('rejects unlabelled training rows and NaN features, naming the row', () => {
    const X = Float32Array.from([0, 1, 2, NaN]);
    expect(() => fitLogisticRegression(X, 1, Int8Array.from([0, 1, -1, 1]), { rows: Int32Array.from([0, 1, 2]) })).toThrow(/row 2/);
    expect(() => fitLogisticRegression(X, 1, Int8Array.from([0, 1, 0, 1]))).toThrow(/row 3/);
  });
});

/** XOR of the signs of x0 and x1, plus 4 pure-noise features: no linear rule does better than chance. */
function xorData(n: number, seed: string) {
  const f = 6;
  const X = normals(n, f, seed);
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) y[i] = (X[i * f] > 0) !== (X[i * f + 1] > 0) ? 1 : 0;
  return { X, y, f };
}

describe('random forest', () => {
  const { X, y, f } = xorData(6000, 'xor');
  const train = rangeRows({ from: 0, to: 4000 });
  const opts = { nTrees: 30, maxDepth: 8, seed: 7, rows: train };
  const forest = fitRandomForest(X, f, y, opts);

  it('learns XOR (> 0.9 held out) where logistic regression stays near chance', () => {
    const test = X.subarray(4000 * f);
    const yt = y.subarray(4000);
    const rfAcc = accuracy(yt, threshold(forest.predictProba(test, 2000)));
    expect(rfAcc).toBeGreaterThan(0.9);
    const lr = fitLogisticRegression(X, f, y, { rows: train });
    const lrAcc = accuracy(yt, threshold(lr.predictProba(test, 2000)));
    expect(lrAcc).toBeGreaterThan(0.4);
    expect(lrAcc).toBeLessThan(0.6);
    expect(rocAuc(yt, forest.predictProba(test, 2000))).toBeGreaterThan(0.95);
    expect(forest.nTrees).toBe(30);
  });

  it('is deterministic under a seed, and the seed matters', () => {
    const again = fitRandomForest(X, f, y, opts);
    for (const k of ['roots', 'feature', 'bin', 'threshold', 'left', 'right', 'value'] as const) expect(again[k]).toEqual(forest[k]);
    const other = fitRandomForest(X, f, y, { ...opts, seed: 8 });
    expect(other.feature).not.toEqual(forest.feature);
  });

  it('grows the same trees on worker threads', async () => {
    const par = await fitRandomForestParallel(X, f, y, { ...opts, nTrees: 6 }, { workers: 2 });
    const ser = fitRandomForest(X, f, y, { ...opts, nTrees: 6 });
    for (const k of ['roots', 'feature', 'bin', 'threshold', 'left', 'right', 'value'] as const) expect(par[k]).toEqual(ser[k]);
  });

  it('bins: codes agree with binOf, NaN in the last bin, raw thresholds reproduce binned splits', () => {
    const Xn = X.slice(0, 200 * f);
    Xn[3 * f + 2] = NaN;
    const rows = rangeRows({ from: 0, to: 200 });
    const bins = fitBins(Xn, f, rows, 16);
    const codes = binRows(Xn, f, rows, bins);
    for (let k = 0; k < 200; k++) for (let j = 0; j < f; j++) expect(codes[j * 200 + k]).toBe(binOf(bins, j, Xn[k * f + j]));
    expect(codes[2 * 200 + 3]).toBe(bins.edgeCount[2]);
    expect(Math.max(...bins.edgeCount)).toBe(15);
    // Walking each tree on bin codes (as it was grown) and on raw floats ends in the same leaf.
    const { data } = prepareForest(X, f, y, opts);
    for (let k = 0; k < 4000; k += 37) {
      for (let t = 0; t < forest.nTrees; t++) {
        let a = forest.roots[t];
        let b = a;
        while (forest.feature[a] >= 0) a = data.codes[forest.feature[a] * data.m + k] <= forest.bin[a] ? forest.left[a] : forest.right[a];
        while (forest.feature[b] >= 0) b = X[k * f + forest.feature[b]] <= forest.threshold[b] ? forest.left[b] : forest.right[b];
        expect(b).toBe(a);
      }
    }
  });

  it('the complete-tree prediction layout gives the same bits as walking the nodes, NaN included', () => {
    const Xt = normals(700, f, 'layout');
    for (let i = 0; i < Xt.length; i += 11) Xt[i] = NaN;
    const deep = fitRandomForest(X, f, y, { ...opts, nTrees: 7, maxDepth: Infinity, minSamplesLeaf: 3 });
    for (const m of [forest, deep]) {
      const a = m.predictProba(Xt, 700);
      const b = m.predictByNodes(Xt, 700, new Float64Array(700));
      expect(a).toEqual(b);
    }
    expect(forestDepth(forest)).toBe(8);
    expect(completeTrees(forest, 7)).toBeUndefined();
    expect(completeTrees(forest)?.leaf.length).toBe(30 * 256);
  });

  it('bin edges come from the training rows only: changing test rows changes nothing', () => {
    const X2 = X.slice();
    for (let i = 4000 * f; i < X2.length; i++) X2[i] = X2[i] * 50 - 3;
    const b = fitRandomForest(X2, f, y, { ...opts, nTrees: 5 });
    const a = fitRandomForest(X, f, y, { ...opts, nTrees: 5 });
    expect(b.threshold).toEqual(a.threshold);
    expect(b.value).toEqual(a.value);
  });

  it('respects maxDepth and minSamplesLeaf', () => {
    const shallow = fitRandomForest(X, f, y, { ...opts, nTrees: 3, maxDepth: 2, minSamplesLeaf: 50 });
    for (let t = 0; t < 3; t++) {
      const depth = (node: number): number => (shallow.feature[node] < 0 ? 0 : 1 + Math.max(depth(shallow.left[node]), depth(shallow.right[node])));
      expect(depth(shallow.roots[t])).toBeLessThanOrEqual(2);
    }
    expect(shallow.feature.length).toBeLessThanOrEqual(3 * 7);
  });
});

describe('persistence', () => {
  it('both models round-trip through JSON and files with identical predictions', async () => {
    const { X, y, f } = xorData(2000, 'io');
    const lr = fitLogisticRegression(X, f, y);
    const rf = fitRandomForest(X, f, y, { nTrees: 10, seed: 3, maxDepth: Infinity, minSamplesLeaf: 5 });
    const Xt = normals(500, f, 'io-test');
    for (const model of [lr, rf]) {
      const back = modelFromJson(modelToJson(model));
      expect(back.constructor).toBe(model.constructor);
      expect(back.predictProba(Xt, 500)).toEqual(model.predictProba(Xt, 500));
    }
    const dir = await mkdtemp(join(tmpdir(), 'tg-baselines-'));
    try {
      await saveModel(join(dir, 'rf.json'), rf);
      const loaded = await loadModel(join(dir, 'rf.json'));
      expect(loaded).toBeInstanceOf(RandomForest);
      expect((loaded as RandomForest).config.maxDepth).toBe(Infinity);
      expect(loaded.predictProba(Xt, 500)).toEqual(rf.predictProba(Xt, 500));
      await saveModel(join(dir, 'lr.json'), lr);
      const l2 = await loadModel(join(dir, 'lr.json'));
      expect(l2).toBeInstanceOf(LogisticRegression);
      expect((l2 as LogisticRegression).coef).toEqual(lr.coef);
      await writeFile(join(dir, 'bad.json'), modelToJson(lr).replace('"coef":{"dtype":"float64"', '"coef":{"dtype":"float32"'));
      await expect(loadModel(join(dir, 'bad.json'))).rejects.toThrow(/coef/);
      await writeFile(join(dir, 'bad2.json'), '{"format":"tradegym-baseline-model","version":1,"kind":"random-forest"}');
      await expect(loadModel(join(dir, 'bad2.json'))).rejects.toThrow(DataError);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('signal policy', () => {
  /** A model whose P(up) is the first feature, to test the mapping alone. */
  const echo: ProbabilisticClassifier = {
    kind: 'echo',
    nFeatures: 1,
    predictProba(Xb, n, out) {
      for (let i = 0; i < n; i++) out[i] = Xb[i];
      return out;
    },
  };

  it('maps P(up) to {short, flat, long} or {flat, long} with a threshold, reusing its buffers', () => {
    // Observation rows: [noise, P(up), account, account]; featureColumns picks column 1.
    const obs = Float32Array.from([9, 0.9, 0, 0, 9, 0.5, 0, 0, 9, 0.1, 0, 0, 9, 0.58, 0, 0, 9, NaN, 0, 0]);
    const ls = signalPolicy(echo, { threshold: 0.6, featureColumns: [1], obsSize: 4 });
    const out = ls.act(obs, 5);
    expect(Array.from(out.actions.subarray(0, 5))).toEqual([2, 1, 0, 1, 1]);
    const lo = signalPolicy(echo, { threshold: 0.55, longOnly: true, featureColumns: [1], obsSize: 4 });
    const a1 = lo.act(obs, 5);
    expect(Array.from(a1.actions.subarray(0, 5))).toEqual([1, 0, 0, 1, 0]);
    const a2 = lo.act(obs, 3);
    expect(a2).toBe(a1);
    expect(a2.actions).toBe(a1.actions);
    expect(() => signalPolicy(echo, { threshold: 0.4 })).toThrow(/threshold/);
    expect(() => signalPolicy(echo, { featureColumns: [0, 1] })).toThrow(/featureColumns/);
  });

  it('minHold keeps each action for at least that many bars, per env of the batch, until reset', () => {
    const p = signalPolicy(echo, { threshold: 0.5, minHold: 3, featureColumns: [0], obsSize: 1 });
    const seq = [0.9, 0.1, 0.1, 0.1, 0.9, 0.5, 0.1];
    const seen: number[][] = [];
    // Env 0 follows `seq`, env 1 stays at 0.9 (always long).
    for (const q of seq) seen.push(Array.from(p.act(Float32Array.of(q, 0.9), 2).actions.subarray(0, 2)));
    expect(seen.map((a) => a[0])).toEqual([2, 2, 2, 0, 0, 0, 0]);
    expect(seen.every((a) => a[1] === 2)).toBe(true);
    // Env 0 turns long; a reset of env 0 (only) lets its next signal through at once.
    expect(p.act(Float32Array.of(0.9, 0.1), 2).actions[0]).toBe(2);
    expect(Array.from(p.act(Float32Array.of(0.1, 0.1), 2).actions.subarray(0, 2))).toEqual([2, 0]);
    p.reset!([0]);
    expect(Array.from(p.act(Float32Array.of(0.1, 0.9), 2).actions.subarray(0, 2))).toEqual([0, 0]);
    // minHold 1 is the plain signal; a bigger batch keeps what the first envs held.
    const plain = signalPolicy(echo, { featureColumns: [0], obsSize: 1 });
    expect(seq.map((q) => plain.act(Float32Array.of(q), 1).actions[0])).toEqual([2, 0, 0, 0, 2, 1, 0]);
    const grow = signalPolicy(echo, { minHold: 5, featureColumns: [0], obsSize: 1 });
    grow.act(Float32Array.of(0.9), 1);
    expect(Array.from(grow.act(new Float32Array(100).fill(0.1), 100).actions.subarray(0, 2))).toEqual([2, 0]);
    expect(() => signalPolicy(echo, { minHold: 0 })).toThrow(/minHold/);
    expect(() => signalPolicy(echo, { minHold: 2.5 })).toThrow(/minHold/);
  });

  it('runs a fitted model in a backtest on the candle env', () => {
    const n = 600;
    const rng = makeRng('bt');
    const c = emptyCandles('sim', 'BTC/USDT', '1h', n);
    let px = 100;
    let r = 0;
    for (let t = 0; t < n; t++) {
      // Positively autocorrelated returns: something a model of past returns can learn.
      r = 0.5 * r + 0.01 * rng.normal();
      const o = px;
      px *= Math.exp(r);
      c.ts[t] = t * 3_600_000; c.open[t] = o; c.close[t] = px;
      c.high[t] = Math.max(o, px) * 1.001; c.low[t] = Math.min(o, px) * 0.999; c.volume[t] = 1;
    }
    const feats = logReturnWindow(c, 4);
    const yDir = directionLabels(c.close);
    const rows = usableRows(feats.values, 4, (i) => yDir[i] >= 0 && i < 400);
    const model = fitLogisticRegression(feats.values, 4, yDir, { rows });
    expect(model.rawCoefficients().coef[0]).toBeGreaterThan(0);
    const env = new CandleEnv({ market: candleMarket(c, feats), range: { from: 400, to: n }, longOnly: true });
    const res = runBacktest(env, signalPolicy(model, { longOnly: true }));
    expect(res.metrics.steps).toBeGreaterThan(100);
    expect(res.metrics.trades).toBeGreaterThan(0);
    expect(Array.from(res.position).every((q) => q >= 0)).toBe(true);
  });
});
