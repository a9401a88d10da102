// GARCH(1,1) with Gaussian innovations, per bar:
//   r_t = mu + e_t,  e_t = sqrt(h_t) z_t,  h_t = omega + alpha e_{t-1}^2 + beta h_{t-1}.
// The fit maximises the likelihood with Nelder-Mead over unconstrained parameters
//   omega = exp(a), alpha + beta = logistic(b), alpha = (alpha + beta) logistic(c),
// so every point the simplex visits has omega > 0, alpha, beta >= 0 and alpha + beta < 1
// (covariance-stationary). Returns are divided by their sample std first: 1m returns are ~1e-3,
// and a unit-scale problem keeps the simplex steps and tolerances meaningful. h_1 is the sample
// variance (a backcast), the usual choice when the series is long.
import { ConfigError, DataError } from '../errors.js';
import { timeframeMs } from '../timeframe.js';
import type { Candles } from '../types.js';
import { candlesLike } from './candle-guard.js';
import { bridgeMax, bridgeMin } from './brownian-bridge.js';
import { VOLUME_LOG_SD, logReturns } from './gbm.js';
import { nelderMead } from './nelder-mead.js';
import { finite, positive, positiveInt } from './params.js';
import type { RngLike } from './rng-like.js';
import { toRng } from './rng-like.js';

export interface Garch11Params {
  omega: number;
  alpha: number;
  beta: number;
  /** Mean log return per bar. */
  mu: number;
}

export interface Garch11Fit extends Garch11Params {
  /** Gaussian log-likelihood at the optimum, in the units of the returns given. */
  logLik: number;
  /** Returns used. */
  n: number;
  /** Nelder-Mead iterations over all restarts. */
  iterations: number;
  /** The last restart met the tolerances (not the iteration cap). */
  converged: boolean;
}

export interface Garch11FitOptions {
  /** Nelder-Mead iteration cap per restart. Default 2000. */
  maxIter?: number;
  /** Restarts from the best point until the log-likelihood gains less than this. Default 1e-6. */
  tol?: number;
}

const LOG_2PI = Math.log(2 * Math.PI);
const logistic = (x: number): number => 1 / (1 + Math.exp(-x));
const logit = (p: number): number => Math.log(p / (1 - p));

/** Checks a GARCH(1,1) parameter set; ConfigError names the field. */
export function checkGarch11(p: Garch11Params, prefix = ''): Garch11Params {
  positive(`${prefix}omega`, p.omega);
  finite(`${prefix}alpha`, p.alpha);
  finite(`${prefix}beta`, p.beta);
  finite(`${prefix}mu`, p.mu);
  if (p.alpha < 0) throw new ConfigError(`${prefix}alpha`, `${p.alpha} must be >= 0`);
  if (p.beta < 0) throw new ConfigError(`${prefix}beta`, `${p.beta} must be >= 0`);
  if (!(p.alpha + p.beta < 1)) {
    throw new ConfigError(`${prefix}beta`, `alpha + beta = ${p.alpha + p.beta} must be < 1 (a stationary model)`);
  }
  return p;
}

/** Gaussian log-likelihood of `returns` under `p`, with h_1 = `h1` (default: the sample variance). */
export function garch11LogLik(returns: Float64Array, p: Garch11Params, h1?: number): number {
  const n = returns.length;
  const { omega, alpha, beta, mu } = p;
  let h = h1 ?? sampleVariance(returns);
  let sum = 0;
  for (let t = 0; t < n; t++) {
    const e = returns[t] - mu;
    const e2 = e * e;
    sum += Math.log(h) + e2 / h;
    h = omega + alpha * e2 + beta * h;
  }
  return -0.5 * (n * LOG_2PI + sum);
}

function sampleVariance(x: Float64Array): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) m += x[i];
  m /= x.length;
  let s = 0;
  for (let i = 0; i < x.length; i++) s += (x[i] - m) * (x[i] - m);
  return s / x.length;
}

/** Maximum-likelihood GARCH(1,1) fit of per-bar (log) returns. */
export function fitGarch11(returns: Float64Array, opts: Garch11FitOptions = {}): Garch11Fit {
  const n = returns.length;
  if (n < 10) throw new DataError(`fitGarch11 needs at least 10 returns, got ${n}`);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(returns[i])) throw new DataError(`fitGarch11: return ${returns[i]} is not finite`, { row: i });
  }
  const variance = sampleVariance(returns);
  if (!(variance > 0)) throw new DataError('fitGarch11: the returns are constant (zero variance)');
  const scale = Math.sqrt(variance);
  const y = new Float64Array(n);
  let mean = 0;
  for (let i = 0; i < n; i++) { y[i] = returns[i] / scale; mean += y[i]; }
  mean /= n;
  const h1 = sampleVariance(y);

  const params = (x: Float64Array): Garch11Params => {
    const persistence = logistic(x[2]);
    const alpha = persistence * logistic(x[3]);
    return { mu: x[0], omega: Math.exp(x[1]), alpha, beta: persistence - alpha };
  };
  const negLogLik = (x: Float64Array): number => -garch11LogLik(y, params(x), h1);
  // Start where daily and intraday fits usually land: alpha 0.05, beta 0.90.
  let x: Float64Array = Float64Array.from([mean, Math.log(0.05 * h1), logit(0.95), logit(0.05 / 0.95)]);
  let best = Infinity;
  let iterations = 0;
  let converged = false;
  const tol = opts.tol ?? 1e-6;
  // A simplex can stall on a ridge (alpha vs beta trade off strongly); restarting with a fresh
  // simplex around the best point is the standard remedy.
  for (let restart = 0; restart < 5; restart++) {
    const res = nelderMead(negLogLik, x, { step: [0.05, 0.5, 0.5, 0.5], maxIter: opts.maxIter ?? 2000, tolF: 1e-10, tolX: 1e-8 });
    iterations += res.iterations;
    converged = res.converged;
    const gain = best - res.fx;
    x = res.x;
    best = Math.min(best, res.fx);
    if (gain < tol) break;
  }
  const p = params(x);
  return {
    mu: p.mu * scale, omega: p.omega * variance, alpha: p.alpha, beta: p.beta,
    logLik: -best - n * Math.log(scale), n, iterations, converged,
  };
}

export interface Garch11Simulation {
  /** Per-bar log returns. */
  returns: Float64Array;
  /** Conditional variance h_t of each return. */
  variance: Float64Array;
}

/** Simulates n returns, starting from the unconditional variance omega / (1 - alpha - beta). */
export function simulateGarch11(p: Garch11Params, n: number, rng: RngLike): Garch11Simulation {
  checkGarch11(p);
  positiveInt('n', n);
  const r = toRng(rng);
  const returns = new Float64Array(n);
  const variance = new Float64Array(n);
  let h = p.omega / (1 - p.alpha - p.beta);
  for (let t = 0; t < n; t++) {
    const e = Math.sqrt(h) * r.normal();
    variance[t] = h;
    returns[t] = p.mu + e;
    h = p.omega + p.alpha * e * e + p.beta * h;
  }
  return { returns, variance };
}

export interface GarchPathOptions {
  /** Bars to simulate. Default: as many as `c` has. */
  n?: number;
}

/**
 * Candles with GARCH(1,1) volatility, keyed and started like `c` (first open, first ts, timeframe).
 * `model` undefined fits one on `c`'s close-to-close log returns. High/low come from a Brownian
 * bridge with the bar's conditional variance; volume is `c`'s mean volume times
 * sqrt(h_t / unconditional variance) times log-normal noise, because volume rises with volatility.
 */
export function garchPaths(c: Candles, model: Garch11Params | undefined, opts: GarchPathOptions, rng: RngLike): Candles {
  const p = model === undefined ? fitGarch11(logReturns(c)) : checkGarch11(model);
  const n = positiveInt('n', opts.n ?? c.ts.length);
  if (c.ts.length === 0) throw new DataError('garchPaths needs at least one bar of the source series');
  const tf = timeframeMs(c.timeframe);
  const r = toRng(rng);
  const sim = simulateGarch11(p, n, r.fork('returns'));
  const out = candlesLike(c, n);
  let meanVol = 0;
  for (let i = 0; i < c.volume.length; i++) meanVol += c.volume[i];
  meanVol /= c.volume.length;
  const hBar = p.omega / (1 - p.alpha - p.beta);
  const volShift = -(VOLUME_LOG_SD * VOLUME_LOG_SD) / 2;
  let price = c.open[0];
  if (!(price > 0 && price < Infinity)) throw new DataError(`garchPaths needs a finite first open > 0, got ${price}`, { row: 0, column: 'open' });
  for (let i = 0; i < n; i++) {
    const x = sim.returns[i];
    const h = sim.variance[i];
    out.ts[i] = c.ts[0] + i * tf;
    out.open[i] = price;
    out.high[i] = price * Math.exp(bridgeMax(x, h, 1 - r.next()));
    out.low[i] = price * Math.exp(bridgeMin(x, h, 1 - r.next()));
    price = out.close[i] = price * Math.exp(x);
    out.volume[i] = meanVol * Math.sqrt(h / hBar) * Math.exp(VOLUME_LOG_SD * r.normal() + volShift);
    if (out.high[i] < price) out.high[i] = price;
    if (out.low[i] > price) out.low[i] = price;
  }
  return out;
}
