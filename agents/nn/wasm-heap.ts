// A bump allocator over a WebAssembly memory: the fused engine keeps parameters, gradients,
// optimizer moments and activations in the kernels' memory so no call copies them in or out.
import type { Kernels } from './kernels.js';

const PAGE = 65536;

export class WasmHeap {
  private top = 16; // byte 0 stays unused so a zero pointer is never a live buffer
  private view: Float32Array;
  constructor(readonly kernels: Kernels) {
    this.view = new Float32Array(kernels.memory.buffer);
  }

  /** Reserves `floats` float32 slots, 16-byte aligned for SIMD loads, zero-filled; returns the byte offset. */
  alloc(floats: number): number {
    const at = this.top;
    this.top += Math.ceil((floats * 4) / 16) * 16;
    const mem = this.kernels.memory;
    if (this.top > mem.buffer.byteLength) mem.grow(Math.ceil((this.top - mem.buffer.byteLength) / PAGE));
    this.f32().fill(0, at / 4, at / 4 + floats);
    return at;
  }

  /** The float32 view of the whole memory (re-created after the memory grew, which detaches the old one). */
  f32(): Float32Array {
    if (this.view.buffer !== this.kernels.memory.buffer) this.view = new Float32Array(this.kernels.memory.buffer);
    return this.view;
  }

  /** A view of `floats` values at byte offset `ptr` (valid until the next alloc). */
  at(ptr: number, floats: number): Float32Array {
    return this.f32().subarray(ptr / 4, ptr / 4 + floats);
  }
}
