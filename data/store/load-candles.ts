// The one way commands load a candle series by market: the user's store first, then the shipped
// samples; a timeframe that is not stored is resampled from a finer stored series, with a note
// for the user saying so.
import { readCandlesResampled, type ResampledCandles } from './read-candles-resampled.js';
import type { CandleKey, TimeRange } from './candle-store.js';

export type LoadedCandles = ResampledCandles;

export function loadCandles(store: string, key: CandleKey, range: TimeRange = {}): Promise<LoadedCandles> {
  return readCandlesResampled(store, key, range);
}
