// The one way commands load a candle series by market: the user's store first, then the shipped
// samples, and a note for the user when the series is not the stored one as it is.
import { findCandleStore } from './find-candles.js';
import { readCandles, type CandleKey } from './candle-store.js';
import type { Candles } from '../types.js';

export interface LoadedCandles {
  candles: Candles;
  source: { store: string; isSample: boolean };
  /** Said to the user when the data needed explaining (e.g. resampled from a finer series). */
  note?: string;
}

export async function loadCandles(store: string, key: CandleKey, range: { from?: number; to?: number } = {}): Promise<LoadedCandles> {
  const source = await findCandleStore(store, key);
  const candles = await readCandles(source.store, key, range);
  return { candles, source };
}
