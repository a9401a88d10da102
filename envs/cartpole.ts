// CartPole-v1 with Gymnasium's dynamics (Barto, Sutton & Anderson 1983; Euler integration,
// tau = 0.02 s), reward 1 per step including the failing one, truncation at 500 steps: the
// standard sanity check for an RL algorithm, as a project Env and as a vectorised form with the
// candle VecEnv's autoreset conventions (finalObs, episodeReturn/Length) for trainers.
import { makeRng, restoreRng, type Rng } from '../data/random.js';
import type { Env, ResetResult, StepResult } from './env.js';
import { box, discrete, type Box, type Discrete } from './spaces.js';

const GRAVITY = 9.8;
const MASS_CART = 1.0;
const MASS_POLE = 0.1;
const TOTAL_MASS = MASS_CART + MASS_POLE;
/** Half the pole's length. */
const LENGTH = 0.5;
const POLE_MASS_LENGTH = MASS_POLE * LENGTH;
const FORCE_MAG = 10.0;
const TAU = 0.02;
export const THETA_THRESHOLD = (12 * 2 * Math.PI) / 360;
export const X_THRESHOLD = 2.4;
export const CARTPOLE_MAX_STEPS = 500;
const F32_MAX = 3.4028234663852886e38;

/**
 * Advances the state (x, x_dot, theta, theta_dot) at s[o..o+3] by one step with action 0 (push
 * left) or 1 (push right); returns whether the pole fell or the cart left the track.
 */
export function cartpoleStep(s: Float64Array, o: number, action: number): boolean {
  const x = s[o];
  const xDot = s[o + 1];
  const theta = s[o + 2];
  const thetaDot = s[o + 3];
  const force = action === 1 ? FORCE_MAG : -FORCE_MAG;
  const cos = Math.cos(theta);
  const sin = Math.sin(theta);
  const temp = (force + POLE_MASS_LENGTH * thetaDot * thetaDot * sin) / TOTAL_MASS;
  const thetaAcc = (GRAVITY * sin - cos * temp) / (LENGTH * (4.0 / 3.0 - (MASS_POLE * cos * cos) / TOTAL_MASS));
  const xAcc = temp - (POLE_MASS_LENGTH * thetaAcc * cos) / TOTAL_MASS;
  s[o] = x + TAU * xDot;
  s[o + 1] = xDot + TAU * xAcc;
  s[o + 2] = theta + TAU * thetaDot;
  s[o + 3] = thetaDot + TAU * thetaAcc;
  return s[o] < -X_THRESHOLD || s[o] > X_THRESHOLD || s[o + 2] < -THETA_THRESHOLD || s[o + 2] > THETA_THRESHOLD;
}

function spaces(): { observationSpace: Box; actionSpace: Discrete } {
  const high = Float32Array.from([X_THRESHOLD * 2, F32_MAX, THETA_THRESHOLD * 2, F32_MAX]);
  return { observationSpace: box([4], Float32Array.from(high, (h) => -h), high), actionSpace: discrete(2) };
}

function checkAction(a: number): void {
  if (a !== 0 && a !== 1) throw new RangeError(`CartPole action must be 0 or 1, got ${a}`);
}

/** Initial state: each component uniform in [-0.05, 0.05). */
function resetState(s: Float64Array, o: number, rng: Rng): void {
  for (let k = 0; k < 4; k++) s[o + k] = -0.05 + 0.1 * rng.next();
}

export class CartPoleEnv implements Env<Record<string, never>> {
  readonly observationSpace: Box;
  readonly actionSpace: Discrete;
  readonly state = new Float64Array(4);
  private rng: Rng;
  private steps = 0;
  private over = true;
  private readonly obs = new Float32Array(4);
  private readonly result: StepResult<Record<string, never>> = { obs: this.obs, reward: 0, terminated: false, truncated: false, info: {} };

  constructor(seed = 0, readonly maxSteps = CARTPOLE_MAX_STEPS) {
    ({ observationSpace: this.observationSpace, actionSpace: this.actionSpace } = spaces());
    this.rng = makeRng(`cartpole/${seed}`);
  }

  reset(opts: { seed?: number } = {}): ResetResult<Record<string, never>> {
    if (opts.seed !== undefined) this.rng = makeRng(`cartpole/${opts.seed}`);
    resetState(this.state, 0, this.rng);
    this.steps = 0;
    this.over = false;
    this.obs.set(this.state);
    return { obs: this.obs, info: {} };
  }

  step(action: number | ArrayLike<number>): StepResult<Record<string, never>> {
    if (this.over) throw new Error('the episode is over: call reset()');
    const a = typeof action === 'number' ? action : action[0];
    checkAction(a);
    const term = cartpoleStep(this.state, 0, a);
    this.steps++;
    this.obs.set(this.state);
    const r = this.result;
    r.reward = 1;
    r.terminated = term;
    r.truncated = !term && this.steps >= this.maxSteps;
    this.over = r.terminated || r.truncated;
    return r;
  }
}

export interface CartPoleVecState {
  state: number[];
  steps: number[];
  returns: number[];
  rngs: object[];
}

/** n CartPoles stepped together with autoreset (VecEnvLike). */
export class CartPoleVecEnv {
  readonly observationSpace: Box;
  readonly actionSpace: Discrete;
  readonly obsSize = 4;
  readonly obs: Float32Array;
  readonly rewards: Float64Array;
  readonly terminated: Uint8Array;
  readonly truncated: Uint8Array;
  readonly finalObs: Float32Array;
  readonly episodeReturn: Float64Array;
  readonly episodeLength: Int32Array;
  private readonly state: Float64Array;
  private readonly steps: Int32Array;
  private readonly running: Float64Array;
  private rngs: Rng[];

  constructor(readonly n: number, seed = 0, readonly maxSteps = CARTPOLE_MAX_STEPS) {
    ({ observationSpace: this.observationSpace, actionSpace: this.actionSpace } = spaces());
    this.obs = new Float32Array(n * 4);
    this.rewards = new Float64Array(n);
    this.terminated = new Uint8Array(n);
    this.truncated = new Uint8Array(n);
    this.finalObs = new Float32Array(n * 4);
    this.episodeReturn = new Float64Array(n);
    this.episodeLength = new Int32Array(n);
    this.state = new Float64Array(n * 4);
    this.steps = new Int32Array(n);
    this.running = new Float64Array(n);
    this.rngs = this.seeded(seed);
  }

  private seeded(seed: number): Rng[] {
    return Array.from({ length: this.n }, (_, i) => makeRng(`cartpole/${seed}/env${i}`));
  }

  private resetOne(i: number): void {
    resetState(this.state, 4 * i, this.rngs[i]);
    this.steps[i] = 0;
    this.running[i] = 0;
    for (let k = 0; k < 4; k++) this.obs[4 * i + k] = this.state[4 * i + k];
  }

  reset(seed?: number): Float32Array {
    if (seed !== undefined) this.rngs = this.seeded(seed);
    for (let i = 0; i < this.n; i++) this.resetOne(i);
    this.terminated.fill(0);
    this.truncated.fill(0);
    return this.obs;
  }

  step(actions: ArrayLike<number>): void {
    for (let i = 0; i < this.n; i++) {
      checkAction(actions[i]);
      const term = cartpoleStep(this.state, 4 * i, actions[i]);
      this.steps[i]++;
      this.running[i] += 1;
      this.rewards[i] = 1;
      const trunc = !term && this.steps[i] >= this.maxSteps;
      this.terminated[i] = term ? 1 : 0;
      this.truncated[i] = trunc ? 1 : 0;
      for (let k = 0; k < 4; k++) this.obs[4 * i + k] = this.state[4 * i + k];
      if (term || trunc) {
        for (let k = 0; k < 4; k++) this.finalObs[4 * i + k] = this.obs[4 * i + k];
        this.episodeReturn[i] = this.running[i];
        this.episodeLength[i] = this.steps[i];
        this.resetOne(i);
      }
    }
  }

  saveState(): CartPoleVecState {
    return { state: Array.from(this.state), steps: Array.from(this.steps), returns: Array.from(this.running), rngs: this.rngs.map((r) => r.state()) };
  }

  restoreState(s: unknown): void {
    const st = s as CartPoleVecState;
    if (!st || st.state?.length !== 4 * this.n || st.rngs?.length !== this.n) throw new RangeError(`not a saved state of ${this.n} CartPoles`);
    this.state.set(st.state);
    this.steps.set(st.steps);
    this.running.set(st.returns);
    this.rngs = st.rngs.map((r) => restoreRng(r));
    for (let k = 0; k < 4 * this.n; k++) this.obs[k] = this.state[k];
    this.terminated.fill(0);
    this.truncated.fill(0);
  }
}
