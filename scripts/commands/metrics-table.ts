// The metrics tables every command prints (backtest, eval, baseline, run, compare): one column
// set, one number format.
import type { TradingMetrics } from '../../envs/metrics.js';
import type { ScoredPolicy } from '../../experiments/baselines-run.js';

const pct = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(2)}%` : '-');
const num = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : '-');
const f3 = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '-' : x.toFixed(3));

export const METRICS_HEADER = ['policy', 'return', 'CAGR', 'Sharpe', 'Sortino', 'Calmar', 'max DD', 'win rate', 'turnover/yr', 'exposure', 'fees', 'trades'];

export function metricsRow(name: string, m: TradingMetrics): string[] {
  return [name, pct(m.totalReturn), pct(m.cagr), num(m.sharpe), num(m.sortino), num(m.calmar), pct(m.maxDrawdown),
    pct(m.winRate), num(m.turnover), pct(m.exposure), m.fees.toFixed(2), String(m.trades)];
}

/** Trading metrics plus the classifiers' ML metrics. */
export function baselineTable(scored: ScoredPolicy[]): { header: string[]; rows: string[][] } {
  return {
    header: [...METRICS_HEADER, 'accuracy', 'precision', 'recall', 'F1', 'AUC'],
    rows: scored.map((s) => [...metricsRow(s.name, s.metrics), f3(s.metrics.ml?.accuracy), f3(s.metrics.ml?.precision), f3(s.metrics.ml?.recall), f3(s.metrics.ml?.f1), f3(s.metrics.ml?.auc)]),
  };
}
