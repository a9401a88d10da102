// The deflated Sharpe ratio: how likely the best of N trials has a true Sharpe ratio above what the
// best of N unskilled trials would show, given how long, skewed and fat-tailed its returns are.
//
// Everything here is PER PERIOD (per bar): Sharpe ratios are mean / std of per-bar returns, and T
// is the number of returns. Divide an annualised Sharpe ratio by sqrt(periods per year) first
// (a variance of annualised Sharpe ratios by periods per year). The probabilities are unitless.
//
// Probabilistic Sharpe ratio, D. H. Bailey and M. Lopez de Prado, "The Sharpe Ratio Efficient
// Frontier", Journal of Risk 15(2), 2012 (PSR; the standard error of SR is that of Mertens 2002):
//
//   PSR(SR*) = Phi( (SR - SR*) sqrt(T - 1) / sqrt(1 - g3 SR + (g4 - 1) / 4 SR^2) )
//
// with g3 the skewness and g4 the kurtosis (not excess: 3 for normal returns) of the returns.
//
// Deflated Sharpe ratio, D. H. Bailey and M. Lopez de Prado, "The Deflated Sharpe Ratio:
// Correcting for Selection Bias, Backtest Overfitting and Non-Normality", Journal of Portfolio
// Management 40(5), 2014: DSR = PSR(SR0), where SR0 is the expected maximum of N Sharpe ratios
// drawn around a true Sharpe ratio of 0 with the variance V of the trials' Sharpe ratios (the
// extreme-value approximation of Bailey, Borwein, Lopez de Prado and Zhu, "Pseudo-Mathematics and
// Financial Charlatanism", Notices of the AMS 61(5), 2014; gamma = the Euler-Mascheroni constant,
// e = Euler's number):
//
//   SR0 = sqrt(V) ( (1 - gamma) Phi^-1(1 - 1/N) + gamma Phi^-1(1 - 1/(N e)) )
//
// N should count independent trials; a sweep's trials are correlated (neighbouring params), so
// taking N = the number of trials overstates SR0 a little: the deflation errs on the strict side.
import { normalCdf, normalQuantile } from './normal.js';

export const EULER_MASCHERONI = 0.5772156649015329;

/** SR0: the expected maximum of `trials` Sharpe ratios with true value 0 and variance `variance` (per period). */
export function expectedMaxSharpe(trials: number, variance: number): number {
  if (!(trials >= 1)) return NaN;
  if (trials === 1) return 0; // no selection: the benchmark is a Sharpe ratio of 0
  return Math.sqrt(variance) * ((1 - EULER_MASCHERONI) * normalQuantile(1 - 1 / trials) + EULER_MASCHERONI * normalQuantile(1 - 1 / (trials * Math.E)));
}

export interface PsrInput {
  /** Observed per-period Sharpe ratio. */
  sharpe: number;
  /** The per-period Sharpe ratio to beat (SR*). */
  benchmark: number;
  /** Number of returns behind `sharpe` (T). */
  observations: number;
  /** Skewness of the returns (default 0, normal). */
  skewness?: number;
  /** Kurtosis of the returns, not excess (default 3, normal). */
  kurtosis?: number;
}

/** The z statistic inside PSR; NaN when the variance term is not positive or T < 2. */
export function psrZ(x: PsrInput): number {
  const g3 = x.skewness ?? 0;
  const g4 = x.kurtosis ?? 3;
  const v = 1 - g3 * x.sharpe + ((g4 - 1) / 4) * x.sharpe * x.sharpe;
  if (!(v > 0) || !(x.observations >= 2)) return NaN;
  return ((x.sharpe - x.benchmark) * Math.sqrt(x.observations - 1)) / Math.sqrt(v);
}

/** PSR(SR*): the probability that the true Sharpe ratio exceeds `benchmark`. */
export function probabilisticSharpe(x: PsrInput): number {
  return normalCdf(psrZ(x));
}

export interface DeflatedSharpeInput {
  /** Per-period Sharpe ratio of the selected (best) trial. */
  sharpe: number;
  /** Number of trials (N). */
  trials: number;
  /** Variance of the trials' per-period Sharpe ratios (V); unused when trials is 1. */
  variance: number;
  /** Returns behind the best trial's Sharpe ratio (T). */
  observations: number;
  skewness?: number;
  kurtosis?: number;
}

export interface DeflatedSharpe {
  /** DSR = PSR(SR0), a probability. */
  dsr: number;
  /** SR0 per period. */
  expectedMaxSharpe: number;
  z: number;
}

export function deflatedSharpe(x: DeflatedSharpeInput): DeflatedSharpe {
  const sr0 = expectedMaxSharpe(x.trials, x.variance);
  const z = psrZ({ sharpe: x.sharpe, benchmark: sr0, observations: x.observations, skewness: x.skewness, kurtosis: x.kurtosis });
  return { dsr: normalCdf(z), expectedMaxSharpe: sr0, z };
}

/** Sample variance (divisor n - 1) of finite values; NaN for fewer than two. */
export function sampleVariance(values: ArrayLike<number>): number {
  let n = 0;
  let mean = 0;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) { n++; mean += values[i]; }
  if (n < 2) return NaN;
  mean /= n;
  let s = 0;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) s += (values[i] - mean) ** 2;
  return s / (n - 1);
}
