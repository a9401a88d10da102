// A trained PPO actor as a Policy (backtests, evaluation, deploy): observations normalised with
// the frozen training statistics, then the greedy action (argmax / mean) or a sample, Box actions
// clipped into the action space.
import { makeRng, type Rng } from '../../data/random.js';
import { ObservationNormalizer } from '../../envs/wrappers/normalize-observation.js';
import type { RunningMeanStd } from '../../envs/wrappers/running-stats.js';
import type { Space } from '../../envs/spaces.js';
import { headSize, type ActionHead } from '../nn/actor-critic-layout.js';
import type { Policy, PolicyOutput } from '../policy.js';
import { actionDim, clipToBounds, greedyActions, sampleActions } from './distributions.js';
import type { PpoEngine } from './engine.js';

export interface PpoPolicyOptions {
  /** Greedy actions (default) or samples from the policy distribution. */
  deterministic?: boolean;
  /** Seed of the sampling stream when not deterministic. */
  seed?: number;
  /** Whether dispose() frees the engine (true for policies loaded from a checkpoint). */
  ownsEngine?: boolean;
}

export class PpoPolicy implements Policy {
  readonly name: string;
  readonly head: ActionHead;
  private readonly normalizer: ObservationNormalizer | null;
  private readonly deterministic: boolean;
  private readonly rng: Rng;
  private capacity = 0;
  private obs = new Float32Array(0);
  private out = new Float32Array(0);
  private raw = new Float32Array(0);
  private logp = new Float64Array(0);
  private readonly logStd: Float32Array;
  private readonly result: PolicyOutput = { actions: new Float32Array(0) };

  constructor(readonly engine: PpoEngine, readonly actionSpace: Space, stats: RunningMeanStd | null, private readonly opts: PpoPolicyOptions = {}) {
    this.head = engine.layout.spec.head;
    this.deterministic = opts.deterministic ?? true;
    this.name = `ppo-${engine.kind}${this.deterministic ? '' : '-stochastic'}`;
    this.rng = makeRng(`ppo-policy/${opts.seed ?? 0}`);
    if (stats) {
      this.normalizer = new ObservationNormalizer(stats);
      this.normalizer.training = false;
    } else {
      this.normalizer = null;
    }
    this.logStd = new Float32Array(this.head.kind === 'gaussian' ? this.head.dim : 0);
  }

  private reserve(batch: number): void {
    if (batch <= this.capacity) return;
    const S = this.engine.layout.spec.obsSize;
    const D = actionDim(this.head);
    this.obs = new Float32Array(batch * S);
    this.out = new Float32Array(batch * headSize(this.head));
    this.raw = new Float32Array(batch * D);
    this.logp = new Float64Array(batch);
    this.result.actions = new Float32Array(batch * D);
    this.capacity = batch;
  }

  act(obs: Float32Array, batch: number): PolicyOutput {
    this.reserve(batch);
    const S = this.engine.layout.spec.obsSize;
    const x = this.obs.subarray(0, batch * S);
    if (this.normalizer) this.normalizer.apply(obs.subarray(0, batch * S), x, batch);
    else x.set(obs.subarray(0, batch * S));
    this.engine.actor(x, batch, this.out);
    const space = this.actionSpace;
    const dst = space.kind === 'box' ? this.raw : this.result.actions;
    if (this.deterministic) greedyActions(this.head, this.out, batch, dst);
    else {
      this.engine.readLogStd(this.logStd);
      sampleActions(this.head, this.out, this.logStd, batch, this.rng, dst, this.logp);
    }
    if (space.kind === 'box') clipToBounds(this.raw, this.result.actions, batch, space.low, space.high);
    return this.result;
  }

  dispose(): void {
    if (this.opts.ownsEngine) this.engine.dispose();
  }
}
