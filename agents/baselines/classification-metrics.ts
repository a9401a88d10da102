// Classification metrics for the ML baselines (trading metrics of a backtest live in
// envs/metrics.ts). Labels are numbers in any array-like (Int8Array for -1/0/1 triple-barrier
// labels, Uint8Array for 0/1). Conventions follow scikit-learn: a precision or recall whose
// denominator is zero is 0 (its `zero_division=0`), macro scores are the plain mean over classes.
import { DataError } from '../../data/errors.js';

export type LabelArray = ArrayLike<number>;

function sameLength(a: ArrayLike<number>, b: ArrayLike<number>, what: string): number {
  if (a.length !== b.length) throw new DataError(`${what} has ${b.length} rows, yTrue has ${a.length}`, { column: what });
  return a.length;
}

export interface ConfusionMatrix {
  /** Class values, ascending; row/column c of `counts` is classes[c]. */
  classes: number[];
  /** counts[t * classes.length + p] = rows with true class t predicted as p. */
  counts: Int32Array;
}

/** Confusion matrix; `classes` defaults to the sorted values seen in either array. */
export function confusionMatrix(yTrue: LabelArray, yPred: LabelArray, classes?: readonly number[]): ConfusionMatrix {
  const n = sameLength(yTrue, yPred, 'yPred');
  let cls: number[];
  if (classes) cls = [...classes].sort((x, y) => x - y);
  else {
    const seen = new Set<number>();
    for (let i = 0; i < n; i++) {
      seen.add(yTrue[i]);
      seen.add(yPred[i]);
    }
    cls = [...seen].sort((x, y) => x - y);
  }
  const index = new Map(cls.map((c, i) => [c, i]));
  const k = cls.length;
  const counts = new Int32Array(k * k);
  for (let i = 0; i < n; i++) {
    const t = index.get(yTrue[i]);
    const p = index.get(yPred[i]);
    if (t === undefined || p === undefined) {
      throw new DataError(`label ${t === undefined ? yTrue[i] : yPred[i]} is not one of the classes ${cls.join(', ')}`, { row: i });
    }
    counts[t * k + p]++;
  }
  return { classes: cls, counts };
}

export function accuracy(yTrue: LabelArray, yPred: LabelArray): number {
  const n = sameLength(yTrue, yPred, 'yPred');
  let ok = 0;
  for (let i = 0; i < n; i++) if (yTrue[i] === yPred[i]) ok++;
  return n ? ok / n : NaN;
}

export interface ClassScores {
  precision: number;
  recall: number;
  f1: number;
  /** Rows whose true class is this one. */
  support: number;
}

function scoresFrom(tp: number, fp: number, fn: number): ClassScores {
  const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
  const recall = tp + fn > 0 ? tp / (tp + fn) : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision, recall, f1, support: tp + fn };
}

/** Precision, recall and F1 of one class (`positive`, default 1) against all others. */
export function binaryScores(yTrue: LabelArray, yPred: LabelArray, positive = 1): ClassScores {
  const n = sameLength(yTrue, yPred, 'yPred');
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < n; i++) {
    const t = yTrue[i] === positive;
    const p = yPred[i] === positive;
    if (t && p) tp++;
    else if (p) fp++;
    else if (t) fn++;
  }
  return scoresFrom(tp, fp, fn);
}

export const precision = (yTrue: LabelArray, yPred: LabelArray, positive = 1): number => binaryScores(yTrue, yPred, positive).precision;
export const recall = (yTrue: LabelArray, yPred: LabelArray, positive = 1): number => binaryScores(yTrue, yPred, positive).recall;
export const f1Score = (yTrue: LabelArray, yPred: LabelArray, positive = 1): number => binaryScores(yTrue, yPred, positive).f1;

export interface MacroScores {
  precision: number;
  recall: number;
  f1: number;
  accuracy: number;
  perClass: Map<number, ClassScores>;
}

/** Per-class scores and their unweighted (macro) means, e.g. for -1/0/1 triple-barrier labels. */
export function macroScores(yTrue: LabelArray, yPred: LabelArray, classes?: readonly number[]): MacroScores {
  const cm = confusionMatrix(yTrue, yPred, classes);
  const k = cm.classes.length;
  const perClass = new Map<number, ClassScores>();
  let p = 0;
  let r = 0;
  let f = 0;
  let diag = 0;
  let total = 0;
  for (let c = 0; c < k; c++) {
    let rowSum = 0;
    let colSum = 0;
    for (let o = 0; o < k; o++) {
      rowSum += cm.counts[c * k + o];
      colSum += cm.counts[o * k + c];
    }
    const tp = cm.counts[c * k + c];
    const s = scoresFrom(tp, colSum - tp, rowSum - tp);
    perClass.set(cm.classes[c], s);
    p += s.precision;
    r += s.recall;
    f += s.f1;
    diag += tp;
    total += rowSum;
  }
  return { precision: p / k, recall: r / k, f1: f / k, accuracy: total ? diag / total : NaN, perClass };
}

/**
 * ROC-AUC as the Mann-Whitney statistic: the probability that a random positive scores above a
 * random negative, ties counting one half (mid-ranks), so it equals the trapezoidal area under the
 * ROC curve. NaN when only one class is present; a NaN score is a DataError.
 */
export function rocAuc(yTrue: LabelArray, score: ArrayLike<number>, positive = 1): number {
  const n = sameLength(yTrue, score, 'score');
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(score[i])) throw new DataError('score is NaN', { row: i, column: 'score' });
    order[i] = i;
  }
  order.sort((a, b) => score[a] - score[b]);
  let rankSumPos = 0;
  let nPos = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && score[order[j + 1]] === score[order[i]]) j++;
    const midRank = (i + j) / 2 + 1; // ranks are 1-based
    for (let q = i; q <= j; q++) {
      if (yTrue[order[q]] === positive) {
        rankSumPos += midRank;
        nPos++;
      }
    }
    i = j + 1;
  }
  const nNeg = n - nPos;
  if (nPos === 0 || nNeg === 0) return NaN;
  return (rankSumPos - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}
