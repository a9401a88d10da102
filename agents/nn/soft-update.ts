// Polyak averaging of target networks, target = tau * source + (1 - tau) * target, as ONE SIMD
// gemm over the whole flat parameter array: M = 1, K = 2, A = [tau, 1 - tau], and B's two rows
// are the source and the target arrays themselves (the row stride is the byte distance between
// them, negative or not). The gemm reads each tile of columns before it writes it, so C may be
// the target row in place. Over the 213 k parameters of a 256-256 TD3: 46 us, a JS loop 340 us
// (scripts/bench/ddpg.bench.ts).
import { GEMM_OVERWRITE } from './kernels.js';
import type { WasmHeap } from './wasm-heap.js';

/** `coef`: byte offset of 2 scratch floats; `target`, `source`: byte offsets of `len` floats each. */
export function softUpdate(heap: WasmHeap, coef: number, target: number, source: number, len: number, tau: number): void {
  const h = heap.f32();
  h[coef / 4] = tau;
  h[coef / 4 + 1] = 1 - tau;
  heap.kernels.gemm(coef, 0, 4, source, target - source, target, 0, 0, 1, len, 2, GEMM_OVERWRITE);
}
