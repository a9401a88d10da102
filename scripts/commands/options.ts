// Flags shared by the commands, and their conversion to typed values. This module is loaded by
// every command's --help, so it imports nothing heavy: exchange clients load when a command runs.
import type { Argv } from 'yargs';
import { ConfigError } from '../../data/errors.js';
import { parseTime, timeframeMs } from '../../data/timeframe.js';
import { resolveStoreDir } from '../../data/store/layout.js';

/** The market every command uses unless told otherwise: the shipped Coinbase BTC/USD hourly sample. */
export const DEFAULT_MARKET = 'coinbase:BTC/USD:1h';

export interface Market {
  exchange: string;
  symbol: string;
  timeframe: string;
}

/** Defaults from `--defaults file.yaml` (set once by the CLI before a command runs). */
let fileDefaults: { data?: string; exchange?: string; symbol?: string; timeframe?: string } = {};
export function setMarketDefaults(d: typeof fileDefaults): void {
  fileDefaults = d;
}

export const storeOption = <T>(y: Argv<T>) =>
  y.option('store', { type: 'string', describe: 'data folder (default ./datastore or $TRADEGYM_STORE)' });

export const exchangeUrlOption = <T>(y: Argv<T>) =>
  y.option('exchange-url', { type: 'string', describe: 'http://host:port serving the same API paths (local server, proxy, testnet)' });

/**
 * `--data exchange:symbol:timeframe`, with `--exchange/--symbol/--timeframe` as the long form.
 * No yargs defaults: `marketFrom` fills what is missing from DEFAULT_MARKET (or the defaults
 * file), so it can tell a flag the user gave from a default.
 */
export const marketOptions = <T>(y: Argv<T>) =>
  y
    .option('data', { type: 'string', describe: `market as exchange:symbol:timeframe (default ${DEFAULT_MARKET}, the shipped sample)` })
    .option('exchange', { type: 'string', describe: 'ccxt exchange id (long form of --data)' })
    .option('symbol', { type: 'string', describe: 'unified symbol, e.g. BTC/USDT (long form of --data)' })
    .option('timeframe', { type: 'string', describe: 'bar length, e.g. 1m, 1h, 4h (long form of --data)' });

export interface MarketArgs {
  data?: string;
  exchange?: string;
  symbol?: string;
  timeframe?: string;
}

/** "exchange:symbol:timeframe" (or "exchange:symbol"), e.g. coinbase:BTC/USD:1h. */
export function parseMarket(s: string, field = 'data'): Partial<Market> & { exchange: string; symbol: string } {
  const parts = s.split(':');
  // A settled symbol (BTC/USDT:USDT) has a colon of its own: exchange:BASE/QUOTE:SETTLE:timeframe.
  if (parts.length === 4 && /^[A-Za-z0-9.-]+$/.test(parts[2]) && timeframeLike(parts[3])) parts.splice(1, 2, `${parts[1]}:${parts[2]}`);
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => !p)) {
    throw new ConfigError(field, `"${s}" must be exchange:symbol:timeframe, e.g. ${DEFAULT_MARKET}`);
  }
  const [exchange, symbol, timeframe] = parts;
  if (timeframe !== undefined) timeframeMs(timeframe, field);
  return { exchange, symbol, ...(timeframe ? { timeframe } : {}) };
}

const timeframeLike = (s: string) => /^\d+[smhdw]$/.test(s);

/**
 * The market a command works on: the long-form flags and `--data` (they must agree), else the
 * defaults file, else DEFAULT_MARKET.
 */
export function marketFrom(argv: MarketArgs, opts: { needTimeframe?: boolean } = {}): Market {
  const base = parseMarket(fileDefaults.data ?? DEFAULT_MARKET, 'defaults: data');
  const fromFile = { ...base, ...pick(fileDefaults) };
  const fromData = argv.data ? parseMarket(argv.data) : {};
  const explicit = pick(argv);
  for (const k of ['exchange', 'symbol', 'timeframe'] as const) {
    const d = (fromData as Partial<Market>)[k];
    if (d !== undefined && explicit[k] !== undefined && d !== explicit[k]) {
      throw new ConfigError(k, `--data says ${d} but --${k} says ${explicit[k]}; give one of them`);
    }
  }
  const m = { ...fromFile, ...fromData, ...explicit } as Market;
  if (opts.needTimeframe !== false) timeframeMs(m.timeframe);
  return m;
}

function pick(a: { exchange?: string; symbol?: string; timeframe?: string }): Partial<Market> {
  const out: Partial<Market> = {};
  if (a.exchange !== undefined) out.exchange = a.exchange;
  if (a.symbol !== undefined) out.symbol = a.symbol;
  if (a.timeframe !== undefined) out.timeframe = a.timeframe;
  return out;
}

/** The timeframe the user gave on the command line, if any (a file's timeframe must not default). */
export function explicitTimeframe(argv: MarketArgs): string | undefined {
  return argv.timeframe ?? (argv.data ? parseMarket(argv.data).timeframe : undefined);
}

export function storeDir(argv: { store?: string }): string {
  return resolveStoreDir(argv.store);
}

/**
 * Refuses an output file (`--out`) inside the store or the shipped samples (symlinks followed),
 * into a missing folder, or onto a folder: the store is changed only by its own writers.
 */
export async function checkOutputPath(out: string, argv: { store?: string }): Promise<void> {
  const [{ assertOutputPath }, { SAMPLES_STORE }] = await Promise.all([import('../../data/store/outside-store.js'), import('../../data/store/catalog.js')]);
  await assertOutputPath(out, [{ dir: storeDir(argv), name: 'the store' }, { dir: SAMPLES_STORE, name: 'the shipped samples' }]);
}

export function timeFlag(value: string | undefined, field: string): number | undefined {
  return value === undefined ? undefined : parseTime(value, field);
}

export const timeRangeOptions = <T>(y: Argv<T>) =>
  y
    .option('since', { type: 'string', describe: 'first bar, ISO date or epoch ms (like Freqtrade\'s --timerange start)' })
    .option('until', { type: 'string', describe: 'end (exclusive), ISO date or epoch ms' });

/** `--since/--until` as [from, to) in ms; refuses an empty range. */
export function timeRange(argv: { since?: string; until?: string }): { from?: number; to?: number } {
  const from = timeFlag(argv.since, 'since');
  const to = timeFlag(argv.until, 'until');
  if (from !== undefined && to !== undefined && to <= from) throw new ConfigError('until', 'must be after --since');
  return { from, to };
}

/**
 * A public ccxt client for the commands that read market data (`data fetch`, `data record`): it
 * never carries API keys, whatever the environment holds, so it cannot sign a request or send a
 * key to the `--exchange-url` host.
 */
export async function exchangeFromArgs(exchange: string, argv: { 'exchange-url'?: string }, pro = false) {
  const { createExchange, prepareExchange } = await import('../../data/sources/exchange.js');
  const ex = createExchange({ exchange, exchangeUrl: argv['exchange-url'], pro });
  if (pro) await prepareExchange(ex);
  return ex;
}

/**
 * `--key-file` and `--allow-keys-to`, for the commands that call private endpoints (and only
 * those). Never in the `--defaults` file: sending keys to another host is said on the command line.
 */
export const privateKeyOptions = <T>(y: Argv<T>) =>
  y
    .option('key-file', { type: 'string', describe: 'API keys from this YAML/JSON file (apiKey, secret[, password]; mode 0600) instead of TRADEGYM_<EXCHANGE>_API_KEY / _API_SECRET' })
    .option('allow-keys-to', { type: 'string', describe: 'also send the API keys to this host[:port] (e.g. the --exchange-url host); by default only to the exchange\'s own API hosts' });

export interface PrivateKeyArgs {
  'exchange-url'?: string;
  'key-file'?: string;
  /** An array when the flag is given more than once. */
  'allow-keys-to'?: string | string[];
}

/**
 * A ccxt client with the user's API keys, for commands that need private endpoints (balances,
 * orders). `createPrivateExchange` loads the keys and refuses hosts other than the exchange's own
 * and `--allow-keys-to`, before any request.
 */
export async function privateExchangeFromArgs(exchange: string, argv: PrivateKeyArgs, pro = false) {
  const { createPrivateExchange, prepareExchange } = await import('../../data/sources/exchange.js');
  const allow = argv['allow-keys-to'];
  const ex = createPrivateExchange({
    exchange, exchangeUrl: argv['exchange-url'], pro, keyFile: argv['key-file'],
    allowKeysTo: allow === undefined ? [] : ([] as string[]).concat(allow),
  });
  if (pro) await prepareExchange(ex);
  return ex;
}
