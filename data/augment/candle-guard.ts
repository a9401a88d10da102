// Input and output guards for the price augmentations. They work on log prices, so every input
// price must be finite and > 0; outputs are rebuilt through exp/log and products whose rounding
// can put a close a few ulps above its high, so `clampBar` restores low <= open,close <= high.
import { DataError } from '../errors.js';
import type { Candles } from '../types.js';
import { emptyCandles } from '../types.js';

/** Throws DataError (row and column) at the first price that is not finite and > 0. */
export function assertPositivePrices(c: Candles, op: string): void {
  const cols = [['open', c.open], ['high', c.high], ['low', c.low], ['close', c.close]] as const;
  for (const [name, a] of cols) {
    for (let i = 0; i < a.length; i++) {
      const v = a[i];
      if (!(v > 0 && v < Infinity)) {
        throw new DataError(`${op} needs finite prices > 0 (clean the series first), got ${v}`, { row: i, column: name });
      }
    }
  }
}

/** Same key (exchange, symbol, timeframe) as `c`, `n` zeroed rows. */
export function candlesLike(c: Candles, n: number, timeframe = c.timeframe): Candles {
  return emptyCandles(c.exchange, c.symbol, timeframe, n);
}

/** Widens high/low of row i so they enclose open and close (rounding fix, see above). */
export function clampBar(out: Candles, i: number): void {
  const o = out.open[i];
  const c = out.close[i];
  const hi = o > c ? o : c;
  const lo = o < c ? o : c;
  if (out.high[i] < hi) out.high[i] = hi;
  if (out.low[i] > lo) out.low[i] = lo;
}
