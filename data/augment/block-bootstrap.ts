// Block bootstrap of whole bars. Each bar i >= 1 is kept as its shape relative to the previous
// close: open/prevClose (the gap), high/open, low/open, close/open and its volume. Resampling
// blocks of consecutive shapes keeps the short-range dependence (volatility clusters, wick
// patterns) that an i.i.d. bootstrap destroys; chaining them from bar 0 rebuilds a price path.
// Ratios are the exp of the log shapes, so multiplying them is the same rebuild without log/exp.
//
// Blocks wrap around the end (circular): every bar is then drawn with the same probability,
// where a plain moving-block bootstrap under-samples the first and last blockSize bars.
// `stationary: true` is Politis & Romano (1994): block lengths are geometric with mean
// blockSize, so the resampled series is itself stationary.
import type { Candles } from '../types.js';
import { assertPositivePrices, candlesLike, clampBar } from './candle-guard.js';
import { positiveInt } from './params.js';
import type { RngLike } from './rng-like.js';
import { toRng } from './rng-like.js';

export interface BlockBootstrapParams {
  /** Bars per block (the mean block length when stationary); clamped to the series length. */
  blockSize: number;
  /** Politis-Romano stationary bootstrap (geometric block lengths). Default false. */
  stationary?: boolean;
}

/**
 * Which source shape feeds each output position: `n` indices into [0, n), drawn in circular
 * blocks. Exposed so tests (and diagnostics) can see the resampling itself.
 */
export function bootstrapIndex(n: number, params: BlockBootstrapParams, rng: RngLike): Int32Array {
  const r = toRng(rng);
  const block = Math.min(positiveInt('blockSize', params.blockSize), Math.max(n, 1));
  const idx = new Int32Array(n);
  if (params.stationary) {
    const pNew = 1 / block;
    let j = r.int(n);
    for (let k = 0; k < n; k++) {
      if (k > 0) j = r.next() < pNew ? r.int(n) : (j + 1 === n ? 0 : j + 1);
      idx[k] = j;
    }
  } else {
    for (let k = 0; k < n;) {
      let j = r.int(n);
      for (let b = 0; b < block && k < n; b++, k++) {
        idx[k] = j;
        j = j + 1 === n ? 0 : j + 1;
      }
    }
  }
  return idx;
}

/**
 * A bootstrapped series of the same length and ts as `c`: bar 0 is copied, bars 1.. are shapes of
 * bars 1.. of `c` drawn in blocks and chained from bar 0's close.
 */
export function blockBootstrap(c: Candles, params: BlockBootstrapParams, rng: RngLike): Candles {
  assertPositivePrices(c, 'blockBootstrap');
  const n = c.ts.length;
  const out = candlesLike(c, n);
  out.ts.set(c.ts);
  if (n === 0) return out;
  const { open, high, low, close, volume } = c;
  out.open[0] = open[0]; out.high[0] = high[0]; out.low[0] = low[0]; out.close[0] = close[0]; out.volume[0] = volume[0];
  const idx = bootstrapIndex(n - 1, params, rng);
  let prev = close[0];
  for (let k = 1; k < n; k++) {
    const s = idx[k - 1] + 1;
    const o = prev * (open[s] / close[s - 1]);
    const f = o / open[s];
    out.open[k] = o;
    out.high[k] = high[s] * f;
    out.low[k] = low[s] * f;
    prev = out.close[k] = close[s] * f;
    out.volume[k] = volume[s];
    clampBar(out, k);
  }
  return out;
}
