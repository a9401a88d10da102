// Across seeds: the mean, sample standard deviation, min and max of each metric, and the mean
// metrics that stand for "the agent" in tables that have one row per policy. The mean of the
// seeds' total returns is also the total return of their mean equity curve (same starting cash),
// so the agent's line in the equity chart ends where its mean return says.
import type { BacktestResult } from '../../agents/backtest.js';
import type { PolicyMetrics, Spread } from '../run-dir.js';

/** Over the finite values; sd with divisor n - 1 (NaN for fewer than two). */
export function spreadOf(xs: number[]): Spread {
  const v = xs.filter(Number.isFinite);
  const n = v.length;
  const mean = n ? v.reduce((a, b) => a + b, 0) / n : NaN;
  const sd = n > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : NaN;
  return { mean, sd, min: n ? Math.min(...v) : NaN, max: n ? Math.max(...v) : NaN, n };
}

/** The trading metrics every policy has (the `ml` block is left out: agents have none). */
const KEYS = ['totalReturn', 'cagr', 'sharpe', 'sortino', 'calmar', 'maxDrawdown', 'winRate', 'turnover', 'exposure', 'fees', 'trades', 'steps'] as const;

export function metricSpreads(ms: PolicyMetrics[]): Record<string, Spread> {
  return Object.fromEntries(KEYS.map((k) => [k, spreadOf(ms.map((m) => m[k]))]));
}

export function meanMetrics(ms: PolicyMetrics[]): PolicyMetrics {
  return Object.fromEntries(KEYS.map((k) => [k, spreadOf(ms.map((m) => m[k])).mean])) as unknown as PolicyMetrics;
}

/**
 * The seeds' mean equity and mean position on the bars they share (an equal-capital portfolio of
 * the seeds, for the charts; its own metrics are the mean metrics, not recomputed).
 */
export function meanCurve(curves: BacktestResult[], metrics: PolicyMetrics): BacktestResult {
  const first = curves[0];
  const sets = curves.map((c) => new Set(c.ts));
  const common = first.ts.filter((t) => sets.every((s) => s.has(t)));
  const n = common.length;
  const equity = new Float64Array(n);
  const position = new Float64Array(n);
  const close = new Float64Array(n);
  for (const c of curves) {
    let k = 0;
    for (let i = 0; i < c.ts.length && k < n; i++) {
      if (c.ts[i] !== common[k]) continue;
      equity[k] += c.equity[i] / curves.length;
      position[k] += c.position[i] / curves.length;
      close[k] = c.close[i];
      k++;
    }
  }
  return { metrics, ts: Float64Array.from(common), equity, position, close };
}
