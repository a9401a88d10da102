// The messages between the run's coordinator and its seed workers, and errors across the process
// boundary: a worker's typed error (ConfigError, DataError, a file-system condition) arrives as
// the same kind of error, so the CLI prints the same one line and exits with the same code as
// when the job ran in the coordinator's own process.
import { ConfigError, DataError, ExchangeError, TradegymError, UsageError } from '../../data/errors.js';
import type { AgentUpdate, TrainResult } from '../train-agent.js';
import type { SeedJob } from './seed-job.js';

export type ToSeedWorker = { type: 'job'; job: SeedJob };

export type FromSeedWorker =
  | { type: 'update'; id: number; update: AgentUpdate; validation?: { score: number; best: number } }
  | { type: 'done'; id: number; result: TrainResult }
  | { type: 'failed'; id: number; error: WireError };

export interface WireError {
  name: string;
  message: string;
  stack?: string;
  /** ConfigError's field. */
  field?: string;
  /** Node's errno code and path (a full disk, a read-only folder). */
  code?: string;
  path?: string;
}

export function toWireError(err: unknown): WireError {
  if (!(err instanceof Error)) return { name: 'Error', message: String(err) };
  const e = err as Error & { field?: unknown; code?: unknown; path?: unknown };
  return {
    name: e.name, message: e.message, stack: e.stack,
    ...(typeof e.field === 'string' ? { field: e.field } : {}),
    ...(typeof e.code === 'string' ? { code: e.code } : {}),
    ...(typeof e.path === 'string' ? { path: e.path } : {}),
  };
}

/** Rebuilds a worker's error; anything not typed (a bug) is named after the job that hit it. */
export function fromWireError(w: WireError, label: string): Error {
  let err: Error;
  if (w.name === 'ConfigError' && w.field !== undefined) {
    err = new ConfigError(w.field, w.message.startsWith(`${w.field}: `) ? w.message.slice(w.field.length + 2) : w.message);
  } else if (w.name === 'DataError') {
    err = new DataError(w.message);
  } else if (w.name === 'UsageError') {
    err = new UsageError(w.message);
  } else if (w.name === 'ExchangeError') {
    err = new ExchangeError(w.message);
  } else if (w.name === 'TradegymError') {
    err = new TradegymError(w.message);
  } else {
    err = new Error(`${label}: ${w.message}`);
    const x = err as NodeJS.ErrnoException;
    if (w.code !== undefined) x.code = w.code;
    if (w.path !== undefined) x.path = w.path;
  }
  // The worker's stack is where it happened; the coordinator's would only show the message relay.
  if (w.stack) err.stack = w.stack;
  return err;
}
