// Reads candles of any timeframe the store can serve: the stored series itself when there is one,
// else a finer stored series of the same exchange and symbol resampled (see findCandleStore for
// which one, data/resample-candles.ts for the aggregation rules).
import type { Candles } from '../types.js';
import { barGrid, offGrid } from '../clean/bar-grid.js';
import { resampleCandles, type ResampleOptions, type ResampleResult } from '../resample-candles.js';
import { timeframeMs } from '../timeframe.js';
import { candleFiles, readCandles, type CandleKey, type TimeRange } from './candle-store.js';
import { queryNumericColumns, sqlString } from './duckdb.js';
import { findCandleStore, type CandleLocation } from './find-candles.js';

export interface ResampledCandles {
  /** Bars of `key.timeframe` with open time in the range asked for. */
  candles: Candles;
  /** Where they came from: `source.timeframe` is the stored series read, `source.resampled` says it was finer. */
  source: CandleLocation;
  /** The resampling counts (edge buckets left out, buckets with holes, marked buckets); only when resampled. */
  resample?: Omit<ResampleResult, 'candles'>;
  /** One line for the user when the bars were resampled ("... 1d resampled from 1h ..."). */
  note?: string;
}

/**
 * Candles of `key` with open time in [range.from, range.to). When only a finer series is stored,
 * the source rows read are widened to whole buckets, and buckets are judged complete against the
 * span of the whole stored series, so a range read returns exactly the bars a full read has there.
 */
export async function readCandlesResampled(
  store: string, key: CandleKey, range: TimeRange = {}, opts: Pick<ResampleOptions, 'holes'> = {},
): Promise<ResampledCandles> {
  const source = await findCandleStore(store, key, { resample: true });
  if (!source.resampled) return { candles: await readCandles(source.store, key, range), source };
  const srcKey = { ...key, timeframe: source.timeframe };
  const grid = barGrid(key.timeframe);
  // The first bucket opening at or after t: buckets opening before range.from are not asked for,
  // and the last bucket opening before range.to needs its source bars up to the next grid point.
  const ceilGrid = (t: number | undefined) => {
    if (t === undefined) return undefined;
    const off = offGrid(grid, t);
    return off === 0 ? t : t - off + grid.tfMs;
  };
  const span = await storedSpan(source.store, srcKey);
  const rows = await readCandles(source.store, srcKey, { from: ceilGrid(range.from), to: ceilGrid(range.to) });
  const { candles, ...counts } = resampleCandles(rows, key.timeframe, {
    coverage: { from: span.first, to: span.last + timeframeMs(source.timeframe) },
    holes: opts.holes,
  });
  return { candles, source, resample: counts, note: resampleNote(key, source, candles.ts.length, counts, opts.holes) };
}

/** "coinbase BTC/USD 1d resampled from 1h (shipped sample): 837 bars; 2 partial buckets at the series edges left out". */
export function resampleNote(
  key: CandleKey, source: CandleLocation, bars: number, r: Omit<ResampleResult, 'candles'>, holes: ResampleOptions['holes'] = 'aggregate',
): string {
  const parts = [`${key.exchange} ${key.symbol} ${key.timeframe} resampled from ${source.timeframe} (${source.isSample ? 'shipped sample' : source.store}): ${bars} bars`];
  const s = (n: number) => (n === 1 ? '' : 's');
  if (r.edgeBuckets) parts.push(`${r.edgeBuckets} partial bucket${s(r.edgeBuckets)} at the series edges left out`);
  if (r.holeBuckets) {
    const what = holes === 'drop' ? 'left out' : 'aggregated from the bars there';
    parts.push(`${r.holeBuckets} bucket${s(r.holeBuckets)} with fewer than ${r.barsPerBucket} ${source.timeframe} bars ${what}`);
  }
  if (r.markedBuckets) parts.push(`${r.markedBuckets} bar${s(r.markedBuckets)} marked NaN (a marked ${source.timeframe} row in them)`);
  return parts.join('; ');
}

/** Open time of the first and last stored bar of a series (min of its first file, max of its last). */
async function storedSpan(store: string, key: CandleKey): Promise<{ first: number; last: number }> {
  const files = await candleFiles(store, key);
  const { columns } = await queryNumericColumns(
    `SELECT (SELECT min(ts) FROM read_parquet(${sqlString(files[0])}))::DOUBLE,
            (SELECT max(ts) FROM read_parquet(${sqlString(files[files.length - 1])}))::DOUBLE`,
  );
  return { first: columns[0][0], last: columns[1][0] };
}
