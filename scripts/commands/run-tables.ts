// The tables `tradegym run` (and `train` over seeds) prints, all read from metrics.json's content,
// so the terminal and the report say the same: every seed's row with the mean, sd, min and max
// across seeds; the policies with the agent as its seeds' mean; bootstrap intervals and the
// probability of beating buy-and-hold; the walk-forward folds.
import type { PolicyMetrics, RunMetrics, Spread } from '../../experiments/run-dir.js';
import { spreadOf } from '../../experiments/seeds/spread.js';
import { METRICS_HEADER, metricsRow } from './metrics-table.js';

type Table = { header: string[]; rows: string[][] };

const pct = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(2)}%` : '-');
const num = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : '-');
const f3 = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '-' : x.toFixed(3));

/** The metrics row of a spread statistic (mean, sd, min or max) across seeds. */
function spreadRow(label: string, spread: Record<string, Spread>, pick: (s: Spread) => number): string[] {
  const m = Object.fromEntries(Object.entries(spread).map(([k, s]) => [k, pick(s)])) as unknown as PolicyMetrics;
  const row = metricsRow(label, m);
  // Fees and trades are plain numbers; the mean of trades is not a whole number.
  row[METRICS_HEADER.indexOf('fees')] = num(m.fees);
  row[METRICS_HEADER.indexOf('trades')] = Number.isFinite(m.trades) ? String(+m.trades.toFixed(1)) : '-';
  return row;
}

/** One row per seed, then mean, sd, min and max across seeds; the first column is the seed's validation score at its selected step. */
export function seedsTable(m: RunMetrics): Table | undefined {
  const a = m.agent;
  if (!a) return undefined;
  const header = ['seed', `valid ${a.selectBy} @ step`, ...METRICS_HEADER.slice(1)];
  const rows = a.seeds.map((s) => [String(s.seed), `${num(s.training.selected.score)} @ ${s.training.selected.step}`, ...metricsRow('', s.metrics).slice(1)]);
  for (const [label, pick] of [['mean', (s: Spread) => s.mean], ['sd', (s: Spread) => s.sd], ['min', (s: Spread) => s.min], ['max', (s: Spread) => s.max]] as const) {
    rows.push([label, '', ...spreadRow(label, a.spread, pick).slice(1)]);
  }
  return { header, rows };
}

/** Every policy on the scored split; an agent over seeds is named as the mean it is, with the sd of its return. */
export function policiesTable(m: RunMetrics): Table {
  const ml = Object.values(m.policies).some((p) => p.ml);
  const header = [...METRICS_HEADER, ...(m.agent ? ['return sd'] : []), ...(ml ? ['accuracy', 'precision', 'recall', 'F1', 'AUC'] : []), ...(m.params ? ['params (tuned on valid)'] : [])];
  const rows = Object.entries(m.policies).map(([name, p]) => {
    const isAgent = m.agent?.policy === name;
    const label = isAgent ? `${name} (mean of ${m.agent!.seeds.length} seed${m.agent!.seeds.length === 1 ? '' : 's'})` : name;
    const params = m.params?.[name];
    return [
      ...metricsRow(label, p),
      ...(m.agent ? [isAgent ? pct(m.agent.spread.totalReturn.sd) : ''] : []),
      ...(ml ? [f3(p.ml?.accuracy), f3(p.ml?.precision), f3(p.ml?.recall), f3(p.ml?.f1), f3(p.ml?.auc)] : []),
      ...(m.params ? [params ? Object.entries(params).map(([k, v]) => `${k} ${v}`).join(', ') : '-'] : []),
    ];
  });
  return { header, rows };
}

const interval = (i: { estimate: number; lo: number; hi: number }, f: (x: number) => string) => `${f(i.estimate)} [${f(i.lo)}, ${f(i.hi)}]`;

/** Bootstrap intervals against buy-and-hold: each seed, the seeds pooled ("any seed"), each baseline. */
export function intervalsTable(m: RunMetrics): Table | undefined {
  const b = m.bootstrap;
  if (!b) return undefined;
  const header = ['policy', 'return [95 % interval]', 'Sharpe [95 % interval]', `excess over ${b.benchmark} [95 % interval]`, `P(beat ${b.benchmark})`];
  const level = Object.values(b.policies)[0]?.level ?? m.agent?.seeds[0]?.bootstrap?.level;
  if (level !== undefined && level !== 0.95) header.splice(1, 3, ...header.slice(1, 4).map((h) => h.replace('95 %', `${+(level * 100).toFixed(1)} %`)));
  const row = (name: string, x: { totalReturn: { estimate: number; lo: number; hi: number }; sharpe: { estimate: number; lo: number; hi: number }; excessReturn: { estimate: number; lo: number; hi: number }; pBeatBenchmark: number }) =>
    [name, interval(x.totalReturn, pct), interval(x.sharpe, num), interval(x.excessReturn, pct), pct(x.pBeatBenchmark)];
  const rows: string[][] = [];
  for (const [name, x] of Object.entries(b.policies)) {
    if (m.agent?.policy === name) {
      for (const s of m.agent.seeds) if (s.bootstrap) rows.push(row(`${name} seed ${s.seed}`, s.bootstrap));
      rows.push(row(`${name} (any of ${m.agent.seeds.length} seeds)`, x));
    } else {
      rows.push(row(name, x));
    }
  }
  return { header, rows };
}

/** The walk-forward folds: each policy's return per fold; an agent over seeds as mean +- sd of its seeds. */
export function walkForwardTable(m: RunMetrics): Table | undefined {
  const folds = m.walkForward;
  if (!folds?.length) return undefined;
  const names = [...new Set(folds.flatMap((f) => Object.keys(f.policies)))];
  const agent = m.agent?.policy;
  const header = ['fold', 'test window', ...names.map((n) => (n === agent ? `${n} return (mean +- sd of seeds)` : `${n} return`))];
  const rows = folds.map((f) => {
    const t = f.ranges?.test;
    const window = t ? `${t.start.slice(0, 16).replace('T', ' ')} .. ${t.end.slice(0, 16).replace('T', ' ')}` : `${f.from.slice(0, 16)} .. ${f.to.slice(0, 16)}`;
    return [String(f.fold), window, ...names.map((n) => {
      const p = f.policies[n];
      if (!p) return '-';
      const seeds = f.seeds?.[n];
      if (!seeds || seeds.length < 2) return pct(p.totalReturn);
      return `${pct(p.totalReturn)} +- ${pct(spreadOf(seeds.map((s) => s.metrics.totalReturn)).sd)}`;
    })];
  });
  return { header, rows };
}

/** "10.10% +- 22.90% (min -33.00%, max 40.00%)": the agent's return across seeds in one phrase. */
export function agentReturnPhrase(m: RunMetrics): string | undefined {
  const s = m.agent?.spread.totalReturn;
  if (!s) return undefined;
  return s.n > 1 ? `${pct(s.mean)} +- ${pct(s.sd)} (min ${pct(s.min)}, max ${pct(s.max)})` : pct(s.mean);
}
