// A branch-light prediction layout for depth-limited forests: every tree is padded to a complete
// binary tree of the forest's depth D (heap order, children of k at 2k+1 and 2k+2), so a row walks
// exactly D comparisons per tree and the next index is arithmetic, with no per-node "is it a
// leaf?" test for the CPU to mispredict. A leaf above depth D is repeated into every slot below it,
// so the padded comparisons cannot change the result (NaN included), and since trees are summed in
// the same order, predictions are bit-identical to walking the original nodes.
export interface CompleteTrees {
  depth: number;
  /** Per tree 2^D - 1 internal slots. */
  feature: Int32Array;
  threshold: Float32Array;
  /** Per tree 2^D leaf values. */
  leaf: Float32Array;
}

interface NodeArrays {
  roots: Int32Array;
  feature: Int32Array;
  threshold: Float32Array;
  left: Int32Array;
  right: Int32Array;
  value: Float32Array;
}

/** Depth of the deepest leaf in the forest. */
export function forestDepth(t: NodeArrays): number {
  let max = 0;
  const stack: number[] = [];
  for (const r of t.roots) {
    stack.push(r, 0);
    while (stack.length) {
      const d = stack.pop() as number;
      const node = stack.pop() as number;
      if (t.feature[node] < 0) max = Math.max(max, d);
      else stack.push(t.left[node], d + 1, t.right[node], d + 1);
    }
  }
  return max;
}

/** The padded layout, or undefined when the forest is deeper than `maxDepth` (2^D slots per tree). */
export function completeTrees(t: NodeArrays, maxDepth = 12): CompleteTrees | undefined {
  const D = forestDepth(t);
  if (D > maxDepth) return undefined;
  const I = (1 << D) - 1;
  const L = 1 << D;
  const T = t.roots.length;
  const feature = new Int32Array(T * I);
  const threshold = new Float32Array(T * I);
  const leaf = new Float32Array(T * L);
  const fill = (tree: number, node: number, k: number, d: number): void => {
    if (d === D) {
      leaf[tree * L + k - I] = t.value[node];
      return;
    }
    const isLeaf = t.feature[node] < 0;
    feature[tree * I + k] = isLeaf ? 0 : t.feature[node];
    threshold[tree * I + k] = isLeaf ? 0 : t.threshold[node];
    fill(tree, isLeaf ? node : t.left[node], 2 * k + 1, d + 1);
    fill(tree, isLeaf ? node : t.right[node], 2 * k + 2, d + 1);
  };
  for (let tree = 0; tree < T; tree++) fill(tree, t.roots[tree], 0, 0);
  return { depth: D, feature, threshold, leaf };
}

/**
 * Mean leaf value over the trees for rows [0, n) of X (row-major, f features) into out. Blocks of
 * rows go tree by tree, so one tree's slots stay in L1 cache while a block of rows walks it; each
 * row still adds its trees in order 0..T-1, so the sum is the same as row by row.
 */
export function predictComplete(c: CompleteTrees, X: Float32Array, f: number, n: number, out: Float64Array): void {
  const { depth: D, feature, threshold, leaf } = c;
  const I = (1 << D) - 1;
  const L = 1 << D;
  const T = leaf.length / L;
  const BLOCK = 128;
  for (let i0 = 0; i0 < n; i0 += BLOCK) {
    const i1 = Math.min(n, i0 + BLOCK);
    out.fill(0, i0, i1);
    for (let t = 0, base = 0, lb = -I; t < T; t++, base += I, lb += L) {
      for (let i = i0, o = i0 * f; i < i1; i++, o += f) {
        let k = 0;
        for (let d = 0; d < D; d++) k = 2 * k + 2 - +(X[o + feature[base + k]] <= threshold[base + k]);
        out[i] += leaf[lb + k];
      }
    }
    for (let i = i0; i < i1; i++) out[i] /= T;
  }
}
