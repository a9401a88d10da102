// The fused recurrent engine: LSTM, both MLP heads, the PPO loss gradient and Adam in one
// WebAssembly memory (agents/ppo/fused-engine.ts's design with an LSTM in front). Per minibatch:
// copy the sequences in, LSTM forward over all steps, heads forward, loss gradient w.r.t. the
// outputs in JS (ppo-loss.ts, shared with the MLP engine), heads backward into dL/dh, BPTT, Adam.
import type { AdamConfig, AdamState } from '../nn/adam.js';
import { clippedHeapAdamStep } from '../nn/heap-adam.js';
import { headSize } from '../nn/actor-critic-layout.js';
import type { FlatBuffers } from '../nn/fused-mlp.js';
import { jsKernels, type Kernels } from '../nn/kernels.js';
import { simdKernels } from '../nn/simd-kernels.js';
import { WasmHeap } from '../nn/wasm-heap.js';
import type { KernelChoice } from '../ppo/fused-engine.js';
import type { LossCoefficients, LossStats } from '../ppo/minibatch.js';
import { ppoLossGrads } from '../ppo/ppo-loss.js';
import type { RecurrentEngine } from './engine.js';
import { FusedHead } from './fused-heads.js';
import { FusedLstm } from './fused-lstm.js';
import type { RecurrentLayout } from './layout.js';
import type { SequenceMinibatch } from './sequence-minibatch.js';

export class FusedRecurrentEngine implements RecurrentEngine {
  readonly kind = 'fused' as const;
  readonly description: string;
  private readonly heap: WasmHeap;
  private readonly flat: FlatBuffers;
  private readonly m: number;
  private readonly v: number;
  private step_ = 0;
  private readonly lstm: FusedLstm;
  private readonly actorNet: FusedHead;
  private readonly criticNet: FusedHead;
  private readonly headSize: number;
  private capacity = 0;
  private obsPtr = 0;
  private dHeadPtr = 0;
  private dValuePtr = 0;
  private dHiddenPtr = 0;

  constructor(readonly layout: RecurrentLayout, params: Float32Array, readonly adam: AdamConfig, kernels: KernelChoice = 'wasm-simd') {
    const k: Kernels = kernels === 'js' ? jsKernels(new WebAssembly.Memory({ initial: 1 })) : simdKernels();
    this.description = `fused LSTM on ${k.name} kernels`;
    this.heap = new WasmHeap(k);
    const n = layout.size;
    this.flat = { params: this.heap.alloc(n), grads: this.heap.alloc(n), one: this.heap.alloc(1) };
    this.m = this.heap.alloc(n);
    this.v = this.heap.alloc(n);
    this.heap.f32()[this.flat.one / 4] = 1;
    this.lstm = new FusedLstm(this.heap, layout.lstm, this.flat);
    this.actorNet = new FusedHead(this.heap, layout.heads.actor, this.flat);
    this.criticNet = new FusedHead(this.heap, layout.heads.critic, this.flat);
    this.headSize = headSize(layout.spec.head);
    this.writeParams(params);
  }

  private input(obs: Float32Array, rows: number): number {
    if (rows > this.capacity) {
      const cap = Math.max(rows, this.capacity * 2);
      this.obsPtr = this.heap.alloc(cap * this.layout.spec.obsSize);
      this.dHeadPtr = this.heap.alloc(cap * this.headSize);
      this.dValuePtr = this.heap.alloc(cap);
      this.dHiddenPtr = this.heap.alloc(cap * this.layout.spec.lstmHidden);
      this.capacity = cap;
    }
    const S = this.layout.spec.obsSize;
    this.heap.f32().set(obs.length === rows * S ? obs : obs.subarray(0, rows * S), this.obsPtr / 4);
    return this.obsPtr;
  }

  step(obs: Float32Array, batch: number, hIn: Float32Array, cIn: Float32Array, hOut: Float32Array, cOut: Float32Array, head: Float32Array | null, values: Float32Array | null): void {
    const H = this.layout.spec.lstmHidden;
    const x = this.input(obs, batch);
    // Reserve everything before taking views: an allocation can move the memory.
    this.lstm.reserve(batch, batch);
    this.actorNet.reserve(batch);
    this.criticNet.reserve(batch);
    const h = this.lstm.forward(x, 1, batch, hIn, cIn, null);
    hOut.set(this.heap.at(h, batch * H));
    cOut.set(this.heap.at(this.lstm.cells, batch * H));
    if (head) head.set(this.heap.at(this.actorNet.forward(h, batch), batch * this.headSize));
    if (values) values.set(this.heap.at(this.criticNet.forward(h, batch), batch));
  }

  readLogStd(out: Float32Array): void {
    const e = this.layout.heads.logStd;
    if (e) out.set(this.heap.at(this.flat.params + e.offset * 4, e.size));
  }

  computeGradients(mb: SequenceMinibatch, coef: LossCoefficients): LossStats {
    const N = mb.size;
    const x = this.input(mb.obs, N);
    this.lstm.reserve(N, mb.sequences);
    this.actorNet.reserve(N);
    this.criticNet.reserve(N);
    const h = this.lstm.forward(x, mb.steps, mb.sequences, mb.h0, mb.c0, mb.keep);
    const pOut = this.actorNet.forward(h, N);
    const vOut = this.criticNet.forward(h, N);
    const e = this.layout.heads.logStd;
    const stats = ppoLossGrads(
      this.layout.spec.head, mb, this.heap.at(pOut, N * this.headSize),
      e ? this.heap.at(this.flat.params + e.offset * 4, e.size) : null, this.heap.at(vOut, N), coef,
      {
        head: this.heap.at(this.dHeadPtr, N * this.headSize),
        value: this.heap.at(this.dValuePtr, N),
        logStd: e ? this.heap.at(this.flat.grads + e.offset * 4, e.size) : null,
      },
    );
    // The LSTM output feeds both heads: dL/dh is the sum of both input gradients.
    this.actorNet.backward(h, N, this.dHeadPtr, this.dHiddenPtr, false);
    this.criticNet.backward(h, N, this.dValuePtr, this.dHiddenPtr, true);
    this.lstm.backward(x, mb.steps, mb.sequences, this.dHiddenPtr, mb.keep);
    return stats;
  }

  readGradients(out: Float32Array): void {
    out.set(this.heap.at(this.flat.grads, this.layout.size));
  }

  applyGradients(lr: number, maxGradNorm: number): number {
    this.step_ += 1;
    const norm = clippedHeapAdamStep(this.heap, { params: this.flat.params, grads: this.flat.grads, m: this.m, v: this.v }, this.layout.size, this.step_, lr, this.adam, maxGradNorm);
    this.syncTransposed();
    return norm;
  }

  private syncTransposed(): void {
    this.lstm.syncTransposed();
    this.actorNet.syncTransposed();
    this.criticNet.syncTransposed();
  }

  readParams(out: Float32Array): void {
    out.set(this.heap.at(this.flat.params, this.layout.size));
  }

  writeParams(params: Float32Array): void {
    if (params.length !== this.layout.size) throw new RangeError(`expected ${this.layout.size} parameters, got ${params.length}`);
    const h = this.heap.f32();
    const base = this.flat.params / 4;
    for (const e of this.layout.heads.entries) h.set(params.subarray(e.offset, e.offset + e.size), base + e.offset);
    this.syncTransposed();
  }

  readOptimizer(): AdamState {
    const n = this.layout.size;
    return { step: this.step_, m: this.heap.at(this.m, n).slice(), v: this.heap.at(this.v, n).slice() };
  }

  writeOptimizer(state: AdamState): void {
    const n = this.layout.size;
    if (state.m.length !== n || state.v.length !== n) throw new RangeError(`optimizer moments need ${n} values`);
    this.step_ = state.step;
    this.heap.f32().set(state.m, this.m / 4);
    this.heap.f32().set(state.v, this.v / 4);
  }

  dispose(): void {}
}
