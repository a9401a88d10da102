// A dense MLP evaluated and differentiated by hand over a WasmHeap: fused-mlp.ts (PPO's tanh
// MLP) generalised to what off-policy actor-critics (DDPG, TD3) need, on the same SIMD kernels:
//  - ReLU or tanh hidden layers, a tanh or linear output (DDPG's actor squashes into the bounds);
//  - the gradient w.r.t. the INPUT: the deterministic policy gradient reaches the actor through
//    dQ/da, the critic's input gradient (FusedMlp stops at the first layer's weights);
//  - a backward pass without parameter gradients: the actor step needs dQ/da only, and skipping
//    the critic's dW halves that pass;
//  - inputs read with any row stride: the critic input [obs, action] is one interleaved buffer
//    and the actor reads the obs columns of it in place;
//  - forward-only nets (target networks) that keep no transposed kernels.
// ReLU runs as a branch-free JS loop over the heap (the kernel module, simd-kernels.ts, has no
// max op): ~50 us forward and ~110 us backward over [256, 256], next to ~840 us for the gemm that
// produced it (scripts/bench/ddpg.bench.ts).
import type { Rng } from '../../data/random.js';
import { ConfigError } from '../../data/errors.js';
import { GEMM_BIAS, GEMM_OVERWRITE } from './kernels.js';
import type { ParamEntry } from './actor-critic-layout.js';
import type { FlatBuffers } from './fused-mlp.js';
import { orthogonal } from './orthogonal-init.js';
import type { WasmHeap } from './wasm-heap.js';

export type Activation = 'linear' | 'tanh' | 'relu';

export interface NetLayer {
  kernel: ParamEntry;
  bias: ParamEntry;
  inSize: number;
  outSize: number;
  /** Applied to this layer's output. */
  activation: Activation;
  /** Orthogonal init gain of the kernel (biases start at 0). */
  gain: number;
}

export interface DenseNetLayout {
  name: string;
  layers: NetLayer[];
}

/**
 * Named tensors in one flat float32 array, each at a 4-float aligned offset (SIMD loads), in
 * the order they are added: nets added one after another occupy contiguous ranges, so an
 * optimizer can step one net's range alone.
 */
export class FlatLayout {
  readonly entries: ParamEntry[] = [];
  /** Floats used so far (always a multiple of 4). */
  size = 0;

  add(name: string, shape: number[]): ParamEntry {
    const size = shape.reduce((a, b) => a * b, 1);
    const e = { name, shape, offset: this.size, size };
    this.entries.push(e);
    this.size += Math.ceil(size / 4) * 4;
    return e;
  }

  /** Dense layers over `sizes` (input, hidden..., output) named `<name>/dense_<i>/{kernel,bias}`. */
  mlp(name: string, sizes: number[], hidden: Activation, output: Activation, gains: { hidden: number; output: number }): DenseNetLayout {
    if (sizes.some((s) => !Number.isInteger(s) || s < 1)) throw new ConfigError(name, `layer sizes must be positive integers, got [${sizes.join(', ')}]`);
    const layers: NetLayer[] = [];
    for (let l = 0; l + 1 < sizes.length; l++) {
      const last = l + 2 === sizes.length;
      layers.push({
        kernel: this.add(`${name}/dense_${l}/kernel`, [sizes[l], sizes[l + 1]]),
        bias: this.add(`${name}/dense_${l}/bias`, [sizes[l + 1]]),
        inSize: sizes[l],
        outSize: sizes[l + 1],
        activation: last ? output : hidden,
        gain: last ? gains.output : gains.hidden,
      });
    }
    return { name, layers };
  }
}

/** Writes seeded orthogonal kernels (times each layer's gain) and zero biases into `params`. */
export function initDenseNet(net: DenseNetLayout, params: Float32Array, rng: Rng): void {
  for (const l of net.layers) {
    params.set(orthogonal(l.inSize, l.outSize, l.gain, rng), l.kernel.offset);
    params.fill(0, l.bias.offset, l.bias.offset + l.bias.size);
  }
}

export interface BackwardOptions {
  /** Write this net's parameter gradients (default true). */
  paramGrads?: boolean;
  /** Byte offset of [batch, inSize] (contiguous) to receive dL/dInput; needs `inputGrad` at construction. */
  dInput?: number;
  /** Row stride of the input in bytes, as given to forward (default inSize * 4). */
  ldx?: number;
}

export class FusedNet {
  readonly inSize: number;
  readonly outSize: number;
  /** Transposed kernels [out, in] for dX = dZ @ W^T (0 where not kept); refreshed by syncTransposed. */
  private readonly kernelT: number[];
  private capacity = 0;
  /** Byte offsets of each layer's output [capacity, outSize], after its activation. */
  private outs: number[] = [];
  /** Two scratch buffers for the backward pass, [capacity, widest layer]. */
  private scratch: number[] = [];
  private bits = new Int32Array(0);

  /**
   * `backward: false` makes a forward-only net (target networks); `inputGrad` keeps the first
   * layer's transposed kernel too, for dL/dInput.
   */
  constructor(
    private readonly heap: WasmHeap, readonly net: DenseNetLayout, private readonly flat: FlatBuffers,
    readonly opts: { backward?: boolean; inputGrad?: boolean } = {},
  ) {
    this.inSize = net.layers[0].inSize;
    this.outSize = net.layers[net.layers.length - 1].outSize;
    const backward = opts.backward ?? true;
    this.kernelT = net.layers.map((l, i) => (backward && (i > 0 || opts.inputGrad) ? heap.alloc(l.inSize * l.outSize) : 0));
    this.syncTransposed();
  }

  /** Makes room for batches of `batch` rows (buffers only ever grow). */
  reserve(batch: number): void {
    if (batch <= this.capacity) return;
    const cap = Math.max(batch, this.capacity * 2);
    this.outs = this.net.layers.map((l) => this.heap.alloc(cap * l.outSize));
    if (this.opts.backward ?? true) {
      const widest = Math.max(...this.net.layers.map((l) => Math.max(l.inSize, l.outSize)));
      this.scratch = [this.heap.alloc(cap * widest), this.heap.alloc(cap * widest)];
    }
    this.capacity = cap;
  }

  /** Byte offset of the output [batch, outSize] of the last forward pass. */
  get output(): number {
    return this.outs[this.outs.length - 1];
  }

  /** Copies W^T of the layers that keep one, after the parameters changed. */
  syncTransposed(): void {
    const h = this.heap.f32();
    const base = this.flat.params / 4;
    this.net.layers.forEach((l, i) => {
      if (this.kernelT[i] === 0) return;
      const w = base + l.kernel.offset;
      const t = this.kernelT[i] / 4;
      const I = l.inSize;
      const O = l.outSize;
      for (let r = 0; r < I; r++) for (let c = 0; c < O; c++) h[t + c * I + r] = h[w + r * O + c];
    });
  }

  /** Forward over `batch` rows at byte offset `x` (rows `ldx` bytes apart); returns the output's offset. */
  forward(x: number, batch: number, ldx = this.inSize * 4): number {
    this.reserve(batch);
    const k = this.heap.kernels;
    const P = this.flat.params;
    let input = x;
    let lda = ldx;
    this.net.layers.forEach((l, i) => {
      const out = this.outs[i];
      k.gemm(input, lda, 4, P + l.kernel.offset * 4, l.outSize * 4, out, l.outSize * 4, P + l.bias.offset * 4, batch, l.outSize, l.inSize, GEMM_BIAS);
      this.activate(l.activation, out, batch * l.outSize);
      input = out;
      lda = l.outSize * 4;
    });
    return input;
  }

  /**
   * Backward from dL/dOutput at byte offset `dOut` ([batch, outSize], after the output
   * activation) through the activations of the last forward(x, batch); overwrites this net's
   * parameter gradients and/or writes dL/dInput.
   */
  backward(x: number, batch: number, dOut: number, opts: BackwardOptions = {}): void {
    if (!(this.opts.backward ?? true)) throw new Error(`${this.net.name} was built forward-only`);
    if (opts.dInput !== undefined && this.kernelT[0] === 0) throw new Error(`${this.net.name} was built without inputGrad`);
    const paramGrads = opts.paramGrads ?? true;
    const ldx = opts.ldx ?? this.inSize * 4;
    const k = this.heap.kernels;
    const G = this.flat.grads;
    const layers = this.net.layers;
    const L = layers.length;
    let g = dOut;
    const last = layers[L - 1];
    if (last.activation !== 'linear') {
      // Scratch parity: this buffer is never the one the next layer writes dX into.
      const dz = this.scratch[L & 1];
      this.activateBackward(last.activation, g, this.outs[L - 1], dz, batch * last.outSize);
      g = dz;
    }
    for (let i = L - 1; i >= 0; i--) {
      const l = layers[i];
      const O = l.outSize;
      const I = l.inSize;
      const input = i === 0 ? x : this.outs[i - 1];
      const lda = i === 0 ? ldx : I * 4;
      if (paramGrads) {
        // dW = X^T @ dZ: A(m, k) = X[k, m] is X read with swapped strides.
        k.gemm(input, 4, lda, g, O * 4, G + l.kernel.offset * 4, O * 4, 0, I, O, batch, GEMM_OVERWRITE);
        // db = ones^T @ dZ: a gemm whose A is one float 1.0 read with zero strides.
        k.gemm(this.flat.one, 0, 0, g, O * 4, G + l.bias.offset * 4, 0, 0, 1, O, batch, GEMM_OVERWRITE);
      }
      if (i === 0) {
        if (opts.dInput !== undefined) k.gemm(g, O * 4, 4, this.kernelT[0], I * 4, opts.dInput, I * 4, 0, batch, I, O, GEMM_OVERWRITE);
        break;
      }
      const dx = this.scratch[i & 1];
      k.gemm(g, O * 4, 4, this.kernelT[i], I * 4, dx, I * 4, 0, batch, I, O, GEMM_OVERWRITE);
      this.activateBackward(layers[i - 1].activation, dx, input, dx, batch * I);
      g = dx;
    }
  }

  /** An Int32 view of the heap (re-created after the memory grew) for the branch-free ReLU. */
  private i32(): Int32Array {
    const buf = this.heap.kernels.memory.buffer;
    if (this.bits.buffer !== buf) this.bits = new Int32Array(buf);
    return this.bits;
  }

  private activate(a: Activation, p: number, len: number): void {
    if (a === 'tanh') this.heap.kernels.tanh(p, p, len);
    else if (a === 'relu') {
      // max(x, 0) on the float's bits: a negative float has the sign bit set, and x & ~(x >> 31)
      // clears it to +0. Half the pre-activations are negative at random, so the branchy
      // `if (x < 0)` mispredicts: 316 us against 48 us over [256, 256] (scripts/bench/ddpg.bench.ts).
      const u = this.i32();
      for (let i = p / 4, end = p / 4 + len; i < end; i++) {
        const x = u[i];
        u[i] = x & ~(x >> 31);
      }
    }
  }

  /** dz = dh * act'(.) given the activation's output h (dz may be dh). */
  private activateBackward(a: Activation, dh: number, h: number, dz: number, len: number): void {
    if (a === 'tanh') {
      this.heap.kernels.tanhBackward(dh, h, dz, len);
      return;
    }
    const d = dh / 4;
    const y = h / 4;
    const z = dz / 4;
    if (a === 'relu') {
      // dh where h > 0, else 0: a ReLU output is +0 or positive, so (0 - bits(h)) >> 31 is an
      // all-ones mask exactly where h > 0 (branch-free, as the forward).
      const u = this.i32();
      for (let i = 0; i < len; i++) u[z + i] = u[d + i] & ((0 - u[y + i]) >> 31);
    } else if (z !== d) {
      const f = this.heap.f32();
      f.copyWithin(z, d, d + len);
    }
  }
}
