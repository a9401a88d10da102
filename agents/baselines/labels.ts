// Supervised labels from candles for the ML baselines. Features at row t use bars <= t; labels look
// AHEAD by design (that is what is predicted), so the last rows, whose future is not in the data,
// have no label: -1 in integer label arrays, NaN in float ones, `end = -1` for triple barriers.
// Callers must drop those rows (`labelledRows`, `usableRows`) and purge training rows whose label
// horizon reaches into a test block (time-series-splits.ts).
import { ConfigError, DataError } from '../../data/errors.js';
import { rollingVolatility } from '../../data/features/indicators/index.js';
import type { Candles } from '../../data/types.js';

function checkHorizon(field: string, k: number): void {
  if (!Number.isInteger(k) || k < 1) throw new ConfigError(field, `must be an integer >= 1, got ${k}`);
}

/**
 * Direction over `horizon` bars: 1 if close[t + horizon] > close[t], else 0 (down AND flat are 0,
 * so "1" means strictly up). -1 for the last `horizon` rows and where a close is NaN.
 */
export function directionLabels(close: Float64Array, horizon = 1): Int8Array {
  checkHorizon('horizon', horizon);
  const n = close.length;
  const y = new Int8Array(n).fill(-1);
  for (let t = 0; t + horizon < n; t++) {
    const a = close[t];
    const b = close[t + horizon];
    if (a === a && b === b) y[t] = b > a ? 1 : 0;
  }
  return y;
}

/** Forward return over `horizon` bars: close[t+k] / close[t] - 1 (or its log); NaN for the last k rows. */
export function forwardReturns(close: Float64Array, horizon = 1, opts: { log?: boolean } = {}): Float64Array {
  checkHorizon('horizon', horizon);
  const n = close.length;
  const r = new Float64Array(n).fill(NaN);
  for (let t = 0; t + horizon < n; t++) {
    const q = close[t + horizon] / close[t];
    r[t] = opts.log ? Math.log(q) : q - 1;
  }
  return r;
}

/** Which barrier decides a bar whose range touches both (the order inside a bar is unknown). */
export type BarrierTie = 'lower' | 'upper' | 'zero';

export interface TripleBarrierOptions {
  /** Vertical barrier: the trade is closed after this many bars at the latest. */
  horizon: number;
  /** Upper barrier at close[t] * exp(upper * vol[t]); 0 disables it (López de Prado's pt = 0). Default 1. */
  upper?: number;
  /** Lower barrier at close[t] * exp(-lower * vol[t]); 0 disables it. Default 1. */
  lower?: number;
  /**
   * Volatility per bar known at t (std of log returns up to bar t). Default: the rolling
   * volatility of the last `volWindow` log returns (data/features/indicators), so no lookahead.
   */
  vol?: Float64Array;
  /** Window of the default volatility estimate (default 20). */
  volWindow?: number;
  /**
   * When one bar's high and low touch both barriers and its open is between them: 'lower' (the
   * default, pessimistic for a long: assume the stop came first), 'upper', or 'zero' (label 0,
   * ambiguous). A bar that OPENS beyond a barrier has hit that one first, whatever the tie rule.
   */
  tie?: BarrierTie;
  /** Label when the vertical barrier is reached: 'zero' (default) or 'sign' of the return to close[t+k]. */
  vertical?: 'zero' | 'sign';
}

export interface TripleBarrierLabels {
  /** +1 upper barrier first, -1 lower first, 0 vertical (or a 'zero' tie). 0 also where end = -1. */
  label: Int8Array;
  /** Bar at which the label was decided (the touch or t + horizon); -1 = no label. */
  end: Int32Array;
  /** Log return realised at `end` (barrier price, the open when it gapped through, or close[end]); NaN = no label. */
  ret: Float64Array;
}

/**
 * Triple-barrier labels (López de Prado, AFML ch. 3): from the close of bar t, the bars t+1..t+k
 * are scanned; the first whose high reaches the upper barrier or whose low reaches the lower
 * barrier decides the label, else the vertical barrier at t+k does. Barriers scale with the
 * volatility known at t. Rows without a volatility estimate, and the last `horizon` rows (even if
 * a barrier would be hit before the data ends: labelling them would depend on the outcome), get
 * no label.
 */
export function tripleBarrierLabels(
  c: Pick<Candles, 'open' | 'high' | 'low' | 'close'>,
  opts: TripleBarrierOptions,
): TripleBarrierLabels {
  const k = opts.horizon;
  checkHorizon('horizon', k);
  const up = opts.upper ?? 1;
  const lo = opts.lower ?? 1;
  if (!(up >= 0) || !(lo >= 0)) throw new ConfigError('upper/lower', `barrier multiples must be >= 0, got ${up} / ${lo}`);
  const n = c.close.length;
  for (const col of ['open', 'high', 'low'] as const) {
    if (c[col].length !== n) throw new DataError(`has ${c[col].length} rows, close has ${n}`, { column: col });
  }
  const vol = opts.vol ?? rollingVolatility(c.close, opts.volWindow ?? 20);
  if (vol.length !== n) throw new DataError(`has ${vol.length} rows, close has ${n}`, { column: 'vol' });
  const tie = opts.tie ?? 'lower';
  const label = new Int8Array(n);
  const end = new Int32Array(n).fill(-1);
  const ret = new Float64Array(n).fill(NaN);
  for (let t = 0; t + k < n; t++) {
    const p0 = c.close[t];
    const v = vol[t];
    if (!(v >= 0) || !(p0 > 0)) continue;
    // A disabled barrier is at +/-Infinity, so it is never touched.
    const upPx = up > 0 ? p0 * Math.exp(up * v) : Infinity;
    const loPx = lo > 0 ? p0 * Math.exp(-lo * v) : -Infinity;
    let j = t + 1;
    for (; j <= t + k; j++) {
      const hitUp = c.high[j] >= upPx;
      const hitLo = c.low[j] <= loPx;
      if (!hitUp && !hitLo) continue;
      const o = c.open[j];
      let side: number;
      if (o >= upPx) side = 1;
      else if (o <= loPx) side = -1;
      else if (hitUp && hitLo) side = tie === 'upper' ? 1 : tie === 'lower' ? -1 : 0;
      else side = hitUp ? 1 : -1;
      label[t] = side;
      end[t] = j;
      const exit = side === 1 ? Math.max(upPx, o) : side === -1 ? Math.min(loPx, o) : c.close[j];
      ret[t] = Math.log(exit / p0);
      break;
    }
    if (j > t + k) {
      const r = Math.log(c.close[t + k] / p0);
      label[t] = opts.vertical === 'sign' ? Math.sign(r) : 0;
      end[t] = t + k;
      ret[t] = r;
    }
  }
  return { label, end, ret };
}

/** Rows i in [0, n) for which `keep(i)` holds, ascending. */
export function rowsWhere(n: number, keep: (i: number) => boolean): Int32Array {
  const out = new Int32Array(n);
  let m = 0;
  for (let i = 0; i < n; i++) if (keep(i)) out[m++] = i;
  return out.slice(0, m);
}

/**
 * Rows with a label. Integer typed arrays mark "none" with -1 (directionLabels), anything else with
 * NaN (forwardReturns). Triple-barrier labels are -1/0/+1, so pass their `end` array instead.
 */
export function labelledRows(y: ArrayLike<number>): Int32Array {
  const integer = y instanceof Int8Array || y instanceof Uint8Array || y instanceof Int16Array || y instanceof Int32Array;
  return rowsWhere(y.length, integer ? (i) => y[i] >= 0 : (i) => y[i] === y[i]);
}

/**
 * Rows usable for training or scoring: every feature finite (indicator warm-up rows are NaN) and
 * `hasLabel(i)`. `X` is row-major [rows, nFeatures].
 */
export function usableRows(X: Float32Array, nFeatures: number, hasLabel: (i: number) => boolean): Int32Array {
  return rowsWhere(rowCount(X, nFeatures), (i) => {
    if (!hasLabel(i)) return false;
    for (let j = i * nFeatures, e = j + nFeatures; j < e; j++) if (!Number.isFinite(X[j])) return false;
    return true;
  });
}

/** Rows of a row-major feature matrix; DataError when its length is not a multiple of nFeatures. */
export function rowCount(X: Float32Array, nFeatures: number): number {
  if (!Number.isInteger(nFeatures) || nFeatures < 1) throw new ConfigError('nFeatures', `must be an integer >= 1, got ${nFeatures}`);
  const n = X.length / nFeatures;
  if (!Number.isInteger(n)) throw new DataError(`X has ${X.length} values, not a multiple of ${nFeatures} features`, { column: 'X' });
  return n;
}

/** The training rows of a fit: `rows` (checked to lie in [0, n)) or all n rows. */
export function fitRows(rows: Int32Array | undefined, n: number): Int32Array {
  if (!rows) return rowsWhere(n, () => true);
  for (let k = 0; k < rows.length; k++) {
    if (!(rows[k] >= 0 && rows[k] < n)) throw new ConfigError('rows', `row ${rows[k]} (entry ${k}) is outside [0, ${n})`);
  }
  if (rows.length === 0) throw new ConfigError('rows', 'no training rows');
  return rows;
}
