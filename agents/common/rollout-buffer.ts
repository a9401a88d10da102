// Storage for one on-policy rollout of `steps` vector steps over `envs` envs, step-major
// (row t * envs + i), allocated once and overwritten every rollout.

export class RolloutBuffer {
  readonly size: number;
  /** [size, obsSize] observations as the networks saw them. */
  readonly obs: Float32Array;
  /** [size, actionDim] actions as sampled (Gaussian actions before clipping to the bounds). */
  readonly actions: Float32Array;
  readonly logp: Float64Array;
  readonly values: Float64Array;
  readonly rewards: Float64Array;
  /** The episode ended at this step (terminated or truncated). */
  readonly dones: Uint8Array;
  readonly advantages: Float64Array;
  readonly returns: Float64Array;

  constructor(readonly steps: number, readonly envs: number, readonly obsSize: number, readonly actionDim: number) {
    this.size = steps * envs;
    this.obs = new Float32Array(this.size * obsSize);
    this.actions = new Float32Array(this.size * actionDim);
    this.logp = new Float64Array(this.size);
    this.values = new Float64Array(this.size);
    this.rewards = new Float64Array(this.size);
    this.dones = new Uint8Array(this.size);
    this.advantages = new Float64Array(this.size);
    this.returns = new Float64Array(this.size);
  }
}
