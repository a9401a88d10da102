// Overfitting in plain sight: the validation score over training steps, the checkpoint that was
// selected from it, and a warning when the score at the end of training has fallen far below its
// peak, which is what training past the point where the policy generalises looks like. The run
// still scores the selected checkpoint (the peak, picked on validation), so the warning is about
// the training budget and about how optimistic the peak is, not a change of checkpoint.

export interface CurvePoint {
  step: number;
  score: number;
}

export interface ValidationCheck {
  /** The metric of the curve (training.selectBy). */
  metric: string;
  peak: CurvePoint;
  /** The checkpoint the run kept (checkpoints/best). */
  selected: CurvePoint;
  /** The last evaluation, at the end of training. */
  final: CurvePoint;
  /** Set when the final score is far below the peak (see isFarBelowPeak). */
  warning?: string;
}

/**
 * "Far below the peak": the peak was positive and the final score kept less than half of it (it
 * lost more than half of the peak's distance from zero). A peak at or below zero never showed an
 * edge on validation, so there is nothing to have lost; NaN scores never warn.
 */
export function isFarBelowPeak(peak: number, final: number): boolean {
  return Number.isFinite(peak) && Number.isFinite(final) && peak > 0 && final < peak / 2;
}

const stepText = (s: number): string => s.toLocaleString('en-US');

/** Checks a validation curve (in step order); undefined when it has no point. */
export function checkValidationCurve(curve: CurvePoint[], selected: CurvePoint, metric: string): ValidationCheck | undefined {
  const finite = curve.filter((p) => Number.isFinite(p.score));
  if (!curve.length) return undefined;
  const final = curve[curve.length - 1];
  // The first of equal peaks: the checkpoint selection keeps the first one too.
  const peak = finite.reduce<CurvePoint | undefined>((b, p) => (b === undefined || p.score > b.score ? p : b), undefined) ?? final;
  const out: ValidationCheck = { metric, peak, selected, final };
  if (isFarBelowPeak(peak.score, final.score)) {
    out.warning = `validation ${metric} peaked at ${peak.score.toFixed(2)} (step ${stepText(peak.step)}) and ended at ${final.score.toFixed(2)} (step ${stepText(final.step)}), `
      + `below half its peak: training past the peak fit the train split, not the market. The checkpoint scored is the one of step ${stepText(selected.step)}; `
      + 'a peak picked from many evaluations is optimistic, which the test split measures.';
  }
  return out;
}
