// Where each series lives on disk. Hive-style folders (key=value) so DuckDB, Polars and Spark
// read a whole tree with partition columns; one Parquet file per month (candles) or day
// (trades, books) so that a time-range read opens only the files it needs.
//
//   <store>/ohlcv/exchange=binance/symbol=BTC_USDT/timeframe=1m/2024-01.parquet   (1h and up: 2024.parquet)
//   <store>/trades/exchange=binance/symbol=BTC_USDT/2024-08-08.parquet
//   <store>/books/exchange=binance/symbol=BTC_USDT/depth=20/2024-08-08/part-<first ts>-<last ts>.parquet
//
// Exchange, symbol, timeframe and depth become folder names only after validation (no separator,
// no `..`), and the folder a series resolves to must lie inside the store: a name can never make
// a write land elsewhere.
import { statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { ConfigError } from '../errors.js';
import type { DataKind } from '../types.js';

export const DEFAULT_STORE = './datastore';

/** The store folder: explicit flag, else $TRADEGYM_STORE, else ./datastore. A file there is refused. */
export function resolveStoreDir(flag?: string): string {
  const store = flag ?? process.env.TRADEGYM_STORE ?? DEFAULT_STORE;
  const s = statSync(store, { throwIfNoEntry: false });
  if (s && !s.isDirectory()) throw new ConfigError('store', `${store} is a file, not a folder (--store or $TRADEGYM_STORE)`);
  return store;
}

/** ccxt exchange ids: lower-case letters and digits (binance, coinbaseexchange, okx, gateio). */
export function assertExchangeId(exchange: string): void {
  if (!/^[a-z][a-z0-9]*$/.test(exchange)) {
    throw new ConfigError('exchange', `"${exchange}" is not an exchange id: ccxt ids are lower-case letters and digits, e.g. binance, coinbaseexchange, okx`);
  }
}

/** A timeframe as a folder name: a count and a unit (s m h d w M), nothing else. */
function assertTimeframeName(timeframe: string | undefined): void {
  if (timeframe === undefined || !/^[1-9]\d*[smhdwM]$/.test(timeframe)) {
    throw new ConfigError('timeframe', `"${timeframe}" is not a timeframe; use e.g. 1m, 5m, 15m, 1h, 4h, 1d, 1w`);
  }
}

function assertDepth(depth: number | undefined): void {
  if (depth === undefined || !Number.isInteger(depth) || depth <= 0) throw new ConfigError('depth', `"${depth}" is not a book depth; use a whole number of levels, e.g. 20`);
}

/** "BTC/USDT" -> "BTC_USDT", "BTC/USDT:USDT" -> "BTC_USDT__USDT" (folder-safe, reversible). */
export function encodeSymbol(symbol: string): string {
  if (!/^[A-Za-z0-9.-]+\/[A-Za-z0-9.-]+(:[A-Za-z0-9.-]+)?$/.test(symbol)) {
    throw new ConfigError('symbol', `"${symbol}" is not a unified symbol like BTC/USDT or BTC/USDT:USDT`);
  }
  return symbol.replace(':', '__').replace('/', '_');
}

export function decodeSymbol(folder: string): string {
  const [pair, settle] = folder.split('__');
  const i = pair.indexOf('_');
  const unified = i < 0 ? pair : `${pair.slice(0, i)}/${pair.slice(i + 1)}`;
  return settle ? `${unified}:${settle}` : unified;
}

export interface SeriesPath {
  kind: DataKind;
  exchange: string;
  symbol: string;
  timeframe?: string;
  depth?: number;
}

/** The folder of a series; every name is validated first and the result must lie inside `store`. */
export function seriesDir(store: string, s: SeriesPath): string {
  assertExchangeId(s.exchange);
  const base = join(store, s.kind, `exchange=${s.exchange}`, `symbol=${encodeSymbol(s.symbol)}`);
  let dir = base;
  if (s.kind === 'ohlcv') {
    assertTimeframeName(s.timeframe);
    dir = join(base, `timeframe=${s.timeframe}`);
  } else if (s.kind === 'books') {
    assertDepth(s.depth);
    dir = join(base, `depth=${s.depth}`);
  }
  assertInside(store, dir);
  return dir;
}

/** Belt and braces: the validated names cannot leave the store, and this proves it for each path. */
export function assertInside(store: string, path: string): void {
  const rel = relative(resolve(store), resolve(path));
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    throw new ConfigError('store', `${path} is not inside the store ${store}`);
  }
}

/**
 * Partition name of a timestamp: candles by month below 1h bars (43,200 1m bars a file) and by
 * year from 1h up (8,760 1h bars a file; daily bars would otherwise make files of 30 rows);
 * trades and books by UTC day.
 */
export function partitionOf(kind: DataKind, ts: number, barMs = 0): string {
  const iso = new Date(ts).toISOString();
  if (kind !== 'ohlcv') return iso.slice(0, 10);
  return barMs >= 3_600_000 ? iso.slice(0, 4) : iso.slice(0, 7);
}

/** [start, end) in ms of a partition name ("2024", "2024-01" or "2024-01-31"). */
export function partitionRange(name: string): [number, number] {
  if (/^\d{4}$/.test(name)) return [Date.UTC(Number(name), 0, 1), Date.UTC(Number(name) + 1, 0, 1)];
  if (/^\d{4}-\d{2}$/.test(name)) {
    const [y, m] = name.split('-').map(Number);
    return [Date.UTC(y, m - 1, 1), Date.UTC(y, m, 1)];
  }
  const start = Date.parse(`${name}T00:00:00Z`);
  return [start, start + 86_400_000];
}
