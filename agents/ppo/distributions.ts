// Action distributions over the policy outputs, in float64 JS: sampling (with the run's Rng),
// log-probabilities, and the greedy action. Categorical over logits; Gaussian with a
// state-independent log std (CleanRL's continuous PPO).
import type { Rng } from '../../data/random.js';
import type { ActionHead } from '../nn/actor-critic-layout.js';
import { LOG_2PI } from './ppo-loss.js';

/** Floats per action: 1 (an index) for categorical, `dim` for Gaussian. */
export function actionDim(head: ActionHead): number {
  return head.kind === 'categorical' ? 1 : head.dim;
}

/** Samples one action per row into `actions` ([batch, actionDim]) and its log-probability into `logp`. */
export function sampleActions(
  head: ActionHead, out: Float32Array, logStd: Float32Array, batch: number, rng: Rng, actions: Float32Array, logp: Float64Array, at = 0,
): void {
  if (head.kind === 'categorical') {
    const A = head.n;
    for (let i = 0; i < batch; i++) {
      const o = i * A;
      let max = -Infinity;
      for (let j = 0; j < A; j++) if (out[o + j] > max) max = out[o + j];
      let sum = 0;
      for (let j = 0; j < A; j++) sum += Math.exp(out[o + j] - max);
      let u = rng.next() * sum;
      let a = A - 1;
      for (let j = 0; j < A; j++) {
        u -= Math.exp(out[o + j] - max);
        if (u < 0) {
          a = j;
          break;
        }
      }
      actions[at + i] = a;
      logp[at + i] = out[o + a] - max - Math.log(sum);
    }
    return;
  }
  const D = head.dim;
  for (let i = 0; i < batch; i++) {
    let lp = 0;
    for (let k = 0; k < D; k++) {
      const z = rng.normal();
      actions[(at + i) * D + k] = out[i * D + k] + Math.exp(logStd[k]) * z;
      lp += -0.5 * z * z - logStd[k] - 0.5 * LOG_2PI;
    }
    logp[at + i] = lp;
  }
}

/** The most likely action: argmax of the logits, or the mean. */
export function greedyActions(head: ActionHead, out: Float32Array, batch: number, actions: Float32Array): void {
  if (head.kind === 'categorical') {
    const A = head.n;
    for (let i = 0; i < batch; i++) {
      let best = 0;
      for (let j = 1; j < A; j++) if (out[i * A + j] > out[i * A + best]) best = j;
      actions[i] = best;
    }
    return;
  }
  actions.set(out.subarray(0, batch * head.dim));
}

/** Clips Box actions into [low, high] per dimension (what the env gets; the buffer keeps the raw sample). */
export function clipToBounds(src: Float32Array, dst: Float32Array, batch: number, low: Float32Array, high: Float32Array): void {
  const D = low.length;
  for (let i = 0; i < batch; i++) {
    for (let k = 0; k < D; k++) {
      const v = src[i * D + k];
      dst[i * D + k] = v < low[k] ? low[k] : v > high[k] ? high[k] : v;
    }
  }
}
