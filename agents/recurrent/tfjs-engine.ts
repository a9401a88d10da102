// The tfjs recurrent engine: the LSTM unrolled over the minibatch's steps in tfjs ops, the PPO
// MLP heads (nn/tfjs-mlp.ts) and PPO loss (ppo/tfjs-loss.ts) on its outputs, gradients by
// tf.variableGrads through the whole unroll (BPTT), Adam as the MLP engine's (nn/tfjs-adam.ts).
// Slow on wasm (~10 small ops per step and direction), but it runs on any backend, CUDA included,
// and it is the reference the fused BPTT is tested against.
import * as tf from '@tensorflow/tfjs';
import type { AdamConfig, AdamState } from '../nn/adam.js';
import { headSize } from '../nn/actor-critic-layout.js';
import { TfjsAdam } from '../nn/tfjs-adam.js';
import { mlpForward, TfjsParams } from '../nn/tfjs-mlp.js';
import type { LossCoefficients, LossStats } from '../ppo/minibatch.js';
import { tfjsPpoLoss } from '../ppo/tfjs-loss.js';
import type { RecurrentEngine } from './engine.js';
import type { RecurrentLayout } from './layout.js';
import type { SequenceMinibatch } from './sequence-minibatch.js';

/** The LSTM over `steps` time-major blocks of `batch` rows of x; returns every step's h ([rows, H]) and the last c. Call inside a tidy. */
export function lstmUnroll(
  p: TfjsParams, layout: RecurrentLayout, x: tf.Tensor2D, steps: number, batch: number, h0: tf.Tensor2D, c0: tf.Tensor2D, keep: tf.Tensor2D | null,
): { hs: tf.Tensor2D; c: tf.Tensor2D } {
  const H = layout.spec.lstmHidden;
  const U = p.get(layout.lstm.recurrent) as tf.Tensor2D;
  const xz = tf.add(tf.matMul(x, p.get(layout.lstm.kernel) as tf.Tensor2D), p.get(layout.lstm.bias)) as tf.Tensor2D;
  let h = h0;
  let c = c0;
  const hs: tf.Tensor2D[] = [];
  for (let t = 0; t < steps; t++) {
    if (keep) {
      const k = tf.slice(keep, [t * batch, 0], [batch, 1]);
      h = tf.mul(h, k);
      c = tf.mul(c, k);
    }
    const z = tf.add(tf.slice(xz, [t * batch, 0], [batch, 4 * H]), tf.matMul(h, U));
    const [zi, zf, zg, zo] = tf.split(z, 4, 1);
    c = tf.add(tf.mul(tf.sigmoid(zf), c), tf.mul(tf.sigmoid(zi), tf.tanh(zg)));
    h = tf.mul(tf.sigmoid(zo), tf.tanh(c));
    hs.push(h);
  }
  return { hs: steps === 1 ? hs[0] : (tf.concat(hs, 0) as tf.Tensor2D), c };
}

export class TfjsRecurrentEngine implements RecurrentEngine {
  readonly kind = 'tfjs' as const;
  readonly description: string;
  private readonly params: TfjsParams;
  private readonly optimizer: TfjsAdam;
  private readonly headSize: number;
  private grads: tf.Tensor[] | null = null;

  constructor(readonly layout: RecurrentLayout, params: Float32Array, readonly adam: AdamConfig) {
    this.description = `tfjs ${tf.getBackend()} backend`;
    this.params = new TfjsParams(layout.heads, params);
    this.optimizer = new TfjsAdam(this.params, adam);
    this.headSize = headSize(layout.spec.head);
  }

  step(obs: Float32Array, batch: number, hIn: Float32Array, cIn: Float32Array, hOut: Float32Array, cOut: Float32Array, head: Float32Array | null, values: Float32Array | null): void {
    const { obsSize: S, lstmHidden: H } = this.layout.spec;
    const A = this.headSize;
    // One concatenated output [h | c | head | value]: one device-to-host read per call.
    const out = tf.tidy(() => {
      const x = tf.tensor2d(obs.subarray(0, batch * S), [batch, S]);
      const h0 = tf.tensor2d(hIn.subarray(0, batch * H), [batch, H]);
      const c0 = tf.tensor2d(cIn.subarray(0, batch * H), [batch, H]);
      const { hs, c } = lstmUnroll(this.params, this.layout, x, 1, batch, h0, c0, null);
      return tf.concat([hs, c, mlpForward(this.params, this.layout.heads.actor, hs), mlpForward(this.params, this.layout.heads.critic, hs)], 1);
    });
    const d = out.dataSync();
    out.dispose();
    const W = 2 * H + A + 1;
    for (let i = 0; i < batch; i++) {
      for (let j = 0; j < H; j++) {
        hOut[i * H + j] = d[i * W + j];
        cOut[i * H + j] = d[i * W + H + j];
      }
      if (head) for (let j = 0; j < A; j++) head[i * A + j] = d[i * W + 2 * H + j];
      if (values) values[i] = d[i * W + 2 * H + A];
    }
  }

  readLogStd(out: Float32Array): void {
    const e = this.layout.heads.logStd;
    if (e) out.set(this.params.get(e).dataSync());
  }

  computeGradients(mb: SequenceMinibatch, coef: LossCoefficients): LossStats {
    this.disposeGrads();
    const N = mb.size;
    const { obsSize: S, lstmHidden: H, head } = this.layout.spec;
    const D = head.kind === 'categorical' ? 1 : head.dim;
    const M = mb.sequences;
    let stats: tf.Tensor1D | null = null;
    const { value, grads } = tf.tidy(() => {
      const x = tf.tensor2d(mb.obs.subarray(0, N * S), [N, S]);
      const h0 = tf.tensor2d(mb.h0.subarray(0, M * H), [M, H]);
      const c0 = tf.tensor2d(mb.c0.subarray(0, M * H), [M, H]);
      const keep = tf.tensor2d(mb.keep.subarray(0, N), [N, 1]);
      const t = {
        actions: tf.tensor2d(mb.actions.subarray(0, N * D), [N, D]),
        logp: tf.tensor1d(mb.logp.subarray(0, N)),
        advantages: tf.tensor1d(mb.advantages.subarray(0, N)),
        returns: tf.tensor1d(mb.returns.subarray(0, N)),
        values: tf.tensor1d(mb.values.subarray(0, N)),
      };
      const logStd = this.layout.heads.logStd ? (this.params.get(this.layout.heads.logStd) as tf.Tensor1D) : null;
      return tf.variableGrads(() => {
        const { hs } = lstmUnroll(this.params, this.layout, x, mb.steps, M, h0, c0, keep);
        const out = mlpForward(this.params, this.layout.heads.actor, hs);
        const v = tf.reshape(mlpForward(this.params, this.layout.heads.critic, hs), [-1]) as tf.Tensor1D;
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
    const g = this.grads;
    if (!g) throw new Error('computeGradients first');
    this.layout.heads.entries.forEach((e, i) => out.set(g[i].dataSync(), e.offset));
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
