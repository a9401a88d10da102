// What a store holds: one row per series with its time span, row count and gaps (`data ls`).
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DataKind } from '../types.js';
import { timeframeMs } from '../timeframe.js';
import { queryNumericColumns, sqlString } from './duckdb.js';
import { decodeSymbol } from './layout.js';
import { candleFiles } from './candle-store.js';
import { tradeFiles } from './trade-store.js';
import { bookFiles } from './book-store.js';

/** The sample datasets shipped with the package (a read-only store). */
export const SAMPLES_STORE = fileURLToPath(new URL('../samples', import.meta.url));

export interface SeriesInfo {
  store: string;
  kind: DataKind;
  exchange: string;
  symbol: string;
  /** Timeframe for candles, "depth=N" for books, "" for trades. */
  detail: string;
  files: number;
  rows: number;
  from: number;
  to: number;
  /** Candles only: number of holes, and bars missing in them. */
  gaps?: number;
  missingBars?: number;
}

async function subdirs(dir: string, prefix: string): Promise<string[]> {
  try {
    return (await readdir(dir, { withFileTypes: true }))
      .filter((e) => e.isDirectory() && e.name.startsWith(prefix))
      .map((e) => e.name.slice(prefix.length))
      .sort();
  } catch {
    return [];
  }
}

export async function listSeries(store: string): Promise<SeriesInfo[]> {
  const out: SeriesInfo[] = [];
  for (const kind of ['ohlcv', 'trades', 'books'] as const) {
    for (const exchange of await subdirs(join(store, kind), 'exchange=')) {
      const exDir = join(store, kind, `exchange=${exchange}`);
      for (const sym of await subdirs(exDir, 'symbol=')) {
        const symbol = decodeSymbol(sym);
        const symDir = join(exDir, `symbol=${sym}`);
        if (kind === 'ohlcv') {
          for (const timeframe of await subdirs(symDir, 'timeframe=')) {
            const files = await candleFiles(store, { exchange, symbol, timeframe });
            if (files.length) out.push({ ...(await summarize(files, timeframeMs(timeframe))), store, kind, exchange, symbol, detail: timeframe });
          }
        } else if (kind === 'books') {
          for (const depth of await subdirs(symDir, 'depth=')) {
            const files = await bookFiles(store, { exchange, symbol, depth: Number(depth) });
            if (files.length) out.push({ ...(await summarize(files)), store, kind, exchange, symbol, detail: `depth=${depth}` });
          }
        } else {
          const files = await tradeFiles(store, { exchange, symbol });
          if (files.length) out.push({ ...(await summarize(files)), store, kind, exchange, symbol, detail: '' });
        }
      }
    }
  }
  return out;
}

async function summarize(files: string[], barMs?: number) {
  const src = `read_parquet([${files.map(sqlString).join(', ')}])`;
  if (barMs === undefined) {
    const { columns } = await queryNumericColumns(`SELECT count(*)::DOUBLE, min(ts)::DOUBLE, max(ts)::DOUBLE FROM ${src}`);
    return { files: files.length, rows: columns[0][0], from: columns[1][0], to: columns[2][0] };
  }
  const { columns } = await queryNumericColumns(
    `SELECT count(*)::DOUBLE, min(ts)::DOUBLE, max(ts)::DOUBLE,
            count(*) FILTER (WHERE d > ${barMs})::DOUBLE,
            coalesce(sum(d / ${barMs} - 1) FILTER (WHERE d > ${barMs}), 0)::DOUBLE
     FROM (SELECT ts, ts - lag(ts) OVER (ORDER BY ts) AS d FROM ${src})`,
  );
  return {
    files: files.length, rows: columns[0][0], from: columns[1][0], to: columns[2][0],
    gaps: columns[3][0], missingBars: Math.round(columns[4][0]),
  };
}
