// The inputs of multi-column indicators. Batch forms take columns (a `Candles` fits), streaming
// forms take one bar; both name the fields like the Candles contract (data/types.ts).

/** One closed bar, as streaming indicators receive it. */
export interface Bar {
  high: number;
  low: number;
  close: number;
  volume: number;
}

export type HighLowCloseBar = Pick<Bar, 'high' | 'low' | 'close'>;
export type CloseVolumeBar = Pick<Bar, 'close' | 'volume'>;

/** Columns of a batch call; `Candles` satisfies every one of these. */
export interface HighLowClose {
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
}

export interface CloseVolume {
  close: Float64Array;
  volume: Float64Array;
}

export interface HighLowCloseVolume extends HighLowClose {
  volume: Float64Array;
}

/**
 * The one reusable bar a batch loop feeds its stream. A class, not an object literal: a literal
 * `{ high, low, close }` shares V8's hidden class with every object of that shape, including the
 * caller's column records (typed arrays in the same fields), which turns the number fields into
 * boxed values, so each write allocates (measured 3x slower). Fields start as doubles (NaN) so
 * their representation never changes.
 */
export class ScratchBar implements Bar {
  high = NaN;
  low = NaN;
  close = NaN;
  volume = NaN;
}
