// Geometric Brownian motion candles and the matching fit. Units are per bar: a bar's log return
// is N(mu - sigma^2 / 2, sigma^2), so mu is the expected simple return per bar (dS/S = mu dt +
// sigma dW with dt = 1 bar) and fitGbm(gbmPaths(p)) gives back p's mu and sigma.
import { DataError } from '../errors.js';
import { timeframeMs, parseTime } from '../timeframe.js';
import type { Candles } from '../types.js';
import { emptyCandles } from '../types.js';
import { assertPositivePrices } from './candle-guard.js';
import { bridgeMax, bridgeMin } from './brownian-bridge.js';
import { finite, nonNegative, positive, positiveInt } from './params.js';
import type { RngLike } from './rng-like.js';
import { toRng } from './rng-like.js';

export interface GbmParams {
  /** Open of the first bar. */
  s0: number;
  /** Drift per bar (expected simple return). */
  mu: number;
  /** Volatility per bar (std of the log return). */
  sigma: number;
  /** Number of bars. */
  n: number;
  timeframe: string;
  /** Open time of the first bar: epoch ms or ISO 8601. */
  start: number | string;
  /** Mean volume per bar (log-normal, log-sd 0.5, independent of price). Default 1. */
  volume?: number;
  /** Key of the synthetic series. Defaults "synthetic" / "SYN/USD". */
  exchange?: string;
  symbol?: string;
}

/** Log-sd of synthetic volume: real bar volumes vary by roughly this much around their level. */
export const VOLUME_LOG_SD = 0.5;

export function gbmPaths(p: GbmParams, rng: RngLike): Candles {
  const s0 = positive('s0', p.s0);
  const mu = finite('mu', p.mu);
  const sigma = nonNegative('sigma', p.sigma);
  const n = positiveInt('n', p.n);
  const tf = timeframeMs(p.timeframe);
  const start = parseTime(p.start, 'start');
  const meanVol = nonNegative('volume', p.volume ?? 1);
  const r = toRng(rng);
  const out = emptyCandles(p.exchange ?? 'synthetic', p.symbol ?? 'SYN/USD', p.timeframe, n);
  const v = sigma * sigma;
  const drift = mu - v / 2;
  const volShift = -(VOLUME_LOG_SD * VOLUME_LOG_SD) / 2; // makes the log-normal's mean meanVol
  let price = s0;
  for (let i = 0; i < n; i++) {
    const x = drift + sigma * r.normal();
    // 1 - next() is in (0, 1]: log never sees 0.
    const hi = bridgeMax(x, v, 1 - r.next());
    const lo = bridgeMin(x, v, 1 - r.next());
    out.ts[i] = start + i * tf;
    out.open[i] = price;
    out.high[i] = price * Math.exp(hi);
    out.low[i] = price * Math.exp(lo);
    price = out.close[i] = price * Math.exp(x);
    out.volume[i] = meanVol * Math.exp(VOLUME_LOG_SD * r.normal() + volShift);
    if (out.high[i] < price) out.high[i] = price; // rounding: exp(hi) vs exp(x) when hi ~ x
    if (out.low[i] > price) out.low[i] = price;
  }
  return out;
}

export interface GbmFit {
  /** Drift per bar (expected simple return): mean log return + sigma^2 / 2. */
  mu: number;
  /** Std of the close-to-close log return per bar (sample, n - 1). */
  sigma: number;
  /** Mean close-to-close log return per bar. */
  meanLogReturn: number;
  /** Returns used (bars - 1). */
  n: number;
}

/** Close-to-close log returns, length bars - 1. */
export function logReturns(c: Candles): Float64Array {
  assertPositivePrices(c, 'logReturns');
  const n = c.close.length;
  const r = new Float64Array(Math.max(n - 1, 0));
  for (let i = 1; i < n; i++) r[i - 1] = Math.log(c.close[i] / c.close[i - 1]);
  return r;
}

export function fitGbm(c: Candles): GbmFit {
  const r = logReturns(c);
  const n = r.length;
  if (n < 2) throw new DataError(`fitGbm needs at least 3 bars, got ${c.close.length}`);
  let mean = 0;
  for (let i = 0; i < n; i++) mean += r[i];
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (r[i] - mean) * (r[i] - mean);
  const sigma = Math.sqrt(ss / (n - 1));
  return { mu: mean + (sigma * sigma) / 2, sigma, meanLogReturn: mean, n };
}
