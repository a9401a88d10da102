// What each PPO update reports: CleanRL's TensorBoard tags (so runs of every algorithm compare
// in one view), plus where the time went.

export const TAGS = {
  episodicReturn: 'charts/episodic_return',
  episodicLength: 'charts/episodic_length',
  sps: 'charts/SPS',
  learningRate: 'charts/learning_rate',
  valueLoss: 'losses/value_loss',
  policyLoss: 'losses/policy_loss',
  entropy: 'losses/entropy',
  oldApproxKl: 'losses/old_approx_kl',
  approxKl: 'losses/approx_kl',
  clipFrac: 'losses/clipfrac',
  explainedVariance: 'losses/explained_variance',
} as const;

export interface PpoTimings {
  /** Collecting the rollout: inference + env steps + bookkeeping. */
  rolloutMs: number;
  /** Network evaluation and action sampling during the rollout (bootstrap values included). */
  inferenceMs: number;
  envMs: number;
  /** GAE and the minibatch epochs. */
  updateMs: number;
}

export interface PpoUpdateRecord {
  /** 1-based number of this update. */
  update: number;
  /** Env steps over all envs so far (TensorBoard's step axis). */
  globalStep: number;
  /**
   * Tag -> value. Losses are means over the update's minibatches; the episodic entries are means
   * over the episodes that ended during this rollout and absent when none did.
   */
  scalars: Partial<Record<(typeof TAGS)[keyof typeof TAGS], number>>;
  /** Episodes that ended during this rollout. */
  episodes: number;
  /** Epochs run (fewer than configured when the target KL stopped the update). */
  epochs: number;
  timings: PpoTimings;
}
