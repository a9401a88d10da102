// Adam, PyTorch's formulation (bias-corrected step size, eps added to the corrected sqrt(v)),
// and global gradient-norm clipping as torch.nn.utils.clip_grad_norm_. The update itself runs
// in the kernels (kernels.ts: `adam`, the JS reference and the SIMD one) for the fused engine and
// in tfjs ops (tfjs-adam.ts) for the tfjs engine; both take their constants from here, so the
// optimizer state in a checkpoint means the same thing for both engines.

export interface AdamConfig {
  beta1: number;
  beta2: number;
  /** CleanRL's PPO uses 1e-5 (PyTorch's default is 1e-8). */
  eps: number;
}

export interface AdamState {
  /** Steps taken so far (the next step is step + 1). */
  step: number;
  /** First and second moments, in the flat parameter layout. */
  m: Float32Array;
  v: Float32Array;
}

export const DEFAULT_ADAM: Readonly<AdamConfig> = Object.freeze({ beta1: 0.9, beta2: 0.999, eps: 1e-5 });

/** The bias-corrected step size and sqrt(1 - beta2^t) for step t (computed in float64). */
export function adamCorrections(step: number, lr: number, cfg: AdamConfig): { stepSize: number; sqrtBc2: number } {
  return { stepSize: lr / (1 - cfg.beta1 ** step), sqrtBc2: Math.sqrt(1 - cfg.beta2 ** step) };
}

/** L2 norm of all gradients together. */
export function globalNorm(grads: Float32Array): number {
  let s = 0;
  for (let i = 0; i < grads.length; i++) s += grads[i] * grads[i];
  return Math.sqrt(s);
}

/** The factor gradients of global norm `norm` are scaled by (torch: max / (norm + 1e-6), at most 1). */
export function clipScale(norm: number, maxNorm: number): number {
  return Math.min(1, maxNorm / (norm + 1e-6));
}
