// The network of a sequence predictor: one tf.layers LSTM or GRU over the window, its last
// output into one linear unit (a logit for direction, a standardised return for regression).
// Initial weights are drawn from the run's Rng, not by tfjs initialisers, so every backend and
// platform starts from the same numbers: Glorot-uniform input kernels, orthogonal recurrent
// kernels (Keras' defaults), zero biases except the LSTM forget gate's 1 (Keras' unit_forget_bias).
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../data/random.js';
import { orthogonal } from '../nn/orthogonal-init.js';

export type CellKind = 'lstm' | 'gru';

/** Names of model.getWeights() in order, as stored in weights.bin. */
export const WEIGHT_NAMES = ['rnn/kernel', 'rnn/recurrent_kernel', 'rnn/bias', 'dense/kernel', 'dense/bias'] as const;

const gatesOf = (cell: CellKind): number => (cell === 'lstm' ? 4 : 3);

export function buildNetwork(cell: CellKind, seqLen: number, nFeatures: number, units: number): tf.Sequential {
  const model = tf.sequential();
  // 'zeros' initialisers: the real initial values are set from the Rng right after.
  const rnn = { units, inputShape: [seqLen, nFeatures], kernelInitializer: 'zeros', recurrentInitializer: 'zeros', biasInitializer: 'zeros' } satisfies Parameters<typeof tf.layers.lstm>[0];
  model.add(cell === 'lstm' ? tf.layers.lstm(rnn) : tf.layers.gru(rnn));
  model.add(tf.layers.dense({ units: 1, kernelInitializer: 'zeros', biasInitializer: 'zeros' }));
  return model;
}

function glorotUniform(fanIn: number, fanOut: number, rng: Rng): Float32Array {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  return Float32Array.from({ length: fanIn * fanOut }, () => (2 * rng.next() - 1) * limit);
}

/** Seeded initial weights in getWeights() order. */
export function initialWeights(cell: CellKind, nFeatures: number, units: number, rng: Rng): Float32Array[] {
  const G = gatesOf(cell) * units;
  const bias = new Float32Array(G);
  if (cell === 'lstm') bias.fill(1, units, 2 * units);
  return [glorotUniform(nFeatures, G, rng), Float32Array.from(orthogonal(units, G, 1, rng)), bias, glorotUniform(units, 1, rng), new Float32Array(1)];
}

/** Writes flat weight arrays (getWeights() order) into the model. */
export function setWeights(model: tf.LayersModel, weights: Float32Array[]): void {
  const shapes = model.getWeights().map((w) => w.shape);
  const ts = weights.map((w, i) => tf.tensor(w, shapes[i], 'float32'));
  model.setWeights(ts);
  for (const t of ts) t.dispose();
}

/** Copies of the model's weights (getWeights() order). */
export function readWeights(model: tf.LayersModel): Float32Array[] {
  return model.getWeights().map((w) => (w.dataSync() as Float32Array).slice());
}
