// report.html of one run: equity against buy-and-hold, drawdown, positions and trades over price,
// training curves, the metrics and walk-forward tables, and the resolved config. A run whose agent
// trained over seeds also gets every seed's row with the spread across seeds, the bootstrap
// intervals and the validation curves with their selected checkpoints; its summary shows the
// agent as the mean over seeds with its spread, never one seed alone.
import { rename, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { readRun, RUN_FILES, type PolicyMetrics, type Run, type RunMetrics } from '../run-dir.js';
import { columnsFor, metricCells, pct, num, resolveMetric, type MetricColumn } from './columns.js';
import { policyColour } from './colours.js';
import { escapeHtml, isoShort, renderTable, type TableSpec } from './html.js';
import { chartSlot, chartSwitch, renderPage, type PageData, type Section } from './page.js';
import { buyAndHoldLine, BUY_AND_HOLD, curveCharts, drawdown, trainingCharts } from './series.js';
import { foldRangesTable, foldSummaryTable, foldTable, foldsWithSeeds } from './walk-forward.js';
import { intervalsTable, meanSd, overfitWarnings, pooledNote, seedsTable, validationChart } from './seeds.js';

export { metricCells };

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

export function metricsTable(id: string, policies: Record<string, PolicyMetrics>, best: string | undefined, lead: { text: string; numeric?: boolean }[] = [], leadCells: (name: string) => TableSpec['rows'][number]['cells'] = () => [], labels: Record<string, string> = {}): TableSpec {
  const names = Object.keys(policies);
  const cols = columnsFor(names.map((n) => policies[n]));
  return {
    id,
    header: [...lead, { text: 'policy' }, ...cols.map((c) => ({ text: c.label, numeric: true, title: c.higherIsBetter ? 'higher is better' : 'lower is better' }))],
    rows: names.map((n) => ({ cells: [...leadCells(n), { text: labels[n] ?? n, className: 'policy', swatch: policyColour(n) }, ...metricCells(policies[n], cols)], className: n === best ? 'best' : undefined })),
  };
}

/** The agent's row label: the mean it is, when it trained over several seeds. */
function policyLabels(m: RunMetrics): Record<string, string> {
  const a = m.agent;
  return a && a.seeds.length > 1 ? { [a.policy]: `${a.policy} (mean of ${a.seeds.length} seeds)` } : {};
}

function card(k: string, v: string, s = ''): string {
  return `<div class="card"><div class="k">${escapeHtml(k)}</div><div class="v">${escapeHtml(v)}</div>${s ? `<div class="s">${escapeHtml(s)}</div>` : ''}</div>`;
}

/**
 * Bars the policies were scored on: their metrics' `steps` (bar-to-bar returns), the number
 * `tradegym run` prints as "test split (N bars)". NaN when the run scored nothing.
 */
export function scoredBars(m: RunMetrics): number {
  const first = Object.values(m.policies)[0];
  return first ? first.steps : NaN;
}

/** "test split (N bars): from .. to"; folders written before splits were named were scored on test. */
export function splitLabel(m: RunMetrics): string {
  const bars = scoredBars(m);
  return `${m.split.name ?? 'test'} split${Number.isFinite(bars) ? ` (${bars} bars)` : ''}: ${isoShort(m.split.from)} .. ${isoShort(m.split.to)}`;
}

/** The metric the run chose (training.selectBy), Sharpe for folders that do not say. */
export function chosenMetric(m: RunMetrics): MetricColumn {
  try {
    return resolveMetric(m.selectBy ?? 'sharpe', 'selectBy');
  } catch {
    return resolveMetric('sharpe');
  }
}

function summaryCards(run: Run, best: string | undefined): string {
  const cards: string[] = [];
  // The one buy-and-hold: the policy's metrics when the run scored it, else the close price.
  const holdPolicy = run.metrics.policies[BUY_AND_HOLD];
  const holdCurve = run.curves && run.curves.close.length > 1 ? buyAndHoldLine(run.curves).equity : undefined;
  const holdRet = holdPolicy ? holdPolicy.totalReturn : holdCurve ? holdCurve[holdCurve.length - 1] / holdCurve[0] - 1 : NaN;
  const holdDd = holdPolicy ? holdPolicy.maxDrawdown : holdCurve ? -drawdown(holdCurve).reduce((a, b) => (b < a ? b : a), 0) : NaN;
  const hold = holdPolicy !== undefined || holdCurve !== undefined;
  const holdLabel = holdPolicy ? BUY_AND_HOLD : 'buy-and-hold (close)';
  const agent = run.metrics.agent;
  if (best && agent && agent.policy === best && agent.seeds.length > 1) {
    // Never one seed alone: the mean with its spread, and the worst and best seed next to it.
    const sp = agent.spread;
    const range = (k: string, f: (x: number) => string) => `min ${f(sp[k].min)}, max ${f(sp[k].max)}`;
    const vs = hold ? ` · ${holdLabel} ${pct(holdRet)}` : '';
    cards.push(card('best policy', best, `mean of ${agent.seeds.length} seeds, each picked on validation ${agent.selectBy}`));
    cards.push(card('return (mean ± sd)', meanSd(sp.totalReturn, pct), `${range('totalReturn', pct)}${vs}`));
    cards.push(card('Sharpe (mean ± sd)', meanSd(sp.sharpe, num), range('sharpe', num)));
    const pooled = agent.pooled;
    if (pooled) cards.push(card(`P(beat ${BUY_AND_HOLD})`, pct(pooled.pBeatBenchmark), `return, any seed: [${pct(pooled.totalReturn.lo)}, ${pct(pooled.totalReturn.hi)}]`));
    cards.push(card('max drawdown (mean ± sd)', meanSd(sp.maxDrawdown, pct), hold ? `${holdLabel} ${pct(holdDd)}` : ''));
    const warned = agent.seeds.filter((s) => s.training.warning).length;
    if (warned) cards.push(card('overfitting', `${warned} of ${agent.seeds.length} seeds`, 'validation ended below half its peak'));
  } else if (best) {
    const m = run.metrics.policies[best];
    cards.push(card(run.metrics.best ? 'best policy' : 'best policy (by Sharpe)', best));
    cards.push(card('return', pct(m.totalReturn), hold && best !== BUY_AND_HOLD ? `${holdLabel} ${pct(holdRet)}` : ''));
    cards.push(card('Sharpe', num(m.sharpe), `Sortino ${num(m.sortino)}`));
    cards.push(card('max drawdown', pct(m.maxDrawdown), hold && best !== BUY_AND_HOLD ? `${holdLabel} ${pct(holdDd)}` : ''));
    cards.push(card('trades', String(m.trades), `exposure ${pct(m.exposure)}`));
    const b = run.metrics.bootstrap?.policies[best];
    if (b) cards.push(card(`P(beat ${BUY_AND_HOLD})`, pct(b.pBeatBenchmark), `return [${pct(b.totalReturn.lo)}, ${pct(b.totalReturn.hi)}]`));
  }
  const bars = scoredBars(run.metrics);
  cards.push(card('policies', String(Object.keys(run.metrics.policies).length), Number.isFinite(bars) ? `${bars} bars, ${run.metrics.split.name ?? 'test'} split` : ''));
  return `<div class="cards">${cards.join('')}</div>`;
}

function walkForwardHtml(run: Run): string {
  const m = run.metrics;
  const { folds, colourOf } = foldsWithSeeds(m);
  const sortBy = chosenMetric(m);
  // Folders written before the setup was recorded scored one checkpoint on sub-windows of the test split.
  const label = m.walkForwardSetup?.label ?? 'one checkpoint scored on sub-windows of the test split (not retrained)';
  const agent = m.agent && m.agent.seeds.length > 1 ? ` ${escapeHtml(m.agent.policy)} is the mean of its seeds; each seed has its own rows.` : '';
  const ranges = foldRangesTable(m.walkForward ?? []);
  return `<p class="note">Walk-forward: ${escapeHtml(label)}.${agent}</p>${ranges ? `${renderTable(ranges)}\n` : ''}${renderTable(foldSummaryTable(folds, sortBy, colourOf))}\n<h3>Per fold</h3>\n${renderTable(foldTable(folds, sortBy, colourOf))}`;
}

function seedsHtml(m: RunMetrics): string {
  const a = m.agent!;
  return `<p class="note">${escapeHtml(a.policy)} trained with ${a.seeds.length} seeds (${a.seeds.map((s) => s.seed).join(', ')}). The run folder's checkpoints/ are seed ${a.checkpointSeed}'s, the best validation ${escapeHtml(a.selectBy)} (for eval and deploy); its ${escapeHtml(m.split.name ?? 'test')} row is one of these.</p>${renderTable(seedsTable(a, m.split.name ?? 'test'))}`;
}

function intervalsHtml(m: RunMetrics): string {
  const t = intervalsTable(m);
  if (!t) return '';
  const note = m.agent && m.agent.seeds.length > 1 ? `<p class="note">${escapeHtml(pooledNote(m.agent))}</p>` : '';
  return `${renderTable(t)}${note}`;
}

export function renderReport(run: Run, opts: ReportOptions = {}): string {
  const maxPoints = opts.maxPoints ?? DEFAULT_MAX_POINTS;
  const m = run.metrics;
  const best = bestPolicy(m.policies, m.best);
  const data: PageData = { charts: {} };
  const sections: Section[] = [{ id: 'summary', title: 'Summary', html: summaryCards(run, best) }];
  if (m.agent && m.agent.seeds.length > 1) sections.push({ id: 'seeds', title: 'Seeds', html: seedsHtml(m) });
  if (m.bootstrap) sections.push({ id: 'uncertainty', title: 'Uncertainty', html: intervalsHtml(m) });

  if (run.curves && run.curves.ts.length > 0) {
    const seedOf = m.agent ? Object.fromEntries(m.agent.seeds.map((s) => [`${m.agent!.policy} seed ${s.seed}`, m.agent!.policy])) : undefined;
    const c = curveCharts(run.curves, { best, maxPoints, seedOf });
    data.charts.equity = { options: [c.equity], sync: 'time' };
    data.charts.drawdown = { options: [c.drawdown], sync: 'time' };
    const hold = run.metrics.policies[BUY_AND_HOLD] ? 'buy-and-hold (the policy, through the same fees and fills)' : 'buy-and-hold (the close price: this run scored no buy-and-hold policy)';
    sections.push({ id: 'equity', title: 'Equity', html: `<p class="note">Each policy's equity and ${hold}, divided by their first value.</p>${chartSlot('equity', 360)}` });
    sections.push({ id: 'drawdown', title: 'Drawdown', html: chartSlot('drawdown', 240) });
    if (c.positions.length) {
      data.charts.position = { options: c.positions, sync: 'time' };
      const names = c.positions.map((p) => p.title);
      const sel = Math.max(0, best ? names.indexOf(best) : 0);
      sections.push({
        id: 'positions',
        title: 'Position and trades',
        html: `${chartSwitch('position', 'policy', names, sel)}<p class="note">Price (left axis), the position at the end of each bar (right axis), and markers where the policy bought (raised its position) or sold (cut it).</p>${chartSlot('position', 360)}`,
      });
    }
  } else {
    sections.push({ id: 'equity', title: 'Equity', html: `<p class="note">No ${RUN_FILES.curves} in this run: no curves to draw.</p>` });
  }

  if (m.agent && m.agent.seeds.some((s) => s.training.validation.length)) {
    data.charts.validation = { options: [validationChart(m.agent)] };
    const warnings = overfitWarnings(m.agent);
    const warn = warnings.length ? `<div class="warning"><strong>Validation fell far below its peak</strong> (below half of it by the end of training):<ul>${warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join('')}</ul></div>` : '';
    sections.push({
      id: 'validation',
      title: 'Validation over training',
      html: `${warn}<p class="note">Each seed's validation ${escapeHtml(m.agent.selectBy)} at every evaluation; the marked point is the checkpoint it kept (its best) and scored on the test split.</p>${chartSlot('validation', 300)}`,
    });
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

  sections.push({ id: 'metrics', title: 'Metrics', html: `<p class="note">Scored on the ${escapeHtml(splitLabel(m))}. Click a header to sort.</p>${renderTable(metricsTable('metrics-table', m.policies, best, [], () => [], policyLabels(m)))}` });
  if (m.walkForward?.length) sections.push({ id: 'walk-forward', title: 'Walk-forward', html: walkForwardHtml(run) });
  if (run.config !== undefined) sections.push({ id: 'config', title: 'Config', html: `<pre class="config">${escapeHtml(run.config)}</pre>` });

  const subtitle = [
    `${escapeHtml(m.data.exchange)} · ${escapeHtml(m.data.symbol)} · ${escapeHtml(m.data.timeframe)}`,
    ...(m.kind ? [escapeHtml(m.kind === 'run' ? 'tradegym run' : m.kind === 'trial' ? 'sweep trial' : `tradegym ${m.kind}`)] : []),
    escapeHtml(splitLabel(m)),
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
