// Volatility scaling: every price p becomes p0 * (p / p0)^s with p0 the first open, i.e. all log
// returns (close-to-close and intrabar) are multiplied by s. s > 0 is monotone, so bars stay
// ordered (up to rounding, which clampBar fixes). `range` draws s uniformly per call, so an env
// gets calmer and wilder versions of the same market across episodes.
import type { Candles } from '../types.js';
import { ConfigError } from '../errors.js';
import { assertPositivePrices, candlesLike, clampBar } from './candle-guard.js';
import { positive } from './params.js';
import type { RngLike } from './rng-like.js';
import { toRng } from './rng-like.js';

/** Exactly one of `scale` (fixed) or `range` (uniform draw in [lo, hi]). */
export interface MagnitudeScaleParams {
  scale?: number;
  range?: readonly [number, number];
}

/** The factor s the params ask for (draws from rng only for a range). */
export function drawScale(params: MagnitudeScaleParams, rng: RngLike): number {
  const { scale, range } = params;
  if ((scale === undefined) === (range === undefined)) {
    throw new ConfigError('scale', 'give exactly one of scale (a number > 0) or range ([lo, hi] with 0 < lo <= hi)');
  }
  if (scale !== undefined) return positive('scale', scale);
  const [lo, hi] = range as readonly [number, number];
  positive('range[0]', lo);
  positive('range[1]', hi);
  if (hi < lo) throw new ConfigError('range', `[${lo}, ${hi}]: lo must be <= hi`);
  return lo + (hi - lo) * toRng(rng).next();
}

export function magnitudeScale(c: Candles, params: MagnitudeScaleParams, rng: RngLike): Candles {
  const s = drawScale(params, rng);
  assertPositivePrices(c, 'magnitudeScale');
  const n = c.ts.length;
  const out = candlesLike(c, n);
  out.ts.set(c.ts);
  out.volume.set(c.volume);
  if (n === 0) return out;
  const cols = [[c.open, out.open], [c.high, out.high], [c.low, out.low], [c.close, out.close]] as const;
  const p0 = c.open[0];
  // s = 1 is a copy: exp(log(x)) would only add rounding.
  for (const [src, dst] of cols) {
    if (s === 1) { dst.set(src); continue; }
    for (let i = 0; i < n; i++) dst[i] = p0 * Math.pow(src[i] / p0, s);
  }
  for (let i = 0; i < n; i++) clampBar(out, i);
  return out;
}
