// What a store holds: one row per series with its time span, row count and gaps (`data ls`).
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { DataKind } from '../types.js';
import { timeframeMs } from '../timeframe.js';
import { PACKAGE_ROOT } from '../package-root.js';
import { decodeSymbol } from './layout.js';
import { candleFiles } from './candle-store.js';
import { tradeFiles } from './trade-store.js';
import { bookFiles } from './book-store.js';
import { readTsColumn, readTsFooter, type TsFooter } from './parquet-footer.js';

/** The sample datasets shipped with the package (a read-only store). */
export const SAMPLES_STORE = join(PACKAGE_ROOT, 'data', 'samples');

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

type Summary = Pick<SeriesInfo, 'files' | 'rows' | 'from' | 'to' | 'gaps' | 'missingBars'>;

/**
 * Rows, span and (candles) gaps of a series, from the files' footers where they settle it: the
 * store keeps each file's bars sorted and unique, so a file with (last - first) / bar + 1 rows has
 * no hole inside, and holes between files show in their first and last timestamps. Only a file
 * with holes inside (or no statistics) has its `ts` column read. No DuckDB: `data ls` stays fast.
 */
async function summarize(files: string[], barMs?: number): Promise<Summary> {
  const parts = await Promise.all(files.map((f) => fileSummary(f, barMs)));
  const rows = parts.reduce((s, p) => s + p.rows, 0);
  const from = Math.min(...parts.map((p) => p.tsMin));
  const to = Math.max(...parts.map((p) => p.tsMax));
  if (barMs === undefined) return { files: files.length, rows, from, to };
  parts.sort((a, b) => a.tsMin - b.tsMin);
  let gaps = 0;
  let missingBars = 0;
  for (let i = 0; i < parts.length; i++) {
    gaps += parts[i].gaps;
    missingBars += parts[i].missingBars;
    const d = i > 0 ? parts[i].tsMin - parts[i - 1].tsMax : 0;
    if (d > barMs) {
      gaps++;
      missingBars += Math.round(d / barMs) - 1;
    }
  }
  return { files: files.length, rows, from, to, gaps, missingBars };
}

async function fileSummary(path: string, barMs?: number): Promise<TsFooter & { gaps: number; missingBars: number }> {
  const f = await readTsFooter(path);
  const settled = Number.isFinite(f.tsMin) && (barMs === undefined || f.rows === (f.tsMax - f.tsMin) / barMs + 1);
  if (settled) return { ...f, gaps: 0, missingBars: 0 };
  const ts = await readTsColumn(path);
  let gaps = 0;
  let missingBars = 0;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < ts.length; i++) {
    lo = Math.min(lo, ts[i]);
    hi = Math.max(hi, ts[i]);
    const d = i > 0 && barMs !== undefined ? ts[i] - ts[i - 1] : 0;
    if (d > barMs!) {
      gaps++;
      missingBars += Math.round(d / barMs!) - 1;
    }
  }
  return { rows: ts.length, tsMin: lo, tsMax: hi, gaps, missingBars };
}
