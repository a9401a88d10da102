// OHLCV aggregation of a stored series into a coarser timeframe: open = first, high = max,
// low = min, close = last, volume = sum, per bucket of the exchange grid (epoch-aligned; 1d at
// 00:00 UTC; multiples of a week on Monday 00:00 UTC, as Binance via ccxt — see barGrid). A bucket
// is emitted only when it is a bar the exchange could have served:
// - Edge buckets (reaching before the first or past the last source bar) are never emitted. Their
//   open would be the first bar we happen to have, not the bucket's open, and the last one may still
//   be trading: a backtest would see a "closed" 1d bar built from the morning only. Binance's own 5m
//   klines differ from the 1m ones aggregated in exactly such a bucket (tests/resample.test.ts).
// - Holes inside the series (source bars absent within a bucket) are aggregated by default: an
//   exchange builds its bar from the trades that happened, and Binance's 5m bar over a maintenance
//   hole equals the one 1m bar it has. `holes: 'drop'` leaves such buckets out instead. Either way
//   they are counted, so the caller can say so.
// - A source row with a non-finite value (a hole marked by repairCandles' gaps 'mark', or bad data)
//   makes its bucket a marked bar too (NaN open/high/low/close, volume 0): what is unknown stays
//   visible downstream instead of being averaged away.
// data/augment/resample.ts is the augmentation of that name (it keeps partial buckets on purpose).
import { barGrid, offGrid } from './clean/bar-grid.js';
import { assertSameLength } from './clean/row-values.js';
import { ConfigError, DataError } from './errors.js';
import { isoTime, timeframeMs } from './timeframe.js';
import type { Candles } from './types.js';
import { emptyCandles } from './types.js';

export interface ResampleOptions {
  /** Target bars open at `alignOffsetMs + k * timeframe`; default the exchange grid (see barGrid). */
  alignOffsetMs?: number;
  /**
   * The time the source series is known to cover, [from, to): its first bar's open to its last
   * bar's end. Buckets reaching outside it are edge buckets and are not emitted. Default
   * [first ts, last ts + one source bar). A store reader passes the span of the whole stored series,
   * so that reading a range gives exactly the bars of a full read in that range.
   */
  coverage?: { from: number; to: number };
  /** Buckets inside the coverage with source bars missing: 'aggregate' them (default) or 'drop' them. */
  holes?: 'aggregate' | 'drop';
}

export interface ResampleResult {
  /** The coarser series (timeframe = the target); a new series, the input is not modified. */
  candles: Candles;
  /** Source bars in a complete bucket (target / source timeframe). */
  barsPerBucket: number;
  /** Edge buckets left out: buckets reaching outside the coverage (0 to 2: the series starts or ends inside one). */
  edgeBuckets: number;
  /** Buckets with source bars missing inside the series: aggregated or dropped, per `holes`. */
  holeBuckets: number;
  /** Buckets emitted as marked bars because a source row in them had a non-finite value. */
  markedBuckets: number;
}

/**
 * Checks that `target` can be built from `source` bars (a whole multiple, not finer); throws
 * ConfigError naming both, and the series when given. Returns the number of source bars per bucket.
 */
export function resampleFactor(source: string, target: string, series = ''): number {
  const srcMs = timeframeMs(source, 'timeframe');
  const tgtMs = timeframeMs(target, 'timeframe');
  const what = `cannot resample ${series ? `${series} ` : ''}${source} candles to ${target}`;
  if (tgtMs < srcMs) throw new ConfigError('timeframe', `${what}: ${target} is finer than ${source} (resampling only aggregates)`);
  if (tgtMs % srcMs !== 0) {
    throw new ConfigError('timeframe', `${what}: ${target} is not a whole multiple of ${source}`);
  }
  return tgtMs / srcMs;
}

/**
 * Aggregates candles (strictly ascending ts, every ts on the source grid of the target buckets) into
 * `timeframe`; see the file header for edge buckets, holes and marked rows. Throws ConfigError for a
 * target that is not a whole multiple of the source timeframe, DataError naming the row for
 * unsorted, duplicate, non-finite or misaligned timestamps.
 */
export function resampleCandles(c: Candles, timeframe: string, opts: ResampleOptions = {}): ResampleResult {
  assertSameLength(c);
  const series = `${c.exchange} ${c.symbol}`;
  const barsPerBucket = resampleFactor(c.timeframe, timeframe, series);
  const srcMs = timeframeMs(c.timeframe);
  const grid = barGrid(timeframe, { alignOffsetMs: opts.alignOffsetMs });
  const tgtMs = grid.tfMs;
  const holes = opts.holes ?? 'aggregate';
  if (holes !== 'aggregate' && holes !== 'drop') throw new ConfigError('holes', `"${holes as string}" is not allowed; use aggregate, drop`);
  const { ts } = c;
  const n = ts.length;
  const none: ResampleResult = { candles: emptyCandles(c.exchange, c.symbol, timeframe), barsPerBucket, edgeBuckets: 0, holeBuckets: 0, markedBuckets: 0 };
  if (n === 0) return none;

  // Pass 1: validate the timestamps and count the buckets they fall in.
  let buckets = 0;
  let lastBucket = NaN;
  for (let i = 0; i < n; i++) {
    const t = ts[i];
    if (t - t !== 0) throw new DataError(`${series} ${c.timeframe}: ts is ${t}; resampling needs every bar's time (repair with invalid: 'drop')`, { row: i, column: 'ts' });
    if (i > 0 && !(t > ts[i - 1])) {
      throw new DataError(
        `${series} ${c.timeframe}: ts ${isoTime(t)} ${t === ts[i - 1] ? 'repeats' : 'comes before'} ${isoTime(ts[i - 1])}; resampling needs strictly ascending bars (repair with order: 'sort', duplicates: 'keep-last')`,
        { row: i, column: 'ts' },
      );
    }
    const off = offGrid(grid, t);
    if (off % srcMs !== 0) {
      throw new DataError(
        `${series} ${c.timeframe}: ts ${isoTime(t)} is ${off} ms into the ${timeframe} bar of ${isoTime(t - off)}, not a whole number of ${c.timeframe} bars, so its bar would straddle two ${timeframe} bars (repair with misaligned: 'drop', or pass alignOffsetMs)`,
        { row: i, column: 'ts' },
      );
    }
    const b = t - off;
    if (b !== lastBucket) { buckets++; lastBucket = b; }
  }

  const from = opts.coverage?.from ?? ts[0];
  const to = opts.coverage?.to ?? ts[n - 1] + srcMs;
  const out = emptyCandles(c.exchange, c.symbol, timeframe, buckets);
  let edgeBuckets = 0;
  let holeBuckets = 0;
  let markedBuckets = 0;
  let k = 0; // next output row
  let i = 0;
  // Pass 2: one run of rows per bucket; a run that is kept is written to row k.
  while (i < n) {
    const b = ts[i] - offGrid(grid, ts[i]);
    const end = b + tgtMs;
    let o = c.open[i], h = c.high[i], l = c.low[i], cl = c.close[i], v = 0;
    let count = 0;
    let marked = false;
    for (; i < n && ts[i] < end; i++) {
      const hi = c.high[i], lo = c.low[i], vi = c.volume[i];
      // x - x !== 0 exactly for NaN and +-Infinity.
      if (c.open[i] - c.open[i] !== 0 || hi - hi !== 0 || lo - lo !== 0 || c.close[i] - c.close[i] !== 0 || vi - vi !== 0) marked = true;
      if (hi > h) h = hi;
      if (lo < l) l = lo;
      cl = c.close[i];
      v += vi;
      count++;
    }
    if (b < from || end > to) { edgeBuckets++; continue; }
    if (count < barsPerBucket) {
      holeBuckets++;
      if (holes === 'drop') continue;
    }
    if (marked) {
      markedBuckets++;
      o = h = l = cl = NaN;
      v = 0;
    }
    out.ts[k] = b; out.open[k] = o; out.high[k] = h; out.low[k] = l; out.close[k] = cl; out.volume[k] = v;
    k++;
  }
  const candles = k === buckets ? out : {
    ...out,
    ts: out.ts.slice(0, k), open: out.open.slice(0, k), high: out.high.slice(0, k),
    low: out.low.slice(0, k), close: out.close.slice(0, k), volume: out.volume.slice(0, k),
  };
  return { candles, barsPerBucket, edgeBuckets, holeBuckets, markedBuckets };
}
