// The numeric side of PPO behind one interface, so the trainer, the policy wrapper and the
// checkpoints do not care which engine runs it:
//   fused: hand-written forward/backward/Adam over WebAssembly SIMD kernels (fast on small MLPs);
//   tfjs:  the same networks, loss and Adam through TensorFlow.js ops (any backend, GPU included).
// Both read and write parameters and Adam moments in the one flat layout of ParamLayout.
import type { AdamConfig, AdamState } from '../nn/adam.js';
import type { ParamLayout } from '../nn/actor-critic-layout.js';
import type { LossCoefficients, LossStats, Minibatch } from './minibatch.js';

export type EngineKind = 'fused' | 'tfjs';

export interface PpoEngine {
  readonly kind: EngineKind;
  /** What runs it, for the run log ("wasm-simd kernels", "tfjs wasm backend"). */
  readonly description: string;
  readonly layout: ParamLayout;
  readonly adam: AdamConfig;
  /** Policy outputs (logits or means, [batch, headSize]) and values ([batch]) for a batch of observations. */
  evaluate(obs: Float32Array, batch: number, head: Float32Array, values: Float32Array): void;
  /** Policy outputs only (acting without training). */
  actor(obs: Float32Array, batch: number, head: Float32Array): void;
  /** Values only (bootstrapping truncated episodes). */
  critic(obs: Float32Array, batch: number, values: Float32Array): void;
  /** The Gaussian log std ([dim]); no-op for categorical heads. */
  readLogStd(out: Float32Array): void;
  /** Loss and gradients of one minibatch; the gradients stay inside for applyGradients. */
  computeGradients(mb: Minibatch, coef: LossCoefficients): LossStats;
  /** The gradients of the last computeGradients, in the flat layout. */
  readGradients(out: Float32Array): void;
  /** Clips the global gradient norm to `maxGradNorm`, then one Adam step; returns the norm before clipping. */
  applyGradients(lr: number, maxGradNorm: number): number;
  readParams(out: Float32Array): void;
  writeParams(params: Float32Array): void;
  readOptimizer(): AdamState;
  writeOptimizer(state: AdamState): void;
  dispose(): void;
}
