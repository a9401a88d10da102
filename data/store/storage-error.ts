// File-system conditions a user can act on (a full disk, a read-only or foreign-owned folder, a
// path that is a file where a folder is needed) as typed, one-line errors, and the store being
// held by another writer for longer than we wait. Node reports them as errno codes; DuckDB, which
// writes the Parquet files, only in its message text, so both are recognised.
import { DataError, TradegymError } from '../errors.js';

/** What each condition is called in a message, in the words of the C library's strerror. */
const REASONS: Record<string, string> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOTDIR: 'not a folder',
  EISDIR: 'is a folder',
  ENOENT: 'no such file or folder',
};

/** Conditions that mean a path given by the user names the wrong thing (exit code 2), not the machine refusing (5). */
export const PATH_CONDITIONS: ReadonlySet<string> = new Set(['ENOTDIR', 'EISDIR', 'ENOENT']);

const DUCKDB_TEXT: [RegExp, string][] = [
  [/No space left on device/i, 'ENOSPC'],
  [/Disk quota exceeded/i, 'EDQUOT'],
  [/Permission denied/i, 'EACCES'],
  [/Operation not permitted/i, 'EPERM'],
  [/Read-only file system/i, 'EROFS'],
  [/Not a directory/i, 'ENOTDIR'],
  [/Is a directory/i, 'EISDIR'],
  [/No such file or directory/i, 'ENOENT'],
];

/** The errno code of a file-system condition we explain, or undefined (anything else may be a bug). */
export function fsCondition(err: unknown): string | undefined {
  if (!(err instanceof Error)) return undefined;
  const code = (err as NodeJS.ErrnoException).code;
  if (typeof code === 'string') return code in REASONS ? code : undefined;
  // DuckDB: "IO Error: Could not write file "<path>": No space left on device".
  if (!err.message.startsWith('IO Error')) return undefined;
  return DUCKDB_TEXT.find(([re]) => re.test(err.message))?.[1];
}

/** The path an fs error names (Node's `path`, or the quoted path of a DuckDB IO error). */
export function fsErrorPath(err: unknown): string | undefined {
  if (!(err instanceof Error)) return undefined;
  const p = (err as NodeJS.ErrnoException).path;
  if (typeof p === 'string') return p;
  return /file "([^"]+)"/.exec(err.message)?.[1];
}

export function reasonOf(code: string): string {
  return REASONS[code] ?? code;
}

/** The file system refused: `<reason> at <path><note>`, e.g. "...; nothing was changed". */
export class StorageError extends TradegymError {
  constructor(
    readonly code: string,
    readonly path: string,
    note = '',
    options?: { cause?: unknown },
  ) {
    super(`${reasonOf(code)} at ${path}${note}`, options);
  }
}

/**
 * `err` as a StorageError about `path` when it is a file-system condition, else `err` itself.
 * `note` says what became of the write ("; nothing was changed").
 */
export function asStorageError(err: unknown, path: string, note = ''): unknown {
  if (err instanceof StorageError || err instanceof TradegymError) return err;
  const code = fsCondition(err);
  return code ? new StorageError(code, path, note, { cause: err }) : err;
}

/** Another process held the series for longer than we were willing to wait. */
export class StoreBusyError extends TradegymError {}

/**
 * A store file DuckDB cannot read (not Parquet: something else wrote it, or it was cut short) as a
 * DataError naming the file; any other error is passed on.
 */
export function asUnreadableParquet(err: unknown, files: string[]): unknown {
  const msg = err instanceof Error ? err.message : '';
  if (fsCondition(err) || !/^(Invalid Input|IO) Error: .*(magic bytes|not a parquet|parquet file|footer|metadata)/is.test(msg)) return err;
  const file = files.find((f) => msg.includes(f)) ?? files.join(', ');
  return new DataError(`not a readable Parquet file (${msg.split('\n')[0]}); restore it, or delete it and fetch or import its range again`, { file }, { cause: err });
}
