// Fitting a sequence predictor: windows ending in the training split (whole window and label
// inside it), seeded minibatch order, Adam with global-norm clipping, early stopping on the
// validation loss with the best epoch's weights restored. The loop is written out rather than
// model.fit: fit shuffles with Math.random (not reproducible) and has no gradient-norm clip.
import * as tf from '@tensorflow/tfjs';
import { ConfigError, DataError } from '../../data/errors.js';
import type { FeatureMatrix } from '../../data/features/log-return-window.js';
import { makeRng } from '../../data/random.js';
import type { Range } from '../../envs/splits.js';
import { directionLabels, forwardReturns } from '../baselines/labels.js';
import { shuffleIndices } from '../common/shuffle.js';
import { selectBackend } from '../nn/backend.js';
import { resolvePredictorConfig, type PredictorConfig, type PredictorConfigInput } from './config.js';
import { buildNetwork, initialWeights, readWeights, setWeights } from './model.js';
import { SequencePredictor, type PredictorMeta } from './predictor.js';
import { gatherWindows, windowEnds } from './windows.js';

/** The label per row for a task: direction 1/0 (-1 = none), or the forward log return (NaN = none). */
export function predictorTargets(close: Float64Array, task: PredictorConfig['task'], horizon: number): Int8Array | Float64Array {
  return task === 'direction' ? directionLabels(close, horizon) : forwardReturns(close, horizon, { log: true });
}

export interface FitPredictorInput {
  /** Row-major [T, F] features (e.g. data/features/pipeline.ts transform()); row t uses bars <= t. */
  features: FeatureMatrix;
  /** Per-row labels from predictorTargets (or the same conventions). */
  target: ArrayLike<number>;
  train: Range;
  valid: Range;
}

const hasLabelFor = (task: PredictorConfig['task'], y: ArrayLike<number>) =>
  task === 'direction' ? (t: number) => y[t] === 0 || y[t] === 1 : (t: number) => Number.isFinite(y[t]);

/** Mean loss of network outputs z against targets (already standardised for the return task). */
function meanLoss(task: PredictorConfig['task'], z: Float32Array, y: Float32Array): number {
  let s = 0;
  for (let i = 0; i < z.length; i++) {
    // BCE from logits, stable: max(z, 0) - z y + log(1 + e^-|z|).
    s += task === 'direction' ? Math.max(z[i], 0) - z[i] * y[i] + Math.log1p(Math.exp(-Math.abs(z[i]))) : (z[i] - y[i]) ** 2;
  }
  return s / z.length;
}

export async function fitPredictor(input: FitPredictorInput, config: PredictorConfigInput = {}): Promise<SequencePredictor> {
  const cfg = resolvePredictorConfig(config);
  await selectBackend(cfg.backend);
  const { features, target, train, valid } = input;
  const F = features.names.length;
  const T = features.rows;
  if (features.values.length !== T * F) throw new DataError(`features have ${features.values.length} values, ${T} rows x ${F} columns need ${T * F}`, { column: 'features' });
  if (target.length !== T) throw new DataError(`target has ${target.length} rows, features ${T}`, { column: 'target' });
  if (!(train.to <= valid.from || valid.to <= train.from)) throw new ConfigError('valid', `validation rows [${valid.from}, ${valid.to}) overlap the training rows [${train.from}, ${train.to})`);
  const L = cfg.seqLen;
  const hasLabel = hasLabelFor(cfg.task, target);
  const trainEnds = windowEnds(features.values, F, L, train, cfg.horizon, hasLabel, true);
  // Validation windows may start in earlier rows (past data); their labels stay inside the split.
  const validEnds = windowEnds(features.values, F, L, valid, cfg.horizon, hasLabel, false);
  if (trainEnds.length < cfg.batchSize) throw new ConfigError('train', `${trainEnds.length} training windows of ${L} rows, fewer than one batch of ${cfg.batchSize}`);
  if (validEnds.length === 0) throw new ConfigError('valid', `no validation window of ${L} rows with a label in [${valid.from}, ${valid.to})`);

  // Return targets are ~1e-3: standardise by the training targets so MSE and the learning rate are scale-free.
  let scale = { mean: 0, std: 1 };
  if (cfg.task === 'return') {
    let m = 0;
    for (const t of trainEnds) m += target[t];
    m /= trainEnds.length;
    let v = 0;
    for (const t of trainEnds) v += (target[t] - m) ** 2;
    scale = { mean: m, std: Math.sqrt(v / trainEnds.length) || 1 };
  }
  const y = (ends: Int32Array): Float32Array => Float32Array.from(ends, (t) => (target[t] - scale.mean) / scale.std);
  const yTrain = y(trainEnds);
  const yValid = y(validEnds);

  const rng = makeRng(`predictor/${cfg.cell}/${cfg.seed}`);
  const model = buildNetwork(cfg.cell, L, F, cfg.units);
  setWeights(model, initialWeights(cfg.cell, F, cfg.units, rng.fork('init')));
  const meta: PredictorMeta = {
    config: cfg, nFeatures: F, featureNames: [...features.names], target: scale, history: [], bestEpoch: 0,
    fittedOn: { train: { ...train }, valid: { ...valid }, trainWindows: trainEnds.length, validWindows: validEnds.length },
  };
  const predictor = new SequencePredictor(model, meta);
  const optimizer = tf.train.adam(cfg.learningRate);
  const order = new Int32Array(trainEnds.length);
  const B = cfg.batchSize;
  const xBuf = new Float32Array(B * L * F);
  const batchEnds = new Int32Array(B);
  const yBuf = new Float32Array(B);
  const shuffle = rng.fork('order');
  let best = Infinity;
  let bestWeights = readWeights(model);
  let stale = 0;
  for (let epoch = 1; epoch <= cfg.epochs; epoch++) {
    shuffleIndices(order, shuffle);
    let lossSum = 0;
    let batches = 0;
    // The last partial batch is dropped: equal batch sizes keep every Adam step comparable.
    for (let from = 0; from + B <= order.length; from += B) {
      for (let b = 0; b < B; b++) {
        batchEnds[b] = trainEnds[order[from + b]];
        yBuf[b] = yTrain[order[from + b]];
      }
      gatherWindows(features.values, F, L, batchEnds, 0, B, xBuf);
      lossSum += trainStep(model, optimizer, cfg, xBuf, yBuf, B, L, F);
      batches++;
    }
    const validLoss = meanLoss(cfg.task, predictor.raw(features.values, validEnds), yValid);
    meta.history.push({ epoch, trainLoss: lossSum / batches, validLoss });
    if (validLoss < best) {
      best = validLoss;
      bestWeights = readWeights(model);
      meta.bestEpoch = epoch;
      stale = 0;
    } else if (++stale >= cfg.patience) break;
    // Let other work (timers, I/O) run between epochs.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  setWeights(model, bestWeights);
  optimizer.dispose();
  return predictor;
}

/** One Adam step on a batch [B, L, F] with global-norm clipping; returns the batch loss. */
export function trainStep(model: tf.LayersModel, optimizer: tf.Optimizer, cfg: PredictorConfig, x: Float32Array, y: Float32Array, B: number, L: number, F: number): number {
  return tf.tidy(() => {
    const xt = tf.tensor3d(x.subarray(0, B * L * F), [B, L, F]);
    const yt = tf.tensor2d(y.subarray(0, B), [B, 1]);
    const { value, grads } = optimizer.computeGradients(() => {
      const out = model.apply(xt, { training: true }) as tf.Tensor2D;
      return (cfg.task === 'direction' ? tf.losses.sigmoidCrossEntropy(yt, out) : tf.losses.meanSquaredError(yt, out)) as tf.Scalar;
    });
    let g = grads;
    if (cfg.clipNorm > 0) {
      const names = Object.keys(grads);
      const norm = tf.sqrt(tf.addN(names.map((k) => tf.sum(tf.square(grads[k])))));
      const coef = tf.minimum(1, tf.div(cfg.clipNorm, tf.add(norm, 1e-6)));
      g = Object.fromEntries(names.map((k) => [k, tf.mul(grads[k], coef)]));
    }
    optimizer.applyGradients(g);
    return value.dataSync()[0];
  });
}
