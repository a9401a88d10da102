// The lookahead check (Freqtrade's lookahead-analysis, built in). Whatever is computed per bar from
// the candles, a feature column or a policy's decision, is computed again on the data cut after
// bar t, for several cut points t, and compared with what the full data gives: every row <= t must
// agree. A row that changes when later bars are removed was computed from them.
import { DataError, TradegymError } from '../../data/errors.js';
import { isoTime } from '../../data/timeframe.js';
import type { Candles } from '../../data/types.js';
import type { FeatureMatrix } from '../../data/features/log-return-window.js';

/** The data one computation sees: the full series or bars 0..t of it. */
export interface CutView {
  readonly candles: Candles;
  /** Shares a value between the probes of one view (the feature matrix several policies read). */
  memo<T>(key: string, make: () => T): T;
}

/** Something computed per bar whose row t must depend on bars <= t only. */
export interface LookaheadProbe {
  kind: 'feature' | 'policy';
  /** What the table shows: "rsi:14", "random-forest". */
  name: string;
  /** Its columns (feature columns; a policy's action). */
  columns: string[];
  /** Rows [bars of the view, columns], row-major; NaN where there is no value (warm-up, before a policy starts). */
  compute(view: CutView): ArrayLike<number>;
}

/** The first row of one cut that disagrees with the full data. */
export interface LookaheadDifference {
  kind: 'feature' | 'policy';
  probe: string;
  column: string;
  /** The differing bar, and the last bar of the cut data (both row indices). */
  bar: number;
  cut: number;
  cutValue: number;
  fullValue: number;
}

export interface ProbeResult {
  kind: 'feature' | 'policy';
  name: string;
  columns: string[];
  /** Cuts compared, and the values compared over them (warm-up and undecided rows, NaN on both sides, not counted). */
  cuts: number;
  values: number;
  differences: LookaheadDifference[];
  /** An expected failure (bad data, a config error) on the full data or at a cut: nothing compared there. */
  failure?: { cut?: number; error: TradegymError };
}

export interface LookaheadReport {
  candles: Candles;
  cuts: number[];
  results: ProbeResult[];
}

/**
 * Equal, or both NaN, or within `tolerance` of each other relative to the larger: float noise of
 * a computation repeated on the same inputs is zero here (same code, same order), so the default
 * is tight; a real leak moves values by far more.
 */
export function sameValue(a: number, b: number, tolerance = 1e-12): boolean {
  if (a === b) return true;
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  return Math.abs(a - b) <= tolerance * Math.max(Math.abs(a), Math.abs(b));
}

/** Bars 0..t of a series (copies). */
export function cutCandles(c: Candles, t: number): Candles {
  const n = t + 1;
  return {
    exchange: c.exchange, symbol: c.symbol, timeframe: c.timeframe,
    ts: c.ts.slice(0, n), open: c.open.slice(0, n), high: c.high.slice(0, n), low: c.low.slice(0, n), close: c.close.slice(0, n), volume: c.volume.slice(0, n),
  };
}

function view(candles: Candles): CutView {
  const cache = new Map<string, unknown>();
  return {
    candles,
    memo<T>(key: string, make: () => T): T {
      if (!cache.has(key)) cache.set(key, make());
      return cache.get(key) as T;
    },
  };
}

/** Runs a probe; an expected failure is returned, a bug is thrown. */
function attempt(probe: LookaheadProbe, v: CutView): ArrayLike<number> | TradegymError {
  try {
    const rows = probe.compute(v);
    const want = v.candles.ts.length * probe.columns.length;
    if (rows.length !== want) throw new Error(`lookahead probe ${probe.name} returned ${rows.length} values for ${v.candles.ts.length} bars x ${probe.columns.length} columns`);
    return rows;
  } catch (err) {
    if (err instanceof TradegymError) return err;
    throw err;
  }
}

export interface CheckOptions {
  tolerance?: number;
  /** Called after each cut (progress). */
  onCut?: (done: number, total: number) => void;
}

/**
 * Compares every probe on the full data with the same probe on bars 0..t, for each cut t: rows
 * 0..t, every column. Records the first differing row of each cut; never throws for a finding.
 */
export function checkLookahead(candles: Candles, probes: LookaheadProbe[], cuts: readonly number[], opts: CheckOptions = {}): LookaheadReport {
  const n = candles.ts.length;
  for (const t of cuts) if (!(Number.isInteger(t) && t >= 0 && t < n)) throw new RangeError(`cut ${t} is not a bar of the ${n} bars`);
  const full = view(candles);
  const results: ProbeResult[] = probes.map((p) => ({ kind: p.kind, name: p.name, columns: p.columns, cuts: 0, values: 0, differences: [] }));
  const reference = probes.map((p, k) => {
    const rows = attempt(p, full);
    if (rows instanceof TradegymError) {
      results[k].failure = { error: rows };
      return undefined;
    }
    return rows;
  });
  cuts.forEach((t, done) => {
    const v = view(cutCandles(candles, t));
    probes.forEach((p, k) => {
      const ref = reference[k];
      const r = results[k];
      if (!ref || r.failure) return;
      const rows = attempt(p, v);
      if (rows instanceof TradegymError) {
        r.failure = { cut: t, error: rows };
        return;
      }
      const F = p.columns.length;
      r.cuts++;
      let i = 0;
      for (; i < (t + 1) * F; i++) {
        if (!sameValue(rows[i], ref[i], opts.tolerance)) {
          r.differences.push({ kind: p.kind, probe: p.name, column: p.columns[i % F], bar: Math.floor(i / F), cut: t, cutValue: rows[i], fullValue: ref[i] });
          break;
        }
        if (!Number.isNaN(ref[i])) r.values++;
      }
    });
    opts.onCut?.(done + 1, cuts.length);
  });
  return { candles, cuts: [...cuts], results };
}

/**
 * The finding to report: a feature that peeks (the earliest differing bar: where the leak starts)
 * before a policy, since a policy reading a peeking feature differs because of it.
 */
export function firstDifference(report: LookaheadReport): LookaheadDifference | undefined {
  const all = report.results.flatMap((r) => r.differences);
  const earliest = (kind: 'feature' | 'policy') => all.filter((d) => d.kind === kind).reduce<LookaheadDifference | undefined>((a, d) => (!a || d.bar < a.bar ? d : a), undefined);
  return earliest('feature') ?? earliest('policy');
}

/** A number short enough to read, with enough digits to show it differs from `other`. */
function shown(x: number, other: number): string {
  for (const digits of [4, 8, 17]) {
    const s = Number.isFinite(x) ? String(Number(x.toPrecision(digits))) : String(x);
    const o = Number.isFinite(other) ? String(Number(other.toPrecision(digits))) : String(other);
    if (s !== o || digits === 17) return s;
  }
  return String(x);
}

/** The one-line finding: what peeks, at which bar, when the data ends where. */
export function describeDifference(d: LookaheadDifference, ts: Float64Array): string {
  const ends = d.bar === d.cut ? 'there' : `at ${isoTime(ts[d.cut])}`;
  const values = `(${shown(d.cutValue, d.fullValue)} with the data cut, ${shown(d.fullValue, d.cutValue)} with all of it)`;
  if (d.kind === 'feature') return `feature ${d.column}${d.column === d.probe ? '' : ` (${d.probe})`} peeks: bar ${isoTime(ts[d.bar])} differs when the data ends ${ends} ${values}`;
  return `policy ${d.probe} peeks: its decision at bar ${isoTime(ts[d.bar])} differs when the data ends ${ends} ${values}`;
}

/** What `tradegym check lookahead` exits 3 with: a value at bar t changed when bars after t were removed. */
export class LookaheadError extends DataError {
  constructor(readonly difference: LookaheadDifference, ts: Float64Array) {
    super(describeDifference(difference, ts));
  }
}

/**
 * Throws the finding of a report: a lookahead (LookaheadError), else a probe that could not run
 * (its own error: at a cut only, that is a lookahead too, e.g. a row that is NaN once later bars
 * are gone). Returns quietly when everything agreed.
 */
export function assertNoLookahead(report: LookaheadReport): void {
  const d = firstDifference(report);
  if (d) throw new LookaheadError(d, report.candles.ts);
  const failed = report.results.find((r) => r.failure);
  if (!failed?.failure) return;
  const { cut, error } = failed.failure;
  if (cut === undefined) throw error;
  throw new DataError(`${failed.kind} ${failed.name} peeks: it fails when the data ends at ${isoTime(report.candles.ts[cut])} and not on all of it (${error.message})`, {}, { cause: error });
}

/**
 * Your own feature builder (candles -> matrix, e.g. your own fit and transform) as a probe; its
 * columns are those it gives on `candles`.
 */
export function featureBuilderProbe(name: string, candles: Candles, build: (c: Candles) => FeatureMatrix): LookaheadProbe {
  return { kind: 'feature', name, columns: [...build(candles).names], compute: (v) => build(v.candles).values };
}
