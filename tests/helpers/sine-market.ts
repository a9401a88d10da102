// The synthetic learnable market of the learning tests: log price = amplitude * sin(2 pi t /
// period) + noise, each bar opening at the previous close. An agent that learns the cycle earns
// most of what an oracle of the next bar's direction earns; buy-and-hold and random do not.
import { makeRng } from '../../data/random.js';
import type { Candles } from '../../data/types.js';

export function sineCandles(n: number, period: number, amplitude: number, noise: number, seed: number): Candles {
  const rng = makeRng(seed);
  const close = new Float64Array(n);
  for (let t = 0; t < n; t++) close[t] = 100 * Math.exp(amplitude * Math.sin((2 * Math.PI * t) / period) + noise * rng.normal());
  const open = Float64Array.from(close, (_, t) => close[Math.max(0, t - 1)]);
  return {
    exchange: 'synthetic', symbol: 'SINE/USD', timeframe: '1h', ts: Float64Array.from({ length: n }, (_, t) => t * 3_600_000),
    open, close, high: Float64Array.from(close, (x, t) => Math.max(x, open[t])), low: Float64Array.from(close, (x, t) => Math.min(x, open[t])),
    volume: new Float64Array(n).fill(1e9),
  };
}
