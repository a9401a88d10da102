// The default observation features until a feature pipeline is configured: a window of the last
// `window` log returns of the close. Row t uses closes t-window .. t only (bar t closed).
import type { Candles } from '../types.js';

export interface FeatureMatrix {
  /** Row-major [rows, names.length]; row t uses data up to bar t only. Leading rows may be NaN. */
  values: Float32Array;
  names: string[];
  rows: number;
}

export function logReturnWindow(c: Candles, window: number): FeatureMatrix {
  const n = c.close.length;
  const values = new Float32Array(n * window).fill(NaN);
  const r = new Float64Array(n).fill(NaN);
  for (let t = 1; t < n; t++) r[t] = Math.log(c.close[t] / c.close[t - 1]);
  for (let t = window; t < n; t++) {
    for (let k = 0; k < window; k++) values[t * window + k] = r[t - k];
  }
  return { values, names: Array.from({ length: window }, (_, k) => `logret_lag${k}`), rows: n };
}
