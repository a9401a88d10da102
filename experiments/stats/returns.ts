// Per-bar returns of an equity curve and their moments, with exactly the conventions of
// envs/metrics.ts, so a statistic computed here on a policy's curve equals the number in its
// metrics table (the bootstrap's point estimates, the sweep's Sharpe ratios).
import { DataError } from '../../data/errors.js';

const YEAR_MS = 365.25 * 86_400_000;

/**
 * r_i = equity[i] / equity[i - 1] - 1 for i = 1..n-1 (length n - 1). A step from zero equity
 * (after a total loss) returns 0, as in envs/metrics.ts.
 */
export function simpleReturns(equity: ArrayLike<number>): Float64Array {
  const n = equity.length;
  const r = new Float64Array(Math.max(0, n - 1));
  for (let i = 1; i < n; i++) r[i - 1] = equity[i - 1] > 0 ? equity[i] / equity[i - 1] - 1 : 0;
  return r;
}

/**
 * Steps per year of a curve with bar times `ts` (ms): (n - 1) / years, the factor whose square
 * root envs/metrics.ts annualises the Sharpe ratio with (8766 for hourly bars without gaps).
 * 0 for fewer than two bars.
 */
export function barsPerYear(ts: ArrayLike<number>): number {
  const n = ts.length;
  const years = n > 1 ? (ts[n - 1] - ts[0]) / YEAR_MS : 0;
  return years > 0 ? (n - 1) / years : 0;
}

export interface ReturnMoments {
  /** Number of returns (T). */
  n: number;
  mean: number;
  /** Sample standard deviation (divisor n - 1), as envs/metrics.ts. */
  std: number;
  /** m3 / m2^1.5 with central moments m_k = mean((r - mean)^k) (0 when the returns are constant). */
  skewness: number;
  /** m4 / m2^2, NOT excess: 3 for normal returns (3 when the returns are constant). */
  kurtosis: number;
  /** Per-period Sharpe ratio mean / std, risk-free rate 0; 0 when std is 0 (as envs/metrics.ts). */
  sharpe: number;
}

export function returnMoments(r: ArrayLike<number>): ReturnMoments {
  const n = r.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += r[i];
  mean /= Math.max(1, n);
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = r[i] - mean;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  const std = Math.sqrt(m2 / Math.max(1, n - 1));
  m2 /= Math.max(1, n);
  m3 /= Math.max(1, n);
  m4 /= Math.max(1, n);
  const flat = !(m2 > 0);
  return {
    n,
    mean,
    std,
    skewness: flat ? 0 : m3 / m2 ** 1.5,
    kurtosis: flat ? 3 : m4 / (m2 * m2),
    sharpe: std > 0 ? mean / std : 0,
  };
}

/** An equity curve against its own bar times (a backtest's result, a policy of curves.json). */
export interface EquityCurve {
  ts: ArrayLike<number>;
  equity: ArrayLike<number>;
}

export interface PairedReturns {
  /** The policy's per-bar returns on the bars both curves have. */
  returns: Float64Array;
  /** The benchmark's on the same bars. */
  benchmark: Float64Array;
  /** barsPerYear of the policy's own curve (its Sharpe's annualisation in the metrics table). */
  barsPerYear: number;
  /** How many of the policy's bars the benchmark lacks (0 when both were scored on the same bars). */
  droppedBars: number;
}

/**
 * The policy's and the benchmark's returns on the same bars, ready for bootstrapPolicy. Both are
 * normally scored on the same bars; where the benchmark lacks some of the policy's bars, those
 * are left out of both (returns then span the gap), and the estimates no longer equal the table's.
 */
export function pairedReturns(policy: EquityCurve, benchmark: EquityCurve): PairedReturns {
  const at = new Map<number, number>();
  for (let k = 0; k < benchmark.ts.length; k++) at.set(benchmark.ts[k], k);
  const pe: number[] = [];
  const be: number[] = [];
  for (let k = 0; k < policy.ts.length; k++) {
    const j = at.get(policy.ts[k]);
    if (j === undefined) continue;
    pe.push(policy.equity[k]);
    be.push(benchmark.equity[j]);
  }
  if (pe.length < 3) throw new DataError(`the policy and the benchmark share ${pe.length} bars; at least 3 are needed`);
  return { returns: simpleReturns(pe), benchmark: simpleReturns(be), barsPerYear: barsPerYear(policy.ts), droppedBars: policy.ts.length - pe.length };
}
