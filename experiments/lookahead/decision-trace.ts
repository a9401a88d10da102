// A policy's decision at every bar, as the lookahead check compares them: the policy trades through
// a CandleEnv as in a backtest (its account, so its observation, follows its own fills) and is asked
// for its action at each bar of the range, the last one too, which a backtest never steps past:
// with the data cut at t, that last decision is the one taken at t.
import { CandleEnv } from '../../envs/candle-env.js';
import type { CandleEnvConfig } from '../../envs/candle-core.js';
import { flatSize } from '../../envs/spaces.js';
import type { Policy } from '../../agents/policy.js';

/**
 * Rows [bars of the market, action size]: the action decided at each bar of `config.range` (its end
 * defaults to the last bar) by the policy `makePolicy` gives for the env (it sees the env's action
 * space and observation size). NaN before the first decision (range start, feature warm-up) and after
 * a liquidation ends the episode.
 */
export function decisionTrace(config: CandleEnvConfig, makePolicy: (env: CandleEnv) => Policy): Float64Array {
  const bars = config.market.candles.ts.length;
  const range = config.range ?? { from: 0, to: bars };
  const env = new CandleEnv({ ...config, range, episodeLength: undefined, episodeMarket: undefined });
  const policy = makePolicy(env);
  const A = flatSize(env.actionSpace);
  const out = new Float64Array(bars * A).fill(NaN);
  const core = env.core;
  let r: { obs: Float32Array; terminated?: boolean } = env.reset();
  policy.reset?.();
  while (!r.terminated) {
    const t = core.t[0];
    const { actions } = policy.act(r.obs, 1);
    for (let k = 0; k < A; k++) out[t * A + k] = actions[k];
    if (t >= range.to - 1) break;
    r = env.step(env.actionSpace.kind === 'discrete' ? actions[0] : actions);
  }
  return out;
}
