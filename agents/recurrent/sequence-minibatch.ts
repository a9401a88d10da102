// Sequence minibatches for recurrent PPO: each env's rollout is cut into contiguous chunks of
// `steps` steps (CleanRL splits by env; shorter chunks give more, better-shuffled sequences), a
// minibatch takes `sequences` chunks, laid out time-major (row t * sequences + m) so each time
// step of the LSTM is one contiguous block of rows. Every chunk starts from the stored state.
import { allocMinibatch, type Minibatch } from '../ppo/minibatch.js';
import type { RecurrentRolloutBuffer } from './rollout-buffer.js';

export interface SequenceMinibatch extends Minibatch {
  /** Time steps per sequence. */
  steps: number;
  /** Sequences (chunks) in the minibatch; size = steps * sequences. */
  sequences: number;
  /** States the chunks start from, [sequences, H]. */
  h0: Float32Array;
  c0: Float32Array;
  /** [size]: 0 where an episode starts at that row (the incoming state is dropped), else 1. */
  keep: Float32Array;
}

export function allocSequenceMinibatch(steps: number, sequences: number, obsSize: number, actionDim: number, hidden: number): SequenceMinibatch {
  return {
    ...allocMinibatch(steps * sequences, obsSize, actionDim),
    steps, sequences,
    h0: new Float32Array(sequences * hidden),
    c0: new Float32Array(sequences * hidden),
    keep: new Float32Array(steps * sequences),
  };
}

/**
 * Fills `mb` with the chunks `ids[start .. start + sequences)`; chunk id s is env s % envs, time
 * steps [(s / envs | 0) * steps, + steps). Advantages are normalised over the minibatch when `normAdv`.
 */
export function gatherSequences(b: RecurrentRolloutBuffer, ids: Int32Array, start: number, mb: SequenceMinibatch, normAdv: boolean): void {
  const n = b.envs;
  const S = b.obsSize;
  const D = b.actionDim;
  const H = b.lstmHidden;
  const L = mb.steps;
  const M = mb.sequences;
  for (let m = 0; m < M; m++) {
    const s = ids[start + m];
    const env = s % n;
    const t0 = ((s / n) | 0) * L;
    const first = t0 * n + env;
    mb.h0.set(b.hidden.subarray(first * H, first * H + H), m * H);
    mb.c0.set(b.cell.subarray(first * H, first * H + H), m * H);
    for (let t = 0; t < L; t++) {
      const k = (t0 + t) * n + env;
      const j = t * M + m;
      mb.obs.set(b.obs.subarray(k * S, k * S + S), j * S);
      for (let d = 0; d < D; d++) mb.actions[j * D + d] = b.actions[k * D + d];
      mb.logp[j] = b.logp[k];
      mb.values[j] = b.values[k];
      mb.returns[j] = b.returns[k];
      mb.advantages[j] = b.advantages[k];
      mb.keep[j] = b.starts[k] ? 0 : 1;
    }
  }
  if (!normAdv) return;
  const N = mb.size;
  let mean = 0;
  for (let j = 0; j < N; j++) mean += mb.advantages[j];
  mean /= N;
  let v = 0;
  for (let j = 0; j < N; j++) v += (mb.advantages[j] - mean) ** 2;
  // torch's std() is the unbiased one (as the MLP trainer).
  const std = Math.sqrt(v / Math.max(1, N - 1));
  for (let j = 0; j < N; j++) mb.advantages[j] = (mb.advantages[j] - mean) / (std + 1e-8);
}
