// Flags shared by the data commands, and their conversion to typed values.
import type { Argv } from 'yargs';
import { ConfigError } from '../../data/errors.js';
import { parseTime, timeframeMs } from '../../data/timeframe.js';
import { resolveStoreDir } from '../../data/store/layout.js';
import { createExchange, prepareExchange } from '../../data/sources/exchange.js';

export const storeOption = <T>(y: Argv<T>) =>
  y.option('store', { type: 'string', describe: 'data folder (default ./datastore or $TRADEGYM_STORE)' });

export const exchangeOptions = <T>(y: Argv<T>) =>
  y
    .option('exchange', { type: 'string', describe: 'ccxt exchange id', default: 'binance' })
    .option('exchange-url', { type: 'string', describe: 'http://host:port serving the same API paths (local server, proxy, testnet)' });

export function storeDir(argv: { store?: string }): string {
  return resolveStoreDir(argv.store);
}

export function requireTimeframe(tf: string | undefined): string {
  if (!tf) throw new ConfigError('timeframe', 'required, e.g. --timeframe 1m');
  timeframeMs(tf);
  return tf;
}

export function timeFlag(value: string | undefined, field: string): number | undefined {
  return value === undefined ? undefined : parseTime(value, field);
}

/** Exchange credentials come from the environment only (never flags: flags land in shell history). */
export function credentialsFromEnv(exchange: string): { apiKey?: string; secret?: string } {
  const up = exchange.toUpperCase();
  return { apiKey: process.env[`TRADEGYM_${up}_API_KEY`], secret: process.env[`TRADEGYM_${up}_SECRET`] };
}

export async function exchangeFromArgs(argv: { exchange: string; 'exchange-url'?: string }, pro = false) {
  const ex = createExchange({ exchange: argv.exchange, exchangeUrl: argv['exchange-url'], pro, ...credentialsFromEnv(argv.exchange) });
  if (pro) await prepareExchange(ex);
  return ex;
}
