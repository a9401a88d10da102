// Seeded initial parameters: orthogonal kernels scaled by a gain, zero biases (CleanRL's
// layer_init), computed here from the run's Rng rather than by tfjs initialisers so that both
// engines, every backend and every platform start from the very same weights.
import type { Rng } from '../../data/random.js';
import type { ParamLayout } from './actor-critic-layout.js';

/**
 * A [rows, cols] row-major matrix with orthonormal columns (rows >= cols) or rows (rows < cols),
 * times `gain`: Gram-Schmidt on a standard normal matrix with the sign fix of torch's
 * orthogonal_ (so the result is uniformly distributed over orthogonal matrices).
 */
export function orthogonal(rows: number, cols: number, gain: number, rng: Rng): Float64Array {
  const tall = rows >= cols;
  const r = tall ? rows : cols;
  const c = tall ? cols : rows;
  // q: c column vectors of length r, stored column by column.
  const q = new Float64Array(r * c);
  for (let i = 0; i < q.length; i++) q[i] = rng.normal();
  for (let j = 0; j < c; j++) {
    const col = j * r;
    for (let p = 0; p < j; p++) {
      let dot = 0;
      for (let i = 0; i < r; i++) dot += q[p * r + i] * q[col + i];
      for (let i = 0; i < r; i++) q[col + i] -= dot * q[p * r + i];
    }
    let norm = 0;
    for (let i = 0; i < r; i++) norm += q[col + i] * q[col + i];
    norm = Math.sqrt(norm);
    for (let i = 0; i < r; i++) q[col + i] /= norm;
  }
  const out = new Float64Array(rows * cols);
  for (let j = 0; j < c; j++) {
    for (let i = 0; i < r; i++) {
      const v = gain * q[j * r + i];
      if (tall) out[i * cols + j] = v;
      else out[j * cols + i] = v;
    }
  }
  return out;
}

/** Fresh parameters in the flat layout. */
export function initParams(layout: ParamLayout, rng: Rng): Float32Array {
  const p = new Float32Array(layout.size);
  for (const net of [layout.actor, layout.critic]) {
    for (const l of net.layers) p.set(orthogonal(l.inSize, l.outSize, l.gain, rng), l.kernel.offset);
  }
  if (layout.logStd) p.fill(layout.spec.initLogStd, layout.logStd.offset, layout.logStd.offset + layout.logStd.size);
  return p;
}
