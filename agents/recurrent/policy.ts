// A trained recurrent PPO actor as a Policy: it carries the LSTM state between calls. act() takes
// the state to continue from (or, without one, continues its own) and returns the next state;
// reset(envIndices) zeroes the state of those envs (a new episode). Observations are normalised
// with the frozen training statistics; greedy (argmax / mean) or sampled actions, Box clipped.
import { makeRng, type Rng } from '../../data/random.js';
import { ObservationNormalizer } from '../../envs/wrappers/normalize-observation.js';
import type { RunningMeanStd } from '../../envs/wrappers/running-stats.js';
import type { Space } from '../../envs/spaces.js';
import { headSize, type ActionHead } from '../nn/actor-critic-layout.js';
import type { Policy, PolicyOutput } from '../policy.js';
import { actionDim, clipToBounds, greedyActions, sampleActions } from '../ppo/distributions.js';
import type { RecurrentEngine } from './engine.js';

/** The LSTM state of a batch of envs: hidden and cell, [batch, H] each. */
export interface RecurrentState {
  h: Float32Array;
  c: Float32Array;
}

export interface RecurrentPolicyOptions {
  /** Greedy actions (default) or samples from the policy distribution. */
  deterministic?: boolean;
  seed?: number;
  /** Whether dispose() frees the engine (true for policies loaded from a checkpoint). */
  ownsEngine?: boolean;
}

const zeros = (batch: number, H: number): RecurrentState => ({ h: new Float32Array(batch * H), c: new Float32Array(batch * H) });

export class RecurrentPpoPolicy implements Policy<RecurrentState> {
  readonly name: string;
  readonly head: ActionHead;
  readonly hidden: number;
  private readonly normalizer: ObservationNormalizer | null;
  private readonly deterministic: boolean;
  private readonly rng: Rng;
  private batch = 0;
  /** Two state buffers used in turn, so the state passed in is never overwritten while read. */
  private pair: [RecurrentState, RecurrentState] = [zeros(0, 0), zeros(0, 0)];
  private current: RecurrentState = this.pair[0];
  private obs = new Float32Array(0);
  private out = new Float32Array(0);
  private raw = new Float32Array(0);
  private logp = new Float64Array(0);
  private readonly logStd: Float32Array;
  private readonly result: PolicyOutput<RecurrentState> = { actions: new Float32Array(0) };

  constructor(readonly engine: RecurrentEngine, readonly actionSpace: Space, stats: RunningMeanStd | null, private readonly opts: RecurrentPolicyOptions = {}) {
    this.head = engine.layout.spec.head;
    this.hidden = engine.layout.spec.lstmHidden;
    this.deterministic = opts.deterministic ?? true;
    this.name = `recurrent-ppo-${engine.kind}${this.deterministic ? '' : '-stochastic'}`;
    this.rng = makeRng(`recurrent-ppo-policy/${opts.seed ?? 0}`);
    this.normalizer = stats ? new ObservationNormalizer(stats) : null;
    if (this.normalizer) this.normalizer.training = false;
    this.logStd = new Float32Array(this.head.kind === 'gaussian' ? this.head.dim : 0);
  }

  /** A new batch size means a new set of envs: buffers sized to it, every state zero. */
  private resize(batch: number): void {
    if (batch === this.batch) return;
    const S = this.engine.layout.spec.obsSize;
    const D = actionDim(this.head);
    this.pair = [zeros(batch, this.hidden), zeros(batch, this.hidden)];
    this.current = this.pair[0];
    this.obs = new Float32Array(batch * S);
    this.out = new Float32Array(batch * headSize(this.head));
    this.raw = new Float32Array(batch * D);
    this.logp = new Float64Array(batch);
    this.result.actions = new Float32Array(batch * D);
    this.batch = batch;
  }

  /** The state the next act() without a state argument continues from. */
  get state(): RecurrentState {
    return this.current;
  }

  act(obs: Float32Array, batch: number, state?: RecurrentState): PolicyOutput<RecurrentState> {
    this.resize(batch);
    const H = this.hidden;
    const from = state ?? this.current;
    if (from.h.length < batch * H || from.c.length < batch * H) throw new RangeError(`a state for ${batch} envs needs ${batch * H} values per array`);
    const to = from === this.pair[0] ? this.pair[1] : this.pair[0];
    const S = this.engine.layout.spec.obsSize;
    const x = this.obs;
    if (this.normalizer) this.normalizer.apply(obs.subarray(0, batch * S), x, batch);
    else x.set(obs.subarray(0, batch * S));
    this.engine.step(x, batch, from.h, from.c, to.h, to.c, this.out, null);
    const space = this.actionSpace;
    const dst = space.kind === 'box' ? this.raw : this.result.actions;
    if (this.deterministic) greedyActions(this.head, this.out, batch, dst);
    else {
      this.engine.readLogStd(this.logStd);
      sampleActions(this.head, this.out, this.logStd, batch, this.rng, dst, this.logp);
    }
    if (space.kind === 'box') clipToBounds(this.raw, this.result.actions, batch, space.low, space.high);
    this.current = to;
    this.result.state = to;
    return this.result;
  }

  /** Zeroes the state of the given envs (all when omitted): their next observation starts an episode. */
  reset(envIndices?: number[]): void {
    const H = this.hidden;
    for (const s of this.pair) {
      if (!envIndices) {
        s.h.fill(0);
        s.c.fill(0);
        continue;
      }
      for (const i of envIndices) {
        s.h.fill(0, i * H, i * H + H);
        s.c.fill(0, i * H, i * H + H);
      }
    }
  }

  dispose(): void {
    if (this.opts.ownsEngine) this.engine.dispose();
  }
}
