// Windows of feature rows for sequence models. A window "ending at t" is rows t - L + 1 .. t of a
// row-major [T, F] matrix: it uses data up to bar t only (each row already does), so a
// prediction from it is known at the close of bar t.
import type { Range } from '../../envs/splits.js';

/** Whether rows t - L + 1 .. t exist and are all finite (no indicator warm-up NaN inside). */
export function windowReady(values: Float32Array, F: number, t: number, L: number): boolean {
  if (t - L + 1 < 0) return false;
  for (let k = (t - L + 1) * F, e = (t + 1) * F; k < e; k++) if (!Number.isFinite(values[k])) return false;
  return true;
}

/**
 * Window ends t usable for fitting on `range`: the label at t exists (`hasLabel`) and its
 * horizon ends inside the range (t + horizon < range.to: no label looks into the next split).
 * With `ownRowsOnly`, the whole window lies in the range too (training windows).
 */
export function windowEnds(
  values: Float32Array, F: number, L: number, range: Range, horizon: number, hasLabel: (t: number) => boolean, ownRowsOnly: boolean,
): Int32Array {
  const out: number[] = [];
  const first = ownRowsOnly ? range.from + L - 1 : range.from;
  for (let t = Math.max(first, L - 1); t + horizon < range.to; t++) if (hasLabel(t) && windowReady(values, F, t, L)) out.push(t);
  return Int32Array.from(out);
}

/** Copies the windows ending at ends[from .. from + n) into `dst` ([n, L, F]). */
export function gatherWindows(values: Float32Array, F: number, L: number, ends: ArrayLike<number>, from: number, n: number, dst: Float32Array): void {
  const W = L * F;
  for (let b = 0; b < n; b++) {
    const t = ends[from + b];
    dst.set(values.subarray((t - L + 1) * F, (t + 1) * F), b * W);
  }
}
