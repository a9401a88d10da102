// Several runs side by side: one table row per run x policy, and compare.html with the equity of
// each run's best (or a named) policy on one time axis.
import { existsSync } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import { ConfigError } from '../../data/errors.js';
import { RUN_FILES, type PolicyMetrics, type Run } from '../run-dir.js';
import { columnsFor, metricCells, sortByMetric, type MetricColumn } from './columns.js';
import { BUY_AND_HOLD_COLOUR, policyColour, REPEAT_DASHES } from './colours.js';
import { escapeHtml, isoShort, renderTable, type TableSpec } from './html.js';
import { chartSlot, renderPage, type PageData, type Section } from './page.js';
import { bestPolicy, splitLabel } from './render-report.js';
import { alignSeries, BUY_AND_HOLD, buyAndHoldLine, drawdown, keepIndices, normalise, type LineChartSpec, type LineSeries } from './series.js';

export interface LabelledRun {
  /** How tables and legends name the run: the folder's name, or its path where names repeat. */
  label: string;
  run: Run;
}

export interface CompareEntry {
  run: string;
  dir: string;
  policy: string;
  /** The run's best policy (named in metrics.json, else the highest Sharpe). */
  best: boolean;
  metrics: PolicyMetrics;
  /** How tables name the row: an agent over seeds is the mean of them. */
  label: string;
}

export function runLabels(dirs: string[]): string[] {
  const names = dirs.map((d) => basename(d.replace(/[\\/]+$/, '')) || d);
  return names.map((n, i) => (names.indexOf(n) !== names.lastIndexOf(n) ? dirs[i] : n));
}

/** Rows in run order, policies in file order; with `policy`, only that policy (every run must have it). */
export function compareEntries(runs: LabelledRun[], policy?: string): CompareEntry[] {
  const out: CompareEntry[] = [];
  for (const { label, run } of runs) {
    const policies = run.metrics.policies;
    const best = bestPolicy(policies, run.metrics.best);
    if (policy !== undefined && !(policy in policies)) {
      throw new ConfigError('policy', `${join(run.dir, RUN_FILES.metrics)} has no policy "${policy}"; it has: ${Object.keys(policies).join(', ') || '(none)'}`);
    }
    for (const name of policy !== undefined ? [policy] : Object.keys(policies)) {
      const agent = run.metrics.agent;
      const seeds = agent?.policy === name && agent.seeds.length > 1 ? ` (mean of ${agent.seeds.length} seeds)` : '';
      out.push({ run: label, dir: run.dir, policy: name, best: name === best, metrics: policies[name], label: `${name}${seeds}` });
    }
  }
  return out;
}

export function compareTable(entries: CompareEntry[], sortedBy?: MetricColumn, order?: 'asc' | 'desc'): TableSpec {
  const cols = columnsFor(entries.map((e) => e.metrics));
  const desc = order ? order === 'desc' : sortedBy?.higherIsBetter;
  const table: TableSpec = {
    id: 'compare-table',
    header: [{ text: 'run' }, { text: 'policy' }, ...cols.map((c) => ({
      text: c.label, numeric: true, title: c.higherIsBetter ? 'higher is better' : 'lower is better',
      sorted: c.key === sortedBy?.key ? (desc ? 'descending' as const : 'ascending' as const) : undefined,
    }))],
    rows: entries.map((e) => ({ cells: [e.run, { text: e.label, className: 'policy', swatch: policyColour(e.policy) }, ...metricCells(e.metrics, cols)], className: e.best ? 'best' : undefined })),
  };
  if (sortedBy) table.caption = `Sorted by ${sortedBy.label}, ${desc ? 'highest' : 'lowest'} first. Click a header to sort.`;
  return table;
}

/**
 * Equity (normalised) and drawdown of each run's chosen policy, with buy-and-hold once per market.
 * Every line has its policy's colour (as in the runs' reports); several lines of one policy (PPO
 * of two runs) differ by dash pattern.
 */
export function compareCharts(runs: LabelledRun[], policy: string | undefined, maxPoints: number): { equity: LineChartSpec; drawdown: LineChartSpec; skipped: string[] } | undefined {
  interface Line { label: string; x: number[]; eq: number[]; colour: string; dash?: number[]; dashed?: boolean }
  const lines: Line[] = [];
  const skipped: string[] = [];
  const markets = new Map<string, { label: string; x: number[]; eq: number[]; close: boolean }>();
  const seen = new Map<string, number>();
  for (const { label, run } of runs) {
    const name = policy ?? bestPolicy(run.metrics.policies, run.metrics.best);
    const c = run.curves;
    if (!c || !name || !c.policies[name] || c.ts.length === 0) {
      skipped.push(label);
      continue;
    }
    const repeat = seen.get(name) ?? 0;
    seen.set(name, repeat + 1);
    lines.push({ label: `${label} · ${name}`, x: c.ts, eq: normalise(c.policies[name].equity), colour: policyColour(name), dash: REPEAT_DASHES[repeat % REPEAT_DASHES.length] });
    const d = run.metrics.data;
    const key = `${d.exchange}|${d.symbol}|${d.timeframe}|${c.ts[0]}|${c.ts[c.ts.length - 1]}`;
    // The first run of a market that scored the buy-and-hold policy gives the line; else the close.
    const hold = buyAndHoldLine(c);
    const known = markets.get(key);
    if (!known || (known.close && hold.label === BUY_AND_HOLD)) markets.set(key, { label: `${d.symbol} ${d.timeframe}`, x: c.ts, eq: normalise(hold.equity), close: hold.label !== BUY_AND_HOLD });
  }
  if (!lines.length) return undefined;
  const holds: Line[] = [...markets.values()].map((m) => {
    const base = m.close ? `${BUY_AND_HOLD} (close)` : BUY_AND_HOLD;
    return { label: markets.size === 1 ? base : `${base} ${m.label}`, x: m.x, eq: m.eq, dashed: true, colour: BUY_AND_HOLD_COLOUR };
  });
  const all = [...holds, ...lines];
  const eqAligned = alignSeries(all.map((l) => ({ x: l.x, y: l.eq })));
  const ddAligned = alignSeries(all.map((l) => ({ x: l.x, y: drawdown(l.eq) })));
  const keep = keepIndices(eqAligned.x.length, maxPoints);
  const x = keep.map((i) => eqAligned.x[i]);
  const series = (ys: (number | null)[][]): LineSeries[] => all.map((l, j) => ({
    label: l.label, values: keep.map((i) => ys[j][i]), colour: l.colour,
    ...(l.dashed ? { dashed: true } : {}), ...(l.dash?.length ? { dash: l.dash } : {}),
  }));
  return {
    equity: { title: 'Equity (normalised to 1)', x, time: true, yLabel: 'equity', yFormat: 'ratio', series: series(eqAligned.ys) },
    drawdown: { title: 'Drawdown', x, time: true, yLabel: 'drawdown', yFormat: 'pct', series: series(ddAligned.ys) },
    skipped,
  };
}

export interface ComparePageOptions {
  policy?: string;
  sortedBy?: MetricColumn;
  order?: 'asc' | 'desc';
  maxPoints?: number;
  generatedAt?: Date;
  /** Folder the page is written to: runs with a report.html get a relative link. */
  pageDir?: string;
}

/** compare.html; `entries` in the order the table should start in. */
export function renderComparePage(runs: LabelledRun[], entries: CompareEntry[], opts: ComparePageOptions = {}): string {
  const data: PageData = { charts: {} };
  const sections: Section[] = [];
  const charts = compareCharts(runs, opts.policy, opts.maxPoints ?? 5000);
  const what = opts.policy !== undefined ? `policy ${escapeHtml(opts.policy)} of each run` : 'the best policy of each run';
  if (charts) {
    data.charts.equity = { options: [charts.equity], sync: 'time' };
    data.charts.drawdown = { options: [charts.drawdown], sync: 'time' };
    const skipped = charts.skipped.length ? ` Not drawn (no ${RUN_FILES.curves} or no curve of that policy): ${charts.skipped.map(escapeHtml).join(', ')}.` : '';
    sections.push({ id: 'equity', title: 'Equity', html: `<p class="note">Equity of ${what}, divided by its first value.${skipped}</p>${chartSlot('equity', 380)}` });
    sections.push({ id: 'drawdown', title: 'Drawdown', html: chartSlot('drawdown', 240) });
  } else {
    sections.push({ id: 'equity', title: 'Equity', html: `<p class="note">None of these runs has ${RUN_FILES.curves} with ${what}: no curves to draw.</p>` });
  }
  // Sorted here too, so the page starts in the order its header arrow shows whoever built `entries`.
  const rows = opts.sortedBy ? sortByMetric(entries, (e) => e.metrics, opts.sortedBy, opts.order) : entries;
  const splits = [...new Set(runs.map(({ run }) => run.metrics.split.name ?? 'test'))];
  const mixed = splits.length > 1 ? `<p class="note">These runs were scored on different splits (${splits.map(escapeHtml).join(', ')}; see Runs below): \`train\` runs and sweep trials on the validation split, \`run\` and \`baseline\` on the test split.</p>` : '';
  sections.push({ id: 'metrics', title: 'Metrics', html: `${mixed}${renderTable(compareTable(rows, opts.sortedBy, opts.order))}` });
  const runRows: TableSpec['rows'] = runs.map(({ label, run }) => {
    const m = run.metrics;
    const report = join(run.dir, RUN_FILES.report);
    const href = opts.pageDir !== undefined && existsSync(report) ? relative(opts.pageDir, report).split(sep).map(encodeURIComponent).join('/') : undefined;
    const link = href ? { text: RUN_FILES.report, href } : '-';
    return { cells: [label, m.kind ?? '-', m.name, `${m.data.exchange} ${m.data.symbol} ${m.data.timeframe}`, splitLabel(m), { text: String(m.seed), sort: m.seed }, isoShort(m.createdAt), link] };
  });
  const runsTable = renderTable({ id: 'runs-table', header: ['run', 'kind', 'name', 'data', 'scored on', 'seed', 'started', 'report'].map((text) => ({ text, numeric: text === 'seed' })), rows: runRows });
  sections.push({ id: 'runs', title: 'Runs', html: runsTable });
  const subtitle = `${runs.length} runs, ${entries.length} rows; chart: ${what}`;
  return renderPage({ title: `Compare ${runs.length} run${runs.length === 1 ? '' : 's'}`, subtitle, sections, data, generatedAt: opts.generatedAt ?? new Date() });
}
