// Random forest classifier (binary) over typed arrays: features are quantile-binned once,
// each tree is grown on a seeded bootstrap sample with sqrt(f) candidate features per split, and
// the trees live in flat typed arrays. Predictions average the trees' leaf probabilities.
//
// Why our own: on npm the candidate is `ml-random-forest` (mljs, 2.1.0, on top of `ml-cart`): pure
// JS over nested number arrays with exact, sorting-based splits, far from scikit-learn speed on
// 1M x 30 rows. It is not a dependency and was not installed, so it was not measured. Histogram
// splits over byte codes (binning.ts) are what makes LightGBM and scikit-learn's
// HistGradientBoosting fast, and they suit typed arrays well.
//
// Each tree draws from its own stream `random-forest/<seed>/tree/<t>`, so a forest is identical
// whichever thread grows which tree (see parallel.ts).
import { ConfigError, DataError } from '../../../data/errors.js';
import { makeRng } from '../../../data/random.js';
import { binaryTargets } from '../logistic-regression.js';
import { fitRows, rowCount } from '../labels.js';
import { binRows, fitBins, type FeatureBins } from './binning.js';
import { completeTrees, predictComplete, type CompleteTrees } from './complete-trees.js';
import { growTree, TreeScratch, type BinnedData, type TreeNodes, type TreeParams } from './grow-tree.js';

export interface RandomForestOptions {
  /** Default 100. */
  nTrees?: number;
  /** Default 8 (Infinity grows until leaves are pure or too small). */
  maxDepth?: number;
  /** Minimum bootstrap-weighted rows per leaf (default 1). */
  minSamplesLeaf?: number;
  /** Default 2. */
  minSamplesSplit?: number;
  /** Features tried per split: 'sqrt' (default), 'log2', 'all', a count, or a fraction in (0, 1). */
  maxFeatures?: 'sqrt' | 'log2' | 'all' | number;
  /** Bins per feature, 2..256 (default 64). */
  maxBins?: number;
  /** Draw each tree's rows with replacement (default true). */
  bootstrap?: boolean;
  /**
   * Rows drawn per tree as a fraction of the training rows (default 1, scikit-learn's
   * max_samples). Below 1 trades a little accuracy for proportionally faster fits on big data.
   */
  maxSamples?: number;
  seed?: number | string;
  /** Training rows; default all. Bin edges are fitted on these rows only. */
  rows?: Int32Array;
}

/** The resolved hyperparameters, stored with the model. */
export interface ForestConfig {
  nTrees: number;
  maxDepth: number;
  minSamplesLeaf: number;
  minSamplesSplit: number;
  maxFeatures: number;
  maxBins: number;
  bootstrap: boolean;
  maxSamples: number;
  seed: string;
}

export interface RandomForestParams {
  nFeatures: number;
  config: ForestConfig;
  /** First node of each tree in the flat arrays below; child indices are absolute. */
  roots: Int32Array;
  /** Split feature, -1 at a leaf. */
  feature: Int32Array;
  /** Split bin: codes <= bin went left while growing. */
  bin: Uint8Array;
  /** Split value on raw features: x <= threshold goes left (NaN goes right). */
  threshold: Float32Array;
  left: Int32Array;
  right: Int32Array;
  /** P(class 1) of the node's training rows; the prediction at a leaf. */
  value: Float32Array;
}

export class RandomForest implements RandomForestParams {
  readonly kind = 'random-forest';
  readonly nFeatures: number;
  readonly config: ForestConfig;
  readonly roots: Int32Array;
  readonly feature: Int32Array;
  readonly bin: Uint8Array;
  readonly threshold: Float32Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly value: Float32Array;
  /** Prediction layout, built on first use; null when the forest is too deep for it. */
  private complete: CompleteTrees | null | undefined;

  constructor(p: RandomForestParams) {
    const nodes = p.feature.length;
    for (const [name, a] of [['bin', p.bin], ['threshold', p.threshold], ['left', p.left], ['right', p.right], ['value', p.value]] as const) {
      if (a.length !== nodes) throw new ConfigError(name, `has ${a.length} nodes, feature has ${nodes}`);
    }
    this.nFeatures = p.nFeatures;
    this.config = p.config;
    this.roots = p.roots;
    this.feature = p.feature;
    this.bin = p.bin;
    this.threshold = p.threshold;
    this.left = p.left;
    this.right = p.right;
    this.value = p.value;
  }

  get nTrees(): number {
    return this.roots.length;
  }

  /**
   * P(y = 1) for the `n` rows of X (row-major [n, nFeatures]); into `out` when given (no
   * allocation after the first call). Depth-limited forests use the complete-tree layout
   * (complete-trees.ts, built on first use), deeper ones walk the nodes; both give the same bits.
   */
  predictProba(X: Float32Array, n: number = rowCount(X, this.nFeatures), out: Float64Array = new Float64Array(n)): Float64Array {
    const f = this.nFeatures;
    if (X.length < n * f) throw new DataError(`X has ${X.length} values, ${n} rows need ${n * f}`, { column: 'X' });
    if (this.complete === undefined) this.complete = completeTrees(this) ?? null;
    if (this.complete) {
      predictComplete(this.complete, X, f, n, out);
      return out;
    }
    return this.predictByNodes(X, n, out);
  }

  /** The plain walk over the nodes (the reference for the complete-tree layout). */
  predictByNodes(X: Float32Array, n: number, out: Float64Array): Float64Array {
    const f = this.nFeatures;
    const { roots, feature, threshold, left, right, value } = this;
    const T = roots.length;
    for (let i = 0; i < n; i++) {
      const o = i * f;
      let s = 0;
      for (let t = 0; t < T; t++) {
        let node = roots[t];
        let j = feature[node];
        while (j >= 0) {
          node = X[o + j] <= threshold[node] ? left[node] : right[node];
          j = feature[node];
        }
        s += value[node];
      }
      out[i] = s / T;
    }
    return out;
  }
}

function resolveConfig(o: RandomForestOptions, f: number): ForestConfig {
  const int = (field: string, v: number, min: number) => {
    if (!(Number.isInteger(v) && v >= min)) throw new ConfigError(field, `must be an integer >= ${min}, got ${v}`);
    return v;
  };
  const mf = o.maxFeatures ?? 'sqrt';
  let maxFeatures: number;
  if (mf === 'sqrt') maxFeatures = Math.max(1, Math.floor(Math.sqrt(f)));
  else if (mf === 'log2') maxFeatures = Math.max(1, Math.floor(Math.log2(f)));
  else if (mf === 'all') maxFeatures = f;
  else if (mf > 0 && mf < 1) maxFeatures = Math.max(1, Math.floor(mf * f));
  else maxFeatures = Math.min(f, int('maxFeatures', mf, 1));
  const maxDepth = o.maxDepth ?? 8;
  if (!(maxDepth === Infinity || (Number.isInteger(maxDepth) && maxDepth >= 0))) {
    throw new ConfigError('maxDepth', `must be an integer >= 0 or Infinity, got ${maxDepth}`);
  }
  const maxSamples = o.maxSamples ?? 1;
  if (!(maxSamples > 0 && maxSamples <= 1)) throw new ConfigError('maxSamples', `must be in (0, 1], got ${maxSamples}`);
  return {
    nTrees: int('nTrees', o.nTrees ?? 100, 1),
    maxDepth,
    minSamplesLeaf: int('minSamplesLeaf', o.minSamplesLeaf ?? 1, 1),
    minSamplesSplit: int('minSamplesSplit', o.minSamplesSplit ?? 2, 2),
    maxFeatures,
    maxBins: int('maxBins', o.maxBins ?? 64, 2),
    bootstrap: o.bootstrap ?? true,
    maxSamples,
    seed: String(o.seed ?? 0),
  };
}

/** Everything needed to grow any tree of a forest; plain data, so it can cross to a worker. */
export interface ForestJob {
  data: BinnedData;
  config: ForestConfig;
}

/**
 * Grows trees [from, to) of the forest. Each tree's rows: a bootstrap of maxSamples * m draws
 * with replacement (weights are the counts), or without bootstrap a subsample without
 * replacement (all rows when maxSamples is 1).
 */
export function growTrees(job: ForestJob, from: number, to: number): TreeNodes[] {
  const { data, config } = job;
  const m = data.m;
  const scratch = new TreeScratch(m, data.f);
  const params: TreeParams = {
    maxDepth: config.maxDepth, minSamplesLeaf: config.minSamplesLeaf,
    minSamplesSplit: config.minSamplesSplit, maxFeatures: config.maxFeatures,
  };
  const draws = Math.max(1, Math.round(config.maxSamples * m));
  const trees: TreeNodes[] = [];
  for (let t = from; t < to; t++) {
    const rng = makeRng(`random-forest/${config.seed}/tree/${t}`);
    const w = scratch.weight;
    if (config.bootstrap) {
      w.fill(0);
      for (let d = 0; d < draws; d++) w[rng.int(m)]++;
    } else if (draws >= m) {
      w.fill(1);
    } else {
      w.fill(0);
      const perm = scratch.tmp;
      for (let r = 0; r < m; r++) perm[r] = r;
      for (let d = 0; d < draws; d++) {
        const s = d + rng.int(m - d);
        const r = perm[s];
        perm[s] = perm[d];
        perm[d] = r;
        w[r] = 1;
      }
    }
    trees.push(growTree(data, params, rng, scratch));
  }
  return trees;
}

/** Bins the training rows and resolves the options: the part of a fit done once, before the trees. */
export function prepareForest(X: Float32Array, nFeatures: number, y: ArrayLike<number>, opts: RandomForestOptions = {}): ForestJob & { bins: FeatureBins } {
  const f = nFeatures;
  const n = rowCount(X, f);
  if (y.length !== n) throw new DataError(`y has ${y.length} rows, X has ${n}`, { column: 'y' });
  const rows = fitRows(opts.rows, n);
  const config = resolveConfig(opts, f);
  if (config.maxBins > 256) throw new ConfigError('maxBins', `must be <= 256 (codes are bytes), got ${config.maxBins}`);
  const bins = fitBins(X, f, rows, config.maxBins);
  const nBins = new Uint16Array(f);
  for (let j = 0; j < f; j++) nBins[j] = bins.edgeCount[j] + 1;
  const data: BinnedData = { codes: binRows(X, f, rows, bins), y: binaryTargets(y, rows), m: rows.length, f, nBins };
  return { data, config, bins };
}

/** Joins per-tree node arrays into one model, turning split bins into raw thresholds. */
export function assembleForest(nFeatures: number, config: ForestConfig, bins: FeatureBins, trees: TreeNodes[]): RandomForest {
  const total = trees.reduce((s, t) => s + t.count, 0);
  const roots = new Int32Array(trees.length);
  const feature = new Int32Array(total);
  const bin = new Uint8Array(total);
  const threshold = new Float32Array(total);
  const left = new Int32Array(total);
  const right = new Int32Array(total);
  const value = new Float32Array(total);
  const E = bins.maxBins - 1;
  let o = 0;
  trees.forEach((t, k) => {
    roots[k] = o;
    for (let i = 0; i < t.count; i++) {
      const j = t.feature[i];
      feature[o + i] = j;
      value[o + i] = t.value[i];
      if (j >= 0) {
        bin[o + i] = t.bin[i];
        threshold[o + i] = bins.edges[j * E + t.bin[i]];
        left[o + i] = o + t.left[i];
        right[o + i] = o + t.right[i];
      } else {
        left[o + i] = -1;
        right[o + i] = -1;
      }
    }
    o += t.count;
  });
  return new RandomForest({ nFeatures, config, roots, feature, bin, threshold, left, right, value });
}

/**
 * Fits a binary random forest: X row-major [rows, nFeatures] (NaN allowed: it sorts above every
 * value), y 0/1 on the training rows. Single-threaded; `fitRandomForestParallel` (parallel.ts)
 * grows the same trees on worker threads.
 */
export function fitRandomForest(X: Float32Array, nFeatures: number, y: ArrayLike<number>, opts: RandomForestOptions = {}): RandomForest {
  const job = prepareForest(X, nFeatures, y, opts);
  const trees = growTrees(job, 0, job.config.nTrees);
  return assembleForest(nFeatures, job.config, job.bins, trees);
}
