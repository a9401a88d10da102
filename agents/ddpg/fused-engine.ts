// The DDPG/TD3 numerics in one WebAssembly memory, on the SIMD kernels of agents/nn: actor,
// critic(s) and their target copies (FusedNet), the TD targets and loss gradients in JS
// (O(batch)), hand-written backward passes, Adam over the actor's and the critics' ranges of the
// flat layout, Polyak averaging as one gemm. One gradient step, as CleanRL's loop body:
//   critic: y = r + gamma (1 - done) min_i Q'_i(s', clip(mu'(s') + clip(eps, -c, c)))
//           L = sum_i mean (Q_i(s, a) - y)^2                  (TD3: both critics; DDPG: Q1 only)
//   actor (every policyFrequency critic steps): L = -mean Q1(s, mu(s)), dL/dtheta through dQ1/da
//   targets: theta' <- tau theta + (1 - tau) theta'
// The critic input [obs, action] lives in one interleaved buffer per batch; the actor reads its
// obs columns in place and writes mu(s) over the action columns for the actor step.
import type { AdamConfig } from '../nn/adam.js';
import { heapAdamStep } from '../nn/heap-adam.js';
import type { FlatBuffers } from '../nn/fused-mlp.js';
import { FusedNet } from '../nn/fused-net.js';
import { jsKernels, type Kernels } from '../nn/kernels.js';
import { simdKernels } from '../nn/simd-kernels.js';
import { softUpdate } from '../nn/soft-update.js';
import { WasmHeap } from '../nn/wasm-heap.js';
import type { ReplaySample } from '../common/replay-buffer.js';
import type { DdpgLayout } from './networks.js';

export type KernelChoice = 'wasm-simd' | 'js';

export interface CriticStats {
  /** mean (Q1(s, a) - y)^2 and mean Q1(s, a) over the batch (CleanRL's qf1_loss, qf1_values). */
  qf1Loss: number;
  qf1Values: number;
  /** The same for Q2 (NaN without twin critics). */
  qf2Loss: number;
  qf2Values: number;
}

/** Adam moments in the flat layout, with one step count per range (CleanRL: two optimizers). */
export interface DdpgOptimizerState {
  actorStep: number;
  criticStep: number;
  m: Float32Array;
  v: Float32Array;
}

export class DdpgEngine {
  readonly kind = 'fused' as const;
  readonly description: string;
  private readonly heap: WasmHeap;
  private readonly flat: FlatBuffers;
  /** Byte offsets: target parameters, Adam moments, 2 floats of Polyak coefficients. */
  private readonly targets: number;
  private readonly m: number;
  private readonly v: number;
  private readonly coef: number;
  private actorStep = 0;
  private criticStep = 0;
  private readonly actor: FusedNet;
  private readonly qf1: FusedNet;
  private readonly qf2: FusedNet | null;
  private readonly actorTarget: FusedNet;
  private readonly qf1Target: FusedNet;
  private readonly qf2Target: FusedNet | null;
  private readonly S: number;
  private readonly D: number;
  /** Floats per critic input row: obs then action. */
  private readonly X: number;
  private readonly scale: Float64Array;
  private readonly bias: Float64Array;
  private readonly low: Float64Array;
  private readonly high: Float64Array;
  private capacity = 0;
  private batch = 0;
  /** Byte offsets of [capacity, X] critic inputs for (s, a) and (s', a'), dQ [capacity], dL/d[s, a] [capacity, X], dL/dtanh [capacity, D]. */
  private xq = 0;
  private xqNext = 0;
  private dq = 0;
  private dxq = 0;
  private dy = 0;
  private actCapacity = 0;
  private actIn = 0;
  private y = new Float64Array(0);
  private rewards = new Float64Array(0);
  private dones = new Float64Array(0);

  constructor(readonly layout: DdpgLayout, params: Float32Array, readonly adam: AdamConfig, opts: { kernels?: KernelChoice; targets?: Float32Array } = {}) {
    const k: Kernels = opts.kernels === 'js' ? jsKernels(new WebAssembly.Memory({ initial: 1 })) : simdKernels();
    this.description = `fused MLPs on ${k.name} kernels`;
    this.heap = new WasmHeap(k);
    const n = layout.size;
    this.flat = { params: this.heap.alloc(n), grads: this.heap.alloc(n), one: this.heap.alloc(1) };
    this.targets = this.heap.alloc(n);
    this.m = this.heap.alloc(n);
    this.v = this.heap.alloc(n);
    this.coef = this.heap.alloc(2);
    this.heap.f32()[this.flat.one / 4] = 1;
    const { spec } = layout;
    this.S = spec.obsSize;
    this.D = spec.actionDim;
    this.X = this.S + this.D;
    this.low = Float64Array.from(spec.actionLow);
    this.high = Float64Array.from(spec.actionHigh);
    this.scale = this.high.map((h, d) => (h - this.low[d]) / 2);
    this.bias = this.high.map((h, d) => (h + this.low[d]) / 2);
    // Parameters first: the nets transpose their kernels on construction.
    this.writeRange(this.flat.params, params);
    this.writeRange(this.targets, opts.targets ?? params);
    this.actor = new FusedNet(this.heap, layout.actor, this.flat);
    this.qf1 = new FusedNet(this.heap, layout.qf1, this.flat, { inputGrad: true });
    this.qf2 = layout.qf2 ? new FusedNet(this.heap, layout.qf2, this.flat) : null;
    const tflat = { ...this.flat, params: this.targets };
    this.actorTarget = new FusedNet(this.heap, layout.actor, tflat, { backward: false });
    this.qf1Target = new FusedNet(this.heap, layout.qf1, tflat, { backward: false });
    this.qf2Target = layout.qf2 ? new FusedNet(this.heap, layout.qf2, tflat, { backward: false }) : null;
  }

  private reserve(batch: number): void {
    for (const net of [this.actor, this.qf1, this.qf2, this.actorTarget, this.qf1Target, this.qf2Target]) net?.reserve(batch);
    if (batch <= this.capacity) return;
    const cap = Math.max(batch, this.capacity * 2);
    this.xq = this.heap.alloc(cap * this.X);
    this.xqNext = this.heap.alloc(cap * this.X);
    this.dq = this.heap.alloc(cap);
    this.dxq = this.heap.alloc(cap * this.X);
    this.dy = this.heap.alloc(cap * this.D);
    this.y = new Float64Array(cap);
    this.rewards = new Float64Array(cap);
    this.dones = new Float64Array(cap);
    this.capacity = cap;
  }

  /** a = scale * tanh-output + bias, clipped into the bounds (float rounding), from heap float index `src`. */
  private squash(h: Float32Array, src: number, n: number, out: Float32Array, at: number, stride: number): void {
    const D = this.D;
    for (let i = 0; i < n; i++) {
      for (let d = 0; d < D; d++) {
        const a = this.scale[d] * h[src + i * D + d] + this.bias[d];
        out[at + i * stride + d] = a < this.low[d] ? this.low[d] : a > this.high[d] ? this.high[d] : a;
      }
    }
  }

  /** The deterministic actions mu(obs) of `n` observations into `out` ([n, actionDim]). */
  act(obs: Float32Array, n: number, out: Float32Array): void {
    if (n > this.actCapacity) {
      this.actCapacity = Math.max(n, 2 * this.actCapacity);
      this.actIn = this.heap.alloc(this.actCapacity * this.S);
    }
    this.heap.f32().set(obs.subarray(0, n * this.S), this.actIn / 4);
    const o = this.actor.forward(this.actIn, n);
    this.squash(this.heap.f32(), o / 4, n, out, 0, this.D);
  }

  /** Q1(obs, actions) of `n` rows (for evaluation and tests). */
  q1(obs: Float32Array, actions: Float32Array, n: number, out: Float32Array): void {
    this.reserve(n);
    const h = this.heap.f32();
    const { S, D, X } = this;
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < S; k++) h[this.xq / 4 + i * X + k] = obs[i * S + k];
      for (let d = 0; d < D; d++) h[this.xq / 4 + i * X + S + d] = actions[i * D + d];
    }
    const o = this.qf1.forward(this.xq, n) / 4;
    out.set(this.heap.f32().subarray(o, o + n));
  }

  /** Copies a sampled batch (observations already normalised) into the critic inputs. */
  setBatch(s: ReplaySample, batch: number): void {
    this.reserve(batch);
    this.batch = batch;
    const h = this.heap.f32();
    const { S, D, X } = this;
    const q = this.xq / 4;
    const qn = this.xqNext / 4;
    for (let i = 0; i < batch; i++) {
      for (let k = 0; k < S; k++) {
        h[q + i * X + k] = s.obs[i * S + k];
        h[qn + i * X + k] = s.nextObs[i * S + k];
      }
      for (let d = 0; d < D; d++) h[q + i * X + S + d] = s.actions[i * D + d];
      this.rewards[i] = s.rewards[i];
      this.dones[i] = s.dones[i];
    }
  }

  /**
   * TD targets from the target networks, then the critics' loss gradients (left in the gradient
   * array for applyCritic). `smoothing`: TD3's target policy noise, [batch, actionDim] already
   * clipped, in units of the action half-range; null for DDPG.
   */
  criticGradients(gamma: number, smoothing: Float32Array | null): CriticStats {
    const B = this.batch;
    const { S, D, X } = this;
    const ao = this.actorTarget.forward(this.xqNext, B, X * 4) / 4;
    let h = this.heap.f32();
    const qn = this.xqNext / 4;
    for (let i = 0; i < B; i++) {
      for (let d = 0; d < D; d++) {
        let a = this.scale[d] * h[ao + i * D + d] + this.bias[d];
        if (smoothing) a += smoothing[i * D + d] * this.scale[d];
        h[qn + i * X + S + d] = a < this.low[d] ? this.low[d] : a > this.high[d] ? this.high[d] : a;
      }
    }
    const q1n = this.qf1Target.forward(this.xqNext, B) / 4;
    const q2n = this.qf2Target ? this.qf2Target.forward(this.xqNext, B) / 4 : -1;
    h = this.heap.f32();
    for (let i = 0; i < B; i++) {
      const next = q2n < 0 ? h[q1n + i] : Math.min(h[q1n + i], h[q2n + i]);
      // Rounded to float32 as the networks' outputs: the loss is a float32 computation.
      this.y[i] = Math.fround(this.rewards[i] + (1 - this.dones[i]) * gamma * next);
    }
    const s1 = this.criticStep1(this.qf1, B);
    const s2 = this.qf2 ? this.criticStep1(this.qf2, B) : { loss: NaN, values: NaN };
    return { qf1Loss: s1.loss, qf1Values: s1.values, qf2Loss: s2.loss, qf2Values: s2.values };
  }

  /** One critic's forward, MSE loss against y and backward (its parameter gradients). */
  private criticStep1(q: FusedNet, B: number): { loss: number; values: number } {
    const o = q.forward(this.xq, B) / 4;
    const h = this.heap.f32();
    const dq = this.dq / 4;
    let loss = 0;
    let values = 0;
    for (let i = 0; i < B; i++) {
      const e = h[o + i] - this.y[i];
      loss += e * e;
      values += h[o + i];
      h[dq + i] = (2 * e) / B;
    }
    q.backward(this.xq, B, this.dq);
    return { loss: loss / B, values: values / B };
  }

  /**
   * The deterministic policy gradient of L = -mean Q1(s, mu(s)) into the actor's gradients;
   * returns L. Overwrites the action columns of the batch (call after criticGradients).
   */
  actorGradients(): number {
    const B = this.batch;
    const { S, D, X } = this;
    const ao = this.actor.forward(this.xq, B, X * 4) / 4;
    let h = this.heap.f32();
    const q = this.xq / 4;
    // No clipping here: mu(s) is inside the bounds and a clip would cut the gradient.
    for (let i = 0; i < B; i++) for (let d = 0; d < D; d++) h[q + i * X + S + d] = this.scale[d] * h[ao + i * D + d] + this.bias[d];
    const o = this.qf1.forward(this.xq, B) / 4;
    h = this.heap.f32();
    let loss = 0;
    for (let i = 0; i < B; i++) {
      loss -= h[o + i];
      h[this.dq / 4 + i] = -1 / B;
    }
    this.qf1.backward(this.xq, B, this.dq, { paramGrads: false, dInput: this.dxq });
    const dx = this.dxq / 4;
    const dy = this.dy / 4;
    for (let i = 0; i < B; i++) for (let d = 0; d < D; d++) h[dy + i * D + d] = h[dx + i * X + S + d] * this.scale[d];
    this.actor.backward(this.xq, B, this.dy, { ldx: X * 4 });
    return loss / B;
  }

  private adamRange(from: number, len: number, step: number, lr: number): void {
    heapAdamStep(this.heap, { params: this.flat.params, grads: this.flat.grads, m: this.m, v: this.v }, from, len, step, lr, this.adam);
  }

  /** One Adam step of the critics (no gradient clipping, as CleanRL). */
  applyCritic(lr: number): void {
    const a = this.layout.actorSize;
    this.adamRange(a, this.layout.size - a, ++this.criticStep, lr);
    this.qf1.syncTransposed();
    this.qf2?.syncTransposed();
  }

  applyActor(lr: number): void {
    this.adamRange(0, this.layout.actorSize, ++this.actorStep, lr);
    this.actor.syncTransposed();
  }

  /** Polyak-averages every target network toward its online network. */
  softUpdate(tau: number): void {
    softUpdate(this.heap, this.coef, this.targets, this.flat.params, this.layout.size, tau);
  }

  readGradients(out: Float32Array): void {
    out.set(this.heap.at(this.flat.grads, this.layout.size));
  }

  readParams(out: Float32Array): void {
    out.set(this.heap.at(this.flat.params, this.layout.size));
  }

  readTargets(out: Float32Array): void {
    out.set(this.heap.at(this.targets, this.layout.size));
  }

  writeParams(params: Float32Array): void {
    this.writeRange(this.flat.params, params);
    this.actor.syncTransposed();
    this.qf1.syncTransposed();
    this.qf2?.syncTransposed();
  }

  writeTargets(params: Float32Array): void {
    this.writeRange(this.targets, params);
  }

  private writeRange(at: number, params: Float32Array): void {
    if (params.length !== this.layout.size) throw new RangeError(`expected ${this.layout.size} parameters, got ${params.length}`);
    // Entry by entry: the alignment gaps stay zero whatever the caller's array holds there.
    const h = this.heap.f32();
    for (const e of this.layout.entries) h.set(params.subarray(e.offset, e.offset + e.size), at / 4 + e.offset);
  }

  readOptimizer(): DdpgOptimizerState {
    const n = this.layout.size;
    return { actorStep: this.actorStep, criticStep: this.criticStep, m: this.heap.at(this.m, n).slice(), v: this.heap.at(this.v, n).slice() };
  }

  writeOptimizer(s: DdpgOptimizerState): void {
    const n = this.layout.size;
    if (s.m.length !== n || s.v.length !== n) throw new RangeError(`optimizer moments need ${n} values`);
    this.actorStep = s.actorStep;
    this.criticStep = s.criticStep;
    this.heap.f32().set(s.m, this.m / 4);
    this.heap.f32().set(s.v, this.v / 4);
  }

  dispose(): void {}
}
