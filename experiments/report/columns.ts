// The metric columns of reports and `tradegym compare`: label, formatting (the same as the
// backtest table), and which direction is better, which is the default sort order.
import { ConfigError } from '../../data/errors.js';
import type { MlMetrics, PolicyMetrics } from '../run-dir.js';
import type { TradingMetrics } from '../../envs/metrics.js';
import type { Cell } from './html.js';

export type MetricKey = keyof TradingMetrics | keyof MlMetrics;

export interface MetricColumn {
  key: MetricKey;
  label: string;
  format: (x: number) => string;
  higherIsBetter: boolean;
  /** From the `ml` block (classifier baselines only). */
  ml: boolean;
}

export const pct = (x: number): string => (Number.isFinite(x) ? `${(x * 100).toFixed(2)}%` : '-');
export const num = (x: number): string => (Number.isFinite(x) ? x.toFixed(2) : '-');
const fixed2 = (x: number): string => (Number.isFinite(x) ? x.toFixed(2) : '-');
const int = (x: number): string => (Number.isFinite(x) ? String(x) : '-');

const col = (key: MetricKey, label: string, format: (x: number) => string, higherIsBetter = true, ml = false): MetricColumn => ({ key, label, format, higherIsBetter, ml });

/** In the order (and with the labels) of the backtest table's METRICS_HEADER after 'policy'. */
export const TRADING_COLUMNS: MetricColumn[] = [
  col('totalReturn', 'return', pct),
  col('cagr', 'CAGR', pct),
  col('sharpe', 'Sharpe', num),
  col('sortino', 'Sortino', num),
  col('calmar', 'Calmar', num),
  col('maxDrawdown', 'max DD', pct, false),
  col('winRate', 'win rate', pct),
  col('turnover', 'turnover/yr', num, false),
  col('exposure', 'exposure', pct),
  col('fees', 'fees', fixed2, false),
  col('trades', 'trades', int),
];

export const ML_COLUMNS: MetricColumn[] = [
  col('accuracy', 'accuracy', pct, true, true),
  col('precision', 'precision', pct, true, true),
  col('recall', 'recall', pct, true, true),
  col('f1', 'F1', num, true, true),
  col('auc', 'AUC', num, true, true),
];

const STEPS = col('steps', 'steps', int);

/** The columns worth showing for these metrics: trading ones, plus ML ones when any policy has them. */
export function columnsFor(metrics: PolicyMetrics[]): MetricColumn[] {
  return metrics.some((m) => m.ml) ? [...TRADING_COLUMNS, ...ML_COLUMNS] : TRADING_COLUMNS;
}

export function metricValue(m: PolicyMetrics, key: MetricKey): number {
  if (key in m) return (m as unknown as Record<string, number>)[key];
  const v = m.ml?.[key as keyof MlMetrics];
  return v === undefined ? NaN : v;
}

const squash = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');
const ALIASES: Record<string, MetricKey> = { return: 'totalReturn', ret: 'totalReturn', dd: 'maxDrawdown', mdd: 'maxDrawdown', drawdown: 'maxDrawdown', turnoveryr: 'turnover', winrate: 'winRate' };

/** Finds a column by key (sharpe, maxDrawdown), kebab case (max-drawdown) or table label (max DD). */
export function resolveMetric(name: string, field = 'sort'): MetricColumn {
  const s = squash(name);
  const all = [...TRADING_COLUMNS, ...ML_COLUMNS, STEPS];
  const hit = all.find((c) => squash(c.key) === s || squash(c.label) === s) ?? all.find((c) => c.key === ALIASES[s]);
  if (!hit) throw new ConfigError(field, `unknown metric "${name}"; one of: ${all.map((c) => c.key).join(', ')}`);
  return hit;
}

/** Orders by `column`, best first unless `order` says otherwise; NaN always last; ties keep input order. */
export function sortByMetric<T>(items: T[], metricsOf: (x: T) => PolicyMetrics, column: MetricColumn, order?: 'asc' | 'desc'): T[] {
  const desc = order ? order === 'desc' : column.higherIsBetter;
  return items
    .map((x, i) => ({ x, i, v: metricValue(metricsOf(x), column.key) }))
    .sort((a, b) => {
      const an = Number.isNaN(a.v);
      const bn = Number.isNaN(b.v);
      if (an || bn) return an === bn ? a.i - b.i : an ? 1 : -1;
      if (a.v === b.v) return a.i - b.i;
      return desc ? b.v - a.v : a.v - b.v;
    })
    .map((e) => e.x);
}

/** Table cells of these columns: formatted text, sorted by the raw value. */
export function metricCells(m: PolicyMetrics, cols: MetricColumn[]): Cell[] {
  return cols.map((c) => {
    const v = metricValue(m, c.key);
    return { text: c.format(v), sort: v };
  });
}
