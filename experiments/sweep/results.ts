// Sweep outputs: trials ranked by the metric (completed first, then stopped, then failed),
// results.csv with one column per param and metric, best.yaml, the resolved config of the best
// completed trial, ready for `tradegym run`, and the lines that say how much of the best result is
// selection (deflated Sharpe ratio, probability of backtest overfitting; selection-stats.ts).
import { stringify } from 'yaml';
import type { SweepStats } from './selection-stats.js';
import type { JsonValue } from './space.js';
import type { TrialRecord } from './sweep-store.js';

const STATUS_ORDER = { completed: 0, stopped: 1, failed: 2 } as const;

export function rankTrials(records: readonly TrialRecord[], metric: string, mode: 'max' | 'min'): TrialRecord[] {
  const key = (r: TrialRecord) => {
    const v = r.metrics[metric];
    return typeof v === 'number' && Number.isFinite(v) ? (mode === 'max' ? -v : v) : Infinity;
  };
  return [...records].sort((a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || key(a) - key(b) || a.index - b.index);
}

/** Best completed trial (a stopped trial's metric was measured on less budget). */
export function bestTrial(ranked: readonly TrialRecord[], metric: string): TrialRecord | undefined {
  return ranked.find((r) => r.status === 'completed' && Number.isFinite(r.metrics[metric]));
}

const cell = (v: JsonValue | undefined): string => (v === undefined ? '' : typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v));

function csvField(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export interface ResultsTable {
  header: string[];
  rows: string[][];
}

/** Columns: rank, trial, status, the metric, each param, the other metrics, steps, seconds, error. */
export function resultsTable(ranked: readonly TrialRecord[], metric: string, paramKeys: readonly string[], opts: { digits?: number } = {}): ResultsTable {
  const otherMetrics = [...new Set(ranked.flatMap((r) => Object.keys(r.metrics)))].filter((k) => k !== metric).sort();
  const fmt = (x: number | undefined) => (x === undefined ? '' : opts.digits !== undefined ? formatNumber(x, opts.digits) : String(x));
  const header = ['rank', 'trial', 'status', metric, ...paramKeys, ...otherMetrics, 'steps', 'seconds', 'error'];
  const rows = ranked.map((r, i) => [
    String(i + 1),
    r.id,
    r.status,
    fmt(r.metrics[metric]),
    ...paramKeys.map((k) => (typeof r.params[k] === 'number' && opts.digits !== undefined ? formatNumber(r.params[k] as number, opts.digits) : cell(r.params[k]))),
    ...otherMetrics.map((k) => fmt(r.metrics[k])),
    r.curve.length ? String(r.curve[r.curve.length - 1][0]) : '',
    (r.durationMs / 1000).toFixed(opts.digits === undefined ? 3 : 1),
    r.error ?? '',
  ]);
  return { header, rows };
}

export function toCsv(t: ResultsTable): string {
  return [t.header, ...t.rows].map((row) => row.map(csvField).join(',')).join('\n') + '\n';
}

export function bestYaml(sweep: string, best: TrialRecord, metric: string, config: Record<string, unknown>, stats?: SweepStats): string {
  const params = Object.entries(best.params).map(([k, v]) => `${k}=${cell(v)}`).join(', ');
  const notes = stats ? selectionLines(stats).map((l) => `# ${l}\n`).join('') : '';
  return `# sweep ${sweep}: best trial ${best.id} (${metric}=${best.metrics[metric]}); ${params}\n${notes}${stringify(config)}`;
}

/**
 * The best trial's raw Sharpe ratio next to its deflated Sharpe ratio, and the probability of
 * backtest overfitting: printed after the results table and written into best.yaml's comment.
 */
export function selectionLines(stats: SweepStats): string[] {
  const f = (x: number, d = 3) => formatNumber(x, d);
  const lines: string[] = [];
  const b = stats.best;
  if (b) {
    const detail = b.sharpePerPeriod !== undefined && b.observations !== undefined
      ? `; ${f(b.sharpePerPeriod)} per bar over ${b.observations} bars${b.skewness !== undefined ? `, skewness ${f(b.skewness)}, kurtosis ${f(b.kurtosis!)}` : ''}`
      : '';
    lines.push(`best trial ${b.trial}: Sharpe ratio ${f(b.sharpe)} (annualised${b.split ? `, ${b.split} split` : ''}${detail})`);
  }
  const d = stats.deflatedSharpe;
  const trials = `${d.trials} trial${d.trials === 1 ? '' : 's'}`;
  if (d.value !== null) {
    lines.push(`deflated Sharpe ratio ${f(d.value)} = P(true Sharpe ratio > ${f(d.expectedMaxSharpe!)}, what the best of ${trials} without skill would show; Bailey & Lopez de Prado 2014)` +
      (d.note ? `; ${d.note}` : ''));
  } else {
    lines.push(`deflated Sharpe ratio: n/a (${d.note ?? 'unknown'})${d.expectedMaxSharpe !== null ? `; the best of ${trials} without skill would show a Sharpe ratio of ${f(d.expectedMaxSharpe)}` : ''}`);
  }
  const p = stats.pbo;
  if (p.value !== null) {
    lines.push(`probability of backtest overfitting ${f(p.value)} (CSCV over ${p.trials} trials, ${p.blocks} blocks of ${p.rowsPerBlock} bars, ${p.combinations} splits; ` +
      `P(the in-sample best loses out of sample) ${f(p.pLoss!)})${p.reason ? `; ${p.reason}` : ''}`);
  } else {
    lines.push(`probability of backtest overfitting: n/a (${p.reason ?? 'unknown'})`);
  }
  return lines;
}

function formatNumber(x: number, digits: number): string {
  if (Number.isInteger(x)) return String(x);
  const a = Math.abs(x);
  if (a < 1e-12) return '0';
  return a !== 0 && (a < 1e-3 || a >= 1e6) ? x.toExponential(digits - 1) : x.toPrecision(digits).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
}
