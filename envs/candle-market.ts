// What a candle env replays: the candles (for fills and marks) plus a feature matrix (for
// observations) whose row t uses data up to bar t only.
import { DataError } from '../data/errors.js';
import type { Candles } from '../data/types.js';
import type { FeatureMatrix } from '../data/features/log-return-window.js';

export interface CandleMarket {
  candles: Candles;
  features: FeatureMatrix;
  /** First row whose features are all finite (earlier rows are warm-up). */
  firstValid: number;
}

/** Checks shapes and values and finds the warm-up; errors name the row and column. */
export function candleMarket(candles: Candles, features: FeatureMatrix): CandleMarket {
  const n = candles.close.length;
  const f = features.names.length;
  if (features.rows !== n || features.values.length !== n * f) {
    throw new DataError(`features have ${features.rows} rows x ${f} columns (${features.values.length} values), candles have ${n} rows`);
  }
  for (let t = 0; t < n; t++) {
    const o = candles.open[t];
    const c = candles.close[t];
    if (!(o > 0) || !(c > 0) || !(candles.high[t] >= candles.low[t]) || !(candles.volume[t] >= 0)) {
      throw new DataError(`bad candle (open ${o}, high ${candles.high[t]}, low ${candles.low[t]}, close ${c}, volume ${candles.volume[t]}); repair it with \`tradegym data check\``, { row: t });
    }
  }
  let firstValid = 0;
  for (let t = 0; t < n; t++) {
    let ok = true;
    for (let k = 0; k < f; k++) if (!Number.isFinite(features.values[t * f + k])) ok = false;
    if (ok) break;
    firstValid = t + 1;
  }
  for (let t = firstValid; t < n; t++) {
    for (let k = 0; k < f; k++) {
      if (!Number.isFinite(features.values[t * f + k])) {
        throw new DataError(`feature is ${features.values[t * f + k]} after the warm-up (row ${firstValid})`, { row: t, column: features.names[k] });
      }
    }
  }
  if (firstValid >= n - 1) throw new DataError(`no usable rows: features are NaN until row ${firstValid} of ${n}`);
  return { candles, features, firstValid };
}
