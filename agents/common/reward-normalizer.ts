// Reward scaling by the running std of the discounted return, per env (SB3's VecNormalize /
// Gymnasium's NormalizeReward): keeps value targets near unit scale whatever the reward units
// (a trading env's log returns are ~1e-3). Rewards are divided, never centred.
import { RunningMeanStd } from '../../envs/wrappers/running-stats.js';

export interface RewardNormalizerState {
  stats: { mean: number[]; var: number[]; count: number };
  returns: number[];
}

export class RewardNormalizer {
  readonly stats = new RunningMeanStd(1);
  private readonly returns: Float64Array;
  constructor(readonly envs: number, readonly gamma: number, readonly clip = 10, readonly epsilon = 1e-8) {
    this.returns = new Float64Array(envs);
  }

  /** Scales `rewards` (one per env) in place into `out`; `dones[i]` restarts env i's return. */
  apply(rewards: ArrayLike<number>, dones: ArrayLike<number>, out: Float64Array): void {
    const R = this.returns;
    for (let i = 0; i < this.envs; i++) R[i] = R[i] * this.gamma + rewards[i];
    this.stats.update(R, this.envs);
    const inv = 1 / Math.sqrt(this.stats.var[0] + this.epsilon);
    for (let i = 0; i < this.envs; i++) {
      const r = rewards[i] * inv;
      out[i] = r > this.clip ? this.clip : r < -this.clip ? -this.clip : r;
      if (dones[i]) R[i] = 0;
    }
  }

  /** Forgets the running returns (the envs were reset: every episode starts over). */
  clearReturns(): void {
    this.returns.fill(0);
  }

  toJSON(): RewardNormalizerState {
    return { stats: this.stats.toJSON(), returns: Array.from(this.returns) };
  }

  restore(s: RewardNormalizerState): void {
    const st = RunningMeanStd.fromJSON(s.stats);
    this.stats.mean.set(st.mean);
    this.stats.var.set(st.var);
    this.stats.count = st.count;
    this.returns.set(s.returns);
  }
}
