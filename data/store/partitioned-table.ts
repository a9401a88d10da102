// Upsert of time-sorted rows into per-partition Parquet files, shared by candles and trades.
// Each touched partition is rewritten whole (read old file + new rows, drop replaced keys,
// order by ts), so re-fetching an overlap never duplicates a row. The series lock is held from
// the read of the old files to the commit, so a concurrent writer can never merge into a file
// that is about to be replaced; all touched partitions are committed together or not at all.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DataError } from '../errors.js';
import type { DataKind } from '../types.js';
import { copyToParquet, type ParquetMeta } from './atomic-parquet.js';
import { sqlString, withTempTable, type ColumnData } from './duckdb.js';
import { partitionOf } from './layout.js';
import { commitFiles, withSeries, type StagedFile } from './series-commit.js';
import { asUnreadableParquet } from './storage-error.js';

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

/** Splits time-sorted rows into runs of one partition each: [partition name, start, end). */
export function partitionRuns(kind: DataKind, ts: Float64Array, barMs = 0): [string, number, number][] {
  const runs: [string, number, number][] = [];
  let start = 0;
  while (start < ts.length) {
    const part = partitionOf(kind, ts[start], barMs);
    let end = start + 1;
    while (end < ts.length && partitionOf(kind, ts[end], barMs) === part) end++;
    runs.push([part, start, end]);
    start = end;
  }
  return runs;
}

/** A staged partition file holding rows [start, end) of `columns`, merged with the stored file when `mergeKey` is given. */
export function stagePartition(path: string, columns: ColumnData[], start: number, end: number, meta: ParquetMeta, mergeKey?: string): StagedFile {
  return {
    target: path,
    write: (temp) => withTempTable('incoming', columns.map((c) => sliceColumn(c, start, end)), async (incoming) => {
      const names = columns.map((c) => `"${c.name}"`).join(', ');
      const select = mergeKey && existsSync(path)
        ? `SELECT ${names} FROM (
             SELECT ${names} FROM read_parquet(${sqlString(path)}) WHERE "${mergeKey}" NOT IN (SELECT "${mergeKey}" FROM ${incoming})
             UNION ALL SELECT ${names} FROM ${incoming}) ORDER BY ts`
        : `SELECT ${names} FROM ${incoming} ORDER BY ts`;
      await copyToParquet(select, temp, meta).catch((err: unknown) => {
        throw asUnreadableParquet(err, [path]);
      });
    }),
  };
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
  if (ts.length === 0) return { files: [], rows: 0 };
  const staged = partitionRuns(kind, ts, barMs).map(([part, start, end]) => stagePartition(join(dir, `${part}.parquet`), columns, start, end, meta, keyColumn));
  await withSeries(dir, (lock) => commitFiles(dir, lock, staged));
  return { files: staged.map((f) => f.target), rows: ts.length };
}
