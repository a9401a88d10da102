// Chart data of a report, computed here (not in the page) so it can be tested: normalised equity,
// drawdown, trade markers, training curves, downsampled to a size a browser draws at once.
import type { LogRecord, RunCurves } from '../run-dir.js';
import { BUY_AND_HOLD_COLOUR, policyColour } from './colours.js';

export interface LineSeries {
  label: string;
  values: (number | null)[];
  /** 'y' (left axis) or 'y2' (right axis). */
  scale?: 'y' | 'y2';
  /** Draw as steps (positions). */
  stepped?: boolean;
  /** Markers only, no line: 'up' (a buy: position raised), 'down' (a sell: position cut), or 'point' (in the series' colour). */
  markers?: 'up' | 'down' | 'point';
  dashed?: boolean;
  /** Line colour (a policy's own, see colours.ts); default: the page's palette. */
  colour?: string;
  /** Dash pattern in pixels, e.g. [8, 4]; default solid ([6, 4] when `dashed`). */
  dash?: number[];
  /** Emphasised line (the run's best policy). */
  bold?: boolean;
  /** A thin line (one seed of an agent drawn with its mean). */
  thin?: boolean;
}

export type AxisFormat = 'ratio' | 'pct' | 'num' | 'price' | 'position';

export interface LineChartSpec {
  title: string;
  /** x values: ms UTC when `time`, else steps. */
  x: number[];
  time: boolean;
  xLabel?: string;
  yLabel: string;
  yFormat: AxisFormat;
  y2Label?: string;
  y2Format?: AxisFormat;
  series: LineSeries[];
  /** Section heading the chart is grouped under (training curves). */
  group?: string;
}

/** 7 significant digits is far below a pixel and keeps the page small; non-finite becomes null (a gap). */
export const round = (v: number): number | null => (Number.isFinite(v) ? +v.toPrecision(7) : null);

/** Indices kept when n points are drawn with at most `max`: the first, then the last of each bucket. */
export function keepIndices(n: number, max: number): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  const k = Math.ceil((n - 1) / Math.max(1, max - 1));
  const out = [0];
  for (let i = k; i < n - 1; i += k) out.push(i);
  if (n > 1) out.push(n - 1);
  return out;
}

export function normalise(values: ArrayLike<number>): number[] {
  let base = NaN;
  for (let i = 0; i < values.length && !(Number.isFinite(base) && base !== 0); i++) base = values[i];
  return Array.from(values, (v) => v / base);
}

/** equity / running peak - 1: 0 at a new high, -0.25 a quarter below it. */
export function drawdown(equity: ArrayLike<number>): number[] {
  let peak = -Infinity;
  return Array.from(equity, (v) => {
    if (v > peak) peak = v;
    return peak > 0 ? v / peak - 1 : NaN;
  });
}

/** Bars where the position was raised / cut (against the bar before; flat before the first bar). */
export function tradeBars(position: ArrayLike<number>): { up: number[]; down: number[] } {
  const up: number[] = [];
  const down: number[] = [];
  let prev = 0;
  for (let i = 0; i < position.length; i++) {
    const p = position[i];
    if (Number.isFinite(p) && p !== prev) (p > prev ? up : down).push(i);
    if (Number.isFinite(p)) prev = p;
  }
  return { up, down };
}

/**
 * Picks `keep` from a full-resolution series. The drawdown of a kept point is the deepest one since
 * the previous kept point, so the chart's worst drawdown is the true one after downsampling.
 */
function pick(values: ArrayLike<number>, keep: number[]): (number | null)[] {
  return keep.map((i) => round(values[i]));
}
function pickMin(values: ArrayLike<number>, keep: number[]): (number | null)[] {
  return keep.map((i, j) => {
    let m = values[i];
    for (let t = j > 0 ? keep[j - 1] + 1 : i; t < i; t++) if (values[t] < m) m = values[t];
    return round(m);
  });
}
/** Marker series: the price at kept points with a trade of that direction since the previous kept point. */
function pickMarkers(bars: number[], price: ArrayLike<number>, keep: number[]): (number | null)[] {
  const out: (number | null)[] = new Array(keep.length).fill(null);
  let j = 0;
  for (const b of bars) {
    while (j < keep.length && keep[j] < b) j++;
    if (j < keep.length) out[j] = round(price[keep[j]]);
  }
  return out;
}

export interface CurveCharts {
  equity: LineChartSpec;
  drawdown: LineChartSpec;
  /** One chart per policy: price, position and trades. */
  positions: LineChartSpec[];
}

/** The policy every run scores next to the others (experiments/baselines-run.ts). */
export const BUY_AND_HOLD = 'buy-and-hold';
/** The label of buy-and-hold drawn from the close price, for runs that did not score the policy. */
export const BUY_AND_HOLD_CLOSE = 'buy-and-hold (close)';

/**
 * The one buy-and-hold line of a run: the buy-and-hold policy's equity when the run scored it
 * (the same numbers as its metrics: fees, next-open fills), else the close price.
 */
export function buyAndHoldLine(curves: RunCurves): { label: string; equity: number[] } {
  const policy = curves.policies[BUY_AND_HOLD];
  return policy ? { label: BUY_AND_HOLD, equity: policy.equity } : { label: BUY_AND_HOLD_CLOSE, equity: curves.close };
}

/**
 * Equity (normalised to 1) and drawdown of every policy against buy-and-hold, and positions over
 * price. `seedOf` names the curves that are one seed of an agent (curve -> the agent's policy):
 * they are drawn thin and dotted in the agent's colour, around the agent's mean line.
 */
export function curveCharts(curves: RunCurves, opts: { best?: string; maxPoints: number; seedOf?: Record<string, string> }): CurveCharts {
  const n = curves.ts.length;
  const keep = keepIndices(n, opts.maxPoints);
  const x = keep.map((i) => curves.ts[i]);
  const names = Object.keys(curves.policies);
  const holdLine = buyAndHoldLine(curves);
  const hold = normalise(holdLine.equity);
  const others = names.filter((k) => k !== BUY_AND_HOLD);
  const eq = others.map((k) => normalise(curves.policies[k].equity));
  const line = (label: string, values: (number | null)[], extra: Partial<LineSeries> = {}): LineSeries => ({ label, values, ...extra });
  const holdStyle = { dashed: true, colour: BUY_AND_HOLD_COLOUR };
  const style = (k: string): Partial<LineSeries> => {
    const agent = opts.seedOf?.[k];
    return agent !== undefined ? { thin: true, dash: [2, 3], colour: policyColour(agent) } : { bold: k === opts.best, colour: policyColour(k) };
  };
  const equity: LineChartSpec = {
    title: 'Equity (normalised to 1)',
    x,
    time: true,
    yLabel: 'equity',
    yFormat: 'ratio',
    series: [line(holdLine.label, pick(hold, keep), holdStyle), ...others.map((k, j) => line(k, pick(eq[j], keep), style(k)))],
  };
  const dd: LineChartSpec = {
    title: 'Drawdown',
    x,
    time: true,
    yLabel: 'drawdown',
    yFormat: 'pct',
    series: [line(holdLine.label, pickMin(drawdown(hold), keep), holdStyle), ...others.map((k, j) => line(k, pickMin(drawdown(eq[j]), keep), style(k)))],
  };
  const price = pick(curves.close, keep);
  const positions = names.map((k): LineChartSpec => {
    const pos = curves.policies[k].position;
    const t = tradeBars(pos);
    return {
      title: k,
      x,
      time: true,
      yLabel: 'price',
      yFormat: 'price',
      y2Label: 'position',
      y2Format: 'position',
      series: [
        line('price', price),
        line('position', pick(pos, keep), { scale: 'y2', stepped: true }),
        line(`buy (${t.up.length})`, pickMarkers(t.up, curves.close, keep), { markers: 'up' }),
        line(`sell (${t.down.length})`, pickMarkers(t.down, curves.close, keep), { markers: 'down' }),
      ],
    };
  });
  return { equity, drawdown: dd, positions };
}

/**
 * Lines with different x values on one x axis: the sorted union of all x, each series null where it
 * has no value (uPlot's aligned data). A repeated x within one series keeps its last value.
 */
export function alignSeries(lines: { x: ArrayLike<number>; y: ArrayLike<number> }[]): { x: number[]; ys: (number | null)[][] } {
  const xs = new Set<number>();
  for (const l of lines) for (let i = 0; i < l.x.length; i++) if (Number.isFinite(l.x[i])) xs.add(l.x[i]);
  const x = [...xs].sort((a, b) => a - b);
  const at = new Map(x.map((v, i) => [v, i]));
  const ys = lines.map((l) => {
    const out: (number | null)[] = new Array(x.length).fill(null);
    for (let i = 0; i < l.x.length; i++) {
      const j = at.get(l.x[i]);
      if (j !== undefined) out[j] = round(l.y[i]);
    }
    return out;
  });
  return { x, ys };
}

const X_KEYS = ['step', 'global_step', 'iteration', 'update', 'episode'];
const NOT_METRICS = new Set([...X_KEYS, 'time', 'wall_time', 'walltime', 'ts', 'timestamp', 'elapsed']);
const SPLIT_KEYS = ['policy', 'algo', 'agent'];
/** A numeric field naming the training a record came from (a run's merged log of several seeds). */
const SEED_KEY = 'seed';

/**
 * One chart per numeric tag of log.jsonl, x = step (or the record's index), grouped by the tag's
 * prefix (charts/, losses/). Records naming a `policy` (or algo/agent) give one line per policy.
 */
export function trainingCharts(log: LogRecord[], opts: { maxPoints: number; maxCharts?: number }): LineChartSpec[] {
  const xKey = X_KEYS.find((k) => log.some((r) => typeof r[k] === 'number'));
  const splitKey = SPLIT_KEYS.find((k) => log.some((r) => typeof r[k] === 'string'));
  const bySeed = !splitKey && log.some((r) => typeof r[SEED_KEY] === 'number');
  const tags: string[] = [];
  const seen = new Set<string>();
  for (const r of log) {
    for (const [k, v] of Object.entries(r)) {
      if (typeof v !== 'number' || NOT_METRICS.has(k) || seen.has(k) || (bySeed && k === SEED_KEY)) continue;
      seen.add(k);
      tags.push(k);
    }
  }
  const groupOf = (tag: string) => (tag.includes('/') ? tag.slice(0, tag.lastIndexOf('/')) : 'other');
  const groups = [...new Set(tags.map(groupOf))];
  const ordered = groups.flatMap((g) => tags.filter((t) => groupOf(t) === g)).slice(0, opts.maxCharts ?? 40);
  return ordered.map((tag) => {
    const byLine = new Map<string, { x: number[]; y: number[] }>();
    log.forEach((r, i) => {
      const v = r[tag];
      if (typeof v !== 'number') return;
      const xv = xKey ? r[xKey] : i;
      if (typeof xv !== 'number') return;
      const label = splitKey && typeof r[splitKey] === 'string' ? (r[splitKey] as string) : bySeed && typeof r[SEED_KEY] === 'number' ? `seed ${r[SEED_KEY]}` : tag;
      let l = byLine.get(label);
      if (!l) byLine.set(label, (l = { x: [], y: [] }));
      l.x.push(xv);
      l.y.push(v);
    });
    const labels = [...byLine.keys()];
    const aligned = alignSeries(labels.map((k) => byLine.get(k)!));
    const keep = keepIndices(aligned.x.length, opts.maxPoints);
    return {
      title: tag,
      group: groupOf(tag),
      x: keep.map((i) => aligned.x[i]),
      time: false,
      xLabel: xKey ?? 'record',
      yLabel: tag.slice(tag.lastIndexOf('/') + 1),
      yFormat: 'num',
      series: labels.map((label, j) => ({ label, values: keep.map((i) => aligned.ys[j][i]) })),
    };
  });
}
