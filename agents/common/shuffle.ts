// Seeded Fisher-Yates permutation of 0..n-1, in place (minibatch order must follow the run seed).
import type { Rng } from '../../data/random.js';

export function shuffleIndices(idx: Int32Array, rng: Rng): Int32Array {
  for (let i = 0; i < idx.length; i++) idx[i] = i;
  for (let i = idx.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = idx[i];
    idx[i] = idx[j];
    idx[j] = t;
  }
  return idx;
}
