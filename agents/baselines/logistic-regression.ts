// L2-regularised binary logistic regression, fitted by Newton's method (IRLS) on standardised
// features. Newton rather than L-BFGS: with tens of features the (f+1)^2 Hessian is tiny, a fit
// converges in ~5-10 full passes to machine precision, and there is no step-size or history
// parameter to tune; each pass is sequential over the rows, so a fit is deterministic.
// Standardisation statistics come from the TRAINING rows only and are stored in the model, so a
// test row can never move the fit (no leakage), and prediction standardises the same way.
import { ConfigError, DataError } from '../../data/errors.js';
import { fitRows, rowCount } from './labels.js';

export interface LogisticRegressionOptions {
  /**
   * L2 penalty λ on the standardised coefficients (not the intercept); the fit minimises
   * mean log-loss + λ/2 * ||w||^2 (scikit-learn's C is 1 / (λ * rows)). Default 1e-4.
   */
  l2?: number;
  /** Newton iterations at most (default 50). */
  maxIter?: number;
  /** Converged when every gradient component is below this in absolute value (default 1e-9). */
  tol?: number;
  /** Training rows (e.g. a walk-forward train range); default all rows. */
  rows?: Int32Array;
}

/** Everything a fitted model is; what model-io.ts writes. */
export interface LogisticRegressionParams {
  nFeatures: number;
  /** Per-feature mean and standard deviation (population, 1 where constant) of the training rows. */
  mean: Float64Array;
  scale: Float64Array;
  /** Coefficients on the standardised features. */
  coef: Float64Array;
  intercept: number;
  l2: number;
  iterations: number;
  converged: boolean;
}

export class LogisticRegression implements LogisticRegressionParams {
  readonly kind = 'logistic-regression';
  readonly nFeatures: number;
  readonly mean: Float64Array;
  readonly scale: Float64Array;
  readonly coef: Float64Array;
  readonly intercept: number;
  readonly l2: number;
  readonly iterations: number;
  readonly converged: boolean;

  constructor(p: LogisticRegressionParams) {
    const f = p.nFeatures;
    if (p.mean.length !== f || p.scale.length !== f || p.coef.length !== f) {
      throw new ConfigError('nFeatures', `${f} features but mean/scale/coef have ${p.mean.length}/${p.scale.length}/${p.coef.length}`);
    }
    this.nFeatures = f;
    this.mean = p.mean;
    this.scale = p.scale;
    this.coef = p.coef;
    this.intercept = p.intercept;
    this.l2 = p.l2;
    this.iterations = p.iterations;
    this.converged = p.converged;
  }

  /** Coefficients and intercept on the raw (unstandardised) features, for reading the model. */
  rawCoefficients(): { coef: Float64Array; intercept: number } {
    const coef = new Float64Array(this.nFeatures);
    let intercept = this.intercept;
    for (let j = 0; j < this.nFeatures; j++) {
      coef[j] = this.coef[j] / this.scale[j];
      intercept -= coef[j] * this.mean[j];
    }
    return { coef, intercept };
  }

  /**
   * P(y = 1) for the `n` rows of X (row-major [n, nFeatures]); written to `out` when given (no
   * allocation then). A NaN feature gives a NaN probability.
   */
  predictProba(X: Float32Array, n: number = rowCount(X, this.nFeatures), out: Float64Array = new Float64Array(n)): Float64Array {
    const f = this.nFeatures;
    if (X.length < n * f) throw new DataError(`X has ${X.length} values, ${n} rows need ${n * f}`, { column: 'X' });
    for (let i = 0; i < n; i++) {
      let eta = this.intercept;
      const o = i * f;
      for (let j = 0; j < f; j++) eta += this.coef[j] * ((X[o + j] - this.mean[j]) / this.scale[j]);
      out[i] = sigmoid(eta);
    }
    return out;
  }
}

function sigmoid(eta: number): number {
  return eta >= 0 ? 1 / (1 + Math.exp(-eta)) : Math.exp(eta) / (1 + Math.exp(eta));
}

/** log(1 + e^eta) without overflow. */
function softplus(eta: number): number {
  return Math.max(eta, 0) + Math.log1p(Math.exp(-Math.abs(eta)));
}

/** Mean and population std of each feature over `rows`, two-pass for accuracy; NaN is a DataError. */
export function standardisation(X: Float32Array, f: number, rows: Int32Array): { mean: Float64Array; scale: Float64Array } {
  const mean = new Float64Array(f);
  const scale = new Float64Array(f);
  for (let k = 0; k < rows.length; k++) {
    const o = rows[k] * f;
    for (let j = 0; j < f; j++) {
      const v = X[o + j];
      if (!Number.isFinite(v)) throw new DataError(`feature is ${v} in a training row (drop warm-up rows first)`, { row: rows[k], column: `X[:, ${j}]` });
      mean[j] += v;
    }
  }
  for (let j = 0; j < f; j++) mean[j] /= rows.length;
  for (let k = 0; k < rows.length; k++) {
    const o = rows[k] * f;
    for (let j = 0; j < f; j++) scale[j] += (X[o + j] - mean[j]) ** 2;
  }
  for (let j = 0; j < f; j++) {
    const s = Math.sqrt(scale[j] / rows.length);
    scale[j] = s > 0 ? s : 1; // a constant feature stays 0 after centring
  }
  return { mean, scale };
}

/** Binary labels of the training rows as 0/1 bytes; anything else (e.g. -1 "no label") is a DataError. */
export function binaryTargets(y: ArrayLike<number>, rows: Int32Array): Uint8Array {
  const out = new Uint8Array(rows.length);
  for (let k = 0; k < rows.length; k++) {
    const v = y[rows[k]];
    if (v !== 0 && v !== 1) throw new DataError(`label is ${v}, expected 0 or 1 (drop unlabelled rows)`, { row: rows[k], column: 'y' });
    out[k] = v;
  }
  return out;
}

/** Solves A x = b in place in b for a symmetric positive definite A (d x d, destroyed). */
function choleskySolve(A: Float64Array, b: Float64Array, d: number): void {
  for (let j = 0; j < d; j++) {
    let s = A[j * d + j];
    for (let k = 0; k < j; k++) s -= A[j * d + k] ** 2;
    // The intercept's curvature can vanish on (near-)separable data; a tiny floor keeps it solvable.
    const l = Math.sqrt(Math.max(s, 1e-12));
    A[j * d + j] = l;
    for (let i = j + 1; i < d; i++) {
      let t = A[i * d + j];
      for (let k = 0; k < j; k++) t -= A[i * d + k] * A[j * d + k];
      A[i * d + j] = t / l;
    }
  }
  for (let i = 0; i < d; i++) {
    let t = b[i];
    for (let k = 0; k < i; k++) t -= A[i * d + k] * b[k];
    b[i] = t / A[i * d + i];
  }
  for (let i = d - 1; i >= 0; i--) {
    let t = b[i];
    for (let k = i + 1; k < d; k++) t -= A[k * d + i] * b[k];
    b[i] = t / A[i * d + i];
  }
}

/** Mean log-loss plus the L2 penalty at coefficients `b` (slot 0 the intercept); `z` is scratch. */
function objective(
  X: Float32Array, f: number, rows: Int32Array, t: Uint8Array, mean: Float64Array, inv: Float64Array,
  b: Float64Array, l2: number, z: Float64Array,
): number {
  const m = rows.length;
  let s = 0;
  for (let k = 0; k < m; k++) {
    const o = rows[k] * f;
    let eta = b[0];
    for (let j = 0; j < f; j++) {
      z[j] = (X[o + j] - mean[j]) * inv[j];
      eta += b[j + 1] * z[j];
    }
    s += softplus(eta) - t[k] * eta;
  }
  let pen = 0;
  for (let a = 1; a <= f; a++) pen += b[a] * b[a];
  return s / m + 0.5 * l2 * pen;
}

/**
 * Sums over the rows of the log-loss gradient (into grad) and the upper triangle of its Hessian
 * (into hess, d = f + 1 square), at coefficients `beta`. The hot loop of a fit: O(rows * f^2 / 2).
 */
function accumulate(
  X: Float32Array, f: number, rows: Int32Array, t: Uint8Array, mean: Float64Array, inv: Float64Array,
  beta: Float64Array, z: Float64Array, grad: Float64Array, hess: Float64Array,
): void {
  const d = f + 1;
  grad.fill(0);
  hess.fill(0);
  z[0] = 1;
  for (let k = 0; k < rows.length; k++) {
    const o = rows[k] * f;
    let eta = beta[0];
    for (let j = 0; j < f; j++) {
      const v = (X[o + j] - mean[j]) * inv[j];
      z[j + 1] = v;
      eta += beta[j + 1] * v;
    }
    const p = sigmoid(eta);
    const e = p - t[k];
    const w = p * (1 - p);
    for (let a = 0; a < d; a++) {
      const za = z[a];
      grad[a] += e * za;
      const wz = w * za;
      const row = a * d;
      for (let b = a; b < d; b++) hess[row + b] += wz * z[b];
    }
  }
}

/**
 * Fits P(y=1 | x) = sigmoid(b + w . standardise(x)) on the training rows. `X` is row-major
 * [rows, nFeatures]; `y` holds 0/1 (other values only on rows left out of `rows`).
 */
export function fitLogisticRegression(
  X: Float32Array,
  nFeatures: number,
  y: ArrayLike<number>,
  opts: LogisticRegressionOptions = {},
): LogisticRegression {
  const f = nFeatures;
  const n = rowCount(X, f);
  if (y.length !== n) throw new DataError(`y has ${y.length} rows, X has ${n}`, { column: 'y' });
  const rows = fitRows(opts.rows, n);
  const l2 = opts.l2 ?? 1e-4;
  if (!(l2 >= 0)) throw new ConfigError('l2', `must be >= 0, got ${l2}`);
  const maxIter = opts.maxIter ?? 50;
  const tol = opts.tol ?? 1e-9;
  const t = binaryTargets(y, rows);
  const { mean, scale } = standardisation(X, f, rows);
  const m = rows.length;
  const d = f + 1; // slot 0 is the intercept
  const inv = new Float64Array(f);
  for (let j = 0; j < f; j++) inv[j] = 1 / scale[j];
  const beta = new Float64Array(d);
  const trial = new Float64Array(d);
  const grad = new Float64Array(d);
  const hess = new Float64Array(d * d);
  const step = new Float64Array(d);
  const z = new Float64Array(d);

  let loss = objective(X, f, rows, t, mean, inv, beta, l2, z);
  let iterations = 0;
  let converged = false;
  while (iterations < maxIter) {
    accumulate(X, f, rows, t, mean, inv, beta, z, grad, hess);
    let gmax = 0;
    for (let a = 0; a < d; a++) {
      grad[a] = grad[a] / m + (a > 0 ? l2 * beta[a] : 0);
      gmax = Math.max(gmax, Math.abs(grad[a]));
      for (let b = a; b < d; b++) {
        const h = hess[a * d + b] / m + (a === b && a > 0 ? l2 : 0);
        hess[a * d + b] = h;
        hess[b * d + a] = h;
      }
    }
    if (gmax < tol) {
      converged = true;
      break;
    }
    step.set(grad);
    choleskySolve(hess, step, d);
    // Backtracking (Armijo) keeps Newton monotone far from the optimum or on nearly separable
    // data. Near the optimum the predicted decrease falls below the rounding noise of a sum over
    // many rows, where the test means nothing: the full Newton step is taken there.
    let slope = 0;
    for (let a = 0; a < d; a++) slope += grad[a] * step[a];
    let alpha = 1;
    let next = loss;
    for (let tries = 0; tries < 40; tries++) {
      for (let a = 0; a < d; a++) trial[a] = beta[a] - alpha * step[a];
      next = objective(X, f, rows, t, mean, inv, trial, l2, z);
      if (next <= loss - 1e-4 * alpha * slope || alpha * slope < 1e-12 * Math.abs(loss)) break;
      alpha /= 2;
    }
    iterations++;
    beta.set(trial);
    loss = next;
  }
  return new LogisticRegression({
    nFeatures: f, mean, scale, coef: beta.slice(1), intercept: beta[0], l2, iterations, converged,
  });
}
