// Public trades in the Parquet store: one file per UTC day, upsert by trade id.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Trades } from '../types.js';
import { emptyTrades } from '../types.js';
import { DataError } from '../errors.js';
import { copyToParquet, listParquet } from './atomic-parquet.js';
import { queryColumns, queryNumericColumns, sqlString, withTempTable, type ColumnData } from './duckdb.js';
import { partitionRange, seriesDir } from './layout.js';
import { partitionRuns, upsertPartitions, type UpsertResult } from './partitioned-table.js';
import { commitFiles, ensureConsistent, withSeries } from './series-commit.js';
import { asUnreadableParquet } from './storage-error.js';
import type { TimeRange } from './candle-store.js';

export interface TradeKey {
  exchange: string;
  symbol: string;
}

function tradeDir(store: string, key: TradeKey): string {
  return seriesDir(store, { kind: 'trades', ...key });
}

/** Stores trades sorted by ts (ties allowed: many trades share a millisecond); ids must be unique. */
export async function writeTrades(store: string, t: Trades): Promise<UpsertResult> {
  const dir = tradeDir(store, t);
  const seen = new Set<string>();
  for (let i = 0; i < t.ts.length; i++) {
    if (!Number.isFinite(t.ts[i])) throw new DataError(`trade timestamp is ${t.ts[i]}`, { row: i, column: 'ts' });
    if (i > 0 && t.ts[i] < t.ts[i - 1]) throw new DataError('trades must be sorted by ts before storing', { row: i, column: 'ts' });
    if (!t.id[i]) throw new DataError('trade has no id', { row: i, column: 'id' });
    if (seen.has(t.id[i])) throw new DataError(`duplicate trade id ${t.id[i]}`, { row: i, column: 'id' });
    seen.add(t.id[i]);
  }
  return upsertPartitions('trades', dir, tradeColumns(t), 'id', { exchange: t.exchange, symbol: t.symbol, writer: 'tradegym' });
}

function tradeColumns(t: Trades): ColumnData[] {
  return [
    { name: 'ts', type: 'BIGINT', values: t.ts },
    { name: 'price', type: 'DOUBLE', values: t.price },
    { name: 'amount', type: 'DOUBLE', values: t.amount },
    { name: 'side', type: 'TINYINT', values: t.side },
    { name: 'id', type: 'VARCHAR', values: t.id },
  ];
}

/**
 * Live recording appends immutable chunks (<day>/part-<first>-<last>.parquet, like books) instead
 * of rewriting the day file; readers merge both kinds and drop repeated ids. The chunks of one
 * append (one per day touched) are committed together, under the series lock.
 */
export async function appendTradeChunk(store: string, t: Trades): Promise<string[]> {
  if (t.ts.length === 0) return [];
  const dir = tradeDir(store, t);
  const meta = { exchange: t.exchange, symbol: t.symbol, writer: 'tradegym' };
  const staged = partitionRuns('trades', t.ts).map(([day, start, end]) => ({
    target: join(dir, day, `part-${pad(t.ts[start])}-${pad(t.ts[end - 1])}-${process.pid}-${Date.now()}.parquet`),
    write: (temp: string) => withTempTable(
      'trade_chunk',
      tradeColumns(t).map((c) => ({ ...c, values: c.values.slice(start, end) as typeof c.values })),
      (table) => copyToParquet(`SELECT * FROM ${table} ORDER BY ts`, temp, meta),
    ),
  }));
  await withSeries(dir, (lock) => commitFiles(dir, lock, staged));
  return staged.map((f) => f.target);
}

const pad = (ts: number) => String(Math.trunc(ts)).padStart(13, '0');

/** Day files and live chunks overlapping the range, in time order; `chunks` counts the latter. */
export async function tradeFiles(store: string, key: TradeKey, range: TimeRange = {}): Promise<string[]> {
  const dir = tradeDir(store, key);
  await ensureConsistent(dir);
  const overlaps = (day: string) => {
    const [a, b] = partitionRange(day);
    return (range.from === undefined || b > range.from) && (range.to === undefined || a < range.to);
  };
  const files = (await listParquet(dir)).filter((n) => overlaps(n.replace('.parquet', ''))).map((n) => join(dir, n));
  let days: string[] = [];
  try {
    days = (await readdir(dir)).filter((d) => /^\d{4}-\d{2}-\d{2}$/.test(d) && overlaps(d));
  } catch {
    days = [];
  }
  for (const day of days) files.push(...(await listParquet(join(dir, day))).map((n) => join(dir, day, n)));
  return files.sort((a, b) => fileStart(a) - fileStart(b));
}

function fileStart(path: string): number {
  const chunk = /part-(\d+)-/.exec(path);
  if (chunk) return Number(chunk[1]);
  return partitionRange(path.split('/').pop()!.replace('.parquet', ''))[0];
}

export async function readTrades(store: string, key: TradeKey, range: TimeRange = {}): Promise<Trades> {
  const files = await tradeFiles(store, key, range);
  const t = emptyTrades(key.exchange, key.symbol);
  if (files.length === 0) return t;
  const where: string[] = [];
  if (range.from !== undefined) where.push(`ts >= ${Math.floor(range.from)}`);
  if (range.to !== undefined) where.push(`ts < ${Math.ceil(range.to)}`);
  const source = `read_parquet([${files.map(sqlString).join(', ')}]) ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`;
  const hasChunks = files.some((f) => f.includes('/part-'));
  // Day files alone are sorted and unique; with live chunks, overlap is possible: keep one row per id.
  const { columns } = await queryColumns(hasChunks
    ? `SELECT ts::DOUBLE AS ts, price, amount, side, id FROM (
         SELECT *, row_number() OVER (PARTITION BY id ORDER BY ts) AS rn FROM ${source}) WHERE rn = 1 ORDER BY ts, id`
    : `SELECT ts::DOUBLE AS ts, price, amount, side, id FROM ${source}`).catch((err: unknown) => {
    throw asUnreadableParquet(err, files);
  });
  const side = columns[3] as Float64Array;
  return {
    ...t,
    ts: columns[0] as Float64Array, price: columns[1] as Float64Array, amount: columns[2] as Float64Array,
    side: Int8Array.from(side), id: columns[4] as string[],
  };
}

/** Time and id of the last stored trade (the fetcher resumes from there). */
export async function lastTrade(store: string, key: TradeKey): Promise<{ ts: number } | undefined> {
  const files = await tradeFiles(store, key);
  if (files.length === 0) return undefined;
  const tail = files.slice(-8); // the newest day file and the chunks after it
  const { columns, rows } = await queryNumericColumns(`SELECT max(ts)::DOUBLE FROM read_parquet([${tail.map(sqlString).join(', ')}])`);
  return rows && Number.isFinite(columns[0][0]) ? { ts: columns[0][0] } : undefined;
}
