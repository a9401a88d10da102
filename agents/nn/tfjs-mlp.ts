// The actor-critic networks as tfjs variables in the shared flat layout, and their forward pass
// in tfjs ops (dense = matMul + bias, tanh on hidden layers), mirroring fused-mlp.ts.
import * as tf from '@tensorflow/tfjs';
import type { NetLayout, ParamEntry, ParamLayout } from './actor-critic-layout.js';

let instances = 0;

export class TfjsParams {
  /** One variable per layout entry, in layout order. */
  readonly vars: tf.Variable[];
  private readonly byEntry = new Map<ParamEntry, tf.Variable>();

  constructor(readonly layout: ParamLayout, params: Float32Array) {
    // tfjs registers variables by a global name: suffix an instance id so engines can coexist.
    const id = instances++;
    this.vars = layout.entries.map((e) => {
      // tidy frees the initial-value tensor; the variable keeps its own reference to the data.
      const v = tf.tidy(() => tf.variable(tf.tensor(params.subarray(e.offset, e.offset + e.size), e.shape, 'float32'), true, `${e.name}#${id}`));
      this.byEntry.set(e, v);
      return v;
    });
  }

  get(e: ParamEntry): tf.Variable {
    const v = this.byEntry.get(e);
    if (!v) throw new Error(`no variable for ${e.name}`);
    return v;
  }

  /** Copies every variable into `out` at its layout offset (alignment gaps left untouched). */
  read(out: Float32Array): void {
    this.layout.entries.forEach((e, i) => out.set(this.vars[i].dataSync() as Float32Array, e.offset));
  }

  write(params: Float32Array): void {
    this.layout.entries.forEach((e, i) => {
      const t = tf.tensor(params.subarray(e.offset, e.offset + e.size), e.shape, 'float32');
      this.vars[i].assign(t);
      t.dispose();
    });
  }

  dispose(): void {
    for (const v of this.vars) v.dispose();
  }
}

/** Forward of one MLP on [batch, in] -> [batch, out]; call inside tf.tidy. */
export function mlpForward(p: TfjsParams, net: NetLayout, x: tf.Tensor2D): tf.Tensor2D {
  let h = x;
  for (const l of net.layers) {
    h = tf.add(tf.matMul(h, p.get(l.kernel) as tf.Tensor2D), p.get(l.bias));
    if (l.tanh) h = tf.tanh(h);
  }
  return h;
}
