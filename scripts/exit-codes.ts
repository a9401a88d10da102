// Exit codes, the same for every command (README, `tradegym --help`): 0 ok, 1 usage, 2 config or
// validation error (also a path that names the wrong thing: a missing folder, a file where a
// folder belongs), 3 data errors found, 4 exchange unreachable or refused, 5 the file system
// refused (no space, read-only, no permission) or the series stayed locked by another writer.
// Anything else is a bug: its stack is printed and Node exits with 1.
import { ConfigError, DataError, ExchangeError, TradegymError, UsageError } from '../data/errors.js';
import { fsCondition, fsErrorPath, PATH_CONDITIONS, reasonOf, StorageError, StoreBusyError } from '../data/store/storage-error.js';

export const EXIT = { ok: 0, usage: 1, config: 2, data: 3, exchange: 4, storage: 5 } as const;

/** The exit code of an expected failure, or undefined for a bug. */
export function exitCodeOf(err: unknown): number | undefined {
  if (err instanceof UsageError) return EXIT.usage;
  if (err instanceof ConfigError) return EXIT.config;
  if (err instanceof DataError) return EXIT.data;
  if (err instanceof ExchangeError) return EXIT.exchange;
  if (err instanceof StorageError) return PATH_CONDITIONS.has(err.code) ? EXIT.config : EXIT.storage;
  if (err instanceof StoreBusyError) return EXIT.storage;
  if (err instanceof TradegymError) return EXIT.config;
  // yargs' own errors (a bad --defaults path, conflicting flags) are usage errors.
  if (err instanceof Error && err.name === 'YError') return EXIT.usage;
  // A file-system condition that reached the top unwrapped (a command's own file access).
  const code = fsCondition(err);
  if (code) return PATH_CONDITIONS.has(code) ? EXIT.config : EXIT.storage;
  return undefined;
}

/** The one line printed for an expected failure (after "error: "). */
export function errorLine(err: unknown): string {
  if (err instanceof TradegymError) return err.message;
  const code = fsCondition(err);
  if (code) {
    const path = fsErrorPath(err);
    return path ? `${reasonOf(code)} at ${path}` : reasonOf(code);
  }
  return err instanceof Error ? err.message : String(err);
}
