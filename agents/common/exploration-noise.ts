// Exploration noise added to a deterministic policy's actions (DDPG, TD3), seeded by its own Rng
// stream so the draws do not depend on how often other components draw:
//  - Gaussian: independent N(0, sigma^2) per step (CleanRL's DDPG and TD3);
//  - Ornstein-Uhlenbeck: temporally correlated, mean-reverting noise, one process per env
//    (the DDPG paper; SB3's OrnsteinUhlenbeckActionNoise: theta 0.15, dt 1e-2, x0 = 0):
//      x <- x + theta (mu - x) dt + sigma sqrt(dt) N(0, 1)
//    restarted at each episode end of its env. Correlated noise explores positions that are held
//    for a while, which suits target-position trading where one bar's flip costs fees.
import { restoreRng, type Rng } from '../../data/random.js';

export type NoiseKind = 'gaussian' | 'ou';

/** JSON form for checkpoints (the Rng state plus the OU processes' values). */
export interface ActionNoiseState {
  kind: NoiseKind;
  rng: object;
  x?: number[];
}

export interface ActionNoise {
  readonly kind: NoiseKind;
  /** Writes noise for `n` envs x dim into `out` (row-major), advancing each env's process. */
  sample(out: Float32Array, n: number): void;
  /** Restarts env i's process (its episode ended), or every env's. */
  reset(i?: number): void;
  state(): ActionNoiseState;
  restore(s: ActionNoiseState): void;
}

export class GaussianNoise implements ActionNoise {
  readonly kind = 'gaussian' as const;
  /** `sigma`: the standard deviation per action dimension. */
  constructor(readonly sigma: Float64Array, private rng: Rng) {}

  sample(out: Float32Array, n: number): void {
    const D = this.sigma.length;
    for (let i = 0; i < n; i++) for (let d = 0; d < D; d++) out[i * D + d] = this.sigma[d] * this.rng.normal();
  }

  reset(): void {}

  state(): ActionNoiseState {
    return { kind: this.kind, rng: this.rng.state() };
  }

  restore(s: ActionNoiseState): void {
    if (s.kind !== this.kind) throw new RangeError(`cannot restore ${s.kind} noise into ${this.kind} noise`);
    this.rng = restoreRng(s.rng);
  }
}

export interface OuOptions {
  /** Mean-reversion rate (SB3: 0.15). */
  theta?: number;
  /** Time step (SB3: 1e-2): the per-step std is sigma sqrt(dt) and the stationary std sigma / sqrt(2 theta). */
  dt?: number;
  /** Long-run mean (0). */
  mu?: number;
}

export class OrnsteinUhlenbeckNoise implements ActionNoise {
  readonly kind = 'ou' as const;
  readonly theta: number;
  readonly dt: number;
  readonly mu: number;
  /** Current value of each env's process, [envs, dim]. */
  readonly x: Float64Array;

  constructor(readonly envs: number, readonly sigma: Float64Array, private rng: Rng, opts: OuOptions = {}) {
    this.theta = opts.theta ?? 0.15;
    this.dt = opts.dt ?? 1e-2;
    this.mu = opts.mu ?? 0;
    this.x = new Float64Array(envs * sigma.length);
  }

  sample(out: Float32Array, n: number): void {
    if (n > this.envs) throw new RangeError(`OU noise has ${this.envs} processes, asked for ${n}`);
    const D = this.sigma.length;
    const sq = Math.sqrt(this.dt);
    for (let i = 0; i < n; i++) {
      for (let d = 0; d < D; d++) {
        const k = i * D + d;
        const x = this.x[k] + this.theta * (this.mu - this.x[k]) * this.dt + this.sigma[d] * sq * this.rng.normal();
        this.x[k] = x;
        out[k] = x;
      }
    }
  }

  reset(i?: number): void {
    const D = this.sigma.length;
    if (i === undefined) this.x.fill(0);
    else this.x.fill(0, i * D, (i + 1) * D);
  }

  state(): ActionNoiseState {
    return { kind: this.kind, rng: this.rng.state(), x: Array.from(this.x) };
  }

  restore(s: ActionNoiseState): void {
    if (s.kind !== this.kind) throw new RangeError(`cannot restore ${s.kind} noise into ${this.kind} noise`);
    if (!s.x || s.x.length !== this.x.length) throw new RangeError(`OU state needs ${this.x.length} values`);
    this.rng = restoreRng(s.rng);
    this.x.set(s.x);
  }
}

export function makeActionNoise(kind: NoiseKind, envs: number, sigma: Float64Array, rng: Rng, ou: OuOptions = {}): ActionNoise {
  return kind === 'ou' ? new OrnsteinUhlenbeckNoise(envs, sigma, rng, ou) : new GaussianNoise(sigma, rng);
}
