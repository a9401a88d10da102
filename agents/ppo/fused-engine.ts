// The fused engine: both MLPs, the PPO loss gradient and Adam in one WebAssembly memory.
// Per minibatch: copy the observations in, forward actor and critic (SIMD gemm + tanh), the
// loss gradient w.r.t. the outputs in JS (ppo-loss.ts, O(batch x actions)), backward, clip, Adam.
import type { AdamConfig, AdamState } from '../nn/adam.js';
import { clippedHeapAdamStep } from '../nn/heap-adam.js';
import { headSize, type ParamLayout } from '../nn/actor-critic-layout.js';
import { FusedMlp, type FlatBuffers } from '../nn/fused-mlp.js';
import { jsKernels, type Kernels } from '../nn/kernels.js';
import { simdKernels } from '../nn/simd-kernels.js';
import { WasmHeap } from '../nn/wasm-heap.js';
import type { PpoEngine } from './engine.js';
import type { LossCoefficients, LossStats, Minibatch } from './minibatch.js';
import { ppoLossGrads } from './ppo-loss.js';

export type KernelChoice = 'wasm-simd' | 'js';

export class FusedEngine implements PpoEngine {
  readonly kind = 'fused' as const;
  readonly description: string;
  private readonly heap: WasmHeap;
  private readonly flat: FlatBuffers;
  private readonly m: number;
  private readonly v: number;
  private step = 0;
  private readonly actorNet: FusedMlp;
  private readonly criticNet: FusedMlp;
  private readonly headSize: number;
  private capacity = 0;
  private obsPtr = 0;
  private dHeadPtr = 0;
  private dValuePtr = 0;

  constructor(readonly layout: ParamLayout, params: Float32Array, readonly adam: AdamConfig, kernels: KernelChoice = 'wasm-simd') {
    const k: Kernels = kernels === 'js' ? jsKernels(new WebAssembly.Memory({ initial: 1 })) : simdKernels();
    this.description = `fused MLP on ${k.name} kernels`;
    this.heap = new WasmHeap(k);
    const n = layout.size;
    this.flat = { params: this.heap.alloc(n), grads: this.heap.alloc(n), one: this.heap.alloc(1) };
    this.m = this.heap.alloc(n);
    this.v = this.heap.alloc(n);
    this.heap.f32()[this.flat.one / 4] = 1;
    this.actorNet = new FusedMlp(this.heap, layout.actor, this.flat);
    this.criticNet = new FusedMlp(this.heap, layout.critic, this.flat);
    this.headSize = headSize(layout.spec.head);
    this.writeParams(params);
  }

  private reserve(batch: number): void {
    this.actorNet.reserve(batch);
    this.criticNet.reserve(batch);
    if (batch <= this.capacity) return;
    const cap = Math.max(batch, this.capacity * 2);
    this.obsPtr = this.heap.alloc(cap * this.layout.spec.obsSize);
    this.dHeadPtr = this.heap.alloc(cap * this.headSize);
    this.dValuePtr = this.heap.alloc(cap);
    this.capacity = cap;
  }

  private input(obs: Float32Array, batch: number): number {
    this.reserve(batch);
    const S = this.layout.spec.obsSize;
    this.heap.f32().set(obs.length === batch * S ? obs : obs.subarray(0, batch * S), this.obsPtr / 4);
    return this.obsPtr;
  }

  evaluate(obs: Float32Array, batch: number, head: Float32Array, values: Float32Array): void {
    const x = this.input(obs, batch);
    const pOut = this.actorNet.forward(x, batch);
    const vOut = this.criticNet.forward(x, batch);
    head.set(this.heap.at(pOut, batch * this.headSize));
    values.set(this.heap.at(vOut, batch));
  }

  actor(obs: Float32Array, batch: number, head: Float32Array): void {
    const x = this.input(obs, batch);
    head.set(this.heap.at(this.actorNet.forward(x, batch), batch * this.headSize));
  }

  critic(obs: Float32Array, batch: number, values: Float32Array): void {
    const x = this.input(obs, batch);
    values.set(this.heap.at(this.criticNet.forward(x, batch), batch));
  }

  readLogStd(out: Float32Array): void {
    const e = this.layout.logStd;
    if (e) out.set(this.heap.at(this.flat.params + e.offset * 4, e.size));
  }

  computeGradients(mb: Minibatch, coef: LossCoefficients): LossStats {
    const B = mb.size;
    const x = this.input(mb.obs, B);
    const pOut = this.actorNet.forward(x, B);
    const vOut = this.criticNet.forward(x, B);
    const e = this.layout.logStd;
    const stats = ppoLossGrads(
      this.layout.spec.head, mb, this.heap.at(pOut, B * this.headSize),
      e ? this.heap.at(this.flat.params + e.offset * 4, e.size) : null, this.heap.at(vOut, B), coef,
      {
        head: this.heap.at(this.dHeadPtr, B * this.headSize),
        value: this.heap.at(this.dValuePtr, B),
        logStd: e ? this.heap.at(this.flat.grads + e.offset * 4, e.size) : null,
      },
    );
    this.actorNet.backward(x, B, this.dHeadPtr);
    this.criticNet.backward(x, B, this.dValuePtr);
    return stats;
  }

  readGradients(out: Float32Array): void {
    out.set(this.heap.at(this.flat.grads, this.layout.size));
  }

  applyGradients(lr: number, maxGradNorm: number): number {
    this.step += 1;
    const norm = clippedHeapAdamStep(this.heap, { params: this.flat.params, grads: this.flat.grads, m: this.m, v: this.v }, this.layout.size, this.step, lr, this.adam, maxGradNorm);
    this.syncTransposed();
    return norm;
  }

  private syncTransposed(): void {
    this.actorNet.syncTransposed();
    this.criticNet.syncTransposed();
  }

  readParams(out: Float32Array): void {
    out.set(this.heap.at(this.flat.params, this.layout.size));
  }

  writeParams(params: Float32Array): void {
    if (params.length !== this.layout.size) throw new RangeError(`expected ${this.layout.size} parameters, got ${params.length}`);
    // Entry by entry: the alignment gaps stay zero whatever the caller's array holds there.
    const h = this.heap.f32();
    const base = this.flat.params / 4;
    for (const e of this.layout.entries) h.set(params.subarray(e.offset, e.offset + e.size), base + e.offset);
    this.syncTransposed();
  }

  readOptimizer(): AdamState {
    const n = this.layout.size;
    return { step: this.step, m: this.heap.at(this.m, n).slice(), v: this.heap.at(this.v, n).slice() };
  }

  writeOptimizer(state: AdamState): void {
    const n = this.layout.size;
    if (state.m.length !== n || state.v.length !== n) throw new RangeError(`optimizer moments need ${n} values`);
    this.step = state.step;
    this.heap.f32().set(state.m, this.m / 4);
    this.heap.f32().set(state.v, this.v / 4);
  }

  dispose(): void {}
}
