// Adam over parameters that live in the SIMD kernels' memory: the one optimizer step every fused
// engine (PPO, recurrent PPO, DDPG/TD3) runs, with optional global-norm gradient clipping.
import { adamCorrections, clipScale, globalNorm, type AdamConfig } from './adam.js';
import type { WasmHeap } from './wasm-heap.js';

/** Byte addresses of the flat parameter, gradient and moment buffers in the heap. */
export interface HeapAdamBuffers {
  params: number;
  grads: number;
  m: number;
  v: number;
}

/** One Adam step (1-based `step`) over floats [from, from + len), gradients scaled by `gradScale`. */
export function heapAdamStep(heap: WasmHeap, b: HeapAdamBuffers, from: number, len: number, step: number, lr: number, adam: AdamConfig, gradScale = 1): void {
  const { stepSize, sqrtBc2 } = adamCorrections(step, lr, adam);
  const o = from * 4;
  heap.kernels.adam(b.params + o, b.grads + o, b.m + o, b.v + o, len, gradScale, adam.beta1, adam.beta2, stepSize, 1 / sqrtBc2, adam.eps);
}

/** Clips the gradients of all `n` parameters to `maxGradNorm` (global norm), then one Adam step; returns the norm before clipping. */
export function clippedHeapAdamStep(heap: WasmHeap, b: HeapAdamBuffers, n: number, step: number, lr: number, adam: AdamConfig, maxGradNorm: number): number {
  const norm = globalNorm(heap.at(b.grads, n));
  heapAdamStep(heap, b, 0, n, step, lr, adam, clipScale(norm, maxGradNorm));
  return norm;
}
