// The PPO loss in tfjs ops: the same definitions as ppo-loss.ts (CleanRL's), differentiated by
// tf.variableGrads. Call inside a gradient function (tensors are freed by its tidy).
import * as tf from '@tensorflow/tfjs';
import type { ActionHead } from '../nn/actor-critic-layout.js';
import type { LossCoefficients } from './minibatch.js';
import { LOG_2PI } from './ppo-loss.js';

export interface MinibatchTensors {
  actions: tf.Tensor2D;
  logp: tf.Tensor1D;
  advantages: tf.Tensor1D;
  returns: tf.Tensor1D;
  values: tf.Tensor1D;
}

export interface TfjsLoss {
  loss: tf.Scalar;
  /** [loss, policyLoss, valueLoss, entropy, approxKl, oldApproxKl, clipFrac]. */
  stats: tf.Tensor1D;
}

export function tfjsPpoLoss(
  head: ActionHead, out: tf.Tensor2D, logStd: tf.Tensor1D | null, values: tf.Tensor1D, mb: MinibatchTensors, coef: LossCoefficients,
): TfjsLoss {
  const c = coef.clipCoef;
  let newLogp: tf.Tensor1D;
  let entropy: tf.Scalar;
  if (head.kind === 'categorical') {
    const logpAll = tf.logSoftmax(out);
    const oneHot = tf.oneHot(tf.cast(tf.reshape(mb.actions, [-1]), 'int32') as tf.Tensor1D, head.n);
    newLogp = tf.sum(tf.mul(logpAll, oneHot), 1);
    entropy = tf.mean(tf.neg(tf.sum(tf.mul(tf.exp(logpAll), logpAll), 1)));
  } else {
    const ls = logStd as tf.Tensor1D;
    const u = tf.div(tf.sub(mb.actions, out), tf.exp(ls));
    newLogp = tf.sum(tf.sub(tf.mul(tf.square(u), -0.5), tf.add(ls, 0.5 * LOG_2PI)), 1);
    entropy = tf.sum(tf.add(ls, 0.5 * (1 + LOG_2PI)));
  }
  const logratio = tf.sub(newLogp, mb.logp);
  const ratio = tf.exp(logratio);
  const negAdv = tf.neg(mb.advantages);
  const policyLoss = tf.mean(tf.maximum(tf.mul(negAdv, ratio), tf.mul(negAdv, tf.clipByValue(ratio, 1 - c, 1 + c))));
  const sq = tf.square(tf.sub(values, mb.returns));
  const valueLoss = coef.clipValueLoss
    ? tf.mul(tf.mean(tf.maximum(sq, tf.square(tf.sub(tf.add(mb.values, tf.clipByValue(tf.sub(values, mb.values), -c, c)), mb.returns)))), 0.5)
    : tf.mul(tf.mean(sq), 0.5);
  const loss = tf.add(tf.sub(policyLoss, tf.mul(entropy, coef.entropyCoef)), tf.mul(valueLoss, coef.valueCoef)) as tf.Scalar;
  const approxKl = tf.mean(tf.sub(tf.sub(ratio, 1), logratio));
  const oldApproxKl = tf.mean(tf.neg(logratio));
  const clipFrac = tf.mean(tf.cast(tf.greater(tf.abs(tf.sub(ratio, 1)), c), 'float32'));
  return { loss, stats: tf.stack([loss, policyLoss, valueLoss, entropy, approxKl, oldApproxKl, clipFrac]) as tf.Tensor1D };
}
