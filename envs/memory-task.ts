// A memory test env (the T-maze / "remember the cue" task of the recurrent-RL literature): a cue
// of +1 or -1 is shown at the first step only, then `delay` steps show nothing but noise; at the
// last step a query flag appears and the action there is graded: +1 if it names the cue, -1 if
// not. No single observation holds the cue when it pays, so a memoryless policy cannot beat
// chance (expected return 0) while a recurrent one can reach 1. Actions: Discrete(2) = {-1, +1}.
// Observation: [cue (step 0 only), query flag (last step only), noise], each plus Gaussian noise.
import { makeRng, restoreRng, type Rng } from '../data/random.js';
import type { Env, ResetResult, StepResult } from './env.js';
import { box, discrete, type Box, type Discrete } from './spaces.js';

export interface MemoryTaskConfig {
  /** Steps between the cue and the graded step (the episode has delay + 1 steps). Default 5. */
  delay?: number;
  /** Std of the Gaussian noise added to every observation value. Default 0.1. */
  noise?: number;
}

export const MEMORY_OBS_SIZE = 3;

function spaces(): { observationSpace: Box; actionSpace: Discrete } {
  return { observationSpace: box([MEMORY_OBS_SIZE], -Infinity, Infinity), actionSpace: discrete(2) };
}

function checkAction(a: number): void {
  if (a !== 0 && a !== 1) throw new RangeError(`memory-task action must be 0 (cue -1) or 1 (cue +1), got ${a}`);
}

/** Writes the observation of step `t` of an episode with cue `cue` at obs[o..o+2]. */
function observe(obs: Float32Array, o: number, t: number, delay: number, cue: number, noise: number, rng: Rng): void {
  obs[o] = (t === 0 ? cue : 0) + noise * rng.normal();
  obs[o + 1] = (t === delay ? 1 : 0) + noise * rng.normal();
  obs[o + 2] = noise * rng.normal();
}

/** Reward of action `a` at step `t`: only the last step pays. */
const reward = (t: number, delay: number, cue: number, a: number): number => (t < delay ? 0 : (a === 1 ? 1 : -1) === cue ? 1 : -1);

const resolve = (c: MemoryTaskConfig): { delay: number; noise: number } => {
  const delay = c.delay ?? 5;
  const noise = c.noise ?? 0.1;
  if (!Number.isInteger(delay) || delay < 1) throw new RangeError(`delay must be an integer >= 1, got ${delay}`);
  if (!(noise >= 0)) throw new RangeError(`noise must be >= 0, got ${noise}`);
  return { delay, noise };
};

export class MemoryTaskEnv implements Env<{ cue: number }> {
  readonly observationSpace: Box;
  readonly actionSpace: Discrete;
  readonly delay: number;
  readonly noise: number;
  private rng: Rng;
  private t = 0;
  private cue = 1;
  private over = true;
  private readonly obs = new Float32Array(MEMORY_OBS_SIZE);
  private readonly info = { cue: 1 };
  private readonly result: StepResult<{ cue: number }> = { obs: this.obs, reward: 0, terminated: false, truncated: false, info: this.info };

  constructor(config: MemoryTaskConfig = {}, seed = 0) {
    ({ observationSpace: this.observationSpace, actionSpace: this.actionSpace } = spaces());
    ({ delay: this.delay, noise: this.noise } = resolve(config));
    this.rng = makeRng(`memory-task/${seed}`);
  }

  reset(opts: { seed?: number } = {}): ResetResult<{ cue: number }> {
    if (opts.seed !== undefined) this.rng = makeRng(`memory-task/${opts.seed}`);
    this.cue = this.rng.next() < 0.5 ? -1 : 1;
    this.t = 0;
    this.over = false;
    this.info.cue = this.cue;
    observe(this.obs, 0, 0, this.delay, this.cue, this.noise, this.rng);
    return { obs: this.obs, info: this.info };
  }

  step(action: number | ArrayLike<number>): StepResult<{ cue: number }> {
    if (this.over) throw new Error('the episode is over: call reset()');
    const a = typeof action === 'number' ? action : action[0];
    checkAction(a);
    const r = this.result;
    r.reward = reward(this.t, this.delay, this.cue, a);
    r.terminated = this.t === this.delay;
    r.truncated = false;
    this.over = r.terminated;
    this.t++;
    observe(this.obs, 0, r.terminated ? 0 : this.t, this.delay, r.terminated ? 0 : this.cue, this.noise, this.rng);
    return r;
  }
}

export interface MemoryTaskVecState {
  t: number[];
  cue: number[];
  returns: number[];
  obs: number[];
  rngs: object[];
}

/** n memory tasks stepped together with autoreset (agents/common/vec-env-like.ts's VecEnvLike). */
export class MemoryTaskVecEnv {
  readonly observationSpace: Box;
  readonly actionSpace: Discrete;
  readonly obsSize = MEMORY_OBS_SIZE;
  readonly delay: number;
  readonly noise: number;
  readonly obs: Float32Array;
  readonly rewards: Float64Array;
  readonly terminated: Uint8Array;
  readonly truncated: Uint8Array;
  readonly finalObs: Float32Array;
  readonly episodeReturn: Float64Array;
  readonly episodeLength: Int32Array;
  /** The cue of each env's current episode (for tests and diagnostics). */
  readonly cue: Int8Array;
  private readonly t: Int32Array;
  private readonly running: Float64Array;
  private rngs: Rng[];

  constructor(readonly n: number, config: MemoryTaskConfig = {}, seed = 0) {
    ({ observationSpace: this.observationSpace, actionSpace: this.actionSpace } = spaces());
    ({ delay: this.delay, noise: this.noise } = resolve(config));
    const S = MEMORY_OBS_SIZE;
    this.obs = new Float32Array(n * S);
    this.rewards = new Float64Array(n);
    this.terminated = new Uint8Array(n);
    this.truncated = new Uint8Array(n);
    this.finalObs = new Float32Array(n * S);
    this.episodeReturn = new Float64Array(n);
    this.episodeLength = new Int32Array(n);
    this.cue = new Int8Array(n);
    this.t = new Int32Array(n);
    this.running = new Float64Array(n);
    this.rngs = this.seeded(seed);
  }

  private seeded(seed: number): Rng[] {
    return Array.from({ length: this.n }, (_, i) => makeRng(`memory-task/${seed}/env${i}`));
  }

  private resetOne(i: number): void {
    this.cue[i] = this.rngs[i].next() < 0.5 ? -1 : 1;
    this.t[i] = 0;
    this.running[i] = 0;
    observe(this.obs, i * MEMORY_OBS_SIZE, 0, this.delay, this.cue[i], this.noise, this.rngs[i]);
  }

  reset(seed?: number): Float32Array {
    if (seed !== undefined) this.rngs = this.seeded(seed);
    for (let i = 0; i < this.n; i++) this.resetOne(i);
    this.terminated.fill(0);
    this.truncated.fill(0);
    return this.obs;
  }

  step(actions: ArrayLike<number>): void {
    const S = MEMORY_OBS_SIZE;
    for (let i = 0; i < this.n; i++) {
      checkAction(actions[i]);
      const r = reward(this.t[i], this.delay, this.cue[i], actions[i]);
      const end = this.t[i] === this.delay;
      this.rewards[i] = r;
      this.running[i] += r;
      this.terminated[i] = end ? 1 : 0;
      this.t[i]++;
      if (end) {
        // The terminal observation carries nothing (the episode is over); the next one is a new cue.
        observe(this.finalObs, i * S, 0, this.delay, 0, this.noise, this.rngs[i]);
        this.episodeReturn[i] = this.running[i];
        this.episodeLength[i] = this.t[i];
        this.resetOne(i);
      } else {
        observe(this.obs, i * S, this.t[i], this.delay, this.cue[i], this.noise, this.rngs[i]);
      }
    }
  }

  saveState(): MemoryTaskVecState {
    return { t: Array.from(this.t), cue: Array.from(this.cue), returns: Array.from(this.running), obs: Array.from(this.obs), rngs: this.rngs.map((r) => r.state()) };
  }

  restoreState(s: unknown): void {
    const st = s as MemoryTaskVecState;
    if (!st || st.t?.length !== this.n || st.rngs?.length !== this.n) throw new RangeError(`not a saved state of ${this.n} memory tasks`);
    this.t.set(st.t);
    this.cue.set(st.cue);
    this.running.set(st.returns);
    this.obs.set(st.obs);
    this.rngs = st.rngs.map((r) => restoreRng(r));
    this.terminated.fill(0);
    this.truncated.fill(0);
  }
}
