// One MLP (tanh hidden layers, linear output) evaluated and differentiated by hand over a
// WasmHeap: forward keeps every layer's output for the backward pass, backward writes the
// parameter gradients into the gradient array (same layout as the parameters).
import { GEMM_BIAS, GEMM_OVERWRITE } from './kernels.js';
import type { NetLayout } from './actor-critic-layout.js';
import type { WasmHeap } from './wasm-heap.js';

export interface FlatBuffers {
  /** Byte offsets of the flat parameter and gradient arrays in the heap. */
  params: number;
  grads: number;
  /** Byte offset of one float 1.0: the bias gradient is ones^T @ dZ, a gemm with zero strides. */
  one: number;
}

export class FusedMlp {
  readonly inSize: number;
  readonly outSize: number;
  /** Transposed kernels [out, in] of layers >= 1 (for dX = dZ @ W^T); refreshed by syncTransposed. */
  private readonly kernelT: number[];
  private capacity = 0;
  /** Byte offsets of each layer's output [capacity, outSize] (post-tanh for hidden layers). */
  private outs: number[] = [];
  /** Two scratch buffers for the backward pass, [capacity, widest layer]. */
  private scratch: number[] = [];

  constructor(private readonly heap: WasmHeap, readonly net: NetLayout, private readonly flat: FlatBuffers) {
    this.inSize = net.layers[0].inSize;
    this.outSize = net.layers[net.layers.length - 1].outSize;
    this.kernelT = net.layers.map((l, i) => (i === 0 ? 0 : heap.alloc(l.inSize * l.outSize)));
  }

  /** Makes room for batches of `batch` rows (buffers only ever grow). */
  reserve(batch: number): void {
    if (batch <= this.capacity) return;
    const cap = Math.max(batch, this.capacity * 2);
    this.outs = this.net.layers.map((l) => this.heap.alloc(cap * l.outSize));
    const widest = Math.max(...this.net.layers.map((l) => l.inSize));
    this.scratch = [this.heap.alloc(cap * widest), this.heap.alloc(cap * widest)];
    this.capacity = cap;
  }

  /** Byte offset of the output [batch, outSize] of the last forward pass. */
  get output(): number {
    return this.outs[this.outs.length - 1];
  }

  /** Copies W^T of each layer after the parameters changed. */
  syncTransposed(): void {
    const h = this.heap.f32();
    const base = this.flat.params / 4;
    this.net.layers.forEach((l, i) => {
      if (i === 0) return;
      const w = base + l.kernel.offset;
      const t = this.kernelT[i] / 4;
      const I = l.inSize;
      const O = l.outSize;
      for (let r = 0; r < I; r++) for (let c = 0; c < O; c++) h[t + c * I + r] = h[w + r * O + c];
    });
  }

  /** Forward over `batch` rows at byte offset `x` ([batch, inSize]); returns the output's offset. */
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
   * Backward from dL/dOutput at byte offset `dOut` ([batch, outSize]) through the activations of
   * the last forward(x, batch); writes (overwrites) this net's parameter gradients.
   */
  backward(x: number, batch: number, dOut: number): void {
    const k = this.heap.kernels;
    const G = this.flat.grads;
    let g = dOut;
    for (let i = this.net.layers.length - 1; i >= 0; i--) {
      const l = this.net.layers[i];
      const input = i === 0 ? x : this.outs[i - 1];
      const O = l.outSize;
      const I = l.inSize;
      // dW = X^T @ dZ: A(m, k) = X[k, m] is X read with swapped strides.
      k.gemm(input, 4, I * 4, g, O * 4, G + l.kernel.offset * 4, O * 4, 0, I, O, batch, GEMM_OVERWRITE);
      k.gemm(this.flat.one, 0, 0, g, O * 4, G + l.bias.offset * 4, 0, 0, 1, O, batch, GEMM_OVERWRITE);
      if (i === 0) break;
      const dx = this.scratch[i & 1];
      k.gemm(g, O * 4, 4, this.kernelT[i], I * 4, dx, I * 4, 0, batch, I, O, GEMM_OVERWRITE);
      k.tanhBackward(dx, input, dx, batch * I);
      g = dx;
    }
  }
}
