// The tfjs engine: the same networks (tfjs variables in the shared layout), the PPO loss in
// tfjs ops differentiated by tf.variableGrads, and Adam in tfjs ops. Slower than the fused
// engine on small MLPs (every op is a backend call), but it runs on any tfjs backend, the CUDA
// one included, and it is the reference the fused gradients are tested against.
import * as tf from '@tensorflow/tfjs';
import type { AdamConfig, AdamState } from '../nn/adam.js';
import { headSize, type ParamLayout } from '../nn/actor-critic-layout.js';
import { TfjsAdam } from '../nn/tfjs-adam.js';
import { mlpForward, TfjsParams } from '../nn/tfjs-mlp.js';
import type { PpoEngine } from './engine.js';
import type { LossCoefficients, LossStats, Minibatch } from './minibatch.js';
import { tfjsPpoLoss } from './tfjs-loss.js';

export class TfjsEngine implements PpoEngine {
  readonly kind = 'tfjs' as const;
  readonly description: string;
  private readonly params: TfjsParams;
  private readonly optimizer: TfjsAdam;
  private readonly headSize: number;
  /** Gradients of the last computeGradients (layout order), freed by applyGradients. */
  private grads: tf.Tensor[] | null = null;

  constructor(readonly layout: ParamLayout, params: Float32Array, readonly adam: AdamConfig) {
    this.description = `tfjs ${tf.getBackend()} backend`;
    this.params = new TfjsParams(layout, params);
    this.optimizer = new TfjsAdam(this.params, adam);
    this.headSize = headSize(layout.spec.head);
  }

  private input(obs: Float32Array, batch: number): tf.Tensor2D {
    const S = this.layout.spec.obsSize;
    return tf.tensor2d(obs.subarray(0, batch * S), [batch, S]);
  }

  evaluate(obs: Float32Array, batch: number, head: Float32Array, values: Float32Array): void {
    // One concatenated output: one device-to-host read per call instead of two.
    const out = tf.tidy(() => {
      const x = this.input(obs, batch);
      return tf.concat([mlpForward(this.params, this.layout.actor, x), mlpForward(this.params, this.layout.critic, x)], 1);
    });
    const d = out.dataSync();
    out.dispose();
    const A = this.headSize;
    for (let i = 0; i < batch; i++) {
      for (let j = 0; j < A; j++) head[i * A + j] = d[i * (A + 1) + j];
      values[i] = d[i * (A + 1) + A];
    }
  }

  actor(obs: Float32Array, batch: number, head: Float32Array): void {
    const out = tf.tidy(() => mlpForward(this.params, this.layout.actor, this.input(obs, batch)));
    head.set(out.dataSync());
    out.dispose();
  }

  critic(obs: Float32Array, batch: number, values: Float32Array): void {
    const out = tf.tidy(() => mlpForward(this.params, this.layout.critic, this.input(obs, batch)));
    values.set(out.dataSync());
    out.dispose();
  }

  readLogStd(out: Float32Array): void {
    if (this.layout.logStd) out.set(this.params.get(this.layout.logStd).dataSync());
  }

  computeGradients(mb: Minibatch, coef: LossCoefficients): LossStats {
    this.disposeGrads();
    const B = mb.size;
    const head = this.layout.spec.head;
    const actionDim = head.kind === 'categorical' ? 1 : head.dim;
    let stats: tf.Tensor1D | null = null;
    const { value, grads } = tf.tidy(() => {
      const x = this.input(mb.obs, B);
      const t = {
        actions: tf.tensor2d(mb.actions.subarray(0, B * actionDim), [B, actionDim]),
        logp: tf.tensor1d(mb.logp.subarray(0, B)),
        advantages: tf.tensor1d(mb.advantages.subarray(0, B)),
        returns: tf.tensor1d(mb.returns.subarray(0, B)),
        values: tf.tensor1d(mb.values.subarray(0, B)),
      };
      const logStd = this.layout.logStd ? (this.params.get(this.layout.logStd) as tf.Tensor1D) : null;
      return tf.variableGrads(() => {
        const out = mlpForward(this.params, this.layout.actor, x);
        const v = tf.reshape(mlpForward(this.params, this.layout.critic, x), [-1]) as tf.Tensor1D;
        const l = tfjsPpoLoss(head, out, logStd, v, t, coef);
        stats = tf.keep(l.stats);
        return l.loss;
      }, this.params.vars);
    });
    this.grads = this.params.vars.map((v) => grads[v.name]);
    value.dispose();
    const s = (stats as tf.Tensor1D | null)?.dataSync() ?? new Float32Array(7);
    (stats as tf.Tensor1D | null)?.dispose();
    return { loss: s[0], policyLoss: s[1], valueLoss: s[2], entropy: s[3], approxKl: s[4], oldApproxKl: s[5], clipFrac: s[6] };
  }

  readGradients(out: Float32Array): void {
    if (!this.grads) throw new Error('computeGradients first');
    this.layout.entries.forEach((e, i) => out.set((this.grads as tf.Tensor[])[i].dataSync(), e.offset));
  }

  applyGradients(lr: number, maxGradNorm: number): number {
    if (!this.grads) throw new Error('computeGradients first');
    const norm = this.optimizer.apply(this.grads, lr, maxGradNorm);
    this.disposeGrads();
    return norm;
  }

  private disposeGrads(): void {
    if (this.grads) for (const g of this.grads) g.dispose();
    this.grads = null;
  }

  readParams(out: Float32Array): void {
    this.params.read(out);
  }

  writeParams(params: Float32Array): void {
    this.params.write(params);
  }

  readOptimizer(): AdamState {
    return this.optimizer.read(this.layout.size);
  }

  writeOptimizer(state: AdamState): void {
    this.optimizer.write(state);
  }

  dispose(): void {
    this.disposeGrads();
    this.optimizer.dispose();
    this.params.dispose();
  }
}
