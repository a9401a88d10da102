// ML baselines on 1M x 30 synthetic rows: logistic regression (Newton) and the histogram random
// forest (100 trees, depth 8, sqrt(f) features per split, full bootstrap), fit and predict rows/s,
// single-threaded and on 2 worker threads. The label is a noisy non-linear rule of 4 features
// (the other 26 are noise), so held-out accuracy shows the forest beats the linear model.
// No JS library to compare: ml-random-forest (mljs) is not installed here and sorts exact splits
// over nested arrays; scikit-learn's RandomForestClassifier is the reference people know.
import { makeRng } from '../../data/random.js';
import { accuracy } from '../../agents/baselines/classification-metrics.js';
import { fitLogisticRegression } from '../../agents/baselines/logistic-regression.js';
import { fitRandomForest } from '../../agents/baselines/random-forest/forest.js';
import { fitRandomForestParallel } from '../../agents/baselines/random-forest/parallel.js';
import { bestOf, type Benchmark, type BenchRow } from './harness.js';

const N = 1_000_000;
const TEST = 200_000;
const F = 30;

function synthetic(n: number, seed: string): { X: Float32Array; y: Uint8Array } {
  const rng = makeRng(seed);
  const X = new Float32Array(n * F);
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const o = i * F;
    for (let j = 0; j < F; j++) X[o + j] = rng.normal();
    y[i] = X[o] * X[o + 1] + 0.5 * Math.sin(2 * X[o + 2]) + 0.3 * X[o + 3] + 0.5 * rng.normal() > 0 ? 1 : 0;
  }
  return { X, y };
}

const secondsOf = (t0: number) => (performance.now() - t0) / 1000;
const heldOut = (p: Float64Array, y: Uint8Array) => accuracy(y, Uint8Array.from(p, (v) => (v > 0.5 ? 1 : 0)));

export const baselinesBench: Benchmark = {
  name: 'baselines',
  async run(): Promise<BenchRow[]> {
    const train = synthetic(N, 'bench-baselines/train');
    const test = synthetic(TEST, 'bench-baselines/test');
    const rows: BenchRow[] = [];
    const p = new Float64Array(TEST);

    let t0 = performance.now();
    const lr = fitLogisticRegression(train.X, F, train.y);
    let s = secondsOf(t0);
    rows.push({ benchmark: 'logistic regression fit 1M x 30 (Newton)', unit: 'rows', perSec: N / s, notes: `${s.toFixed(2)} s, ${lr.iterations} iterations` });
    let ms = await bestOf(3, () => lr.predictProba(test.X, TEST, p));
    rows.push({ benchmark: 'logistic regression predict', unit: 'rows', perSec: TEST / (ms / 1000), notes: `held-out accuracy ${heldOut(p, test.y).toFixed(3)}` });

    const opts = { nTrees: 100, maxDepth: 8, seed: 1 };
    t0 = performance.now();
    const rf = fitRandomForest(train.X, F, train.y, opts);
    s = secondsOf(t0);
    rows.push({ benchmark: 'random forest fit 1M x 30, 100 trees depth 8 (1 thread)', unit: 'rows', perSec: N / s, notes: `${s.toFixed(1)} s, ${rf.feature.length} nodes, 64 bins, full bootstrap` });
    t0 = performance.now();
    const rf2 = await fitRandomForestParallel(train.X, F, train.y, opts, { workers: 2 });
    s = secondsOf(t0);
    const same = rf2.value.length === rf.value.length && rf2.value.every((v, i) => v === rf.value[i]);
    rows.push({ benchmark: 'random forest fit, same forest on 2 worker threads', unit: 'rows', perSec: N / s, notes: `${s.toFixed(1)} s, identical to 1 thread: ${same}` });
    t0 = performance.now();
    const half = fitRandomForest(train.X, F, train.y, { ...opts, maxSamples: 0.25 });
    s = secondsOf(t0);
    rows.push({ benchmark: 'random forest fit, maxSamples 0.25 (1 thread)', unit: 'rows', perSec: N / s, notes: `${s.toFixed(1)} s` });
    ms = await bestOf(1, () => half.predictProba(test.X, TEST, p));
    const halfAcc = heldOut(p, test.y);
    ms = await bestOf(1, () => rf.predictProba(test.X, TEST, p));
    rows.push({
      benchmark: 'random forest predict, 100 trees', unit: 'rows', perSec: TEST / (ms / 1000),
      notes: `held-out accuracy ${heldOut(p, test.y).toFixed(3)} (maxSamples 0.25: ${halfAcc.toFixed(3)})`,
    });
    return rows;
  },
};
