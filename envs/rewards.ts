// Pluggable rewards, computed per env from scalars the env already has (no allocation per step).
// All start from the log equity return r = log(equity_t / equity_{t-1}).
import { ConfigError } from '../data/errors.js';

export interface RewardInput {
  prevEquity: number;
  equity: number;
  /** Traded notional this step / equity before it. */
  turnover: number;
  /** Current drawdown from the episode's peak equity, as a fraction (>= 0). */
  drawdown: number;
  prevDrawdown: number;
}

export interface RewardModel {
  readonly name: string;
  reset(i: number): void;
  compute(i: number, x: RewardInput): number;
  /** Per-env state for exact resume (stateless rewards have none). */
  saveState?(): unknown;
  restoreState?(s: unknown): void;
}

const logReturn = (x: RewardInput) => (x.prevEquity > 0 && x.equity > 0 ? Math.log(x.equity / x.prevEquity) : -10);

export class LogReturnReward implements RewardModel {
  readonly name = 'log-return';
  reset(): void {}
  compute(_i: number, x: RewardInput): number {
    return logReturn(x);
  }
}

/**
 * Moody & Saffell's differential Sharpe ratio: the first-order change of an exponentially
 * weighted Sharpe ratio caused by this step's return (A, B: EW first and second moments, rate eta).
 */
export class DifferentialSharpeReward implements RewardModel {
  readonly name = 'differential-sharpe';
  private readonly a: Float64Array;
  private readonly b: Float64Array;
  constructor(n: number, readonly eta = 0.01) {
    this.a = new Float64Array(n);
    this.b = new Float64Array(n);
  }
  reset(i: number): void {
    this.a[i] = 0;
    this.b[i] = 0;
  }
  saveState(): unknown {
    return { a: Array.from(this.a), b: Array.from(this.b) };
  }
  restoreState(s: unknown): void {
    const st = s as { a: number[]; b: number[] };
    this.a.set(st.a);
    this.b.set(st.b);
  }
  compute(i: number, x: RewardInput): number {
    const r = logReturn(x);
    const a = this.a[i];
    const b = this.b[i];
    const dA = r - a;
    const dB = r * r - b;
    const v = b - a * a;
    const d = v > 1e-12 ? (b * dA - 0.5 * a * dB) / Math.pow(v, 1.5) : 0;
    this.a[i] = a + this.eta * dA;
    this.b[i] = b + this.eta * dB;
    return d;
  }
}

/** Log return minus `penalty` times the increase of the drawdown this step. */
export class DrawdownPenalisedReward implements RewardModel {
  readonly name = 'drawdown-penalised';
  constructor(readonly penalty = 1) {}
  reset(): void {}
  compute(_i: number, x: RewardInput): number {
    return logReturn(x) - this.penalty * Math.max(0, x.drawdown - x.prevDrawdown);
  }
}

/** Log return minus `penalty` times turnover (traded notional / equity) this step. */
export class TurnoverPenalisedReward implements RewardModel {
  readonly name = 'turnover-penalised';
  constructor(readonly penalty = 0.001) {}
  reset(): void {}
  compute(_i: number, x: RewardInput): number {
    return logReturn(x) - this.penalty * x.turnover;
  }
}

export type RewardConfig =
  | { kind: 'log-return' }
  | { kind: 'differential-sharpe'; eta?: number }
  | { kind: 'drawdown-penalised'; penalty?: number }
  | { kind: 'turnover-penalised'; penalty?: number };

export function makeReward(cfg: RewardConfig, n: number): RewardModel {
  switch (cfg.kind) {
    case 'log-return': return new LogReturnReward();
    case 'differential-sharpe': return new DifferentialSharpeReward(n, cfg.eta);
    case 'drawdown-penalised': return new DrawdownPenalisedReward(cfg.penalty);
    case 'turnover-penalised': return new TurnoverPenalisedReward(cfg.penalty);
    default:
      throw new ConfigError('reward.kind', `unknown reward "${(cfg as { kind: string }).kind}"; use log-return, differential-sharpe, drawdown-penalised, turnover-penalised`);
  }
}
