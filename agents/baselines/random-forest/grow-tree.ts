// One classification tree, grown depth-first on binned data with per-node class histograms and
// the Gini criterion. Rows carry integer weights (bootstrap counts). A node's rows are a slice of
// one index array (their weight and class packed in a parallel array that moves with it),
// partitioned stably at each split so the slice stays ascending: histogram reads then walk each
// feature column forward, and the features tried at a node are histogrammed in one pass. Measured
// on 1M x 30 (scripts/bench/baselines.bench.ts): packing ~20% and the one-pass batch ~20% faster.
import type { Rng } from '../../../data/random.js';

/** Binned training data shared by every tree of a forest. */
export interface BinnedData {
  /** Column-major bin codes [f][m] (binning.ts). */
  codes: Uint8Array;
  /** Class 0/1 per training row. */
  y: Uint8Array;
  m: number;
  f: number;
  /** Bins per feature (edgeCount + 1). */
  nBins: Uint16Array;
}

export interface TreeParams {
  maxDepth: number;
  /** Minimum summed weight (bootstrap count) in each child. */
  minSamplesLeaf: number;
  /** A node with less weight than this is a leaf. */
  minSamplesSplit: number;
  /** Non-constant features evaluated per split (scikit-learn's max_features). */
  maxFeatures: number;
}

/** A tree in flat arrays; node 0 is the root, feature -1 marks a leaf. */
export interface TreeNodes {
  count: number;
  feature: Int32Array;
  /** Split "code <= bin goes left". */
  bin: Uint8Array;
  left: Int32Array;
  right: Int32Array;
  /** P(class 1) among the node's (weighted) training rows; the prediction at a leaf. */
  value: Float32Array;
}

/** Histogram slots per feature: (class 0, class 1) weight per bin, up to 256 bins. */
const HIST = 512;

/** Buffers one tree needs, reused across the trees grown by one thread. */
export class TreeScratch {
  readonly idx: Int32Array;
  readonly tmp: Int32Array;
  readonly weight: Uint16Array;
  /** Per position in idx: weight * 2 + class, moved with idx so the histogram loop gathers only codes. */
  readonly packed: Int32Array;
  readonly packedTmp: Int32Array;
  readonly hist: Int32Array;
  readonly perm: Int32Array;
  readonly batch: Int32Array;
  readonly batchCol: Int32Array;
  constructor(m: number, f: number) {
    this.idx = new Int32Array(m);
    this.tmp = new Int32Array(m);
    this.weight = new Uint16Array(m);
    this.packed = new Int32Array(m);
    this.packedTmp = new Int32Array(m);
    this.hist = new Int32Array(f * HIST);
    this.perm = new Int32Array(f);
    this.batch = new Int32Array(f);
    this.batchCol = new Int32Array(f);
  }
}

class NodeBuffer implements TreeNodes {
  count = 0;
  feature = new Int32Array(64);
  bin = new Uint8Array(64);
  left = new Int32Array(64);
  right = new Int32Array(64);
  value = new Float32Array(64);

  add(value: number): number {
    if (this.count === this.feature.length) {
      const grow = <T extends Int32Array | Uint8Array | Float32Array>(a: T): T => {
        const b = new (a.constructor as new (n: number) => T)(a.length * 2);
        b.set(a);
        return b;
      };
      this.feature = grow(this.feature);
      this.bin = grow(this.bin);
      this.left = grow(this.left);
      this.right = grow(this.right);
      this.value = grow(this.value);
    }
    const id = this.count++;
    this.feature[id] = -1;
    this.left[id] = -1;
    this.right[id] = -1;
    this.value[id] = value;
    return id;
  }
}

/**
 * Grows one tree on the rows with weight > 0 in `scratch.weight` (the caller draws them: bootstrap
 * counts or a subsample). Deterministic given the weights and `rng`.
 */
export function growTree(data: BinnedData, p: TreeParams, rng: Rng, scratch: TreeScratch): TreeNodes {
  const { codes, y, m, f, nBins } = data;
  const { idx, tmp, weight, hist, perm, packed, packedTmp, batch, batchCol } = scratch;
  let n = 0;
  let rootN = 0;
  let rootP = 0;
  for (let r = 0; r < m; r++) {
    const w = weight[r];
    if (w > 0) {
      packed[n] = (w << 1) | y[r];
      idx[n++] = r;
      rootN += w;
      if (y[r]) rootP += w;
    }
  }
  for (let j = 0; j < f; j++) perm[j] = j;
  const nodes = new NodeBuffer();
  // Frames of [lo, hi, depth, node, weight, positive weight]; left children are popped first.
  const stack: number[] = [0, n, 0, nodes.add(rootN > 0 ? rootP / rootN : 0), rootN, rootP];
  let sp = stack.length;
  while (sp > 0) {
    sp -= 6;
    const lo = stack[sp];
    const hi = stack[sp + 1];
    const depth = stack[sp + 2];
    const node = stack[sp + 3];
    const N = stack[sp + 4];
    const P = stack[sp + 5];
    if (depth >= p.maxDepth || N < p.minSamplesSplit || N < 2 * p.minSamplesLeaf || P === 0 || P === N) continue;

    // Sum over children of (P^2 + Q^2) / N is maximal where the weighted Gini impurity is minimal.
    const parentScore = (P * P + (N - P) * (N - P)) / N;
    let best = parentScore + 1e-9 * N;
    let bestFeature = -1;
    let bestBin = 0;
    let bestNL = 0;
    let bestPL = 0;
    let evaluated = 0;
    let drawn = 0;
    // Features in a fresh random order (partial Fisher-Yates); constant ones do not count towards
    // maxFeatures, as in scikit-learn, so deep nodes still find a splittable feature. A batch of
    // the features still needed is histogrammed in ONE pass over the node's rows.
    while (evaluated < p.maxFeatures && drawn < f) {
      const q = Math.min(p.maxFeatures - evaluated, f - drawn);
      for (let u = 0; u < q; u++, drawn++) {
        const sw = drawn + rng.int(f - drawn);
        const j = perm[sw];
        perm[sw] = perm[drawn];
        perm[drawn] = j;
        batch[u] = j;
        batchCol[u] = j * m;
      }
      hist.fill(0, 0, q * HIST);
      for (let k = lo; k < hi; k++) {
        const v = packed[k];
        const r = idx[k];
        const c = v & 1;
        const w = v >> 1;
        for (let u = 0, h = c; u < q; u++, h += HIST) hist[h + (codes[batchCol[u] + r] << 1)] += w;
      }
      for (let u = 0; u < q; u++) {
        const j = batch[u];
        const B = nBins[j];
        const h0 = u * HIST;
        let occupied = 0;
        for (let b = 0; b < B && occupied < 2; b++) if (hist[h0 + 2 * b] + hist[h0 + 2 * b + 1] > 0) occupied++;
        if (occupied < 2) continue;
        evaluated++;
        let NL = 0;
        let PL = 0;
        for (let b = 0; b < B - 1; b++) {
          NL += hist[h0 + 2 * b] + hist[h0 + 2 * b + 1];
          PL += hist[h0 + 2 * b + 1];
          if (NL < p.minSamplesLeaf) continue;
          const NR = N - NL;
          if (NR < p.minSamplesLeaf) break;
          const PR = P - PL;
          const QL = NL - PL;
          const QR = NR - PR;
          const score = (PL * PL + QL * QL) / NL + (PR * PR + QR * QR) / NR;
          if (score > best) {
            best = score;
            bestFeature = j;
            bestBin = b;
            bestNL = NL;
            bestPL = PL;
          }
        }
      }
    }
    if (bestFeature < 0) continue;

    // Stable partition: left rows compact forward, right rows via tmp, both stay ascending.
    const col = bestFeature * m;
    let l = lo;
    let t = 0;
    for (let k = lo; k < hi; k++) {
      const r = idx[k];
      if (codes[col + r] <= bestBin) {
        packed[l] = packed[k];
        idx[l++] = r;
      } else {
        packedTmp[t] = packed[k];
        tmp[t++] = r;
      }
    }
    idx.set(tmp.subarray(0, t), l);
    packed.set(packedTmp.subarray(0, t), l);
    const NR = N - bestNL;
    const PR = P - bestPL;
    const left = nodes.add(bestPL / bestNL);
    const right = nodes.add(PR / NR);
    nodes.feature[node] = bestFeature;
    nodes.bin[node] = bestBin;
    nodes.left[node] = left;
    nodes.right[node] = right;
    stack.length = sp;
    stack.push(l, hi, depth + 1, right, NR, PR, lo, l, depth + 1, left, bestNL, bestPL);
    sp += 12;
  }
  return nodes;
}
