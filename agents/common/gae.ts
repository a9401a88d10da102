// Generalised Advantage Estimation (Schulman et al. 2016) over a [steps, envs] rollout stored
// step-major. `dones[t, i]` = env i's episode ended at step t; a truncated episode's bootstrap
// value is expected to be folded into its last reward already (so done always cuts the trace).

export interface GaeInput {
  steps: number;
  envs: number;
  rewards: Float64Array;
  values: Float64Array;
  dones: Uint8Array;
  /** V(observation after the last step), per env. */
  lastValues: Float64Array;
  gamma: number;
  lambda: number;
}

/** Writes advantages and returns (= advantages + values), each [steps * envs]. */
export function computeGae(x: GaeInput, advantages: Float64Array, returns: Float64Array): void {
  const { steps: T, envs: n, rewards, values, dones, gamma, lambda } = x;
  for (let i = 0; i < n; i++) {
    let gae = 0;
    let nextValue = x.lastValues[i];
    for (let t = T - 1; t >= 0; t--) {
      const k = t * n + i;
      const live = dones[k] ? 0 : 1;
      const delta = rewards[k] + gamma * nextValue * live - values[k];
      gae = delta + gamma * lambda * live * gae;
      advantages[k] = gae;
      returns[k] = gae + values[k];
      nextValue = values[k];
    }
  }
}
