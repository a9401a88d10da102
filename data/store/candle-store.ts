// Candles in the Parquet store: upsert by bar time, read any time range into typed arrays.
import { join } from 'node:path';
import type { Candles } from '../types.js';
import { emptyCandles } from '../types.js';
import { timeframeMs } from '../timeframe.js';
import { listParquet } from './atomic-parquet.js';
import { queryNumericColumns, sqlString, type ColumnData } from './duckdb.js';
import { partitionRange, seriesDir } from './layout.js';
import { assertStrictlyIncreasing, partitionRuns, stagePartition, upsertPartitions, type UpsertResult } from './partitioned-table.js';
import { commitFiles, ensureConsistent, withSeries } from './series-commit.js';
import type { SeriesLock } from './series-lock.js';
import { asUnreadableParquet } from './storage-error.js';

export interface CandleKey {
  exchange: string;
  symbol: string;
  timeframe: string;
}

/** A time range in ms: `from` inclusive, `to` exclusive; either may be omitted. */
export interface TimeRange {
  from?: number;
  to?: number;
}

function candleDir(store: string, key: CandleKey): string {
  timeframeMs(key.timeframe);
  return seriesDir(store, { kind: 'ohlcv', ...key });
}

/**
 * Stores candles (sorted, unique ts). Rows whose ts is already stored are replaced: a bar
 * fetched again carries the exchange's latest values.
 */
export async function writeCandles(store: string, c: Candles): Promise<UpsertResult> {
  const dir = candleDir(store, c);
  assertStrictlyIncreasing(c.ts, `candles ${c.exchange} ${c.symbol} ${c.timeframe}`);
  return upsertPartitions('ohlcv', dir, candleColumns(c), 'ts', candleMeta(c), timeframeMs(c.timeframe));
}

function candleColumns(c: Candles): ColumnData[] {
  return [
    { name: 'ts', type: 'BIGINT', values: c.ts },
    { name: 'open', type: 'DOUBLE', values: c.open },
    { name: 'high', type: 'DOUBLE', values: c.high },
    { name: 'low', type: 'DOUBLE', values: c.low },
    { name: 'close', type: 'DOUBLE', values: c.close },
    { name: 'volume', type: 'DOUBLE', values: c.volume },
  ];
}

const candleMeta = (c: CandleKey) => ({ exchange: c.exchange, symbol: c.symbol, timeframe: c.timeframe, writer: 'tradegym' });

/** Files of a series that overlap the range (by their partition name, without opening them). */
export async function candleFiles(store: string, key: CandleKey, range: TimeRange = {}): Promise<string[]> {
  const dir = candleDir(store, key);
  await ensureConsistent(dir);
  return filesInRange(dir, range);
}

async function filesInRange(dir: string, range: TimeRange): Promise<string[]> {
  const names = await listParquet(dir);
  return names
    .filter((n) => {
      const [a, b] = partitionRange(n.replace('.parquet', ''));
      return (range.from === undefined || b > range.from) && (range.to === undefined || a < range.to);
    })
    .map((n) => join(dir, n));
}

/** Reads candles in [from, to) into typed arrays; only the overlapping month files are opened. */
export async function readCandles(store: string, key: CandleKey, range: TimeRange = {}): Promise<Candles> {
  const files = await candleFiles(store, key, range);
  if (files.length === 0) return emptyCandles(key.exchange, key.symbol, key.timeframe);
  const where: string[] = [];
  if (range.from !== undefined) where.push(`ts >= ${Math.floor(range.from)}`);
  if (range.to !== undefined) where.push(`ts < ${Math.ceil(range.to)}`);
  // Files are written sorted and listed in time order, and DuckDB preserves insertion order,
  // so no ORDER BY (it would double the read time); the order is still checked below.
  const { columns, rows } = await queryNumericColumns(
    `SELECT ts::DOUBLE AS ts, open, high, low, close, volume
     FROM read_parquet([${files.map(sqlString).join(', ')}])
     ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`,
  ).catch((err: unknown) => {
    throw asUnreadableParquet(err, files);
  });
  const c: Candles = {
    exchange: key.exchange, symbol: key.symbol, timeframe: key.timeframe,
    ts: columns[0], open: columns[1], high: columns[2], low: columns[3], close: columns[4], volume: columns[5],
  };
  for (let i = 1; i < rows; i++) {
    if (c.ts[i] <= c.ts[i - 1]) {
      throw new Error(`store invariant broken: ${files.join(', ')} not sorted at row ${i}`);
    }
  }
  return c;
}

/** Open time of the last stored bar, or undefined when nothing is stored. */
export async function lastCandleTs(store: string, key: CandleKey): Promise<number | undefined> {
  const files = await candleFiles(store, key);
  if (files.length === 0) return undefined;
  const { columns, rows } = await queryNumericColumns(
    `SELECT max(ts)::DOUBLE FROM read_parquet(${sqlString(files[files.length - 1])})`,
  );
  return rows && Number.isFinite(columns[0][0]) ? columns[0][0] : undefined;
}

/**
 * Replaces a stored series with `c` (after a repair: rows dropped by the repair must go too).
 * The new months are written and months no longer covered removed in one commit: all or nothing.
 */
export async function replaceCandles(store: string, c: Candles): Promise<UpsertResult> {
  const dir = candleDir(store, c);
  assertStrictlyIncreasing(c.ts, `candles ${c.exchange} ${c.symbol} ${c.timeframe}`);
  return withSeries(dir, (lock) => replaceLocked(dir, c, lock));
}

async function replaceLocked(dir: string, c: Candles, lock: SeriesLock): Promise<UpsertResult> {
  const columns = candleColumns(c);
  const staged = partitionRuns('ohlcv', c.ts, timeframeMs(c.timeframe)).map(([part, start, end]) => stagePartition(join(dir, `${part}.parquet`), columns, start, end, candleMeta(c)));
  const files = staged.map((f) => f.target);
  const before = await filesInRange(dir, {});
  await commitFiles(dir, lock, staged, before.filter((f) => !files.includes(f)));
  return { files, rows: c.ts.length };
}

/**
 * Read, change, replace, holding the series lock throughout: `change` gets the stored series and
 * returns the one to store (`data check --write` repairs this way), so a writer that stores rows
 * in between cannot have them dropped by a replace computed from an older read.
 */
export async function updateCandles(store: string, key: CandleKey, change: (stored: Candles) => Candles | Promise<Candles>): Promise<UpsertResult> {
  const dir = candleDir(store, key);
  return withSeries(dir, async (lock) => {
    const next = await change(await readCandles(store, key));
    assertStrictlyIncreasing(next.ts, `candles ${key.exchange} ${key.symbol} ${key.timeframe}`);
    return replaceLocked(dir, { ...next, exchange: key.exchange, symbol: key.symbol, timeframe: key.timeframe }, lock);
  });
}
