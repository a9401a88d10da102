// A trained DDPG/TD3 actor as a Policy (backtests, evaluation, deploy): observations normalised
// with the frozen training statistics, then the deterministic action mu(obs), already inside the
// Box bounds (tanh scaled to them). No exploration noise: that is the trainer's business.
import { ObservationNormalizer } from '../../envs/wrappers/normalize-observation.js';
import type { RunningMeanStd } from '../../envs/wrappers/running-stats.js';
import type { Policy, PolicyOutput } from '../policy.js';
import type { DdpgEngine } from './fused-engine.js';

export interface DdpgPolicyOptions {
  /** Whether dispose() frees the engine (true for policies loaded from a checkpoint). */
  ownsEngine?: boolean;
  /** Name in reports (default "ddpg" / "td3" from the network). */
  name?: string;
}

export class DdpgPolicy implements Policy {
  readonly name: string;
  private readonly normalizer: ObservationNormalizer | null;
  private capacity = 0;
  private obs = new Float32Array(0);
  private readonly result: PolicyOutput = { actions: new Float32Array(0) };

  constructor(readonly engine: DdpgEngine, stats: RunningMeanStd | null, private readonly opts: DdpgPolicyOptions = {}) {
    this.name = opts.name ?? (engine.layout.spec.twinCritics ? 'td3' : 'ddpg');
    if (stats) {
      this.normalizer = new ObservationNormalizer(stats);
      this.normalizer.training = false;
    } else {
      this.normalizer = null;
    }
  }

  private reserve(batch: number): void {
    if (batch <= this.capacity) return;
    const { obsSize, actionDim } = this.engine.layout.spec;
    this.obs = new Float32Array(batch * obsSize);
    this.result.actions = new Float32Array(batch * actionDim);
    this.capacity = batch;
  }

  act(obs: Float32Array, batch: number): PolicyOutput {
    this.reserve(batch);
    const S = this.engine.layout.spec.obsSize;
    const x = this.obs.subarray(0, batch * S);
    if (this.normalizer) this.normalizer.apply(obs.subarray(0, batch * S), x, batch);
    else x.set(obs.subarray(0, batch * S));
    this.engine.act(x, batch, this.result.actions);
    return this.result;
  }

  dispose(): void {
    if (this.opts.ownsEngine) this.engine.dispose();
  }
}
