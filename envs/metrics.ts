// Trading metrics of an equity curve (and its trades), the numbers every backtest prints.
export interface TradingMetrics {
  totalReturn: number;
  cagr: number;
  /** Annualised, from per-step simple returns, risk-free rate 0. */
  sharpe: number;
  sortino: number;
  calmar: number;
  maxDrawdown: number;
  /** Share of closed round trips with positive PnL (after fees). */
  winRate: number;
  /** Traded notional / average equity, per year. */
  turnover: number;
  /** Share of steps with a non-zero position. */
  exposure: number;
  fees: number;
  trades: number;
  steps: number;
}

export interface CurveInput {
  equity: Float64Array;
  ts: Float64Array;
  /** Position at the end of each step (for exposure). */
  position: Float64Array;
  tradedNotional: number;
  fees: number;
  trades: number;
  /** PnL of each closed round trip. */
  roundTrips: number[];
}

const YEAR_MS = 365.25 * 86_400_000;

export function tradingMetrics(x: CurveInput): TradingMetrics {
  const n = x.equity.length;
  const steps = n - 1;
  const years = n > 1 ? (x.ts[n - 1] - x.ts[0]) / YEAR_MS : 0;
  const e0 = x.equity[0];
  const eN = x.equity[n - 1];
  const totalReturn = eN / e0 - 1;
  const cagr = years > 0 && eN > 0 ? Math.pow(eN / e0, 1 / years) - 1 : NaN;
  let mean = 0;
  let down = 0;
  let peak = e0;
  let mdd = 0;
  let eqSum = 0;
  // A step from zero equity (after a total loss) returns nothing, not 0 / 0.
  const ret = (i: number) => (x.equity[i - 1] > 0 ? x.equity[i] / x.equity[i - 1] - 1 : 0);
  for (let i = 1; i < n; i++) mean += ret(i);
  mean /= Math.max(1, steps);
  let varSum = 0;
  for (let i = 1; i < n; i++) {
    const r = ret(i);
    varSum += (r - mean) ** 2;
    if (r < 0) down += r * r;
  }
  for (let i = 0; i < n; i++) {
    peak = Math.max(peak, x.equity[i]);
    mdd = Math.max(mdd, 1 - x.equity[i] / peak);
    eqSum += x.equity[i];
  }
  const std = Math.sqrt(varSum / Math.max(1, steps - 1));
  const downDev = Math.sqrt(down / Math.max(1, steps));
  const perYear = years > 0 ? steps / years : 0;
  let exposed = 0;
  for (let i = 1; i < n; i++) if (x.position[i] !== 0) exposed++;
  const wins = x.roundTrips.filter((p) => p > 0).length;
  return {
    totalReturn,
    cagr,
    sharpe: std > 0 ? (mean / std) * Math.sqrt(perYear) : 0,
    sortino: downDev > 0 ? (mean / downDev) * Math.sqrt(perYear) : 0,
    calmar: mdd > 0 ? cagr / mdd : 0,
    maxDrawdown: mdd,
    winRate: x.roundTrips.length ? wins / x.roundTrips.length : NaN,
    turnover: years > 0 ? x.tradedNotional / (eqSum / n) / years : 0,
    exposure: steps > 0 ? exposed / steps : 0,
    fees: x.fees,
    trades: x.trades,
    steps,
  };
}
