// A backtest is an env run with a Policy (agents sit above envs, so it lives here): one pass over the env's range, recording the equity
// curve, positions and round trips, then the trading metrics.
// An episode that ends early (a liquidation, or equity gone) still yields a curve over the whole
// range: the account stays flat on what is left, so every policy's curve and metrics cover the
// same bars and a liquidated policy is compared, not dropped.
import type { Policy } from './policy.js';
import type { CandleEnv } from '../envs/candle-env.js';
import { tradingMetrics, type TradingMetrics } from '../envs/metrics.js';

export interface BacktestResult {
  metrics: TradingMetrics;
  ts: Float64Array;
  equity: Float64Array;
  position: Float64Array;
  close: Float64Array;
}

export function runBacktest(env: CandleEnv, policy: Policy): BacktestResult {
  const core = env.core;
  let r: { obs: Float32Array; terminated?: boolean; truncated?: boolean } = env.reset();
  const { from, to } = core.episodeBounds(0);
  const n = to - from;
  const ts = new Float64Array(n);
  const equity = new Float64Array(n);
  const position = new Float64Array(n);
  const close = new Float64Array(n);
  const candles = core.market(0).candles;
  const acc = core.accounts;
  const roundTrips: number[] = [];
  let tripStart = 0;
  let k = 0;
  const record = () => {
    const t = core.t[0];
    ts[k] = candles.ts[t];
    equity[k] = acc.equity[0];
    position[k] = acc.position[0];
    close[k] = candles.close[t];
    // A round trip ends when the position goes to zero or flips; its PnL is the equity change.
    if (k > 0 && position[k - 1] !== 0 && (position[k] === 0 || position[k] > 0 !== position[k - 1] > 0)) {
      roundTrips.push(equity[k] - equity[tripStart]);
      tripStart = k;
    } else if (k > 0 && position[k - 1] === 0 && position[k] !== 0) {
      tripStart = k - 1;
    }
    k++;
  };
  record();
  policy.reset?.();
  for (;;) {
    const out = policy.act(r.obs, 1);
    r = env.step(core.actionSpace.kind === 'discrete' ? out.actions[0] : out.actions);
    record();
    if (r.terminated || r.truncated) break;
  }
  // Flat after an early end: equity as it was left, no position, to the last bar of the range.
  for (let t = core.t[0] + 1; t < to; t++) {
    ts[k] = candles.ts[t];
    equity[k] = acc.equity[0];
    position[k] = 0;
    close[k] = candles.close[t];
    k++;
  }
  const m = tradingMetrics({
    equity: equity.subarray(0, k), ts: ts.subarray(0, k), position: position.subarray(0, k),
    tradedNotional: acc.traded[0], fees: acc.fees[0], trades: acc.trades[0], roundTrips,
  });
  return { metrics: m, ts: ts.subarray(0, k), equity: equity.subarray(0, k), position: position.subarray(0, k), close: close.subarray(0, k) };
}
