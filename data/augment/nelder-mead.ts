// Derivative-free minimisation (Nelder & Mead 1965, standard coefficients 1, 2, 1/2, 1/2).
// Enough for the few smooth, transformed parameters of a likelihood; callers map constrained
// parameters to all of R^d so the simplex can never step outside the feasible set.

export interface NelderMeadOptions {
  /** Initial simplex edge per coordinate (a number for all). Default 0.1. */
  step?: number | readonly number[];
  /** Stop after this many iterations. Default 200 * d. */
  maxIter?: number;
  /** Stop when the simplex's f values span less than this (absolute). Default 1e-9. */
  tolF?: number;
  /** ...and its vertices lie within this of the best one (max norm). Default 1e-7. */
  tolX?: number;
}

export interface NelderMeadResult {
  x: Float64Array;
  fx: number;
  iterations: number;
  evaluations: number;
  converged: boolean;
}

/** Minimises f from x0. A NaN f counts as +Infinity (a rejected point). */
export function nelderMead(f: (x: Float64Array) => number, x0: ArrayLike<number>, opts: NelderMeadOptions = {}): NelderMeadResult {
  const d = x0.length;
  const maxIter = opts.maxIter ?? 200 * d;
  const tolF = opts.tolF ?? 1e-9;
  const tolX = opts.tolX ?? 1e-7;
  let evaluations = 0;
  const fx = (x: Float64Array): number => {
    evaluations++;
    const v = f(x);
    return Number.isNaN(v) ? Infinity : v;
  };
  // Simplex: d + 1 vertices, kept sorted by value (best first).
  const pts: Float64Array[] = [];
  const vals: number[] = [];
  for (let k = 0; k <= d; k++) {
    const p = Float64Array.from(x0);
    if (k > 0) {
      const s = opts.step === undefined ? 0.1 : typeof opts.step === 'number' ? opts.step : opts.step[k - 1];
      p[k - 1] += s;
    }
    pts.push(p);
    vals.push(fx(p));
  }
  const order = (): void => {
    const idx = pts.map((_, i) => i).sort((a, b) => vals[a] - vals[b]);
    const p2 = idx.map((i) => pts[i]);
    const v2 = idx.map((i) => vals[i]);
    for (let i = 0; i <= d; i++) { pts[i] = p2[i]; vals[i] = v2[i]; }
  };
  const centroid = new Float64Array(d);
  const along = (t: number): Float64Array => {
    // centroid + t * (centroid - worst)
    const p = new Float64Array(d);
    for (let i = 0; i < d; i++) p[i] = centroid[i] + t * (centroid[i] - pts[d][i]);
    return p;
  };
  let iterations = 0;
  let converged = false;
  order();
  while (iterations < maxIter) {
    let spread = 0;
    for (let k = 1; k <= d; k++) for (let i = 0; i < d; i++) spread = Math.max(spread, Math.abs(pts[k][i] - pts[0][i]));
    if (vals[d] - vals[0] <= tolF && spread <= tolX) { converged = true; break; }
    iterations++;
    centroid.fill(0);
    for (let k = 0; k < d; k++) for (let i = 0; i < d; i++) centroid[i] += pts[k][i] / d;
    const xr = along(1);
    const fr = fx(xr);
    if (fr < vals[0]) {
      const xe = along(2);
      const fe = fx(xe);
      if (fe < fr) { pts[d] = xe; vals[d] = fe; } else { pts[d] = xr; vals[d] = fr; }
    } else if (fr < vals[d - 1]) {
      pts[d] = xr; vals[d] = fr;
    } else {
      // Contract towards the better of the worst point and its reflection.
      const outside = fr < vals[d];
      const xc = along(outside ? 0.5 : -0.5);
      const fc = fx(xc);
      if (fc < (outside ? fr : vals[d])) {
        pts[d] = xc; vals[d] = fc;
      } else {
        for (let k = 1; k <= d; k++) {
          for (let i = 0; i < d; i++) pts[k][i] = pts[0][i] + 0.5 * (pts[k][i] - pts[0][i]);
          vals[k] = fx(pts[k]);
        }
      }
    }
    order();
  }
  return { x: pts[0], fx: vals[0], iterations, evaluations, converged };
}
