// Adam and global-norm clipping in tfjs ops with exactly the formulas of adam.ts (PyTorch's).
// tfjs's own AdamOptimizer is not used: its bias correction is a running float32 product
// (beta^t accumulated step by step), so a restored optimizer would not continue bit-for-bit,
// and its state layout differs from the fused engine's.
import * as tf from '@tensorflow/tfjs';
import { adamCorrections, clipScale, type AdamConfig, type AdamState } from './adam.js';
import type { TfjsParams } from './tfjs-mlp.js';

export class TfjsAdam {
  step = 0;
  private readonly m: tf.Variable[];
  private readonly v: tf.Variable[];

  constructor(private readonly params: TfjsParams, readonly cfg: AdamConfig) {
    this.m = params.vars.map((p) => tf.tidy(() => tf.variable(tf.zerosLike(p), false)));
    this.v = params.vars.map((p) => tf.tidy(() => tf.variable(tf.zerosLike(p), false)));
  }

  /** Clips `grads` (layout order) to a global norm of `maxNorm`, then one step. Returns the norm before clipping. */
  apply(grads: tf.Tensor[], lr: number, maxNorm: number): number {
    const norm = tf.tidy(() => tf.sqrt(tf.addN(grads.map((g) => tf.sum(tf.square(g))))).dataSync()[0]);
    const coef = clipScale(norm, maxNorm);
    this.step += 1;
    const { stepSize, sqrtBc2 } = adamCorrections(this.step, lr, this.cfg);
    const { beta1, beta2, eps } = this.cfg;
    tf.tidy(() => {
      this.params.vars.forEach((p, i) => {
        const g = coef < 1 ? tf.mul(grads[i], coef) : grads[i];
        const m = tf.add(tf.mul(this.m[i], beta1), tf.mul(g, 1 - beta1));
        const v = tf.add(tf.mul(this.v[i], beta2), tf.mul(tf.square(g), 1 - beta2));
        this.m[i].assign(m);
        this.v[i].assign(v);
        p.assign(tf.sub(p, tf.div(tf.mul(m, stepSize), tf.add(tf.div(tf.sqrt(v), sqrtBc2), eps))));
      });
    });
    return norm;
  }

  read(size: number): AdamState {
    const m = new Float32Array(size);
    const v = new Float32Array(size);
    this.params.layout.entries.forEach((e, i) => {
      m.set(this.m[i].dataSync() as Float32Array, e.offset);
      v.set(this.v[i].dataSync() as Float32Array, e.offset);
    });
    return { step: this.step, m, v };
  }

  write(s: AdamState): void {
    this.step = s.step;
    this.params.layout.entries.forEach((e, i) => {
      const mt = tf.tensor(s.m.subarray(e.offset, e.offset + e.size), e.shape, 'float32');
      const vt = tf.tensor(s.v.subarray(e.offset, e.offset + e.size), e.shape, 'float32');
      this.m[i].assign(mt);
      this.v[i].assign(vt);
      mt.dispose();
      vt.dispose();
    });
  }

  dispose(): void {
    for (const t of [...this.m, ...this.v]) t.dispose();
  }
}
