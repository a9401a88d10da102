// Random smooth time warping: the market plays faster in some stretches and slower in others.
//
// The source is read as a continuous log-price path over bar time t in [0, n]: P(0) = open_0,
// P(i + 1) = close_i, log-linear in between. A warp tau maps output bar times [0, m] onto [0, n]
// (m = round(n / factor)); its local speed is exp(strength * g) with g a smooth random curve
// (cosine interpolation of `knots + 1` standard normals), normalised so tau(m) = n. Output bar j
// covers source time [tau(j), tau(j+1)]:
//   open = P(tau(j)) (= the previous output close), close = P(tau(j+1)),
//   volume = source volume integrated over the span (each source bar's volume spread evenly),
//   high/low = the path's extremes over the span widened by each overlapped source bar's
//   excursion beyond its segment (log high/max(P(i), P(i+1)), likewise for low) times
//   sqrt(overlap): a Brownian range grows with the square root of time, so half a bar gets
//   ~0.71 of it. A fully covered source bar keeps its exact high and low, so compressing by a
//   whole factor k with strength 0 gives the k-bar envelope (plus any close the path runs through).
// It is an approximation (a source bar's own open is not on the path: gaps between close_{i-1}
// and open_i are smoothed away); with strength 0 and factor 1 it returns the series with each
// open set to the previous close.
// ts restarts on the timeframe grid at the first ts: the warped series is a new history.
import type { Candles } from '../types.js';
import { timeframeMs } from '../timeframe.js';
import { assertPositivePrices, candlesLike, clampBar } from './candle-guard.js';
import { nonNegative, positive, positiveInt } from './params.js';
import type { RngLike } from './rng-like.js';
import { toRng } from './rng-like.js';

export interface TimeWarpParams {
  /** Mean source bars per output bar: 2 plays twice as fast (half the bars). Default 1. */
  factor?: number;
  /** Std of the log speed: 0 is a uniform rate change, 0.5 varies speed by ~x1.6 (1 sd). Default 0.3. */
  strength?: number;
  /** Independent speed knots across the series (more = speed changes more often). Default 8. */
  knots?: number;
}

/** Cumulative warp tau[0..m] (source bar time at each output bar boundary). */
export function warpBoundaries(n: number, m: number, strength: number, knots: number, rng: RngLike): Float64Array {
  const r = toRng(rng);
  const g = new Float64Array(knots + 1);
  for (let k = 0; k <= knots; k++) g[k] = r.normal();
  const tau = new Float64Array(m + 1);
  for (let j = 0; j < m; j++) {
    const x = ((j + 0.5) / m) * knots;
    const k = Math.min(Math.floor(x), knots - 1);
    const w = (1 - Math.cos(Math.PI * (x - k))) / 2; // cosine blend: smooth speed at the knots
    tau[j + 1] = tau[j] + Math.exp(strength * (g[k] * (1 - w) + g[k + 1] * w));
  }
  const scale = n / tau[m];
  for (let j = 1; j < m; j++) tau[j] *= scale;
  tau[m] = n;
  return tau;
}

export function timeWarp(c: Candles, params: TimeWarpParams, rng: RngLike): Candles {
  const factor = positive('factor', params.factor ?? 1);
  const strength = nonNegative('strength', params.strength ?? 0.3);
  const knots = positiveInt('knots', params.knots ?? 8);
  const tf = timeframeMs(c.timeframe);
  assertPositivePrices(c, 'timeWarp');
  const n = c.ts.length;
  if (n === 0) return candlesLike(c, 0);
  const m = Math.max(1, Math.round(n / factor));
  const tau = warpBoundaries(n, m, strength, knots, rng);

  // Log path at integer bar times, and each source bar's excursion beyond its path segment
  // [P(i), P(i+1)] in log units. Measured from the segment, not the bar's own open, so a bar that
  // opens away from the previous close (a gap) still contributes its full high/low when covered.
  const lp = new Float64Array(n + 1);
  const up = new Float64Array(n);
  const dn = new Float64Array(n);
  lp[0] = Math.log(c.open[0]);
  for (let i = 0; i < n; i++) {
    const a = i === 0 ? c.open[0] : c.close[i - 1];
    const b = c.close[i];
    lp[i + 1] = Math.log(b);
    up[i] = Math.max(0, Math.log(c.high[i] / (a > b ? a : b)));
    dn[i] = Math.max(0, Math.log((a < b ? a : b) / c.low[i]));
  }
  const at = (t: number): number => {
    const i = t >= n ? n - 1 : Math.floor(t);
    return lp[i] + (t - i) * (lp[i + 1] - lp[i]);
  };

  const out = candlesLike(c, m);
  const t0 = c.ts[0];
  let prevClose = c.open[0];
  for (let j = 0; j < m; j++) {
    const a = tau[j];
    const b = tau[j + 1];
    const la = at(a);
    const lb = at(b);
    let hi = la > lb ? la : lb;
    let lo = la < lb ? la : lb;
    let vol = 0;
    const last = Math.min(Math.ceil(b), n) - 1;
    for (let i = Math.min(Math.floor(a), n - 1); i <= last; i++) {
      const s = a > i ? a : i;
      const e = b < i + 1 ? b : i + 1;
      const f = e - s;
      if (f <= 0) continue;
      const ls = s === a ? la : at(s);
      const le = e === b ? lb : at(e);
      const rootF = Math.sqrt(f);
      const h = (ls > le ? ls : le) + up[i] * rootF;
      const l = (ls < le ? ls : le) - dn[i] * rootF;
      if (h > hi) hi = h;
      if (l < lo) lo = l;
      vol += f * c.volume[i];
    }
    out.ts[j] = t0 + j * tf;
    out.open[j] = prevClose;
    prevClose = out.close[j] = Math.exp(lb);
    out.high[j] = Math.exp(hi);
    out.low[j] = Math.exp(lo);
    out.volume[j] = vol;
    clampBar(out, j);
  }
  return out;
}
