// The walk-forward tables of a report: per policy across folds (is it good in most windows, or in
// one lucky one?) and per fold, both sorted by the run's chosen metric (training.selectBy), best
// first; the per-fold rows stay grouped by fold, in the page too (data-group-col).
import type { PolicyMetrics, WalkForwardFold } from '../run-dir.js';
import { columnsFor, metricCells, metricValue, pct, resolveMetric, sortByMetric, type MetricColumn } from './columns.js';
import { policyColour } from './colours.js';
import { isoShort, type Cell, type TableSpec } from './html.js';

interface Stat {
  mean: number;
  sd: number;
  min: number;
  max: number;
}

function stat(xs: number[]): Stat {
  const v = xs.filter(Number.isFinite);
  const mean = v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN;
  const sd = v.length > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1)) : NaN;
  return { mean, sd, min: v.length ? Math.min(...v) : NaN, max: v.length ? Math.max(...v) : NaN };
}

const descOf = (c: MetricColumn): 'descending' | 'ascending' => (c.higherIsBetter ? 'descending' : 'ascending');

/** Fold rows in fold order, each fold's policies best first by `sortBy`. */
export function foldTable(folds: WalkForwardFold[], sortBy: MetricColumn): TableSpec {
  const cols = columnsFor(folds.flatMap((f) => Object.values(f.policies)));
  const rows: TableSpec['rows'] = [];
  for (const f of [...folds].sort((a, b) => a.fold - b.fold)) {
    const names = sortByMetric(Object.keys(f.policies), (n) => f.policies[n], sortBy);
    for (const name of names) {
      const cells: Cell[] = [{ text: String(f.fold), sort: f.fold }, { text: isoShort(f.from) }, { text: isoShort(f.to) }, { text: name, className: 'policy', swatch: policyColour(name) }, ...metricCells(f.policies[name], cols)];
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
export function foldSummaryTable(folds: WalkForwardFold[], sortBy: MetricColumn): TableSpec {
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
        { text: p.n, className: 'policy', swatch: policyColour(p.n) },
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
