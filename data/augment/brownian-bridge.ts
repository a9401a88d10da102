// Intrabar high/low for simulated bars. Given a bar's log return x and its variance v, the
// maximum of a Brownian bridge from 0 to x has P(max > m) = exp(-2 m (m - x) / v) for
// m >= max(0, x), which inverts in closed form; the minimum is the mirror image. High and low
// are drawn independently (the true pair is slightly dependent): a close approximation that
// costs two uniforms per bar instead of simulating sub-steps, and never leaves the body.

/** Log of high/open for a bar with log return x and variance v; u in (0, 1]. */
export function bridgeMax(x: number, v: number, u: number): number {
  return (x + Math.sqrt(x * x - 2 * v * Math.log(u))) / 2;
}

/** Log of low/open (<= min(0, x)); u in (0, 1]. */
export function bridgeMin(x: number, v: number, u: number): number {
  return (x - Math.sqrt(x * x - 2 * v * Math.log(u))) / 2;
}
