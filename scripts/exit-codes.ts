// Exit codes, the same for every command (README, `tradegym --help`): 0 ok, 1 usage, 2 config or
// validation error, 3 data errors found, 4 exchange unreachable or refused. Anything else is a
// bug: its stack is printed and Node exits with 1.
import { ConfigError, DataError, ExchangeError, TradegymError, UsageError } from '../data/errors.js';

export const EXIT = { ok: 0, usage: 1, config: 2, data: 3, exchange: 4 } as const;

/** The exit code of an expected failure, or undefined for a bug. */
export function exitCodeOf(err: unknown): number | undefined {
  if (err instanceof UsageError) return EXIT.usage;
  if (err instanceof ConfigError) return EXIT.config;
  if (err instanceof DataError) return EXIT.data;
  if (err instanceof ExchangeError) return EXIT.exchange;
  if (err instanceof TradegymError) return EXIT.config;
  // yargs' own errors (a bad --defaults path, conflicting flags) are usage errors.
  if (err instanceof Error && err.name === 'YError') return EXIT.usage;
  return undefined;
}
