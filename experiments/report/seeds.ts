// The report's view of an agent trained over seeds and of the uncertainty of every score: one row
// per seed with the mean, sd, min and max across seeds; the bootstrap intervals against
// buy-and-hold; and, per seed, the validation curve over training steps with the selected
// checkpoint marked, plus the warnings of seeds whose validation score ended far below its peak.
import type { AgentSeeds, BootstrapRecord, Interval, RunMetrics, Spread } from '../run-dir.js';
import { metricCells, num, pct, TRADING_COLUMNS } from './columns.js';
import { policyColour } from './colours.js';
import type { Cell, TableSpec } from './html.js';
import { alignSeries, type LineChartSpec, type LineSeries } from './series.js';

/** Distinct colours of the seeds' validation curves (the policy colours are one per policy). */
const SEED_COLOURS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#a16207', '#db2777', '#4d7c0f', '#475569'];
export const seedColour = (i: number): string => SEED_COLOURS[i % SEED_COLOURS.length];

/** "10.10% ± 22.90%" for a percentage metric, "0.85 ± 1.20" for a ratio; the mean alone for one seed. */
export function meanSd(s: Spread, format: (x: number) => string): string {
  return s.n > 1 && Number.isFinite(s.sd) ? `${format(s.mean)} ± ${format(s.sd)}` : format(s.mean);
}

/** Seeds table: one row per seed (its validation pick, its test metrics), then mean, sd, min and max. */
export function seedsTable(a: AgentSeeds, split = 'test'): TableSpec {
  const cols = TRADING_COLUMNS;
  const rows: TableSpec['rows'] = a.seeds.map((s, i) => ({
    cells: [
      { text: String(s.seed), sort: s.seed, swatch: seedColour(i) },
      { text: num(s.training.selected.score), sort: s.training.selected.score },
      { text: String(s.training.selected.step), sort: s.training.selected.step },
      { text: s.training.warning ? 'fell below half its peak' : '', className: s.training.warning ? 'warn' : undefined },
      ...metricCells(s.metrics, cols),
    ],
  }));
  for (const [label, pick] of [['mean', (x: Spread) => x.mean], ['sd', (x: Spread) => x.sd], ['min', (x: Spread) => x.min], ['max', (x: Spread) => x.max]] as const) {
    const cells: Cell[] = cols.map((c) => {
      const v = a.spread[c.key] ? pick(a.spread[c.key]) : NaN;
      return { text: c.key === 'trades' && Number.isFinite(v) ? String(+v.toFixed(1)) : c.format(v), sort: v };
    });
    rows.push({ cells: [{ text: label }, '', '', '', ...cells], className: 'summary' });
  }
  return {
    id: 'seeds-table',
    caption: `Each seed trained its own agent and picked its own checkpoint on validation ${a.selectBy}; every seed is scored on the same ${split} bars. The rows below the seeds are across seeds (sd with divisor n - 1).`,
    header: [
      { text: 'seed', numeric: true }, { text: `valid ${a.selectBy}`, numeric: true, title: 'validation score of the selected checkpoint' },
      { text: 'selected at step', numeric: true }, { text: 'validation at the end' },
      ...cols.map((c) => ({ text: c.label, numeric: true, title: c.higherIsBetter ? 'higher is better' : 'lower is better' })),
    ],
    rows,
  };
}

const intervalCell = (i: Interval, f: (x: number) => string): Cell => ({ text: `${f(i.estimate)} [${f(i.lo)}, ${f(i.hi)}]`, sort: i.estimate });

/** Bootstrap intervals: the agent's seeds, the agent pooled over them, then each baseline. */
export function intervalsTable(m: RunMetrics): TableSpec | undefined {
  const b = m.bootstrap;
  if (!b) return undefined;
  const level = Object.values(b.policies)[0]?.level ?? 0.95;
  const pctLevel = `${+(level * 100).toFixed(1)} %`;
  const rows: TableSpec['rows'] = [];
  const row = (label: string, colour: string, x: Pick<BootstrapRecord, 'totalReturn' | 'sharpe' | 'excessReturn' | 'pBeatBenchmark'>, className?: string) => rows.push({
    cells: [{ text: label, className: 'policy', swatch: colour }, intervalCell(x.totalReturn, pct), intervalCell(x.sharpe, num), intervalCell(x.excessReturn, pct), { text: pct(x.pBeatBenchmark), sort: x.pBeatBenchmark }],
    className,
  });
  for (const [name, x] of Object.entries(b.policies)) {
    if (m.agent?.policy === name) {
      for (const s of m.agent.seeds) if (s.bootstrap) row(`${name} seed ${s.seed}`, policyColour(name), s.bootstrap);
      row(m.agent.seeds.length > 1 ? `${name} (any of ${m.agent.seeds.length} seeds)` : name, policyColour(name), x, 'best');
    } else {
      row(name, policyColour(name), x);
    }
  }
  const block = Object.values(b.policies)[0]?.blockLength;
  return {
    id: 'intervals-table',
    caption: `${b.method}${block !== undefined ? `, mean block ${+block.toFixed(1)} bars` : ''}, against ${b.benchmark} on the same resampled bars.`,
    header: [
      { text: 'policy' }, { text: `return [${pctLevel}]`, numeric: true }, { text: `Sharpe [${pctLevel}]`, numeric: true },
      { text: `excess over ${b.benchmark} [${pctLevel}]`, numeric: true }, { text: `P(beat ${b.benchmark})`, numeric: true },
    ],
    rows,
  };
}

/** What the pooled row means, in the report's words. */
export function pooledNote(a: AgentSeeds): string {
  return `Each seed's interval is the market's uncertainty for that one trained agent. "${a.policy} (any of ${a.seeds.length} seeds)" runs from the lowest seed's lower bound to the highest seed's upper bound: `
    + 'it holds at least that share of what an agent trained with this config (a seed drawn from these) does on a resampled period, so it counts the training\'s randomness as well as the market\'s; '
    + 'its probability of beating buy-and-hold is the seeds\' mean. An interval of the seeds\' average would be narrower, but no one trades the average of these particular agents.';
}

/** The validation score over training steps, one line per seed, each seed's selected checkpoint marked. */
export function validationChart(a: AgentSeeds): LineChartSpec {
  const lines = a.seeds.map((s) => ({ x: s.training.validation.map((p) => p.step), y: s.training.validation.map((p) => p.score) }));
  const marks = a.seeds.map((s) => ({ x: [s.training.selected.step], y: [s.training.selected.score] }));
  const aligned = alignSeries([...lines, ...marks]);
  const n = a.seeds.length;
  const series: LineSeries[] = [
    ...a.seeds.map((s, i): LineSeries => ({ label: `seed ${s.seed}`, values: aligned.ys[i], colour: seedColour(i) })),
    ...a.seeds.map((s, i): LineSeries => ({ label: `seed ${s.seed} selected (step ${s.training.selected.step})`, values: aligned.ys[n + i], colour: seedColour(i), markers: 'point' })),
  ];
  return { title: `Validation ${a.selectBy} over training`, x: aligned.x, time: false, xLabel: 'env steps', yLabel: `valid ${a.selectBy}`, yFormat: 'num', series };
}

/** The seeds whose validation score ended far below its peak, with what happened. */
export function overfitWarnings(a: AgentSeeds): string[] {
  return a.seeds.filter((s) => s.training.warning).map((s) => `seed ${s.seed}: ${s.training.warning}`);
}
