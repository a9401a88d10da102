// The off-policy replay buffer (SB3's ReplayBuffer, CleanRL's `rb`): a ring of transitions
// (obs, action, reward, next obs, terminated) in typed arrays allocated once, sampled uniformly
// with replacement from the run's Rng into a caller-owned batch, so neither adding nor sampling
// allocates. `terminated` is the only done flag stored: a truncated episode's next observation
// is its real final observation, and its target bootstraps from it (SB3's timeout handling).
import type { Rng } from '../../data/random.js';

export interface ReplaySample {
  /** [batch, obsSize] */
  obs: Float32Array;
  /** [batch, actionDim] */
  actions: Float32Array;
  rewards: Float32Array;
  /** [batch, obsSize] */
  nextObs: Float32Array;
  /** 1 where the episode terminated after this transition (no bootstrap), else 0. */
  dones: Float32Array;
  /** Buffer rows the sample was drawn from. */
  indices: Int32Array;
}

export function allocReplaySample(batch: number, obsSize: number, actionDim: number): ReplaySample {
  return {
    obs: new Float32Array(batch * obsSize),
    actions: new Float32Array(batch * actionDim),
    rewards: new Float32Array(batch),
    nextObs: new Float32Array(batch * obsSize),
    dones: new Float32Array(batch),
    indices: new Int32Array(batch),
  };
}

/** The filled part of a buffer as plain arrays plus the ring position (what checkpoints store). */
export interface ReplayContents {
  capacity: number;
  size: number;
  pos: number;
  obs: Float32Array;
  actions: Float32Array;
  rewards: Float32Array;
  nextObs: Float32Array;
  dones: Float32Array;
}

export class ReplayBuffer {
  readonly obs: Float32Array;
  readonly actions: Float32Array;
  readonly rewards: Float32Array;
  readonly nextObs: Float32Array;
  readonly dones: Uint8Array;
  /** Row the next transition goes to. */
  pos = 0;
  /** Rows holding transitions (grows to capacity, then the oldest are overwritten). */
  size = 0;

  constructor(readonly capacity: number, readonly obsSize: number, readonly actionDim: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`replay capacity must be a positive integer, got ${capacity}`);
    this.obs = new Float32Array(capacity * obsSize);
    this.actions = new Float32Array(capacity * actionDim);
    this.rewards = new Float32Array(capacity);
    this.nextObs = new Float32Array(capacity * obsSize);
    this.dones = new Uint8Array(capacity);
  }

  /**
   * Adds one transition from row `obsRow` of `obs`, `actionRow` of `actions` and `nextRow` of
   * `nextObs` (rows of obsSize / actionDim floats), so a vector step adds its envs without copies.
   */
  push(obs: Float32Array, obsRow: number, actions: Float32Array, actionRow: number, reward: number, nextObs: Float32Array, nextRow: number, terminated: boolean): void {
    const S = this.obsSize;
    const D = this.actionDim;
    const p = this.pos;
    for (let k = 0; k < S; k++) {
      this.obs[p * S + k] = obs[obsRow * S + k];
      this.nextObs[p * S + k] = nextObs[nextRow * S + k];
    }
    for (let k = 0; k < D; k++) this.actions[p * D + k] = actions[actionRow * D + k];
    this.rewards[p] = reward;
    this.dones[p] = terminated ? 1 : 0;
    this.pos = p + 1 === this.capacity ? 0 : p + 1;
    if (this.size < this.capacity) this.size++;
  }

  /** Draws `batch` rows uniformly with replacement (SB3's sampling) into `out`. */
  sample(batch: number, rng: Rng, out: ReplaySample): void {
    if (this.size === 0) throw new RangeError('cannot sample an empty replay buffer');
    const S = this.obsSize;
    const D = this.actionDim;
    for (let j = 0; j < batch; j++) {
      const i = rng.int(this.size);
      out.indices[j] = i;
      for (let k = 0; k < S; k++) {
        out.obs[j * S + k] = this.obs[i * S + k];
        out.nextObs[j * S + k] = this.nextObs[i * S + k];
      }
      for (let k = 0; k < D; k++) out.actions[j * D + k] = this.actions[i * D + k];
      out.rewards[j] = this.rewards[i];
      out.dones[j] = this.dones[i];
    }
  }

  /** Copies of the filled rows (rows [0, size): the ring fills from row 0 and never empties). */
  contents(): ReplayContents {
    const n = this.size;
    return {
      capacity: this.capacity, size: n, pos: this.pos,
      obs: this.obs.slice(0, n * this.obsSize), actions: this.actions.slice(0, n * this.actionDim), rewards: this.rewards.slice(0, n),
      nextObs: this.nextObs.slice(0, n * this.obsSize), dones: Float32Array.from(this.dones.subarray(0, n)),
    };
  }

  restore(c: ReplayContents): void {
    if (c.capacity !== this.capacity) throw new RangeError(`saved replay buffer has capacity ${c.capacity}, this one ${this.capacity}`);
    const n = c.size;
    if (c.obs.length !== n * this.obsSize || c.actions.length !== n * this.actionDim || c.rewards.length !== n || c.nextObs.length !== n * this.obsSize || c.dones.length !== n) {
      throw new RangeError(`saved replay arrays do not hold ${n} transitions of ${this.obsSize} observations and ${this.actionDim} actions`);
    }
    this.obs.set(c.obs);
    this.actions.set(c.actions);
    this.rewards.set(c.rewards);
    this.nextObs.set(c.nextObs);
    for (let i = 0; i < n; i++) this.dones[i] = c.dones[i];
    this.size = n;
    this.pos = c.pos;
  }

  clear(): void {
    this.size = 0;
    this.pos = 0;
  }
}
