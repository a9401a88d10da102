// The PPO loss of one minibatch and its gradient with respect to the network outputs (logits or
// means, values, log std), written out by hand for the fused engine. Tie and boundary rules
// follow tfjs (max(a, b) sends the gradient to a when a >= b; clip passes it at the bounds), so
// the fused gradients match tf.grad of the same loss (tests/nn.test.ts).
import type { ActionHead } from '../nn/actor-critic-layout.js';
import type { LossCoefficients, LossStats, Minibatch } from './minibatch.js';

export const LOG_2PI = Math.log(2 * Math.PI);

export interface OutputGrads {
  /** dL/d(policy output), [size, headSize]. */
  head: Float32Array;
  /** dL/d(value), [size]. */
  value: Float32Array;
  /** dL/d(log std), [dim] (Gaussian heads only). */
  logStd: Float32Array | null;
}

/** Clipped surrogate term of one sample: adds to `acc` and returns dL/d(new log-prob) (before / size). */
function surrogate(ratio: number, adv: number, clip: number, acc: { pg: number; clipped: number }): number {
  const pg1 = -adv * ratio;
  const r = ratio < 1 - clip ? 1 - clip : ratio > 1 + clip ? 1 + clip : ratio;
  const pg2 = -adv * r;
  acc.pg += pg1 >= pg2 ? pg1 : pg2;
  if (Math.abs(ratio - 1) > clip) acc.clipped++;
  if (pg1 >= pg2) return -adv * ratio;
  return ratio >= 1 - clip && ratio <= 1 + clip ? -adv * ratio : 0;
}

/**
 * Loss = policy loss - entropyCoef * entropy + valueCoef * value loss. `out` holds the policy
 * outputs, `values` the value outputs, `logStd` the Gaussian log std; gradients go to `grads`.
 */
export function ppoLossGrads(
  headKind: ActionHead, mb: Minibatch, out: Float32Array, logStd: Float32Array | null, values: Float32Array,
  coef: LossCoefficients, grads: OutputGrads,
): LossStats {
  const B = mb.size;
  const clip = coef.clipCoef;
  const acc = { pg: 0, clipped: 0 };
  let entropy = 0;
  let approxKl = 0;
  let oldApproxKl = 0;
  const gHead = grads.head;
  const entScale = coef.entropyCoef / B;

  if (headKind.kind === 'categorical') {
    const A = headKind.n;
    for (let i = 0; i < B; i++) {
      const o = i * A;
      let max = -Infinity;
      for (let j = 0; j < A; j++) if (out[o + j] > max) max = out[o + j];
      let sum = 0;
      for (let j = 0; j < A; j++) sum += Math.exp(out[o + j] - max);
      const lse = max + Math.log(sum);
      let h = 0;
      for (let j = 0; j < A; j++) {
        const lp = out[o + j] - lse;
        h -= Math.exp(lp) * lp;
      }
      const a = mb.actions[i];
      const logratio = out[o + a] - lse - mb.logp[i];
      const ratio = Math.exp(logratio);
      const g = surrogate(ratio, mb.advantages[i], clip, acc) / B;
      for (let j = 0; j < A; j++) {
        const lp = out[o + j] - lse;
        const p = Math.exp(lp);
        // d logp_a / dz_j = [j = a] - p_j;  d entropy / dz_j = -p_j (log p_j + H).
        gHead[o + j] = g * ((j === a ? 1 : 0) - p) + entScale * p * (lp + h);
      }
      entropy += h;
      approxKl += ratio - 1 - logratio;
      oldApproxKl -= logratio;
    }
  } else {
    const D = headKind.dim;
    const gStd = grads.logStd as Float32Array;
    const ls = logStd as Float32Array;
    gStd.fill(0);
    let sumLogStd = 0;
    for (let k = 0; k < D; k++) sumLogStd += ls[k];
    const h = D * 0.5 * (1 + LOG_2PI) + sumLogStd;
    for (let i = 0; i < B; i++) {
      const o = i * D;
      let logp = 0;
      for (let k = 0; k < D; k++) {
        const u = (mb.actions[o + k] - out[o + k]) / Math.exp(ls[k]);
        logp += -0.5 * u * u - ls[k] - 0.5 * LOG_2PI;
      }
      const logratio = logp - mb.logp[i];
      const ratio = Math.exp(logratio);
      const g = surrogate(ratio, mb.advantages[i], clip, acc) / B;
      for (let k = 0; k < D; k++) {
        const sigma = Math.exp(ls[k]);
        const u = (mb.actions[o + k] - out[o + k]) / sigma;
        gHead[o + k] = (g * u) / sigma;
        gStd[k] += g * (u * u - 1);
      }
      entropy += h;
      approxKl += ratio - 1 - logratio;
      oldApproxKl -= logratio;
    }
    // The entropy of a state-independent Gaussian depends on log std only: d/dlogstd_k = 1.
    for (let k = 0; k < D; k++) gStd[k] -= coef.entropyCoef;
  }

  let vl = 0;
  const vScale = coef.valueCoef / B;
  for (let i = 0; i < B; i++) {
    const v = values[i];
    const ret = mb.returns[i];
    if (coef.clipValueLoss) {
      const old = mb.values[i];
      const d = v - old;
      const dc = d < -clip ? -clip : d > clip ? clip : d;
      const a = (v - ret) ** 2;
      const b = (old + dc - ret) ** 2;
      vl += a >= b ? a : b;
      grads.value[i] = vScale * (a >= b ? v - ret : d >= -clip && d <= clip ? old + dc - ret : 0);
    } else {
      vl += (v - ret) ** 2;
      grads.value[i] = vScale * (v - ret);
    }
  }
  const policyLoss = acc.pg / B;
  const valueLoss = (0.5 * vl) / B;
  const ent = entropy / B;
  return {
    loss: policyLoss - coef.entropyCoef * ent + coef.valueCoef * valueLoss,
    policyLoss, valueLoss, entropy: ent,
    approxKl: approxKl / B, oldApproxKl: oldApproxKl / B, clipFrac: acc.clipped / B,
  };
}
