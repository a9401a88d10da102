// The execution model at its edges (issue 11): sizing that includes every cost (no borrowing at
// 1x), isolated margin (a liquidation never takes more than the posted margin: equity >= 0 after
// any gap), configs that would liquidate every position refused, and a backtest whose liquidated
// policy stays flat to the end of its range. On the shipped Coinbase BTC/USD 1h sample and on
// hand-computed bars.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../data/errors.js';
import { emptyBooks, emptyCandles, emptyTrades, type Candles } from '../data/types.js';
import { logReturnWindow, type FeatureMatrix } from '../data/features/log-return-window.js';
import { readCandles } from '../data/store/candle-store.js';
import { SAMPLES_STORE } from '../data/store/catalog.js';
import { candleMarket, type CandleMarket } from '../envs/candle-market.js';
import { CandleEnv } from '../envs/candle-env.js';
import type { CandleEnvConfig } from '../envs/candle-core.js';
import { BookEnv } from '../envs/book-env.js';
import { bookMarket } from '../envs/book-market.js';
import { executionConfig } from '../envs/execution/config.js';
import { runBacktest } from '../agents/backtest.js';
import { buyAndHold, randomPolicy } from '../agents/simple-policies.js';
import { tradingMetrics } from '../envs/metrics.js';

type Bar = [open: number, high: number, low: number, close: number, volume: number];

function candles(bars: Bar[]): Candles {
  const c = emptyCandles('test', 'BTC/USDT', '1h', bars.length);
  bars.forEach(([o, h, l, cl, v], i) => {
    c.ts[i] = Date.UTC(2024, 0, 1) + i * 3_600_000;
    c.open[i] = o; c.high[i] = h; c.low[i] = l; c.close[i] = cl; c.volume[i] = v;
  });
  return c;
}
const closeFeature = (c: Candles): FeatureMatrix => ({ values: Float32Array.from(c.close), names: ['close'], rows: c.close.length });
const market = (bars: Bar[]): CandleMarket => {
  const c = candles(bars);
  return candleMarket(c, closeFeature(c));
};
const noFrictions = { takerFee: 0, makerFee: 0, halfSpread: 0, impactCoef: 0, rebalanceBand: 0 };

const sample = await readCandles(SAMPLES_STORE, { exchange: 'coinbase', symbol: 'BTC/USD', timeframe: '1h' });
const sampleMarket = candleMarket(sample, logReturnWindow(sample, 8));

/** Steps `env` with `action` until the episode ends; the lowest cash, reserve and equity seen. */
function hold(cfg: Omit<CandleEnvConfig, 'market'>, action: number, m = sampleMarket) {
  const env = new CandleEnv({ market: m, ...cfg });
  const acc = env.core.accounts;
  env.reset();
  let minCash = Infinity;
  let minReserve = Infinity;
  let minEquity = Infinity;
  let r;
  do {
    r = env.step(action);
    minCash = Math.min(minCash, acc.cash[0]);
    minReserve = Math.min(minReserve, acc.reserve[0]);
    minEquity = Math.min(minEquity, acc.equity[0]);
  } while (!r.terminated && !r.truncated);
  return { env, acc, r, minCash, minReserve, minEquity };
}

describe('sizing: price, spread, impact and fee fit the equity', () => {
  it('at 1x, buy-and-hold from the first bar of the sample never borrows (cash >= 0 at every bar)', () => {
    // Before: the order was sized at equity / open and the spread and fee came on top (cash -$21).
    const h = hold({ execution: { maxLeverage: 1 } }, 2);
    expect(h.r.truncated).toBe(true);
    expect(h.minCash).toBeGreaterThanOrEqual(0);
    // ... and still fully invested: the cash left is dust, not a cost-sized cushion.
    expect(h.acc.cash[0]).toBeLessThan(1e-6 * h.acc.equity[0]);
    // With impact that dominates (orders a multiple of the bar's volume): still no borrowing.
    const thin = hold({ execution: { maxLeverage: 1, impactCoef: 50, maxImpact: 0.05 }, initialCash: 1e7 }, 2);
    expect(thin.minCash).toBeGreaterThanOrEqual(0);
  });

  it('at 1x a random continuous policy keeps cash >= 0 while long and the reserve >= 0 always', () => {
    const env = new CandleEnv({ market: sampleMarket, actions: 'continuous', execution: { maxLeverage: 1, rebalanceBand: 0 } });
    const policy = randomPolicy(env.actionSpace, 5);
    const acc = env.core.accounts;
    let r = env.reset();
    for (let k = 0; k < 5000; k++) {
      r = env.step(policy.act(r.obs, 1).actions);
      if (acc.position[0] >= 0) expect(acc.cash[0]).toBeGreaterThanOrEqual(0);
      expect(acc.reserve[0]).toBeGreaterThanOrEqual(0);
    }
  });

  it('the fill is sized at the open it fills at, so the sizing is exact (hand-computed, impact included)', () => {
    // Volume 1000 at bar 0; buying q at 100 costs q * 100 * (1 + 0.0005 + 0.1 q / 1000) * 1.001.
    const m = market([[100, 101, 99, 100, 1000], [100, 101, 99, 100, 1000], [100, 101, 99, 100, 1000]]);
    const env = new CandleEnv({ market: m, initialCash: 1000, execution: { takerFee: 0.001, halfSpread: 0.0005, impactCoef: 0.1, rebalanceBand: 0 } });
    env.reset();
    env.step(2);
    const acc = env.core.accounts;
    const q = acc.position[0];
    expect(q * 100 * (1 + 0.0005 + (0.1 * q) / 1000) * 1.001).toBeLessThanOrEqual(1000);
    expect(q * 100 * (1 + 0.0005 + (0.1 * q) / 1000) * 1.001).toBeGreaterThan(1000 * (1 - 1e-4));
    expect(acc.cash[0]).toBeGreaterThanOrEqual(0);
  });
});

describe('isolated margin: losses stop at the posted margin', () => {
  it('at 50x on the sample, long and short: equity never below 0, liquidated, flat afterwards', () => {
    // Before: -$15,875 of equity from a $10,000 account (a loss of 258 %).
    for (const action of [2, 0]) {
      const h = hold({ execution: { maxLeverage: 50, maintenanceMargin: 0.005 } }, action);
      expect(h.minEquity).toBeGreaterThanOrEqual(0);
      expect(h.minReserve).toBeGreaterThanOrEqual(0);
      expect(h.r.terminated).toBe(true);
      expect(h.r.info.liquidated).toBe(true);
      expect(h.acc.position[0]).toBe(0);
    }
  });

  it('a gap through the liquidation price liquidates at the open, before the bar\'s order, and takes only the margin', () => {
    const bars: Bar[] = [[100, 100, 100, 100, 1000], [100, 101, 99, 100, 1000], [70, 72, 68, 71, 1000], [71, 72, 70, 71, 1000]];
    const exec = { ...noFrictions, maxLeverage: 5, maintenanceMargin: 0.05, liquidationFee: 0.01 };
    // Half the leverage: 25 units at 100 post a margin of 2500 / 5 = 500 and keep 500 in reserve.
    const env = new CandleEnv({ market: market(bars), initialCash: 1000, actions: 'continuous', execution: exec });
    const acc = env.core.accounts;
    env.reset();
    env.step(0.5);
    expect(acc.position[0]).toBeCloseTo(25, 12);
    expect(acc.reserve[0]).toBeCloseTo(500, 9);
    // Isolated: the margin balance (500 + PnL) meets 5 % of the notional at 2000 / 23.75, not at
    // the 1500 / 23.75 where the whole account's equity would.
    expect(acc.liquidationPrice(0, 0.05)).toBeCloseTo(2000 / 23.75, 9);
    const r = env.step(0); // flat, decided at bar 1: too late, bar 2 opens at 70
    expect(r.info.liquidated).toBe(true);
    expect(r.terminated).toBe(true);
    expect(acc.position[0]).toBe(0);
    expect(acc.avgEntry[0]).toBe(0);
    // At 70 the position lost 750 > its margin 500: the loss stops at the margin.
    expect(acc.equity[0]).toBeCloseTo(500, 9);
    // All of it at full leverage: nothing is left, and nothing is owed.
    const full = new CandleEnv({ market: market(bars), initialCash: 1000, execution: exec });
    full.reset();
    full.step(2);
    const r2 = full.step(2);
    expect(r2.info.liquidated).toBe(true);
    expect(full.core.accounts.equity[0]).toBe(0);
    expect(r2.reward).toBe(-10); // log-return's floor for a total loss
  });

  it('inside the bar it liquidates at the maintenance-margin price with the liquidation fee and keeps the rest', () => {
    const bars: Bar[] = [[100, 100, 100, 100, 1000], [100, 101, 99, 100, 1000], [100, 100, 80, 85, 1000], [85, 86, 84, 85, 1000]];
    const env = new CandleEnv({ market: market(bars), initialCash: 1000, longOnly: true,
      execution: { ...noFrictions, maxLeverage: 5, maintenanceMargin: 0.05, liquidationFee: 0.01 } });
    env.reset();
    env.step(1);
    const lp = 4000 / 47.5;
    const r = env.step(1);
    expect(r.info.liquidated).toBe(true);
    // The margin balance at lp is 5 % of the notional; the 1 % fee comes out of it, the rest is returned.
    expect(env.core.accounts.equity[0]).toBeCloseTo(0.05 * 50 * lp - 0.01 * 50 * lp, 9);
  });

  it('an exit whose costs exceed the margin left is a liquidation, never negative equity', () => {
    // Bar volume 1 unit: any order pays the 8 % impact cap. At 20x (a 5 % margin) the entry is
    // sized to fit (margin + 8 % cost = equity), but the exit costs 8 % of the notional, more
    // than the 5 % margin: a voluntary close would leave -$231 of equity.
    const bars: Bar[] = [[100, 100, 100, 100, 1], [100, 101, 99, 100, 1], [100, 101, 99, 100, 1], [100, 101, 99, 100, 1]];
    const env = new CandleEnv({ market: market(bars), initialCash: 1000,
      execution: { ...noFrictions, impactCoef: 0.1, maxImpact: 0.08, maxLeverage: 20, maintenanceMargin: 0.01 } });
    const acc = env.core.accounts;
    env.reset();
    env.step(2);
    expect(acc.position[0] * 100 * (0.05 + 0.08)).toBeCloseTo(1000, 6);
    const r = env.step(1); // flat
    expect(r.info.liquidated).toBe(true);
    expect(r.terminated).toBe(true);
    expect(acc.position[0]).toBe(0);
    expect(acc.equity[0]).toBeGreaterThanOrEqual(0);
  });

  it('the book env: a jump of mid through the liquidation price loses the margin, not more', () => {
    const snap = (bid: number) => ({ bid: [[bid, 50]] as [number, number][], ask: [[bid + 1, 50]] as [number, number][] });
    const snaps = [snap(99), snap(99), snap(49), snap(49)];
    const depth = 1;
    const b = emptyBooks('test', 'X/USD', depth, snaps.length);
    snaps.forEach((s, t) => {
      b.ts[t] = 1000 * (t + 1);
      b.bidPx[t] = s.bid[0][0]; b.bidSz[t] = s.bid[0][1]; b.askPx[t] = s.ask[0][0]; b.askSz[t] = s.ask[0][1];
    });
    const m = bookMarket(b, emptyTrades('test', 'X/USD', 0), { tickSize: 1 });
    const env = new BookEnv({ market: m, orderSize: 20, initialCash: 1000,
      execution: { takerFee: 0.001, maxLeverage: 5, maintenanceMargin: 0.05, maxPositionUnits: 100 } });
    const acc = env.accounts;
    env.reset();
    env.step(env.actionMeanings.indexOf('buy')); // 20 units at 100: margin 20 * 99.5 / 5 = 398
    expect(acc.position[0]).toBe(20);
    const reserve = acc.reserve[0];
    expect(reserve).toBeCloseTo(1000 - 20 * 0.5 - 2 - 398, 9); // equity at mid - margin
    // Before: liquidated at mid 49.5 owing what it borrowed, with -$17.94 of equity.
    const r = env.step(0);
    expect(r.info.liquidated).toBe(true);
    expect(acc.position[0]).toBe(0);
    expect(acc.equity[0]).toBeCloseTo(reserve, 9);
  });
});

describe('configs that cannot work are refused', () => {
  it('a maintenance margin at or above the initial margin (1 / maxLeverage) is a ConfigError naming both', () => {
    expect(() => executionConfig({ maxLeverage: 50 })).toThrow(ConfigError);
    expect(() => executionConfig({ maxLeverage: 50 })).toThrow(/^execution.maxLeverage: maxLeverage 50 posts an initial margin of 2 %.*maintenance margin 5 %.*below 20/);
    expect(() => executionConfig({ maxLeverage: 20 })).toThrow(/liquidated as it opens/);
    expect(() => executionConfig({ maintenanceMargin: 1 })).toThrow(/^execution.maintenanceMargin:/);
    expect(executionConfig({ maxLeverage: 50, maintenanceMargin: 0.005 }).maxLeverage).toBe(50);
    expect(executionConfig({ maxLeverage: 19 }).maxLeverage).toBe(19);
    expect(() => new CandleEnv({ market: sampleMarket, execution: { maxLeverage: 50 } })).toThrow(/execution.maxLeverage/);
  });
});

describe('a backtest of a liquidated policy', () => {
  it('covers the whole range, flat after the liquidation, with metrics of that curve', () => {
    const range = { from: 12_000, to: 14_000 };
    const env = new CandleEnv({ market: sampleMarket, range, execution: { maxLeverage: 50, maintenanceMargin: 0.005 } });
    const bt = runBacktest(env, buyAndHold(env.actionSpace));
    // Before: the curve stopped at the liquidation (a few bars), shorter than every other policy's.
    expect(bt.ts.length).toBe(range.to - range.from);
    expect(bt.ts[0]).toBe(sample.ts[range.from]);
    expect(bt.ts[bt.ts.length - 1]).toBe(sample.ts[range.to - 1]);
    let last = bt.position.length - 1;
    while (last >= 0 && bt.position[last] === 0) last--;
    expect(last).toBeGreaterThanOrEqual(0);
    expect(last).toBeLessThan(bt.ts.length - 2);
    for (let k = last + 1; k < bt.ts.length; k++) {
      expect(bt.position[k]).toBe(0);
      expect(bt.equity[k]).toBe(bt.equity[last + 1]);
      expect(bt.close[k]).toBe(sample.close[range.from + k]);
    }
    for (const e of bt.equity) expect(e).toBeGreaterThanOrEqual(0);
    expect(bt.metrics.steps).toBe(range.to - range.from - 1);
    expect(bt.metrics.totalReturn).toBeCloseTo(bt.equity[bt.equity.length - 1] / bt.equity[0] - 1, 12);
    expect(Number.isFinite(bt.metrics.sharpe)).toBe(true);
  });

  it('metrics of a curve that reaches zero equity stay finite (no 0 / 0 returns)', () => {
    const n = 5;
    const m = tradingMetrics({
      equity: Float64Array.of(100, 50, 0, 0, 0), ts: Float64Array.from({ length: n }, (_, i) => i * 3_600_000),
      position: Float64Array.of(0, 1, 0, 0, 0), tradedNotional: 100, fees: 0, trades: 2, roundTrips: [-100],
    });
    expect(m.totalReturn).toBe(-1);
    expect(m.maxDrawdown).toBe(1);
    expect(Number.isFinite(m.sharpe)).toBe(true);
    expect(Number.isFinite(m.sortino)).toBe(true);
  });
});
