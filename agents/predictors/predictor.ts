// A fitted sequence predictor: the tfjs network plus everything needed to use it honestly later
// (window length, horizon, feature names, target scaling, training history). Predictions at row t
// read feature rows t - seqLen + 1 .. t only; rows whose window is incomplete or NaN give NaN.
import * as tf from '@tensorflow/tfjs';
import { DataError } from '../../data/errors.js';
import type { Range } from '../../envs/splits.js';
import type { PredictorConfig } from './config.js';
import { gatherWindows, windowReady } from './windows.js';

export interface PredictorMeta {
  config: PredictorConfig;
  nFeatures: number;
  featureNames: string[];
  /** Return task: targets were standardised by the training targets' mean and std (predictions are unscaled). */
  target: { mean: number; std: number };
  /** Loss per epoch: training (mean over minibatches) and validation (the early-stopping criterion). */
  history: { epoch: number; trainLoss: number; validLoss: number }[];
  /** Epoch whose weights were kept (best validation loss), 1-based. */
  bestEpoch: number;
  fittedOn: { train: Range; valid: Range; trainWindows: number; validWindows: number };
}

const CHUNK = 512;

export class SequencePredictor {
  private buf = new Float32Array(0);

  constructor(readonly model: tf.LayersModel, readonly meta: PredictorMeta) {}

  /** e.g. "gru-direction". */
  get kind(): string {
    return `${this.meta.config.cell}-${this.meta.config.task}`;
  }

  get seqLen(): number {
    return this.meta.config.seqLen;
  }

  get nFeatures(): number {
    return this.meta.nFeatures;
  }

  /**
   * Network outputs (logits, or standardised returns) for the windows ending at `ends` of the
   * row-major [T, nFeatures] matrix `values`; every window must be ready (see windowReady).
   */
  raw(values: Float32Array, ends: ArrayLike<number>, out: Float32Array = new Float32Array(ends.length)): Float32Array {
    const L = this.seqLen;
    const F = this.nFeatures;
    if (values.length % F !== 0) throw new DataError(`feature matrix has ${values.length} values, not a multiple of ${F} features`, { column: 'features' });
    if (this.buf.length < CHUNK * L * F) this.buf = new Float32Array(CHUNK * L * F);
    for (let from = 0; from < ends.length; from += CHUNK) {
      const n = Math.min(CHUNK, ends.length - from);
      gatherWindows(values, F, L, ends, from, n, this.buf);
      const y = tf.tidy(() => this.model.predict(tf.tensor3d(this.buf.subarray(0, n * L * F), [n, L, F])) as tf.Tensor);
      out.set(y.dataSync(), from);
      y.dispose();
    }
    return out;
  }

  /** Network output -> P(up) (direction) or the forward log return (return). */
  fromRaw(z: number): number {
    if (this.meta.config.task === 'direction') return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
    return this.meta.target.mean + this.meta.target.std * z;
  }

  /**
   * P(up over the horizon) or the predicted forward log return at rows `ends` of `values`
   * ([T, nFeatures]); NaN where the window is incomplete or holds NaN.
   */
  predictAt(values: Float32Array, ends: ArrayLike<number>, out: Float64Array = new Float64Array(ends.length)): Float64Array {
    const L = this.seqLen;
    const F = this.nFeatures;
    const ready: number[] = [];
    const at: number[] = [];
    for (let k = 0; k < ends.length; k++) {
      if (windowReady(values, F, ends[k], L)) {
        ready.push(ends[k]);
        at.push(k);
      } else out[k] = NaN;
    }
    const z = this.raw(values, ready);
    for (let j = 0; j < at.length; j++) out[at[j]] = this.fromRaw(z[j]);
    return out;
  }

  dispose(): void {
    this.model.dispose();
  }
}
