// Noise on the close-to-close log returns r_i = log(close_i / close_{i-1}):
//   multiplicative (default): r_i' = r_i * (1 + sigma * z_i)  -- jitters each move's size, keeps
//                             flat bars flat and (for sigma < ~0.3) each move's direction;
//   additive:                 r_i' = r_i + sigma * z_i       -- classic jitter, sigma in log units.
// The whole bar i is multiplied by exp(sum of the changes so far), so its open/high/low keep their
// ratio to its close: one positive factor per bar cannot reorder low <= open,close <= high, and
// sigma = 0 gives factor exactly 1, i.e. an identical copy. Bar 0 is the anchor and is unchanged.
import type { Candles } from '../types.js';
import { assertPositivePrices, candlesLike } from './candle-guard.js';
import { nonNegative } from './params.js';
import type { RngLike } from './rng-like.js';
import { toRng } from './rng-like.js';
import { ConfigError } from '../errors.js';

export type NoiseMode = 'multiplicative' | 'additive';

export interface GaussianNoiseParams {
  /** Standard deviation of z's multiplier: relative (multiplicative) or log units (additive). */
  sigma: number;
  /** Default 'multiplicative'. */
  mode?: NoiseMode;
}

export function gaussianNoise(c: Candles, params: GaussianNoiseParams, rng: RngLike): Candles {
  const sigma = nonNegative('sigma', params.sigma);
  const mode = params.mode ?? 'multiplicative';
  if (mode !== 'multiplicative' && mode !== 'additive') {
    throw new ConfigError('mode', `"${String(mode)}" is not allowed; use multiplicative, additive`);
  }
  assertPositivePrices(c, 'gaussianNoise');
  const r = toRng(rng);
  const n = c.ts.length;
  const out = candlesLike(c, n);
  out.ts.set(c.ts);
  out.volume.set(c.volume);
  const { open, high, low, close } = c;
  const mult = mode === 'multiplicative';
  let drift = 0; // log of the factor applied to the current bar
  let factor = 1;
  for (let i = 0; i < n; i++) {
    if (i > 0 && sigma > 0) {
      const z = r.normal();
      drift += mult ? sigma * z * Math.log(close[i] / close[i - 1]) : sigma * z;
      factor = Math.exp(drift);
    }
    out.open[i] = open[i] * factor;
    out.high[i] = high[i] * factor;
    out.low[i] = low[i] * factor;
    out.close[i] = close[i] * factor;
  }
  return out;
}
