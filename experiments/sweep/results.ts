// Sweep outputs: trials ranked by the metric (completed first, then stopped, then failed),
// results.csv with one column per param and metric, and best.yaml, the resolved config of the
// best completed trial, ready for `tradegym run`.
import { stringify } from 'yaml';
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

export function bestYaml(sweep: string, best: TrialRecord, metric: string, config: Record<string, unknown>): string {
  const params = Object.entries(best.params).map(([k, v]) => `${k}=${cell(v)}`).join(', ');
  return `# sweep ${sweep}: best trial ${best.id} (${metric}=${best.metrics[metric]}); ${params}\n${stringify(config)}`;
}

function formatNumber(x: number, digits: number): string {
  if (Number.isInteger(x)) return String(x);
  const a = Math.abs(x);
  if (a < 1e-12) return '0';
  return a !== 0 && (a < 1e-3 || a >= 1e6) ? x.toExponential(digits - 1) : x.toPrecision(digits).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
}
