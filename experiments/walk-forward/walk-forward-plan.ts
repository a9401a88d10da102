// What a run's walk-forward does, decided before anything is trained: `walkForward` in the config
// (folds over the whole series, retrained, or sub-windows of the test split), else the older
// `baselines.walkForwardFolds` (sub-windows of the test split, never retrained). Retrained folds
// get their own data (the feature pipeline refit on each fold's train window) and are checked
// like the run's own splits, so a fold too short to score fails before the run folder exists.
import { ConfigError } from '../../data/errors.js';
import type { Range, Splits } from '../../envs/splits.js';
import { walkForwardRanges } from '../baselines-run.js';
import { checkEnvs, MIN_SPLIT_BARS, prepareSplits, type Prepared } from '../prepare.js';
import type { RowRange, WalkForwardSetup } from '../run-dir.js';
import { foldWindows, type FoldWindows } from './fold-windows.js';

export interface WalkForwardPlan {
  setup: WalkForwardSetup;
  /** Retrained folds: every window, and the fold's data. */
  retrained: { windows: FoldWindows; prepared: Prepared }[];
  /** Not retrained: the sub-windows of the test split. */
  subWindows: { fold: number; range: Range }[];
}

export const SUB_WINDOWS_LABEL = 'one checkpoint scored on sub-windows of the test split (not retrained)';

export function planWalkForward(p: Prepared): WalkForwardPlan {
  const wf = p.config.walkForward;
  const legacy = p.config.baselines?.walkForwardFolds ?? 3;
  if (!wf || !wf.retrain || wf.folds === 0) {
    const folds = wf ? wf.folds : legacy;
    const subWindows = folds > 0 ? walkForwardRanges(p, folds) : [];
    return { setup: { folds: subWindows.length, mode: 'test-split', retrain: false, label: SUB_WINDOWS_LABEL }, retrained: [], subWindows };
  }
  const windows = foldWindows(p.candles.ts.length, p.config.splits, wf.folds, wf.mode);
  const retrained = windows.map((w) => {
    checkFoldSizes(w);
    const prepared = prepareSplits(p, w);
    // What only an env checks (feature warm-up, episode length against the fold's train window).
    checkEnvs(prepared);
    return { windows: w, prepared };
  });
  const label = `${wf.folds} ${wf.mode} folds, retrained: each seed trained on the fold's train window, selected on its valid window and scored on its test window, which no fold trains or selects on; the baselines refit and tuned the same way`;
  return { setup: { folds: wf.folds, mode: wf.mode, retrain: true, label }, retrained, subWindows: [] };
}

function checkFoldSizes(w: FoldWindows): void {
  for (const name of ['train', 'valid', 'test'] as const) {
    const n = w[name].to - w[name].from;
    if (n < MIN_SPLIT_BARS) {
      throw new ConfigError('walkForward.folds', `fold ${w.fold}'s ${name} window has ${n} bars, fewer than the ${MIN_SPLIT_BARS} a window needs: use fewer folds or more data`);
    }
  }
}

/** A range as metrics.json records it: rows and the times of its first and last bar. */
export function rowRange(ts: Float64Array, r: Range): RowRange {
  return { from: r.from, to: r.to, start: new Date(ts[r.from]).toISOString(), end: new Date(ts[r.to - 1]).toISOString() };
}

/** The windows of a retrained fold as metrics.json records them. */
export function foldRanges(ts: Float64Array, s: Splits): { train: RowRange; valid: RowRange; test: RowRange } {
  return { train: rowRange(ts, s.train), valid: rowRange(ts, s.valid), test: rowRange(ts, s.test) };
}
