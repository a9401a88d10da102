// A single candle-replay env with the Gymnasium API: a CandleCore of one.
import { CandleCore, type CandleEnvConfig, type StepInfo } from './candle-core.js';
import type { Env, ResetResult, StepResult } from './env.js';
import type { Box, Space } from './spaces.js';

export class CandleEnv implements Env<StepInfo> {
  readonly core: CandleCore;
  readonly observationSpace: Box;
  readonly actionSpace: Space;
  private readonly obsView: Float32Array;
  private readonly infoObj: StepInfo = { t: 0, ts: 0, equity: 0, position: 0, exposure: 0, fees: 0, liquidated: false };
  private readonly result: StepResult<StepInfo>;
  private started = false;

  constructor(config: CandleEnvConfig, seed = 0) {
    this.core = new CandleCore(1, config, seed);
    this.observationSpace = this.core.observationSpace;
    this.actionSpace = this.core.actionSpace;
    this.obsView = this.core.obs;
    this.result = { obs: this.obsView, reward: 0, terminated: false, truncated: false, info: this.infoObj };
  }

  reset(opts: { seed?: number } = {}): ResetResult<StepInfo> {
    if (opts.seed !== undefined) this.core.seed(0, opts.seed);
    this.core.reset(0);
    this.started = true;
    this.result.reward = 0;
    this.result.terminated = false;
    this.result.truncated = false;
    this.core.info(0, this.infoObj);
    return this.result;
  }

  step(action: number | ArrayLike<number>): StepResult<StepInfo> {
    const core = this.core;
    if (!this.started) throw new Error('call reset() before step()');
    if (core.terminated[0] || core.truncated[0]) throw new Error('the episode is over: call reset()');
    const a = typeof action === 'number' ? action : action[0];
    core.step(0, core.target(0, a));
    const r = this.result;
    r.reward = core.rewards[0];
    r.terminated = core.terminated[0] === 1;
    r.truncated = core.truncated[0] === 1;
    core.info(0, this.infoObj);
    return r;
  }
}
