// Stable time order of rows: gaps and duplicates are judged on it, so an out-of-order file still gets
// exact gap and duplicate findings (and `sort` repairs to the same order).

/**
 * Indices of `rows` (default: every row) sorted by ts; equal ts keep their given order (stable), so
 * "first" of a duplicate stays the one that came first. Rows whose ts is not finite are left out.
 * Already sorted input (the usual case) costs one pass.
 */
export function timeOrder(ts: Float64Array, rows?: Int32Array): Int32Array {
  const n = rows ? rows.length : ts.length;
  let out = new Int32Array(n);
  let m = 0;
  let sorted = true;
  let prev = -Infinity;
  for (let k = 0; k < n; k++) {
    const i = rows ? rows[k] : k;
    const t = ts[i];
    if (t - t !== 0) continue;
    if (t < prev) sorted = false;
    prev = t;
    out[m++] = i;
  }
  if (m < n) out = out.slice(0, m);
  if (sorted) return out;
  // Sort positions, tie-broken on position, so the sort is stable whatever the engine's algorithm.
  const src = out;
  const perm = new Int32Array(m);
  for (let k = 0; k < m; k++) perm[k] = k;
  perm.sort((p, q) => ts[src[p]] - ts[src[q]] || p - q);
  out = new Int32Array(m);
  for (let k = 0; k < m; k++) out[k] = src[perm[k]];
  return out;
}
