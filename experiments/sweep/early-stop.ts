// Early stopping from intermediate reports. Both rules run in the coordinator, the one process
// that sees every trial; workers only relay `report(step, value)` and the answer.
//  - median (Golovin et al., "Google Vizier", 2017): stop a trial whose value at step s is worse
//    than the median of the completed trials' values at s (their last report at or before s).
//  - ASHA (Li et al., "A System for Massively Parallel Hyperparameter Tuning", 2020), in its
//    stopping form (as Ray Tune and Optuna run it): rungs at minResource * eta^k below
//    maxResource; a trial reaching a rung goes on only if it is in the top 1/eta of the values
//    recorded at that rung so far, so early trials are judged leniently and late ones strictly.
import type { EarlyStop } from './sweep-file.js';

export type Decision = 'continue' | 'stop';

/** [step, value] pairs in report order. */
export type Curve = Array<[number, number]>;

export interface Stopper {
  /** A running trial reported `value` at `step`. */
  report(trialId: string, step: number, value: number): Decision;
  /** A trial finished (also called for every trial replayed from trials.jsonl on resume). */
  finish(trialId: string, status: 'completed' | 'stopped' | 'failed', curve: Curve): void;
}

export function makeStopper(rule: EarlyStop, mode: 'max' | 'min'): Stopper {
  switch (rule.kind) {
    case 'none':
      return { report: () => 'continue', finish: () => {} };
    case 'median':
      return new MedianStopper(mode, rule.warmup, rule.minTrials);
    case 'asha':
      return new AshaStopper(mode, rule.minResource, rule.reductionFactor, rule.maxResource);
  }
}

const better = (mode: 'max' | 'min', a: number, b: number) => (mode === 'max' ? a > b : a < b);

export class MedianStopper implements Stopper {
  private readonly completed = new Map<string, Curve>();
  constructor(private readonly mode: 'max' | 'min', private readonly warmup: number, private readonly minTrials: number) {}

  report(_trialId: string, step: number, value: number): Decision {
    if (step < this.warmup) return 'continue';
    const at: number[] = [];
    for (const curve of this.completed.values()) {
      const v = valueAt(curve, step);
      if (v !== undefined) at.push(v);
    }
    if (at.length < this.minTrials) return 'continue';
    return better(this.mode, median(at), value) ? 'stop' : 'continue';
  }

  finish(trialId: string, status: 'completed' | 'stopped' | 'failed', curve: Curve): void {
    if (status === 'completed' && curve.length) this.completed.set(trialId, [...curve].sort((a, b) => a[0] - b[0]));
  }
}

export class AshaStopper implements Stopper {
  readonly rungs: number[] = [];
  /** Per rung: trial id -> the value it reported on reaching the rung. */
  private readonly recorded: Array<Map<string, number>>;
  /** Per trial: the highest rung already judged and the last step seen (a lower step = a retry). */
  private readonly progress = new Map<string, { judged: number; lastStep: number }>();

  constructor(private readonly mode: 'max' | 'min', minResource: number, private readonly eta: number, maxResource: number) {
    for (let r = minResource; r < maxResource; r *= eta) this.rungs.push(r);
    this.recorded = this.rungs.map(() => new Map());
  }

  report(trialId: string, step: number, value: number): Decision {
    let p = this.progress.get(trialId);
    if (!p || step < p.lastStep) p = { judged: -1, lastStep: step };
    p.lastStep = step;
    this.progress.set(trialId, p);
    let decision: Decision = 'continue';
    for (let k = p.judged + 1; k < this.rungs.length && this.rungs[k] <= step; k++) {
      this.recorded[k].set(trialId, value);
      p.judged = k;
      if (!this.promotable(k, value)) {
        decision = 'stop';
        break;
      }
    }
    return decision;
  }

  finish(trialId: string, _status: 'completed' | 'stopped' | 'failed', curve: Curve): void {
    // On resume the rungs are rebuilt from the finished curves; for live trials this only fills
    // rungs a trial passed without a decision being asked (never, unless reports were lost).
    let k = 0;
    for (const [step, value] of curve) {
      while (k < this.rungs.length && this.rungs[k] <= step) {
        if (!this.recorded[k].has(trialId)) this.recorded[k].set(trialId, value);
        k++;
      }
    }
    this.progress.delete(trialId);
  }

  /** In the top max(1, floor(n / eta)) of the rung, ties going on. */
  private promotable(k: number, value: number): boolean {
    const values = [...this.recorded[k].values()];
    const keep = Math.max(1, Math.floor(values.length / this.eta));
    const ahead = values.filter((v) => better(this.mode, v, value)).length;
    return ahead < keep;
  }
}

/** The value of the last report at or before `step`. */
function valueAt(sorted: Curve, step: number): number | undefined {
  let v: number | undefined;
  for (const [s, x] of sorted) {
    if (s > step) break;
    v = x;
  }
  return v;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
