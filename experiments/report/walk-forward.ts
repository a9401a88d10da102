// The walk-forward tables of a report: per policy across folds (is it good in most windows, or in
// one lucky one?) and per fold, both sorted by the run's chosen metric (training.selectBy), best
// first; the per-fold rows stay grouped by fold, in the page too (data-group-col). A retrained
// walk-forward also lists each fold's train, valid and test windows; an agent over seeds has its
// mean row and one row per seed.
import type { PolicyMetrics, RowRange, RunMetrics, WalkForwardFold } from '../run-dir.js';
import { spreadOf } from '../seeds/spread.js';
import { columnsFor, metricCells, metricValue, pct, resolveMetric, sortByMetric, type MetricColumn } from './columns.js';
import { policyColour } from './colours.js';
import { isoShort, type Cell, type TableSpec } from './html.js';

type Stat = ReturnType<typeof spreadOf>;
const stat = spreadOf;

/** A policy's swatch colour; a seed's row takes its agent's. */
export type ColourOf = (name: string) => string;

/**
 * The folds with each seed of an agent as a policy of its own ("ppo seed 3"), after the agent's
 * mean; `colourOf` gives a seed's row its agent's colour.
 */
export function foldsWithSeeds(m: RunMetrics): { folds: WalkForwardFold[]; colourOf: ColourOf } {
  const owner = new Map<string, string>();
  const folds = (m.walkForward ?? []).map((f): WalkForwardFold => {
    const perSeed = f.seeds;
    if (!perSeed) return f;
    const policies: Record<string, PolicyMetrics> = {};
    for (const [name, pm] of Object.entries(f.policies)) {
      policies[name] = pm;
      const seeds: { seed: number; metrics: PolicyMetrics }[] = perSeed[name] ?? [];
      if (seeds.length < 2) continue;
      for (const s of seeds) {
        const key = `${name} seed ${s.seed}`;
        owner.set(key, name);
        policies[key] = s.metrics;
      }
    }
    return { ...f, policies };
  });
  return { folds, colourOf: (n) => policyColour(owner.get(n) ?? n) };
}

const rangeText = (r?: RowRange): string => (r ? `${isoShort(r.start)} .. ${isoShort(r.end)}` : '-');

/** The windows each fold used (retrained folds: train, valid, test), with their bar counts. */
export function foldRangesTable(folds: WalkForwardFold[]): TableSpec | undefined {
  if (!folds.some((f) => f.ranges?.train)) return undefined;
  const bars = (r?: RowRange): Cell => ({ text: r ? String(r.to - r.from) : '-', sort: r ? r.to - r.from : NaN });
  return {
    id: 'walk-forward-ranges',
    caption: 'Each fold trained on its train window, selected checkpoints (and baseline parameters) on its valid window, and was scored on its test window only.',
    header: [{ text: 'fold', numeric: true }, { text: 'train' }, { text: 'bars', numeric: true }, { text: 'valid' }, { text: 'bars', numeric: true }, { text: 'test' }, { text: 'bars', numeric: true }],
    rows: [...folds].sort((a, b) => a.fold - b.fold).map((f) => ({
      cells: [{ text: String(f.fold), sort: f.fold }, rangeText(f.ranges?.train), bars(f.ranges?.train), rangeText(f.ranges?.valid), bars(f.ranges?.valid), rangeText(f.ranges?.test), bars(f.ranges?.test)],
    })),
  };
}

const descOf = (c: MetricColumn): 'descending' | 'ascending' => (c.higherIsBetter ? 'descending' : 'ascending');

/** Fold rows in fold order, each fold's policies best first by `sortBy`. */
export function foldTable(folds: WalkForwardFold[], sortBy: MetricColumn, colourOf: ColourOf = policyColour): TableSpec {
  const cols = columnsFor(folds.flatMap((f) => Object.values(f.policies)));
  const rows: TableSpec['rows'] = [];
  for (const f of [...folds].sort((a, b) => a.fold - b.fold)) {
    const names = sortByMetric(Object.keys(f.policies), (n) => f.policies[n], sortBy);
    for (const name of names) {
      const cells: Cell[] = [{ text: String(f.fold), sort: f.fold }, { text: isoShort(f.from) }, { text: isoShort(f.to) }, { text: name, className: 'policy', swatch: colourOf(name) }, ...metricCells(f.policies[name], cols)];
      rows.push({ cells });
    }
  }
  return {
    id: 'walk-forward-table',
    caption: `Each fold's policies by ${sortBy.label}, ${sortBy.higherIsBetter ? 'highest' : 'lowest'} first. A click on a header sorts within each fold.`,
    header: [{ text: 'fold', numeric: true }, { text: 'from' }, { text: 'to' }, { text: 'policy' }, ...cols.map((c) => ({
      text: c.label, numeric: true, title: c.higherIsBetter ? 'higher is better' : 'lower is better',
      sorted: c.key === sortBy.key ? descOf(c) : undefined,
    }))],
    rows,
    groupCol: 0,
  };
}

/** Per policy across folds, best mean `sortBy` first. */
export function foldSummaryTable(folds: WalkForwardFold[], sortBy: MetricColumn, colourOf: ColourOf = policyColour): TableSpec {
  const names = [...new Set(folds.flatMap((f) => Object.keys(f.policies)))];
  const ret = resolveMetric('totalReturn');
  const dd = resolveMetric('maxDrawdown');
  const per = names.map((n) => {
    const ms = folds.map((f) => f.policies[n]).filter((m): m is PolicyMetrics => m !== undefined);
    const of = (c: MetricColumn) => stat(ms.map((m) => metricValue(m, c.key)));
    return { n, ms, ret: of(ret), chosen: of(sortBy), dd: of(dd), pos: ms.filter((m) => m.totalReturn > 0).length };
  });
  const worst = (s: Stat) => (sortBy.higherIsBetter ? s.min : s.max);
  const cell = (c: MetricColumn, v: number): Cell => ({ text: c.format(v), sort: v });
  // A chosen metric that is the return or the drawdown already has its column.
  const showReturn = sortBy.key !== 'totalReturn';
  const showDd = sortBy.key !== 'maxDrawdown';
  const sorted = [...per].sort((a, b) => {
    const x = a.chosen.mean;
    const y = b.chosen.mean;
    if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) === Number.isNaN(y) ? 0 : Number.isNaN(x) ? 1 : -1;
    return sortBy.higherIsBetter ? y - x : x - y;
  });
  const header: TableSpec['header'] = [
    { text: 'policy' },
    { text: 'folds', numeric: true },
    ...(showReturn ? [{ text: 'mean return', numeric: true }] : []),
    { text: `mean ${sortBy.label}`, numeric: true, sorted: descOf(sortBy) },
    { text: `${sortBy.label} sd`, numeric: true },
    { text: `worst ${sortBy.label}`, numeric: true },
    ...(showDd ? [{ text: 'worst max DD', numeric: true }] : []),
    { text: 'folds with return > 0', numeric: true },
  ];
  return {
    id: 'walk-forward-summary',
    caption: `Across folds, by mean ${sortBy.label}, ${sortBy.higherIsBetter ? 'highest' : 'lowest'} first`,
    header,
    rows: sorted.map((p) => ({
      cells: [
        { text: p.n, className: 'policy', swatch: colourOf(p.n) },
        { text: String(p.ms.length), sort: p.ms.length },
        ...(showReturn ? [{ text: pct(p.ret.mean), sort: p.ret.mean }] : []),
        cell(sortBy, p.chosen.mean),
        cell(sortBy, p.chosen.sd),
        cell(sortBy, worst(p.chosen)),
        ...(showDd ? [cell(dd, p.dd.max)] : []),
        { text: `${p.pos} / ${p.ms.length}`, sort: p.ms.length ? p.pos / p.ms.length : NaN },
      ],
    })),
  };
}
