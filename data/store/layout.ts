// Where each series lives on disk. Hive-style folders (key=value) so DuckDB, Polars and Spark
// read a whole tree with partition columns; one Parquet file per month (candles) or day
// (trades, books) so that a time-range read opens only the files it needs.
//
//   <store>/ohlcv/exchange=binance/symbol=BTC_USDT/timeframe=1m/2024-01.parquet   (1h and up: 2024.parquet)
//   <store>/trades/exchange=binance/symbol=BTC_USDT/2024-08-08.parquet
//   <store>/books/exchange=binance/symbol=BTC_USDT/depth=20/2024-08-08/part-<first ts>-<last ts>.parquet
import { join } from 'node:path';
import { ConfigError } from '../errors.js';
import type { DataKind } from '../types.js';

export const DEFAULT_STORE = './datastore';

/** The store folder: explicit flag, else $TRADEGYM_STORE, else ./datastore. */
export function resolveStoreDir(flag?: string): string {
  return flag ?? process.env.TRADEGYM_STORE ?? DEFAULT_STORE;
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

export function seriesDir(store: string, s: SeriesPath): string {
  const base = join(store, s.kind, `exchange=${s.exchange}`, `symbol=${encodeSymbol(s.symbol)}`);
  if (s.kind === 'ohlcv') return join(base, `timeframe=${s.timeframe}`);
  if (s.kind === 'books') return join(base, `depth=${s.depth}`);
  return base;
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
