// The numeric side of recurrent PPO behind one interface (as agents/ppo/engine.ts for the MLP):
//   fused: hand-written LSTM + MLP forward/BPTT and Adam over the WebAssembly SIMD kernels;
//   tfjs:  the same network and loss in tfjs ops differentiated by tf.variableGrads (any backend,
//          CUDA included; the reference the fused gradients are tested against).
// Both read and write parameters and Adam moments in the one flat layout of RecurrentLayout.
import type { AdamConfig, AdamState } from '../nn/adam.js';
import type { LossCoefficients, LossStats } from '../ppo/minibatch.js';
import type { EngineKind } from '../ppo/engine.js';
import type { RecurrentLayout } from './layout.js';
import type { SequenceMinibatch } from './sequence-minibatch.js';

export interface RecurrentEngine {
  readonly kind: EngineKind;
  readonly description: string;
  readonly layout: RecurrentLayout;
  readonly adam: AdamConfig;
  /**
   * One time step for `batch` envs: observations [batch, obsSize] and incoming states hIn, cIn
   * ([batch, H], already zeroed where an episode starts) -> new states hOut, cOut (may alias the
   * inputs), policy outputs [batch, headSize] and values [batch] where those arrays are given.
   */
  step(obs: Float32Array, batch: number, hIn: Float32Array, cIn: Float32Array, hOut: Float32Array, cOut: Float32Array, head: Float32Array | null, values: Float32Array | null): void;
  /** The Gaussian log std ([dim]); no-op for categorical heads. */
  readLogStd(out: Float32Array): void;
  /** PPO loss and gradients of one sequence minibatch (BPTT over its steps); gradients stay inside. */
  computeGradients(mb: SequenceMinibatch, coef: LossCoefficients): LossStats;
  readGradients(out: Float32Array): void;
  /** Clips the global gradient norm, then one Adam step; returns the norm before clipping. */
  applyGradients(lr: number, maxGradNorm: number): number;
  readParams(out: Float32Array): void;
  writeParams(params: Float32Array): void;
  readOptimizer(): AdamState;
  writeOptimizer(state: AdamState): void;
  dispose(): void;
}
