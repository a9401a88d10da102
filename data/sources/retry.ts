// Retries of exchange calls: transient failures (network, timeouts, 5xx, rate limits) back off
// exponentially with jitter; anything else (bad symbol, bad request, auth) fails at once.
import ccxt from 'ccxt';
import { ExchangeError } from '../errors.js';

export interface RetryOptions {
  /** Attempts after the first one. */
  retries: number;
  /** First wait in ms; doubles each time up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Called before each wait (progress display, logs). */
  onRetry?: (info: { attempt: number; delayMs: number; error: Error }) => void;
  sleep?: (ms: number) => Promise<void>;
}

export const DEFAULT_RETRY: RetryOptions = { retries: 6, baseDelayMs: 500, maxDelayMs: 30_000 };

/** ccxt's NetworkError covers timeouts, ExchangeNotAvailable (5xx) and DDoSProtection / RateLimitExceeded. */
export function isTransient(err: unknown): boolean {
  return err instanceof ccxt.NetworkError;
}

/** Waits `ms`; an abort ends the wait early (without throwing: the caller checks the signal). */
export const sleep = (ms: number, signal?: AbortSignal) => new Promise<void>((resolve) => {
  if (signal?.aborted) return resolve();
  const done = () => {
    clearTimeout(timer);
    signal?.removeEventListener('abort', done);
    resolve();
  };
  const timer = setTimeout(done, ms);
  signal?.addEventListener('abort', done, { once: true });
});

/**
 * Capped exponential backoff with jitter: attempt 1 waits about `baseMs`, each further attempt
 * twice as long, never more than `maxMs`. The wait is drawn from [d/2, d] ("equal jitter"), so
 * clients dropped together do not come back in lockstep, and none retries at once.
 */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const d = Math.min(maxMs, baseMs * 2 ** Math.max(0, Math.min(attempt - 1, 30)));
  return d / 2 + (d / 2) * random();
}

/** Runs `call`, retrying transient errors; a final failure becomes an ExchangeError that says what was tried. */
export async function withRetry<T>(what: string, call: () => Promise<T>, opts: RetryOptions = DEFAULT_RETRY): Promise<T> {
  const wait = opts.sleep ?? sleep;
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      if (!isTransient(err)) {
        throw new ExchangeError(`${what} failed: ${error.message}`, { cause: err });
      }
      if (attempt >= opts.retries) {
        throw new ExchangeError(`${what} failed after ${attempt + 1} attempts: ${error.message}`, { cause: err });
      }
      // Rate-limit answers need a longer pause than a dropped connection.
      const factor = err instanceof ccxt.DDoSProtection ? 4 : 1;
      const delayMs = Math.min(opts.maxDelayMs, opts.baseDelayMs * factor * 2 ** attempt) * (0.75 + 0.5 * Math.random());
      opts.onRetry?.({ attempt: attempt + 1, delayMs, error });
      await wait(delayMs);
    }
  }
}

/**
 * Errors that no retry can cure (bad symbol or request, missing credentials, unsupported call):
 * a recorder that otherwise reconnects forever stops on these.
 */
export function isPermanent(err: unknown): boolean {
  return err instanceof ccxt.AuthenticationError || err instanceof ccxt.PermissionDenied || err instanceof ccxt.AccountSuspended
    || err instanceof ccxt.BadSymbol || err instanceof ccxt.BadRequest || err instanceof ccxt.NotSupported
    || err instanceof ccxt.ArgumentsRequired;
}
