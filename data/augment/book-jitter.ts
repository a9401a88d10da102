// Log-normal jitter of L2 level sizes: size * exp(sigma z - sigma^2 / 2), independently per level
// and snapshot. The -sigma^2/2 keeps the expected size (and so the expected depth a market order
// walks through) unchanged. Prices are copied: the book's shape in price is the market's, the
// queue sizes are what varies between otherwise similar moments. A 0 size (missing level) stays
// 0, so thin books stay thin; a size > 0 stays > 0.
import type { Books } from '../types.js';
import { nonNegative } from './params.js';
import type { RngLike } from './rng-like.js';
import { toRng } from './rng-like.js';

export interface BookJitterParams {
  /** Log-sd of the size multiplier. */
  sigma: number;
}

export function jitterBookSizes(b: Books, params: BookJitterParams, rng: RngLike): Books {
  const sigma = nonNegative('sigma', params.sigma);
  const r = toRng(rng);
  const shift = -(sigma * sigma) / 2;
  const jitter = (src: Float64Array): Float64Array => {
    const dst = new Float64Array(src.length);
    for (let i = 0; i < src.length; i++) {
      const s = src[i];
      if (s > 0 && sigma > 0) {
        const j = s * Math.exp(sigma * r.normal() + shift);
        dst[i] = j > 0 && j < Infinity ? j : s; // underflow guard for absurd sigma: never turn a level into a hole
      } else {
        dst[i] = s;
      }
    }
    return dst;
  };
  return {
    exchange: b.exchange, symbol: b.symbol, depth: b.depth,
    ts: b.ts.slice(), bidPx: b.bidPx.slice(), askPx: b.askPx.slice(),
    bidSz: jitter(b.bidSz), askSz: jitter(b.askSz),
  };
}
