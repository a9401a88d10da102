// Puts imported rows in ascending time, and says so: many vendors write newest first, and a
// silent re-order would hide a file that is really scrambled. Duplicates are kept (data/clean
// decides about them), and the sort is stable so equal times keep their file order.

export interface TimeOrder {
  /** Row indexes in ascending time, or null when the rows already are. */
  order: Int32Array | null;
  note?: string;
}

/** `line[i]` is the file line of row i, for the note. */
export function ascendingOrder(ts: Float64Array, line: Uint32Array): TimeOrder {
  const n = ts.length;
  let back = 0;
  let forward = 0;
  let firstBack = -1;
  for (let i = 1; i < n; i++) {
    if (ts[i] < ts[i - 1]) { back++; if (firstBack < 0) firstBack = i; }
    else if (ts[i] > ts[i - 1]) forward++;
  }
  if (back === 0) return { order: null };
  const order = new Int32Array(n);
  if (forward === 0) {
    // Newest first throughout: reversing keeps equal times in reverse file order, which is what
    // a newest-first writer meant (the later duplicate was written first).
    for (let i = 0; i < n; i++) order[i] = n - 1 - i;
    return { order, note: `rows were newest first; reversed to ascending time (${n} rows)` };
  }
  for (let i = 0; i < n; i++) order[i] = i;
  // A typed-array sort with a comparator, tie-broken on the index: stable whatever the engine does.
  order.sort((a, b) => ts[a] - ts[b] || a - b);
  return {
    order,
    note: `rows were out of time order (${back} backward step(s), the first at line ${line[firstBack]}); sorted by time`,
  };
}

export function permuteF64(a: Float64Array, order: Int32Array): Float64Array {
  const out = new Float64Array(order.length);
  for (let i = 0; i < order.length; i++) out[i] = a[order[i]];
  return out;
}

export function permuteU32(a: Uint32Array, order: Int32Array): Uint32Array {
  const out = new Uint32Array(order.length);
  for (let i = 0; i < order.length; i++) out[i] = a[order[i]];
  return out;
}
