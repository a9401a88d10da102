// Cross-validation for time series, in time order and never shuffled: walk-forward folds and
// purged K-fold with embargo (López de Prado, AFML ch. 7). Labels look ahead (labels.ts), so a
// training row whose label window reaches into a test block has seen test prices; those rows are
// purged, and an embargo after the test block keeps serially correlated rows out as well.
import { ConfigError } from '../../data/errors.js';
import type { Range } from '../../envs/splits.js';

export type { Range } from '../../envs/splits.js';

function checkInt(field: string, v: number, min: number): number {
  if (!Number.isInteger(v) || v < min) throw new ConfigError(field, `must be an integer >= ${min}, got ${v}`);
  return v;
}

export interface WalkForwardOptions {
  /** Training rows in the first fold; with window 'rolling', in every fold. */
  trainSize: number;
  /** Rows per test block; the last block may be shorter. */
  testSize: number;
  /** Rows the test block advances per fold (default testSize: adjacent, non-overlapping blocks). */
  step?: number;
  /** 'expanding' (default): train from `start`; 'rolling': the last `trainSize` rows only. */
  window?: 'expanding' | 'rolling';
  /** Label horizon in bars: the `horizon` rows right before each test block are left out of training. */
  horizon?: number;
  /** First usable row (e.g. after indicator warm-up). Default 0. */
  start?: number;
}

export interface WalkForwardFold {
  train: Range;
  test: Range;
}

/**
 * Walk-forward folds over rows [start, n): the first test block starts after `trainSize` training
 * rows plus the `horizon` gap; each later block starts `step` rows on, until the data ends.
 */
export function walkForwardSplits(n: number, opts: WalkForwardOptions): WalkForwardFold[] {
  const trainSize = checkInt('trainSize', opts.trainSize, 1);
  const testSize = checkInt('testSize', opts.testSize, 1);
  const step = checkInt('step', opts.step ?? testSize, 1);
  const horizon = checkInt('horizon', opts.horizon ?? 0, 0);
  const start = checkInt('start', opts.start ?? 0, 0);
  const rolling = (opts.window ?? 'expanding') === 'rolling';
  const folds: WalkForwardFold[] = [];
  for (let a = start + trainSize + horizon; a < n; a += step) {
    const trainTo = a - horizon;
    folds.push({
      train: { from: rolling ? trainTo - trainSize : start, to: trainTo },
      test: { from: a, to: Math.min(n, a + testSize) },
    });
  }
  return folds;
}

export interface PurgedKFoldOptions {
  /** Number of contiguous test blocks (sizes differ by at most one row, larger ones first). */
  folds: number;
  /**
   * How far each row's label looks ahead: a fixed number of bars (row i's label uses bars up to
   * i + horizon), or per row the last bar its label uses (`end` of tripleBarrierLabels; -1 = no
   * label, such rows are never trained on).
   */
  horizon: number | Int32Array;
  /** Rows after the purged zone that follows each test block, also left out of training. Default 0. */
  embargo?: number;
}

export interface PurgedFold {
  /** Training rows, ascending. */
  train: Int32Array;
  test: Range;
}

/**
 * Purged K-fold: for each test block [a, b), training keeps rows i < a whose label ends before a,
 * and rows after the block from (last bar any test label uses) + 1 + embargo on. With a fixed
 * horizon h that removes [a - h, a) before and [b, b + h + embargo) after the block, so no training
 * row lies in [a - h, b + embargo). Rows are not shuffled: each fold's test block is contiguous.
 */
export function purgedKFold(n: number, opts: PurgedKFoldOptions): PurgedFold[] {
  const k = checkInt('folds', opts.folds, 2);
  if (k > n) throw new ConfigError('folds', `${k} folds need at least ${k} rows, got ${n}`);
  const embargo = checkInt('embargo', opts.embargo ?? 0, 0);
  const h = opts.horizon;
  let endOf: (i: number) => number;
  if (typeof h === 'number') {
    checkInt('horizon', h, 0);
    endOf = (i) => i + h;
  } else {
    if (h.length !== n) throw new ConfigError('horizon', `has ${h.length} label ends, expected ${n}`);
    endOf = (i) => h[i];
  }
  const folds: PurgedFold[] = [];
  const base = Math.floor(n / k);
  const extra = n % k;
  const scratch = new Int32Array(n);
  let a = 0;
  for (let f = 0; f < k; f++) {
    const b = a + base + (f < extra ? 1 : 0);
    let maxEnd = b - 1;
    for (let i = a; i < b; i++) maxEnd = Math.max(maxEnd, endOf(i));
    let m = 0;
    for (let i = 0; i < a; i++) {
      const e = endOf(i);
      if (e >= 0 && e < a) scratch[m++] = i;
    }
    for (let i = maxEnd + 1 + embargo; i < n; i++) if (endOf(i) >= 0) scratch[m++] = i;
    folds.push({ train: scratch.slice(0, m), test: { from: a, to: b } });
    a = b;
  }
  return folds;
}

/** The rows of a range as an index array (to pass a walk-forward fold where rows are expected). */
export function rangeRows(r: Range): Int32Array {
  const out = new Int32Array(Math.max(0, r.to - r.from));
  for (let i = 0; i < out.length; i++) out[i] = r.from + i;
  return out;
}
