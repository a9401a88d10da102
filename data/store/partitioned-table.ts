// Upsert of time-sorted rows into per-partition Parquet files, shared by candles and trades.
// Each touched partition is rewritten whole (read old file + new rows, drop replaced keys,
// order by ts) and swapped in atomically, so re-fetching an overlap never duplicates a row.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DataError } from '../errors.js';
import type { DataKind } from '../types.js';
import { writeParquetAtomic, type ParquetMeta } from './atomic-parquet.js';
import { exec, loadTempTable, sqlString, type ColumnData } from './duckdb.js';
import { partitionOf } from './layout.js';

export interface UpsertResult {
  files: string[];
  rows: number;
}

/** Checks the ts column is finite and strictly increasing; names the first bad row. */
export function assertStrictlyIncreasing(ts: Float64Array, what: string): void {
  for (let i = 0; i < ts.length; i++) {
    if (!Number.isFinite(ts[i])) throw new DataError(`${what}: timestamp is ${ts[i]}`, { row: i, column: 'ts' });
    if (i > 0 && ts[i] <= ts[i - 1]) {
      throw new DataError(
        `${what}: timestamps must be strictly increasing before storing (ts ${ts[i]} after ${ts[i - 1]}); run \`tradegym data check\` with a repair policy first`,
        { row: i, column: 'ts' },
      );
    }
  }
}

function sliceColumn(c: ColumnData, from: number, to: number): ColumnData {
  const v = c.values;
  return { ...c, values: Array.isArray(v) ? v.slice(from, to) : v.slice(from, to) };
}

/**
 * Writes rows (sorted by `ts`, the first column) into partition files under `dir`.
 * `keyColumn` identifies a row: an incoming row replaces a stored row with the same key.
 */
export async function upsertPartitions(
  kind: DataKind,
  dir: string,
  columns: ColumnData[],
  keyColumn: string,
  meta: ParquetMeta,
  barMs = 0,
): Promise<UpsertResult> {
  const ts = columns[0].values as Float64Array;
  const files: string[] = [];
  let start = 0;
  while (start < ts.length) {
    const part = partitionOf(kind, ts[start], barMs);
    let end = start + 1;
    while (end < ts.length && partitionOf(kind, ts[end], barMs) === part) end++;
    const path = join(dir, `${part}.parquet`);
    await loadTempTable('incoming', columns.map((c) => sliceColumn(c, start, end)));
    const names = columns.map((c) => `"${c.name}"`).join(', ');
    const select = existsSync(path)
      ? `SELECT ${names} FROM (
           SELECT ${names} FROM read_parquet(${sqlString(path)}) WHERE "${keyColumn}" NOT IN (SELECT "${keyColumn}" FROM incoming)
           UNION ALL SELECT ${names} FROM incoming) ORDER BY ts`
      : `SELECT ${names} FROM incoming ORDER BY ts`;
    await writeParquetAtomic(select, path, meta);
    files.push(path);
    start = end;
  }
  await exec('DROP TABLE IF EXISTS incoming');
  return { files, rows: ts.length };
}
