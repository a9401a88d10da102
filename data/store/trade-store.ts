// Public trades in the Parquet store: one file per UTC day, upsert by trade id.
import { join } from 'node:path';
import type { Trades } from '../types.js';
import { emptyTrades } from '../types.js';
import { DataError } from '../errors.js';
import { listParquet } from './atomic-parquet.js';
import { queryColumns, queryNumericColumns, sqlString } from './duckdb.js';
import { partitionRange, seriesDir } from './layout.js';
import { upsertPartitions, type UpsertResult } from './partitioned-table.js';
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
  const seen = new Set<string>();
  for (let i = 0; i < t.ts.length; i++) {
    if (!Number.isFinite(t.ts[i])) throw new DataError(`trade timestamp is ${t.ts[i]}`, { row: i, column: 'ts' });
    if (i > 0 && t.ts[i] < t.ts[i - 1]) throw new DataError('trades must be sorted by ts before storing', { row: i, column: 'ts' });
    if (!t.id[i]) throw new DataError('trade has no id', { row: i, column: 'id' });
    if (seen.has(t.id[i])) throw new DataError(`duplicate trade id ${t.id[i]}`, { row: i, column: 'id' });
    seen.add(t.id[i]);
  }
  return upsertPartitions('trades', tradeDir(store, t), [
    { name: 'ts', type: 'BIGINT', values: t.ts },
    { name: 'price', type: 'DOUBLE', values: t.price },
    { name: 'amount', type: 'DOUBLE', values: t.amount },
    { name: 'side', type: 'TINYINT', values: t.side },
    { name: 'id', type: 'VARCHAR', values: t.id },
  ], 'id', { exchange: t.exchange, symbol: t.symbol, writer: 'tradegym' });
}

export async function tradeFiles(store: string, key: TradeKey, range: TimeRange = {}): Promise<string[]> {
  const dir = tradeDir(store, key);
  return (await listParquet(dir))
    .filter((n) => {
      const [a, b] = partitionRange(n.replace('.parquet', ''));
      return (range.from === undefined || b > range.from) && (range.to === undefined || a < range.to);
    })
    .map((n) => join(dir, n));
}

export async function readTrades(store: string, key: TradeKey, range: TimeRange = {}): Promise<Trades> {
  const files = await tradeFiles(store, key, range);
  const t = emptyTrades(key.exchange, key.symbol);
  if (files.length === 0) return t;
  const where: string[] = [];
  if (range.from !== undefined) where.push(`ts >= ${Math.floor(range.from)}`);
  if (range.to !== undefined) where.push(`ts < ${Math.ceil(range.to)}`);
  const { columns } = await queryColumns(
    `SELECT ts::DOUBLE AS ts, price, amount, side, id FROM read_parquet([${files.map(sqlString).join(', ')}])
     ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`,
  );
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
  const { columns, rows } = await queryNumericColumns(`SELECT max(ts)::DOUBLE FROM read_parquet(${sqlString(files[files.length - 1])})`);
  return rows && Number.isFinite(columns[0][0]) ? { ts: columns[0][0] } : undefined;
}
