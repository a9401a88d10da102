// Candles in the Parquet store: upsert by bar time, read any time range into typed arrays.
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Candles } from '../types.js';
import { emptyCandles } from '../types.js';
import { timeframeMs } from '../timeframe.js';
import { listParquet } from './atomic-parquet.js';
import { queryNumericColumns, sqlString } from './duckdb.js';
import { partitionRange, seriesDir } from './layout.js';
import { assertStrictlyIncreasing, upsertPartitions, type UpsertResult } from './partitioned-table.js';

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
  assertStrictlyIncreasing(c.ts, `candles ${c.exchange} ${c.symbol} ${c.timeframe}`);
  return upsertPartitions('ohlcv', candleDir(store, c), [
    { name: 'ts', type: 'BIGINT', values: c.ts },
    { name: 'open', type: 'DOUBLE', values: c.open },
    { name: 'high', type: 'DOUBLE', values: c.high },
    { name: 'low', type: 'DOUBLE', values: c.low },
    { name: 'close', type: 'DOUBLE', values: c.close },
    { name: 'volume', type: 'DOUBLE', values: c.volume },
  ], 'ts', { exchange: c.exchange, symbol: c.symbol, timeframe: c.timeframe, writer: 'tradegym' }, timeframeMs(c.timeframe));
}

/** Files of a series that overlap the range (by their partition name, without opening them). */
export async function candleFiles(store: string, key: CandleKey, range: TimeRange = {}): Promise<string[]> {
  const dir = candleDir(store, key);
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
  );
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
 * Each month is swapped in atomically; months no longer covered are removed last.
 */
export async function replaceCandles(store: string, c: Candles): Promise<UpsertResult> {
  const before = await candleFiles(store, c);
  const dir = candleDir(store, c);
  const staging = `${dir}.replace-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  // Write the new months beside the series first, so a crash here leaves the old series intact.
  const written = await writeCandles(staging, c);
  await mkdir(dir, { recursive: true });
  const files: string[] = [];
  for (const f of written.files) {
    const name = f.split('/').pop() as string;
    await rename(f, join(dir, name));
    files.push(join(dir, name));
  }
  for (const f of before) if (!files.includes(f)) await rm(f, { force: true });
  await rm(staging, { recursive: true, force: true });
  return { files, rows: written.rows };
}
