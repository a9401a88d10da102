// The feature pipeline: specs -> columns -> normalisation fitted on the training rows only ->
// Float32Array [T, F]. The same fitted pipeline (serialised into checkpoints) rebuilds the rows
// live, bar by bar, through FeatureStream; both paths run the identical per-bar code.
import { ConfigError, DataError } from '../errors.js';
import type { Candles } from '../types.js';
import type { Bar } from './indicators/index.js';
import { defineFeature, type BarColumns, type FeatureDef, type FeatureState } from './feature-catalog.js';
import type { FeatureMatrix } from './log-return-window.js';

export interface PipelineConfig {
  /** Feature specs, e.g. ["logret:8", "rsi:14", "macd:12:26:9"]. */
  features: string[];
  normalize: 'zscore' | 'robust' | 'none';
  /** Normalised values are clipped to [-clip, clip] (outliers); 0 = no clipping. */
  clip: number;
  /**
   * A bar with a missing (NaN) price or volume, e.g. a gap marked by `data check --gaps mark`:
   * 'ffill' treats it as a bar with no trades at the last close (as `--gaps ffill` would);
   * 'error' throws. Without this one NaN would poison recursive indicators (EMA, RSI) for good.
   */
  missing?: 'ffill' | 'error';
}

export const DEFAULT_PIPELINE: PipelineConfig = { features: ['logret:16'], normalize: 'zscore', clip: 5 };

/** A pipeline with its statistics; plain JSON, stored in checkpoints. */
export interface FittedPipeline {
  config: PipelineConfig;
  columns: string[];
  center: number[];
  scale: number[];
  /** The rows the statistics came from (must be the training split). */
  fittedOn: { from: number; to: number; rows: number };
}

function defs(config: PipelineConfig): FeatureDef[] {
  if (!config.features.length) throw new ConfigError('features', 'give at least one feature, e.g. logret:16');
  return config.features.map(defineFeature);
}

function columnsOf(ds: FeatureDef[], raw: boolean): string[] {
  return ds.flatMap((d) => (raw && d.rawColumns ? d.rawColumns : d.columns));
}

/**
 * Per-bar computation of all features: the one code path for batch and live. Over a whole series
 * (`series`), features with a batch form are left to it (seriesRows fills their columns in).
 */
class FeatureRow {
  readonly states: (FeatureState | null)[];
  readonly offsets: number[];
  readonly values: Float64Array;
  constructor(ds: FeatureDef[], raw: boolean, series = false) {
    this.states = ds.map((d) => (series && d.batch ? null : d.create(raw)));
    let o = 0;
    this.offsets = ds.map((d) => {
      const at = o;
      o += d.columns.length;
      return at;
    });
    this.values = new Float64Array(o);
  }
  private lastClose = NaN;
  private readonly filled: Bar = { high: 0, low: 0, close: 0, volume: 0 };
  update(bar: Bar, missing: 'ffill' | 'error' = 'ffill'): Float64Array {
    let b = bar;
    if (!(Number.isFinite(bar.close) && Number.isFinite(bar.high) && Number.isFinite(bar.low) && Number.isFinite(bar.volume))) {
      if (missing === 'error') throw new DataError(`bar has a missing value (high ${bar.high}, low ${bar.low}, close ${bar.close}, volume ${bar.volume})`);
      const c = this.lastClose;
      this.filled.high = c;
      this.filled.low = c;
      this.filled.close = c;
      this.filled.volume = 0;
      b = this.filled;
    }
    this.lastClose = b.close;
    for (let j = 0; j < this.states.length; j++) this.states[j]?.update(b, this.values, this.offsets[j]);
    return this.values;
  }
}

/** Copies of the bar fields with missing bars treated as FeatureRow treats them (ffill or error). */
function barColumns(c: Candles, missing: 'ffill' | 'error'): BarColumns {
  const bars = { high: c.high.slice(), low: c.low.slice(), close: c.close.slice(), volume: c.volume.slice() };
  let last = NaN;
  for (let t = 0; t < bars.close.length; t++) {
    if (!(Number.isFinite(bars.close[t]) && Number.isFinite(bars.high[t]) && Number.isFinite(bars.low[t]) && Number.isFinite(bars.volume[t]))) {
      if (missing === 'error') throw new DataError(`bar has a missing value (high ${bars.high[t]}, low ${bars.low[t]}, close ${bars.close[t]}, volume ${bars.volume[t]})`, { row: t });
      bars.high[t] = bars.low[t] = bars.close[t] = last;
      bars.volume[t] = 0;
    }
    last = bars.close[t];
  }
  return bars;
}

/**
 * The raw rows of a whole series, in time order: streaming features bar by bar, batch-form
 * (custom) features from one run of their batch form over the series. `visit` gets a reused row.
 */
function seriesRows(ds: FeatureDef[], c: Candles, raw: boolean, missing: 'ffill' | 'error', visit: (row: Float64Array, t: number) => void): void {
  const row = new FeatureRow(ds, raw, true);
  const batched = ds.flatMap((d, j) => (d.batch ? [{ at: row.offsets[j], cols: d.batch(barColumns(c, missing)) }] : []));
  forEachBar(c, (bar, t) => {
    const values = row.update(bar, missing);
    for (const { at, cols } of batched) for (let k = 0; k < cols.length; k++) values[at + k] = cols[k][t];
    visit(values, t);
  });
}

/** Indicator columns before normalisation, row-major [T, F] (raw: indicator values, e.g. for inspection). */
export function computeFeatures(c: Candles, features: string[], raw = false, missing: 'ffill' | 'error' = 'ffill'): { values: Float64Array; columns: string[] } {
  const ds = defs({ ...DEFAULT_PIPELINE, features });
  const columns = columnsOf(ds, raw);
  const F = columns.length;
  const values = new Float64Array(c.close.length * F);
  seriesRows(ds, c, raw, missing, (row, t) => values.set(row, t * F));
  return { values, columns };
}

/** Feeds the bars of `c` in order through one reused Bar; a DataError gets the row number. */
function forEachBar(c: Candles, fn: (bar: Bar, t: number) => void): void {
  const bar: Bar = { high: 0, low: 0, close: 0, volume: 0 };
  for (let t = 0; t < c.close.length; t++) {
    bar.high = c.high[t];
    bar.low = c.low[t];
    bar.close = c.close[t];
    bar.volume = c.volume[t];
    try {
      fn(bar, t);
    } catch (err) {
      if (err instanceof DataError) throw new DataError(err.message, { row: t });
      throw err;
    }
  }
}

function quantile(sorted: Float64Array, q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/**
 * Fits the normalisation on rows [train.from, train.to) only: the statistics never see the
 * validation or test rows. Warm-up rows (NaN) are skipped.
 */
export function fitPipeline(c: Candles, config: PipelineConfig, train: { from: number; to: number }): FittedPipeline {
  const { values, columns } = computeFeatures(c, config.features, false, config.missing);
  const F = columns.length;
  const center: number[] = [];
  const scale: number[] = [];
  let rows = 0;
  for (let j = 0; j < F; j++) {
    const col: number[] = [];
    for (let t = train.from; t < train.to; t++) {
      const v = values[t * F + j];
      if (Number.isFinite(v)) col.push(v);
    }
    rows = Math.max(rows, col.length);
    if (col.length < 2) throw new ConfigError('features', `column ${columns[j]} has fewer than 2 values in the training rows [${train.from}, ${train.to})`);
    if (config.normalize === 'zscore') {
      const m = col.reduce((a, b) => a + b, 0) / col.length;
      const sd = Math.sqrt(col.reduce((a, b) => a + (b - m) ** 2, 0) / (col.length - 1));
      center.push(m);
      scale.push(sd > 0 ? sd : 1);
    } else if (config.normalize === 'robust') {
      const s = Float64Array.from(col).sort();
      const iqr = quantile(s, 0.75) - quantile(s, 0.25);
      center.push(quantile(s, 0.5));
      scale.push(iqr > 0 ? iqr / 1.349 : 1); // IQR / 1.349 estimates sigma for normal data
    } else {
      center.push(0);
      scale.push(1);
    }
  }
  return { config: { ...config, features: [...config.features] }, columns, center, scale, fittedOn: { from: train.from, to: train.to, rows } };
}

function normalizeInto(p: FittedPipeline, src: Float64Array, dst: Float32Array, dstOffset: number): void {
  const clip = p.config.clip;
  for (let j = 0; j < src.length; j++) {
    let v = (src[j] - p.center[j]) / p.scale[j];
    if (clip > 0) v = v > clip ? clip : v < -clip ? -clip : v;
    dst[dstOffset + j] = v;
  }
}

/**
 * The normalised feature matrix of a series (row t uses bars <= t only: the built-ins by
 * construction, custom batch features when `tradegym check lookahead` says so). Built-in rows are
 * the ones FeatureStream gives, bit for bit: the same per-bar code and normalisation.
 */
export function transform(p: FittedPipeline, c: Candles): FeatureMatrix {
  const ds = defs(p.config);
  const F = p.columns.length;
  if (columnsOf(ds, false).length !== F) throw new ConfigError('features', 'fitted columns do not match the feature specs');
  const n = c.close.length;
  const values = new Float32Array(n * F);
  seriesRows(ds, c, false, p.config.missing ?? 'ffill', (row, t) => normalizeInto(p, row, values, t * F));
  return { values, names: [...p.columns], rows: n };
}

/** Live features: one normalised row per closed bar, NaN during the warm-up. */
export class FeatureStream {
  private readonly row: FeatureRow;
  /** The latest row; overwritten by the next update (copy it to keep it). */
  readonly current: Float32Array;
  constructor(readonly pipeline: FittedPipeline) {
    const ds = defs(pipeline.config);
    this.row = new FeatureRow(ds, false);
    if (this.row.values.length !== pipeline.columns.length) throw new ConfigError('features', 'fitted columns do not match the feature specs');
    this.current = new Float32Array(pipeline.columns.length);
  }
  update(bar: Bar): Float32Array {
    normalizeInto(this.pipeline, this.row.update(bar, this.pipeline.config.missing), this.current, 0);
    return this.current;
  }
}
