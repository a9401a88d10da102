// What one PPO gradient step sees: a minibatch gathered from the rollout buffer, float32 so
// both engines take it as is (tfjs tensors are float32; the fused engine reads floats).

export interface Minibatch {
  size: number;
  /** [size, obsSize] observations as fed to the networks (normalised if configured). */
  obs: Float32Array;
  /** [size, actionDim]: action indices (categorical) or the unclipped sampled actions (Gaussian). */
  actions: Float32Array;
  /** Log-probabilities of `actions` under the policy that collected them. */
  logp: Float32Array;
  /** Advantages (already normalised when the config asks for it). */
  advantages: Float32Array;
  returns: Float32Array;
  /** Value estimates at collection time (for the clipped value loss). */
  values: Float32Array;
}

export function allocMinibatch(size: number, obsSize: number, actionDim: number): Minibatch {
  return {
    size,
    obs: new Float32Array(size * obsSize),
    actions: new Float32Array(size * actionDim),
    logp: new Float32Array(size),
    advantages: new Float32Array(size),
    returns: new Float32Array(size),
    values: new Float32Array(size),
  };
}

export interface LossCoefficients {
  /** PPO's surrogate clipping range epsilon (also the value clipping range, as CleanRL). */
  clipCoef: number;
  clipValueLoss: boolean;
  valueCoef: number;
  entropyCoef: number;
}

/** Means over the minibatch (CleanRL's definitions). */
export interface LossStats {
  loss: number;
  policyLoss: number;
  valueLoss: number;
  entropy: number;
  /** mean((ratio - 1) - log ratio): the low-variance KL estimator. */
  approxKl: number;
  /** mean(-log ratio). */
  oldApproxKl: number;
  /** Share of samples with |ratio - 1| > clipCoef. */
  clipFrac: number;
}
