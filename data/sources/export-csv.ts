// Writes candles as CSV that any tool reads and that import-candles.ts reads back to the same
// numbers: JS's shortest round-trip number text (String(x)) is exact, so no precision is lost.
import { writeFileAtomic } from '../atomic-write.js';
import type { Candles } from '../types.js';

export const CANDLE_CSV_HEADER = 'ts,datetime,open,high,low,close,volume';

/** NaN is written as an empty cell (what pandas writes, and what the importer reads as NaN). */
const num = (x: number): string => (Number.isNaN(x) ? '' : String(x));

/** `ts` is ms UTC (the bar open); `datetime` is the same instant as ISO 8601 UTC, for people. */
export function candlesToCsv(c: Candles): string {
  const out: string[] = [CANDLE_CSV_HEADER];
  for (let i = 0; i < c.ts.length; i++) {
    const t = c.ts[i];
    const iso = Number.isFinite(t) ? new Date(t).toISOString() : '';
    out.push(`${num(t)},${iso},${num(c.open[i])},${num(c.high[i])},${num(c.low[i])},${num(c.close[i])},${num(c.volume[i])}`);
  }
  out.push('');
  return out.join('\n');
}

/** Writes the CSV atomically (a reader or a crash never sees half a file). */
export async function writeCandlesCsv(c: Candles, path: string): Promise<void> {
  await writeFileAtomic(path, candlesToCsv(c));
}
