// Tree-structured Parzen Estimator (Bergstra et al., "Algorithms for Hyper-Parameter
// Optimization", NeurIPS 2011), univariate as in hyperopt: after `startup` random trials, split the
// observations at the gamma quantile into good and bad, fit one Parzen density per parameter to
// each group, l(x) and g(x), draw candidates from l and keep the one with the largest l(x)/g(x),
// which maximises expected improvement under the TPE model.
import type { Rng } from '../../data/random.js';
import { canonicalJson, fromInternal, internalBounds, sampleParams, toInternal, type JsonValue, type Params, type SearchSpace } from './space.js';

export interface Observation {
  index: number;
  params: Params;
  /** The metric (higher is better when mode is max). */
  value: number;
}

export interface TpeOptions {
  startup: number;
  gamma: number;
  candidates: number;
}

/** A mixture of Gaussians truncated to [low, high], one kernel per observation plus a wide prior. */
export class TruncatedParzen {
  readonly mus: number[];
  readonly sigmas: number[];
  readonly weights: number[];
  private readonly logZ: number[];

  constructor(points: readonly number[], readonly low: number, readonly high: number) {
    // hyperopt's adaptive bandwidth: each kernel as wide as the larger gap to its sorted
    // neighbours (the prior included), clipped so no kernel is wider than the range or narrower
    // than range / min(100, n + 1).
    const range = high - low;
    const priorMu = (low + high) / 2;
    const all = [...points.map((m) => ({ m, prior: false })), { m: priorMu, prior: true }].sort((a, b) => a.m - b.m);
    const n = all.length;
    const minSigma = range / Math.min(100, n + 1);
    this.mus = all.map((a) => a.m);
    this.sigmas = all.map((a, i) => {
      if (a.prior) return range;
      const left = i > 0 ? a.m - all[i - 1].m : a.m - low;
      const right = i < n - 1 ? all[i + 1].m - a.m : high - a.m;
      return Math.min(range, Math.max(minSigma, left, right));
    });
    this.weights = all.map(() => 1 / n);
    this.logZ = this.mus.map((m, i) => Math.log(Math.max(1e-300, normalCdf((high - m) / this.sigmas[i]) - normalCdf((low - m) / this.sigmas[i]))));
  }

  logDensity(x: number): number {
    const terms = this.mus.map((m, i) => {
      const z = (x - m) / this.sigmas[i];
      return Math.log(this.weights[i]) - 0.5 * z * z - Math.log(this.sigmas[i] * Math.sqrt(2 * Math.PI)) - this.logZ[i];
    });
    return logSumExp(terms);
  }

  sample(rng: Rng): number {
    const i = pickIndex(this.weights, rng);
    // Rejection sampling from the truncated kernel; kernels are never much narrower than the
    // range / 100 and their centres lie inside it, so this accepts within a few draws.
    for (let tries = 0; tries < 64; tries++) {
      const x = this.mus[i] + this.sigmas[i] * rng.normal();
      if (x >= this.low && x <= this.high) return x;
    }
    return this.low + rng.next() * (this.high - this.low);
  }
}

/** Categorical density: smoothed frequencies (one pseudo-count per value as the prior). */
export function categoricalProbs(counts: readonly number[]): number[] {
  const total = counts.reduce((a, c) => a + c + 1, 0);
  return counts.map((c) => (c + 1) / total);
}

/** Splits observations into the best ceil(gamma * n) and the rest. */
export function splitGoodBad(obs: readonly Observation[], mode: 'max' | 'min', gamma: number): { good: Observation[]; bad: Observation[] } {
  const sorted = [...obs].sort((a, b) => (mode === 'max' ? b.value - a.value : a.value - b.value) || a.index - b.index);
  const nGood = Math.max(1, Math.ceil(gamma * sorted.length));
  return { good: sorted.slice(0, nGood), bad: sorted.slice(nGood) };
}

/** Suggests the next params given the finished trials (order-independent: sorted by index). */
export function tpeSuggest(
  spaces: ReadonlyArray<[string, SearchSpace]>,
  observations: readonly Observation[],
  mode: 'max' | 'min',
  rng: Rng,
  opts: TpeOptions,
): Params {
  const obs = observations.filter((o) => Number.isFinite(o.value));
  if (obs.length < opts.startup) return sampleParams(spaces, rng);
  const { good, bad } = splitGoodBad(obs, mode, opts.gamma);
  const out: Params = {};
  for (const [key, space] of spaces) out[key] = suggestOne(key, space, good, bad, rng, opts.candidates);
  return out;
}

function suggestOne(key: string, space: SearchSpace, good: Observation[], bad: Observation[], rng: Rng, candidates: number): JsonValue {
  if (space.kind === 'categorical') {
    const codes = space.values.map(canonicalJson);
    const count = (group: Observation[]) => {
      const c = codes.map(() => 0);
      for (const o of group) {
        const j = codes.indexOf(canonicalJson(o.params[key]));
        if (j >= 0) c[j]++;
      }
      return c;
    };
    const l = categoricalProbs(count(good));
    const g = categoricalProbs(count(bad));
    let best = -1;
    let bestScore = -Infinity;
    for (let c = 0; c < candidates; c++) {
      const j = pickIndex(l, rng);
      const score = Math.log(l[j]) - Math.log(g[j]);
      if (score > bestScore) [best, bestScore] = [j, score];
    }
    return space.values[best];
  }
  const [low, high] = internalBounds(space);
  const values = (group: Observation[]) =>
    group.map((o) => o.params[key]).filter((v): v is number => typeof v === 'number' && v >= space.min && v <= space.max).map((v) => toInternal(space, v));
  const l = new TruncatedParzen(values(good), low, high);
  const g = new TruncatedParzen(values(bad), low, high);
  let best = NaN;
  let bestScore = -Infinity;
  for (let c = 0; c < candidates; c++) {
    const x = fromInternal(space, l.sample(rng));
    const u = toInternal(space, x);
    const score = l.logDensity(u) - g.logDensity(u);
    if (score > bestScore) [best, bestScore] = [x, score];
  }
  return best;
}

function pickIndex(weights: readonly number[], rng: Rng): number {
  let r = rng.next() * weights.reduce((a, w) => a + w, 0);
  for (let i = 0; i < weights.length; i++) {
    r -= weights[i];
    if (r < 0) return i;
  }
  return weights.length - 1;
}

function logSumExp(xs: number[]): number {
  const m = Math.max(...xs);
  if (!Number.isFinite(m)) return m;
  return m + Math.log(xs.reduce((a, x) => a + Math.exp(x - m), 0));
}

/** Standard normal CDF via erf (Abramowitz & Stegun 7.1.26, |error| < 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}
