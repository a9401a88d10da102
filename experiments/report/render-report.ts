// report.html of one run: equity against buy-and-hold, drawdown, positions and trades over price,
// training curves, the metrics and walk-forward tables, and the resolved config.
import { rename, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { readRun, RUN_FILES, type PolicyMetrics, type Run } from '../run-dir.js';
import { columnsFor, metricValue, pct, num, type MetricColumn } from './columns.js';
import { escapeHtml, isoShort, renderTable, type Cell, type TableSpec } from './html.js';
import { chartSlot, chartSwitch, renderPage, type PageData, type Section } from './page.js';
import { curveCharts, drawdown, trainingCharts } from './series.js';

export interface ReportOptions {
  /** Points per chart line; longer series are downsampled (drawdown keeps its worst point). */
  maxPoints?: number;
  /** Stamp in the footer; default now. */
  generatedAt?: Date;
}

const DEFAULT_MAX_POINTS = 5000;

/** The best policy: the one the run named, else the highest Sharpe. */
export function bestPolicy(policies: Record<string, PolicyMetrics>, named?: string): string | undefined {
  if (named && named in policies) return named;
  let best: string | undefined;
  for (const [k, m] of Object.entries(policies)) if (best === undefined || m.sharpe > policies[best].sharpe || Number.isNaN(policies[best].sharpe)) best = k;
  return best;
}

export function metricCells(m: PolicyMetrics, cols: MetricColumn[]): Cell[] {
  return cols.map((c) => {
    const v = metricValue(m, c.key);
    return { text: c.format(v), sort: v };
  });
}

export function metricsTable(id: string, policies: Record<string, PolicyMetrics>, best: string | undefined, lead: { text: string; numeric?: boolean }[] = [], leadCells: (name: string) => Cell[] = () => []): TableSpec {
  const names = Object.keys(policies);
  const cols = columnsFor(names.map((n) => policies[n]));
  return {
    id,
    header: [...lead, { text: 'policy' }, ...cols.map((c) => ({ text: c.label, numeric: true, title: c.higherIsBetter ? 'higher is better' : 'lower is better' }))],
    rows: names.map((n) => ({ cells: [...leadCells(n), { text: n, className: 'policy' }, ...metricCells(policies[n], cols)], className: n === best ? 'best' : undefined })),
  };
}

function card(k: string, v: string, s = ''): string {
  return `<div class="card"><div class="k">${escapeHtml(k)}</div><div class="v">${escapeHtml(v)}</div>${s ? `<div class="s">${escapeHtml(s)}</div>` : ''}</div>`;
}

function summaryCards(run: Run, best: string | undefined): string {
  const cards: string[] = [];
  const hold = run.curves && run.curves.close.length > 1 ? run.curves.close : undefined;
  const holdRet = hold ? hold[hold.length - 1] / hold[0] - 1 : NaN;
  const holdDd = hold ? -drawdown(hold).reduce((a, b) => (b < a ? b : a), 0) : NaN;
  if (best) {
    const m = run.metrics.policies[best];
    cards.push(card(run.metrics.best ? 'best policy' : 'best policy (by Sharpe)', best));
    cards.push(card('return', pct(m.totalReturn), hold ? `buy & hold ${pct(holdRet)}` : ''));
    cards.push(card('Sharpe', num(m.sharpe), `Sortino ${num(m.sortino)}`));
    cards.push(card('max drawdown', pct(m.maxDrawdown), hold ? `buy & hold ${pct(holdDd)}` : ''));
    cards.push(card('trades', String(m.trades), `exposure ${pct(m.exposure)}`));
  }
  cards.push(card('policies', String(Object.keys(run.metrics.policies).length), run.curves ? `${run.curves.ts.length} bars` : ''));
  return `<div class="cards">${cards.join('')}</div>`;
}

function walkForwardHtml(run: Run): string {
  const folds = run.metrics.walkForward ?? [];
  const all: Record<string, PolicyMetrics> = {};
  const rows: TableSpec['rows'] = [];
  const allMetrics = folds.flatMap((f) => Object.values(f.policies));
  const cols = columnsFor(allMetrics);
  for (const f of folds) {
    for (const [name, m] of Object.entries(f.policies)) {
      all[name] = m;
      rows.push({ cells: [{ text: String(f.fold), sort: f.fold }, isoShort(f.from), isoShort(f.to), { text: name, className: 'policy' }, ...metricCells(m, cols)] });
    }
  }
  const foldTable: TableSpec = {
    id: 'walk-forward-table',
    header: [{ text: 'fold', numeric: true }, { text: 'from' }, { text: 'to' }, { text: 'policy' }, ...cols.map((c) => ({ text: c.label, numeric: true }))],
    rows,
  };
  // Per policy across folds: is it good in most windows, or in one lucky one?
  const names = Object.keys(all);
  const stat = (xs: number[]) => {
    const v = xs.filter(Number.isFinite);
    const mean = v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN;
    const sd = v.length > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1)) : NaN;
    return { mean, sd, min: v.length ? Math.min(...v) : NaN, max: v.length ? Math.max(...v) : NaN };
  };
  const summary: TableSpec = {
    id: 'walk-forward-summary',
    caption: 'Across folds',
    header: ['policy', 'folds', 'mean return', 'mean Sharpe', 'Sharpe sd', 'worst Sharpe', 'worst max DD', 'folds with return > 0'].map((text, i) => ({ text, numeric: i > 0 })),
    rows: names.map((n) => {
      const ms = folds.map((f) => f.policies[n]).filter((m): m is PolicyMetrics => m !== undefined);
      const ret = stat(ms.map((m) => m.totalReturn));
      const sh = stat(ms.map((m) => m.sharpe));
      const dd = stat(ms.map((m) => m.maxDrawdown));
      const pos = ms.filter((m) => m.totalReturn > 0).length;
      return {
        cells: [{ text: n, className: 'policy' }, { text: String(ms.length), sort: ms.length }, { text: pct(ret.mean), sort: ret.mean }, { text: num(sh.mean), sort: sh.mean }, { text: num(sh.sd), sort: sh.sd },
          { text: num(sh.min), sort: sh.min }, { text: pct(dd.max), sort: dd.max }, { text: `${pos} / ${ms.length}`, sort: ms.length ? pos / ms.length : NaN }],
      };
    }),
  };
  return `${renderTable(summary)}\n<h3>Per fold</h3>\n${renderTable(foldTable)}`;
}

export function renderReport(run: Run, opts: ReportOptions = {}): string {
  const maxPoints = opts.maxPoints ?? DEFAULT_MAX_POINTS;
  const m = run.metrics;
  const best = bestPolicy(m.policies, m.best);
  const data: PageData = { charts: {} };
  const sections: Section[] = [{ id: 'summary', title: 'Summary', html: summaryCards(run, best) }];

  if (run.curves && run.curves.ts.length > 0) {
    const c = curveCharts(run.curves, { best, maxPoints });
    data.charts.equity = { options: [c.equity], sync: 'time' };
    data.charts.drawdown = { options: [c.drawdown], sync: 'time' };
    sections.push({ id: 'equity', title: 'Equity', html: `<p class="note">Each policy's equity and buy-and-hold (the close price), both divided by their first value.</p>${chartSlot('equity', 360)}` });
    sections.push({ id: 'drawdown', title: 'Drawdown', html: chartSlot('drawdown', 240) });
    if (c.positions.length) {
      data.charts.position = { options: c.positions, sync: 'time' };
      const names = c.positions.map((p) => p.title);
      const sel = Math.max(0, best ? names.indexOf(best) : 0);
      sections.push({
        id: 'positions',
        title: 'Position and trades',
        html: `${chartSwitch('position', 'policy', names, sel)}<p class="note">Price (left axis), the position at the end of each bar (right axis), and markers where the position was raised or cut.</p>${chartSlot('position', 360)}`,
      });
    }
  } else {
    sections.push({ id: 'equity', title: 'Equity', html: `<p class="note">No ${RUN_FILES.curves} in this run: no curves to draw.</p>` });
  }

  const training = run.log?.length ? trainingCharts(run.log, { maxPoints }) : [];
  if (training.length) {
    let html = '';
    let group: string | undefined;
    training.forEach((spec, i) => {
      const id = `train-${i}`;
      data.charts[id] = { options: [spec] };
      if (spec.group !== group) {
        if (group !== undefined) html += '</div>';
        group = spec.group;
        html += `<h3>${escapeHtml(group ?? '')}</h3><div class="grid">`;
      }
      html += `<div><p class="title">${escapeHtml(spec.title)}</p>${chartSlot(id, 220)}</div>`;
    });
    html += '</div>';
    sections.push({ id: 'training', title: 'Training', html });
  }

  sections.push({ id: 'metrics', title: 'Metrics', html: `<p class="note">Scored on ${escapeHtml(isoShort(m.split.from))} .. ${escapeHtml(isoShort(m.split.to))}. Click a header to sort.</p>${renderTable(metricsTable('metrics-table', m.policies, best))}` });
  if (m.walkForward?.length) sections.push({ id: 'walk-forward', title: 'Walk-forward', html: walkForwardHtml(run) });
  if (run.config !== undefined) sections.push({ id: 'config', title: 'Config', html: `<pre class="config">${escapeHtml(run.config)}</pre>` });

  const subtitle = [
    `${escapeHtml(m.data.exchange)} · ${escapeHtml(m.data.symbol)} · ${escapeHtml(m.data.timeframe)}`,
    `test ${escapeHtml(isoShort(m.split.from))} .. ${escapeHtml(isoShort(m.split.to))}`,
    `seed ${escapeHtml(String(m.seed))}`,
    `started ${escapeHtml(isoShort(m.createdAt))}`,
    `<code>${escapeHtml(basename(run.dir))}</code>`,
  ].join(' &nbsp;|&nbsp; ');
  return renderPage({ title: m.name, subtitle, sections, data, generatedAt: opts.generatedAt ?? new Date() });
}

/** Reads the run folder and (re)writes its report.html (or `out`), atomically; returns the path. */
export async function writeReport(dir: string, opts: ReportOptions & { out?: string } = {}): Promise<string> {
  const run = await readRun(dir);
  const out = opts.out ?? join(dir, RUN_FILES.report);
  const tmp = `${out}.tmp-${process.pid}`;
  await writeFile(tmp, renderReport(run, opts));
  await rename(tmp, out);
  return out;
}
