// Atomic Parquet writes: DuckDB writes a temp file in the target folder, we fsync it and rename
// it over the final name. A crash (even kill -9) leaves either the old file or the new one,
// never a torn one; stray temp files are ignored by readers and removed by `removeStaleTemps`.
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { exec, sqlString } from './duckdb.js';

export const TEMP_PREFIX = '.tmp-';

export interface ParquetMeta {
  [key: string]: string;
}

function kvMetadata(meta: ParquetMeta): string {
  const entries = Object.entries(meta).map(([k, v]) => `${k}: ${sqlString(v)}`);
  return entries.length ? `, KV_METADATA {${entries.join(', ')}}` : '';
}

/** Writes the result of `selectSql` to `path` atomically, with zstd compression. */
export async function writeParquetAtomic(selectSql: string, path: string, meta: ParquetMeta = {}): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const tmp = join(dir, `${TEMP_PREFIX}${basename(path)}-${process.pid}-${Math.random().toString(36).slice(2)}`);
  try {
    await exec(`COPY (${selectSql}) TO ${sqlString(tmp)} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880${kvMetadata(meta)})`);
    await fsyncPath(tmp);
    await rename(tmp, path);
    await fsyncPath(dir);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

async function fsyncPath(path: string): Promise<void> {
  const fh = await open(path, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Parquet files of a folder (not temp files), sorted by name. */
export async function listParquet(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return names.filter((n) => n.endsWith('.parquet') && !n.startsWith(TEMP_PREFIX)).sort();
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
