// Parquet files written by DuckDB. The store writes them only as temp files that a commit renames
// into place under the series lock (series-commit.ts: several files all or nothing), so a crash
// (even kill -9) leaves the old files or the new ones, never a torn one. Temp, backup and journal
// files all start with a dot and are never listed as data.
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { exec, sqlString } from './duckdb.js';

export const TEMP_PREFIX = '.tmp-';

export interface ParquetMeta {
  [key: string]: string;
}

function kvMetadata(meta: ParquetMeta): string {
  const entries = Object.entries(meta).map(([k, v]) => `${k}: ${sqlString(v)}`);
  return entries.length ? `, KV_METADATA {${entries.join(', ')}}` : '';
}

/** Writes the result of `selectSql` to `path` (not atomically: the store gives it a temp path), zstd-compressed. */
export async function copyToParquet(selectSql: string, path: string, meta: ParquetMeta = {}): Promise<void> {
  await exec(`COPY (${selectSql}) TO ${sqlString(path)} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880${kvMetadata(meta)})`);
}

/** Parquet files of a folder, sorted by name; dot files (temps, backups, journals, the lock) are not data. */
export async function listParquet(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return names.filter((n) => n.endsWith('.parquet') && !n.startsWith('.')).sort();
}

/** Removes temp files older than `olderThanMs` left by a killed writer. */
export async function removeStaleTemps(dir: string, olderThanMs = 60_000): Promise<number> {
  let removed = 0;
  let names: string[] = [];
  try {
    names = await readdir(dir);
  } catch {
    return 0;
  }
  for (const n of names) {
    if (!n.startsWith(TEMP_PREFIX)) continue;
    const p = join(dir, n);
    const s = await stat(p).catch(() => undefined);
    if (s && Date.now() - s.mtimeMs > olderThanMs) {
      await rm(p, { force: true });
      removed++;
    }
  }
  return removed;
}
