// Walk-forward windows over the whole series. Every fold has a train, a valid and a test window,
// adjacent and in time order, with lengths in the proportions of the experiment's splits; the K
// test windows are consecutive, do not overlap, and the last one ends at the last bar. Rolling
// folds slide a fixed-length train window by one test window per fold; anchored folds start
// every train window at the first bar (so it grows). Both modes score the same test windows, so
// their tables compare bar for bar.
//
// Why adjacent windows are enough (no gap between train and test): an observation at bar t is
// built from bars <= t and an order decided at t fills at bar t + latency inside the same window,
// so nothing a fold trains or selects on is computed from a bar of its test window; the
// classifiers' labels look ahead and are purged where they are fitted (baselines-run.ts).
import { ConfigError } from '../../data/errors.js';
import type { Range, Splits } from '../../envs/splits.js';

export type WalkForwardMode = 'rolling' | 'anchored';

export interface FoldWindows extends Splits {
  fold: number;
}

/**
 * The fold windows of `rows` bars. `fractions` are the experiment's splits (train, valid; test is
 * the rest): fold k's windows have those proportions, except an anchored train window, which
 * holds everything before its valid window.
 */
export function foldWindows(rows: number, fractions: { train: number; valid: number }, folds: number, mode: WalkForwardMode): FoldWindows[] {
  const test = 1 - fractions.train - fractions.valid;
  if (!(test > 0)) throw new ConfigError('walkForward', `the splits leave no test fraction (train ${fractions.train}, valid ${fractions.valid}) to size the folds' test windows`);
  if (!(Number.isInteger(folds) && folds >= 1)) throw new ConfigError('walkForward.folds', `${folds} is not a whole number >= 1`);
  // trainLen + validLen + folds x testLen = rows, in the proportions train : valid : test.
  const testLen = Math.floor((rows * test) / (fractions.train + fractions.valid + folds * test));
  const trainLen = Math.floor((testLen * fractions.train) / test);
  const validLen = Math.floor((testLen * fractions.valid) / test);
  // Rounding leaves a few bars over: they go before the first train window, so the last test ends at the last bar.
  const offset = rows - (trainLen + validLen + folds * testLen);
  const out: FoldWindows[] = [];
  for (let k = 0; k < folds; k++) {
    const trainTo = offset + trainLen + k * testLen;
    const train: Range = { from: mode === 'anchored' ? 0 : trainTo - trainLen, to: trainTo };
    const valid: Range = { from: trainTo, to: trainTo + validLen };
    out.push({ fold: k, train, valid, test: { from: valid.to, to: valid.to + testLen } });
  }
  return out;
}

/** True when the half-open ranges share a bar. */
export const overlaps = (a: Range, b: Range): boolean => a.from < b.to && b.from < a.to && a.from < a.to && b.from < b.to;
