// Parameters of the one execution model, with defaults and validation. Rates are fractions
// (0.001 = 0.1% = 10 bps). Training envs, backtests and the paper broker all take this config.
import { ConfigError } from '../../data/errors.js';

export type RebalanceMode = 'on-change' | 'band';
export const REBALANCE_MODES: readonly RebalanceMode[] = ['on-change', 'band'];

export interface ExecutionConfig {
  /** Fee rate for orders that take liquidity (market, stop, marketable limit). */
  takerFee: number;
  /** Fee rate for resting limit orders that get filled. */
  makerFee: number;
  /** Half of the bid-ask spread paid by a market order on candles (books use the real spread). */
  halfSpread: number;
  /**
   * Price impact on candles: impact = impactCoef * (order size / volume of the last closed bar),
   * so slippage grows with the order's share of traded volume; capped at maxImpact.
   */
  impactCoef: number;
  maxImpact: number;
  /** Share of a bar's volume a resting limit order can fill in that bar (partial fills beyond it). */
  limitParticipation: number;
  /** Steps between decision and fill: an order decided at bar t fills at bar t + latency (>= 1). */
  latency: number;
  /**
   * Exposure at target +-1 as a multiple of equity (1 = spot-like, no borrowing beyond equity).
   * Margin is isolated: a position posts |notional| / max(1, maxLeverage), sized so that this
   * margin plus the trade's spread, impact and fee fit the equity (envs/account.ts).
   */
  maxLeverage: number;
  /**
   * Maintenance margin as a fraction of position notional: the position is liquidated when its
   * margin balance (posted margin + PnL since the trade) falls to it. Must stay below the initial
   * margin 1 / maxLeverage, or every position would be liquidated as it opens.
   */
  maintenanceMargin: number;
  /** Extra fee charged on a liquidation, on top of the taker fee (never more than the margin left). */
  liquidationFee: number;
  /** Cap on |position| in base units (Infinity = none). */
  maxPositionUnits: number;
  /**
   * What a target exposure that does not change means, for every policy alike (rules, ML
   * baselines and RL agents: one execution model):
   * - 'on-change' (default): the position's units are HELD while the target stays the same; only a
   *   new target trades (to that target, unless the change is within `rebalanceBand`). A short
   *   or a leveraged position then drifts with the price as it does at an exchange, and a signal
   *   pays fees only when it changes: the convention of vectorbt's from_signals and Freqtrade,
   *   which users compare against. An RL agent that repeats its action holds too; to re-size it
   *   picks flat and back (discrete) or another target (continuous).
   * - 'band': every step trades back to the target exposure when it has drifted beyond
   *   `rebalanceBand` (constant-exposure rebalancing): a held short re-trades as the price moves.
   */
  rebalance: RebalanceMode;
  /** Skip a rebalance when |target - current| exposure is below this (not for going flat or flipping). */
  rebalanceBand: number;
  /** Allow short positions (target < 0). */
  allowShort: boolean;
}

export const DEFAULT_EXECUTION: Readonly<ExecutionConfig> = Object.freeze({
  takerFee: 0.001,
  makerFee: 0.0002,
  halfSpread: 0.0002,
  impactCoef: 0.1,
  maxImpact: 0.05,
  limitParticipation: 0.1,
  latency: 1,
  maxLeverage: 1,
  maintenanceMargin: 0.05,
  liquidationFee: 0.005,
  maxPositionUnits: Infinity,
  rebalance: 'on-change',
  rebalanceBand: 0.02,
  allowShort: true,
});

const RANGES: { [K in keyof ExecutionConfig]?: [number, number] } = {
  takerFee: [0, 0.1], makerFee: [-0.01, 0.1], halfSpread: [0, 0.1], impactCoef: [0, 100], maxImpact: [0, 1],
  limitParticipation: [0, 1], latency: [1, 1000], maxLeverage: [0, 125], maintenanceMargin: [0, 1],
  liquidationFee: [0, 0.1], maxPositionUnits: [0, Infinity], rebalanceBand: [0, 2],
};

/** Defaults overridden by `partial`; a bad value is a ConfigError naming the field and range. */
export function executionConfig(partial: Partial<ExecutionConfig> = {}): ExecutionConfig {
  const cfg: ExecutionConfig = { ...DEFAULT_EXECUTION };
  for (const [k, v] of Object.entries(partial) as [keyof ExecutionConfig, unknown][]) {
    if (v === undefined) continue;
    if (!(k in DEFAULT_EXECUTION)) throw new ConfigError(`execution.${k}`, `unknown field; fields: ${Object.keys(DEFAULT_EXECUTION).join(', ')}`);
    if (k === 'allowShort') {
      if (typeof v !== 'boolean') throw new ConfigError('execution.allowShort', 'must be true or false');
      cfg.allowShort = v;
      continue;
    }
    if (k === 'rebalance') {
      if (!REBALANCE_MODES.includes(v as RebalanceMode)) throw new ConfigError('execution.rebalance', `must be ${REBALANCE_MODES.map((m) => `'${m}'`).join(' or ')}, got ${String(v)}`);
      cfg.rebalance = v as RebalanceMode;
      continue;
    }
    const r = RANGES[k] as [number, number];
    if (typeof v !== 'number' || Number.isNaN(v) || v < r[0] || v > r[1]) {
      throw new ConfigError(`execution.${k}`, `must be a number in [${r[0]}, ${r[1]}], got ${String(v)}`);
    }
    if (k === 'latency' && !Number.isInteger(v)) throw new ConfigError('execution.latency', 'must be a whole number of steps');
    (cfg as unknown as Record<string, number>)[k] = v;
  }
  // The initial margin must exceed the maintenance margin, else a position is liquidated the bar
  // it opens (maxLeverage 50 with the default 5 % maintenance margin: a 2 % margin).
  const initial = 1 / Math.max(1, cfg.maxLeverage);
  if (cfg.maintenanceMargin >= initial) {
    const pct = (x: number) => `${+(x * 100).toPrecision(4)} %`;
    throw new ConfigError(
      cfg.maxLeverage > 1 ? 'execution.maxLeverage' : 'execution.maintenanceMargin',
      `maxLeverage ${cfg.maxLeverage} posts an initial margin of ${pct(initial)} of the position, not above the maintenance margin ${pct(cfg.maintenanceMargin)} ` +
      `(execution.maintenanceMargin): every position would be liquidated as it opens; ${cfg.maxLeverage > 1 ? `use maxLeverage below ${+(1 / cfg.maintenanceMargin).toPrecision(6)} or a lower maintenanceMargin` : 'use a maintenanceMargin below 1'}`,
    );
  }
  return cfg;
}
