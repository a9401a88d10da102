// A fitted predictor as an input feature for RL (or any model): one column whose row t is the
// prediction from feature rows t - seqLen + 1 .. t, so row t still uses bars <= t only (the
// no-lookahead contract of data/features). Rows without a full finite window are NaN (warm-up),
// which candleMarket treats like any indicator warm-up.
import { DataError } from '../../data/errors.js';
import type { FeatureMatrix } from '../../data/features/log-return-window.js';
import type { SequencePredictor } from './predictor.js';

/** The column name: e.g. "gru_p_up_h1" or "lstm_ret_h4". */
export function predictorColumn(p: SequencePredictor): string {
  const c = p.meta.config;
  return `${c.cell}_${c.task === 'direction' ? 'p_up' : 'ret'}_h${c.horizon}`;
}

export function predictorFeatures(p: SequencePredictor, features: FeatureMatrix): FeatureMatrix {
  if (features.names.length !== p.nFeatures) throw new DataError(`the predictor reads ${p.nFeatures} feature columns, the matrix has ${features.names.length}`, { column: 'features' });
  const ends = Int32Array.from({ length: features.rows }, (_, t) => t);
  const values = Float32Array.from(p.predictAt(features.values, ends));
  return { values, names: [predictorColumn(p)], rows: features.rows };
}

/** Columns of `a` then `b`, row by row (e.g. the pipeline's features plus predictor columns). */
export function concatFeatures(a: FeatureMatrix, b: FeatureMatrix): FeatureMatrix {
  if (a.rows !== b.rows) throw new DataError(`cannot join ${a.rows} rows with ${b.rows}`, { column: 'features' });
  const fa = a.names.length;
  const fb = b.names.length;
  const values = new Float32Array(a.rows * (fa + fb));
  for (let t = 0; t < a.rows; t++) {
    values.set(a.values.subarray(t * fa, t * fa + fa), t * (fa + fb));
    values.set(b.values.subarray(t * fb, t * fb + fb), t * (fa + fb) + fa);
  }
  return { values, names: [...a.names, ...b.names], rows: a.rows };
}
