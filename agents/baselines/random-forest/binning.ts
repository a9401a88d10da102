// Quantile binning: each feature is cut once into <= maxBins bins (codes fit a byte), so a tree
// node finds its best split from a per-bin histogram (O(rows + bins)) instead of sorting
// (O(rows log rows)), as in LightGBM and scikit-learn's HistGradientBoosting.
// Bin b of feature j holds x with edge[b-1] < x <= edge[b]; the last bin holds x > every edge, and
// NaN (every comparison with NaN is false). A split "bin <= b" is therefore exactly "x <= edge[b]"
// on raw values, so trees predict on raw floats and agree with the binned data they were grown on.
import { ConfigError } from '../../../data/errors.js';

export interface FeatureBins {
  nFeatures: number;
  maxBins: number;
  /** edges[j * (maxBins - 1) + b] is the upper edge of bin b of feature j (Float32, like X). */
  edges: Float32Array;
  /** Edges per feature: feature j has edgeCount[j] + 1 bins. */
  edgeCount: Uint16Array;
}

/** Between two float32 values, a float32 strictly below `b` and >= `a` (the midpoint if representable). */
function midpoint(a: number, b: number): number {
  const m = Math.fround((a + b) / 2);
  return m < b ? m : a;
}

/**
 * Bin edges from the training rows: quantiles of at most `sampleCap` rows (taken at an even
 * stride, so no randomness is needed), placed halfway to the next distinct value. A feature with
 * fewer distinct values than bins gets one bin per value.
 */
export function fitBins(X: Float32Array, f: number, rows: Int32Array, maxBins: number, sampleCap = 200_000): FeatureBins {
  if (!Number.isInteger(maxBins) || maxBins < 2 || maxBins > 256) {
    throw new ConfigError('maxBins', `must be an integer in [2, 256] (codes are bytes), got ${maxBins}`);
  }
  const E = maxBins - 1;
  const edges = new Float32Array(f * E);
  const edgeCount = new Uint16Array(f);
  const s = Math.min(rows.length, sampleCap);
  const col = new Float32Array(s);
  for (let j = 0; j < f; j++) {
    let S = 0;
    for (let k = 0; k < s; k++) {
      const v = X[rows[Math.floor((k * rows.length) / s)] * f + j];
      if (v === v) col[S++] = v;
    }
    const sorted = col.subarray(0, S).sort();
    let distinct = 0;
    for (let k = 0; k < S; k++) if (k === 0 || sorted[k] !== sorted[k - 1]) distinct++;
    let c = 0;
    const base = j * E;
    if (distinct <= maxBins) {
      for (let k = 1; k < S; k++) if (sorted[k] !== sorted[k - 1]) edges[base + c++] = midpoint(sorted[k - 1], sorted[k]);
    } else {
      let k = 0;
      for (let q = 1; q < maxBins; q++) {
        // The value at quantile q / maxBins, then on to the end of its run of equal values.
        k = Math.max(k, Math.ceil((q * S) / maxBins) - 1);
        while (k + 1 < S && sorted[k + 1] === sorted[k]) k++;
        if (k + 1 >= S) break;
        const e = midpoint(sorted[k], sorted[k + 1]);
        if (c === 0 || e > edges[base + c - 1]) edges[base + c++] = e;
        k++;
      }
    }
    edgeCount[j] = c;
  }
  return { nFeatures: f, maxBins, edges, edgeCount };
}

/** Bin code of one value: the first bin whose upper edge is >= x (NaN: the last bin). */
export function binOf(bins: FeatureBins, j: number, x: number): number {
  const base = j * (bins.maxBins - 1);
  let lo = 0;
  let hi = bins.edgeCount[j];
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (x <= bins.edges[base + mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * Codes of the listed rows, COLUMN-major [f][rows.length]: a node's histogram reads one feature
 * for many rows, so a column keeps those reads in one small contiguous array.
 */
export function binRows(X: Float32Array, f: number, rows: Int32Array, bins: FeatureBins, out?: Uint8Array): Uint8Array {
  const m = rows.length;
  const codes = out ?? new Uint8Array(m * f);
  // binOf as a fixed-depth search over edges padded with +Infinity to a power of two: no
  // data-dependent branches, which matters at rows * f calls. NaN compares false to everything
  // and runs to the end, so it is clamped to the last bin.
  let P = 1;
  while (P < bins.maxBins) P <<= 1;
  const padded = new Float32Array(f * P).fill(Infinity);
  const E = bins.maxBins - 1;
  for (let j = 0; j < f; j++) padded.set(bins.edges.subarray(j * E, j * E + bins.edgeCount[j]), j * P);
  const count = bins.edgeCount;
  for (let k = 0; k < m; k++) {
    const o = rows[k] * f;
    for (let j = 0; j < f; j++) {
      const x = X[o + j];
      const base = j * P - 1;
      let pos = 0;
      for (let step = P >> 1; step > 0; step >>= 1) pos += x <= padded[base + pos + step] ? 0 : step;
      if (!(x <= padded[base + pos + 1])) pos++;
      codes[j * m + k] = Math.min(pos, count[j]);
    }
  }
  return codes;
}
