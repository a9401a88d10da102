// The actor or critic MLP on top of the LSTM, as nn/fused-mlp.ts's FusedMlp but also returning
// the gradient with respect to its INPUT (the LSTM output), which BPTT needs and FusedMlp does
// not compute (its backward stops at the first layer's weights). If FusedMlp.backward grows an
// optional input-gradient output, this file can go.
import { GEMM_ACCUMULATE, GEMM_BIAS, GEMM_OVERWRITE } from '../nn/kernels.js';
import type { NetLayout } from '../nn/actor-critic-layout.js';
import type { FlatBuffers } from '../nn/fused-mlp.js';
import type { WasmHeap } from '../nn/wasm-heap.js';

export class FusedHead {
  readonly outSize: number;
  /** Transposed kernels [out, in] of every layer (layer 0's for the input gradient). */
  private readonly kernelT: number[];
  private capacity = 0;
  private outs: number[] = [];
  private scratch: number[] = [];

  constructor(private readonly heap: WasmHeap, readonly net: NetLayout, private readonly flat: FlatBuffers) {
    this.outSize = net.layers[net.layers.length - 1].outSize;
    this.kernelT = net.layers.map((l) => heap.alloc(l.inSize * l.outSize));
  }

  reserve(batch: number): void {
    if (batch <= this.capacity) return;
    const cap = Math.max(batch, this.capacity * 2);
    this.outs = this.net.layers.map((l) => this.heap.alloc(cap * l.outSize));
    const widest = Math.max(...this.net.layers.map((l) => l.inSize));
    this.scratch = [this.heap.alloc(cap * widest), this.heap.alloc(cap * widest)];
    this.capacity = cap;
  }

  syncTransposed(): void {
    const h = this.heap.f32();
    const base = this.flat.params / 4;
    this.net.layers.forEach((l, i) => {
      const w = base + l.kernel.offset;
      const t = this.kernelT[i] / 4;
      const I = l.inSize;
      const O = l.outSize;
      for (let r = 0; r < I; r++) for (let c = 0; c < O; c++) h[t + c * I + r] = h[w + r * O + c];
    });
  }

  /** Forward over `batch` rows at byte offset `x`; returns the output's byte offset ([batch, outSize]). */
  forward(x: number, batch: number): number {
    this.reserve(batch);
    const k = this.heap.kernels;
    const P = this.flat.params;
    let input = x;
    this.net.layers.forEach((l, i) => {
      const out = this.outs[i];
      k.gemm(input, l.inSize * 4, 4, P + l.kernel.offset * 4, l.outSize * 4, out, l.outSize * 4, P + l.bias.offset * 4, batch, l.outSize, l.inSize, GEMM_BIAS);
      if (l.tanh) k.tanh(out, out, batch * l.outSize);
      input = out;
    });
    return input;
  }

  /**
   * Backward from dL/dOutput at `dOut` through the last forward(x, batch): overwrites this net's
   * parameter gradients and writes (accumulate = false) or adds (true) dL/dx into `dInput`.
   */
  backward(x: number, batch: number, dOut: number, dInput: number, accumulate: boolean): void {
    const k = this.heap.kernels;
    const G = this.flat.grads;
    let g = dOut;
    for (let i = this.net.layers.length - 1; i >= 0; i--) {
      const l = this.net.layers[i];
      const input = i === 0 ? x : this.outs[i - 1];
      const O = l.outSize;
      const I = l.inSize;
      k.gemm(input, 4, I * 4, g, O * 4, G + l.kernel.offset * 4, O * 4, 0, I, O, batch, GEMM_OVERWRITE);
      k.gemm(this.flat.one, 0, 0, g, O * 4, G + l.bias.offset * 4, 0, 0, 1, O, batch, GEMM_OVERWRITE);
      if (i === 0) {
        k.gemm(g, O * 4, 4, this.kernelT[0], I * 4, dInput, I * 4, 0, batch, I, O, accumulate ? GEMM_ACCUMULATE : GEMM_OVERWRITE);
        break;
      }
      const dx = this.scratch[i & 1];
      k.gemm(g, O * 4, 4, this.kernelT[i], I * 4, dx, I * 4, 0, batch, I, O, GEMM_OVERWRITE);
      k.tanhBackward(dx, input, dx, batch * I);
      g = dx;
    }
  }
}
