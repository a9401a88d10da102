// Aggregation to a coarser timeframe: first open, max high, min low, last close, summed volume,
// per grid bucket. Buckets follow the exchange grid (epoch-aligned; Monday 00:00 UTC for weeks,
// see data/clean/bar-grid.ts), so 60 1m bars from 13:00 become the 13:00 1h bar an exchange
// would serve. A bucket with no source bar yields no bar (gaps stay gaps); a partly filled
// bucket (series edges, holes) aggregates what it has.
import { barGrid, offGrid } from '../clean/bar-grid.js';
import { ConfigError, DataError } from '../errors.js';
import { timeframeMs } from '../timeframe.js';
import type { Candles } from '../types.js';
import { candlesLike } from './candle-guard.js';

export interface ResampleParams {
  /** Target timeframe (ccxt notation), a whole multiple of the series' timeframe. */
  timeframe: string;
}

export function resample(c: Candles, params: ResampleParams): Candles {
  const src = timeframeMs(c.timeframe);
  const grid = barGrid(params.timeframe);
  if (grid.tfMs % src !== 0) {
    throw new ConfigError('timeframe', `"${params.timeframe}" is not a whole multiple of the series' ${c.timeframe}`);
  }
  const { ts } = c;
  const n = ts.length;
  const bucketOf = (t: number): number => t - offGrid(grid, t);
  // Pass 1: count buckets (and insist on time order, which aggregation by runs relies on).
  let m = 0;
  let last = NaN;
  for (let i = 0; i < n; i++) {
    if (i > 0 && !(ts[i] > ts[i - 1])) {
      throw new DataError(`resample needs strictly ascending ts (clean the series first): ${ts[i]} after ${ts[i - 1]}`, { row: i, column: 'ts' });
    }
    const b = bucketOf(ts[i]);
    if (b !== last) { m++; last = b; }
  }
  const out = candlesLike(c, m, params.timeframe);
  let k = -1;
  last = NaN;
  for (let i = 0; i < n; i++) {
    const b = bucketOf(ts[i]);
    if (b !== last) {
      k++;
      last = b;
      out.ts[k] = b;
      out.open[k] = c.open[i];
      out.high[k] = c.high[i];
      out.low[k] = c.low[i];
      out.volume[k] = 0;
    } else {
      if (c.high[i] > out.high[k]) out.high[k] = c.high[i];
      if (c.low[i] < out.low[k]) out.low[k] = c.low[i];
    }
    out.close[k] = c.close[i];
    out.volume[k] += c.volume[i];
  }
  return out;
}
