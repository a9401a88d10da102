// The mean block length of the stationary bootstrap, chosen from the data: the automatic rule of
// D. N. Politis and H. White, "Automatic Block-Length Selection for the Dependent Bootstrap",
// Econometric Reviews 23(1), 2004, with the correction of A. Patton, D. N. Politis and H. White,
// Econometric Reviews 28(4), 2009, to the stationary bootstrap's constant D_SB.
//
//   R(k)   = (1/n) sum_{t=1}^{n-|k|} (x_t - xbar)(x_{t+|k|} - xbar)      sample autocovariance
//   m_hat  = the smallest m >= 0 with |rho(m + k)| < c sqrt(log10(n) / n) for k = 1..K_N
//            (c = 2, K_N = max(5, ceil(sqrt(log10 n))); PW 2004 section 3.2, after Politis 2003),
//            else the largest significant lag below m_max = ceil(sqrt n) + K_N
//   M      = min(2 m_hat, m_max)
//   lambda(t) = 1 for |t| <= 1/2, 2 (1 - |t|) for 1/2 < |t| <= 1, 0 beyond  (flat-top lag window)
//   G_hat  = sum_{k=-M}^{M} lambda(k/M) |k| R(k)
//   g_hat  = sum_{k=-M}^{M} lambda(k/M) R(k)            (2 pi times the spectral density at 0)
//   D_SB   = 2 g_hat^2                                  (PPW 2009; PW 2004 had an extra term)
//   b_SB   = (2 G_hat^2 / D_SB)^(1/3) n^(1/3) = (G_hat / g_hat)^(2/3) n^(1/3)
//
// b_SB minimises the MSE of the stationary bootstrap's estimate of the variance of the mean. For an
// AR(1) with coefficient phi it tends to (2 phi / (1 - phi^2))^(2/3) n^(1/3) (the tests check it).
// Clamped to [1, b_max] with b_max = ceil(min(3 sqrt n, n / 3)), the bound of Patton's reference
// code: 1 (no significant autocorrelation, M = 0, a constant series, or fewer than 8 values) is the
// iid bootstrap; the upper bound keeps a resample from being a handful of long blocks.
// The paired bootstrap (stationary-bootstrap.ts) takes the larger of the policy's and the
// benchmark's b_SB. It is chosen for the mean; a per-bar Sharpe ratio is small (|SR| << 1), so its
// variance is dominated by that of the mean and the same length serves it.

/** Mean block length of the stationary bootstrap for the series x (see the formulas above). */
export function stationaryBlockLength(x: ArrayLike<number>): number {
  const n = x.length;
  if (n < 8) return 1;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i];
  mean /= n;
  const kN = Math.max(5, Math.ceil(Math.sqrt(Math.log10(n))));
  const mMax = Math.min(n - 1, Math.ceil(Math.sqrt(n)) + kN);
  const bMax = Math.ceil(Math.min(3 * Math.sqrt(n), n / 3));
  const R = autocovariance(x, mean, mMax + kN);
  if (!(R[0] > 0)) return 1; // a constant series: nothing to preserve
  const threshold = 2 * Math.sqrt(Math.log10(n) / n);
  const insignificant = (k: number) => k >= R.length || Math.abs(R[k] / R[0]) < threshold;
  let mHat = -1;
  for (let m = 0; m <= mMax && mHat < 0; m++) {
    let all = true;
    for (let k = 1; k <= kN && all; k++) all = insignificant(m + k);
    if (all) mHat = m;
  }
  if (mHat < 0) {
    // No run of K_N insignificant lags up to m_max: the largest significant lag (Patton's code).
    mHat = 0;
    for (let k = mMax; k >= 1; k--) if (!insignificant(k)) { mHat = k; break; }
  }
  const M = Math.min(2 * mHat, mMax);
  if (M === 0) return 1;
  let G = 0;
  let g = R[0];
  for (let k = 1; k <= M; k++) {
    const w = flatTop(k / M);
    G += 2 * w * k * R[k];
    g += 2 * w * R[k];
  }
  if (g === 0 || G === 0) return 1;
  const b = Math.cbrt((G * G) / (g * g)) * Math.cbrt(n);
  return Math.min(bMax, Math.max(1, b));
}

/** The trapezoidal flat-top lag window of Politis and Romano (1995). */
function flatTop(t: number): number {
  const a = Math.abs(t);
  return a <= 0.5 ? 1 : a <= 1 ? 2 * (1 - a) : 0;
}

/** R(0..maxLag) with divisor n (the positive-definite estimator). */
function autocovariance(x: ArrayLike<number>, mean: number, maxLag: number): Float64Array {
  const n = x.length;
  const L = Math.min(maxLag, n - 1);
  const R = new Float64Array(L + 1);
  for (let k = 0; k <= L; k++) {
    let s = 0;
    for (let t = 0; t + k < n; t++) s += (x[t] - mean) * (x[t + k] - mean);
    R[k] = s / n;
  }
  return R;
}
