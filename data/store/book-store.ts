// L2 book snapshots in the Parquet store. Live recording appends immutable chunk files
// (part-<first ts>-<last ts>.parquet) per UTC day instead of rewriting a file: a killed recorder
// then loses at most the chunk it had not flushed, and never touches a finished file. The chunks
// of one append (one per UTC day touched) are committed together, under the series lock.
// Columns: ts BIGINT and bidPx, bidSz, askPx, askSz as DOUBLE lists of exactly `depth` levels.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Books } from '../types.js';
import { emptyBooks } from '../types.js';
import { DataError } from '../errors.js';
import { copyToParquet, listParquet } from './atomic-parquet.js';
import { queryNumericColumns, sqlString, withTempTable, type ColumnData } from './duckdb.js';
import { partitionRange, seriesDir } from './layout.js';
import { assertStrictlyIncreasing, partitionRuns } from './partitioned-table.js';
import { commitFiles, ensureConsistent, withSeries, type StagedFile } from './series-commit.js';
import { asUnreadableParquet } from './storage-error.js';
import type { TimeRange } from './candle-store.js';

export interface BookKey {
  exchange: string;
  symbol: string;
  depth: number;
}

const pad = (ts: number) => String(Math.trunc(ts)).padStart(13, '0');

/** Appends snapshots as new chunk files (one per UTC day touched). Returns the files written. */
export async function appendBooks(store: string, b: Books): Promise<string[]> {
  const n = b.ts.length;
  if (n === 0) return [];
  const dir = seriesDir(store, { kind: 'books', exchange: b.exchange, symbol: b.symbol, depth: b.depth });
  assertStrictlyIncreasing(b.ts, `books ${b.exchange} ${b.symbol}`);
  for (const col of ['bidPx', 'bidSz', 'askPx', 'askSz'] as const) {
    if (b[col].length !== n * b.depth) throw new DataError(`${col} has ${b[col].length} values, expected ${n} x depth ${b.depth}`, { column: col });
  }
  const meta = { exchange: b.exchange, symbol: b.symbol, depth: String(b.depth), writer: 'tradegym' };
  const staged: StagedFile[] = partitionRuns('books', b.ts).map(([day, start, end]) => ({
    target: join(dir, day, `part-${pad(b.ts[start])}-${pad(b.ts[end - 1])}.parquet`),
    write: (temp) => withTempTable('book_levels', bookLevels(b, start, end), (table) => copyToParquet(
      `SELECT ts, list(bidPx ORDER BY lvl) AS bidPx, list(bidSz ORDER BY lvl) AS bidSz,
              list(askPx ORDER BY lvl) AS askPx, list(askSz ORDER BY lvl) AS askSz
       FROM ${table} GROUP BY ts ORDER BY ts`,
      temp,
      meta,
    )),
  }));
  await withSeries(dir, (lock) => commitFiles(dir, lock, staged));
  return staged.map((f) => f.target);
}

/** Snapshots [start, end) in long form (one row per level, plain DOUBLE vectors), folded into lists by the caller. */
function bookLevels(b: Books, start: number, end: number): ColumnData[] {
  const rows = (end - start) * b.depth;
  const ts = new Float64Array(rows);
  const lvl = new Float64Array(rows);
  for (let i = start; i < end; i++) {
    for (let k = 0; k < b.depth; k++) {
      ts[(i - start) * b.depth + k] = b.ts[i];
      lvl[(i - start) * b.depth + k] = k;
    }
  }
  const lo = start * b.depth;
  const hi = end * b.depth;
  return [
    { name: 'ts', type: 'BIGINT', values: ts },
    { name: 'lvl', type: 'BIGINT', values: lvl },
    { name: 'bidPx', type: 'DOUBLE', values: b.bidPx.subarray(lo, hi) },
    { name: 'bidSz', type: 'DOUBLE', values: b.bidSz.subarray(lo, hi) },
    { name: 'askPx', type: 'DOUBLE', values: b.askPx.subarray(lo, hi) },
    { name: 'askSz', type: 'DOUBLE', values: b.askSz.subarray(lo, hi) },
  ];
}

/** Chunk files overlapping the range, in time order. */
export async function bookFiles(store: string, key: BookKey, range: TimeRange = {}): Promise<string[]> {
  const dir = seriesDir(store, { kind: 'books', ...key });
  await ensureConsistent(dir);
  let days: string[];
  try {
    days = (await readdir(dir)).filter((d) => /^\d{4}-\d{2}-\d{2}$/.test(d)).sort();
  } catch {
    return [];
  }
  const files: string[] = [];
  for (const day of days) {
    const [a, b] = partitionRange(day);
    if ((range.from !== undefined && b <= range.from) || (range.to !== undefined && a >= range.to)) continue;
    for (const f of await listParquet(join(dir, day))) {
      const m = /^part-(\d+)-(\d+)\.parquet$/.exec(f);
      if (!m) continue;
      if ((range.from !== undefined && Number(m[2]) < range.from) || (range.to !== undefined && Number(m[1]) >= range.to)) continue;
      files.push(join(dir, day, f));
    }
  }
  return files;
}

/** Time of the last stored snapshot (from the chunk file names, no file is opened). */
export async function lastBookTs(store: string, key: BookKey): Promise<number | undefined> {
  const files = await bookFiles(store, key);
  const m = files.length ? /part-(\d+)-(\d+)\.parquet$/.exec(files[files.length - 1]) : null;
  return m ? Number(m[2]) : undefined;
}

export async function readBooks(store: string, key: BookKey, range: TimeRange = {}): Promise<Books> {
  const files = await bookFiles(store, key, range);
  if (files.length === 0) return emptyBooks(key.exchange, key.symbol, key.depth);
  const where: string[] = [];
  if (range.from !== undefined) where.push(`ts >= ${Math.floor(range.from)}`);
  if (range.to !== undefined) where.push(`ts < ${Math.ceil(range.to)}`);
  const from = `read_parquet([${files.map(sqlString).join(', ')}]) ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`;
  const head = await queryNumericColumns(`SELECT ts::DOUBLE AS ts, len(bidPx)::DOUBLE AS n FROM ${from}`).catch((err: unknown) => {
    throw asUnreadableParquet(err, files);
  });
  for (let i = 0; i < head.rows; i++) {
    if (head.columns[1][i] !== key.depth) throw new DataError(`snapshot has ${head.columns[1][i]} levels, expected ${key.depth}`, { file: files.join(','), row: i });
    if (i > 0 && head.columns[0][i] <= head.columns[0][i - 1]) throw new DataError('snapshots not in time order', { file: files.join(','), row: i });
  }
  const levels = await queryNumericColumns(
    `SELECT unnest(bidPx) AS bidPx, unnest(bidSz) AS bidSz, unnest(askPx) AS askPx, unnest(askSz) AS askSz FROM ${from}`,
  );
  return {
    exchange: key.exchange, symbol: key.symbol, depth: key.depth, ts: head.columns[0],
    bidPx: levels.columns[0], bidSz: levels.columns[1], askPx: levels.columns[2], askSz: levels.columns[3],
  };
}
