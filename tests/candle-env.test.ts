// The candle env and its execution model on hand-computed cases, the no-lookahead contract,
// determinism, bad actions, the env checker, VecEnv equivalence and backtests.
import { describe, expect, it } from 'vitest';
import { emptyCandles, type Candles } from '../data/types.js';
import { logReturnWindow, type FeatureMatrix } from '../data/features/log-return-window.js';
import { candleMarket } from '../envs/candle-market.js';
import { CandleEnv } from '../envs/candle-env.js';
import { VecEnv } from '../envs/vec-env.js';
import { checkEnv } from '../envs/check-env.js';
import { executionConfig } from '../envs/execution/config.js';
import { fillLimit, fillMarket, fillStop, newFill } from '../envs/execution/candle-fills.js';
import { walkBook } from '../envs/execution/book-walk.js';
import { timeSplits } from '../envs/splits.js';
import { runBacktest } from '../agents/backtest.js';
import { buyAndHold, flat, randomPolicy } from '../agents/simple-policies.js';
import { readCandles } from '../data/store/candle-store.js';
import { SAMPLES_STORE } from '../data/store/catalog.js';
import { DataError } from '../data/errors.js';

const BARS: [number, number, number, number, number][] = [
  [100, 101, 99, 100, 1000],
  [102, 103, 101, 102, 1000],
  [104, 106, 103, 105, 1000],
  [103, 104, 100, 101, 1000],
  [100, 101, 98, 99, 1000],
  [99, 100, 97, 98, 1000],
  [98, 99, 96, 97, 1000],
];

function candles(bars = BARS): Candles {
  const c = emptyCandles('test', 'BTC/USDT', '1h', bars.length);
  bars.forEach(([o, h, l, cl, v], i) => {
    c.ts[i] = Date.UTC(2024, 0, 1) + i * 3_600_000;
    c.open[i] = o; c.high[i] = h; c.low[i] = l; c.close[i] = cl; c.volume[i] = v;
  });
  return c;
}

/** One feature: the close itself (row t = close[t]), so observations are easy to read. */
function closeFeature(c: Candles): FeatureMatrix {
  return { values: Float32Array.from(c.close), names: ['close'], rows: c.close.length };
}

const noFrictions = { takerFee: 0, makerFee: 0, halfSpread: 0, impactCoef: 0, rebalanceBand: 0 };

describe('execution model on candles (hand-computed)', () => {
  it('a long entry pays half the spread and the taker fee at the NEXT bar open', () => {
    const c = candles();
    const env = new CandleEnv({ market: candleMarket(c, closeFeature(c)), initialCash: 1000, execution: { takerFee: 0.001, halfSpread: 0.0005, impactCoef: 0, rebalanceBand: 0 } });
    env.reset();
    const r = env.step(2); // long, decided at bar 0's close (100)
    const px = 102 * 1.0005;
    // Sized at bar 1's open so that price, spread and fee fit the cash: qty * px * 1.001 = 1000.
    const qty = 1000 / (px * 1.001);
    const fee = qty * px * 0.001;
    const equity = 1000 - qty * px - fee + qty * 102; // marked at bar 1's close
    expect(env.core.accounts.position[0]).toBeCloseTo(qty, 9);
    expect(env.core.accounts.cash[0]).toBeGreaterThanOrEqual(0);
    expect(env.core.accounts.cash[0]).toBeLessThan(1e-6);
    expect(env.core.accounts.fees[0]).toBeCloseTo(fee, 9);
    expect(r.info.equity).toBeCloseTo(equity, 9);
    expect(r.reward).toBeCloseTo(Math.log(equity / 1000), 12);
    expect(env.core.accounts.avgEntry[0]).toBeCloseTo(px, 12); // never bar 0's close
  });

  it('slippage grows with the order share of the last closed bar volume', () => {
    const cfg = executionConfig({ halfSpread: 0.0005, impactCoef: 0.1, maxImpact: 0.05, takerFee: 0.001 });
    const f = fillMarket(newFill(), 50, 200, 1000, cfg); // 5% of volume -> 0.5% impact
    expect(f.price).toBeCloseTo(200 * (1 + 0.0005 + 0.005), 12);
    expect(f.fee).toBeCloseTo(50 * f.price * 0.001, 12);
    const sell = fillMarket(newFill(), -5000, 200, 1000, cfg); // impact capped at 5%
    expect(sell.price).toBeCloseTo(200 * (1 - 0.0005 - 0.05), 12);
  });

  it('limit orders fill only when the bar trades through, partially beyond the participation cap', () => {
    const cfg = executionConfig({ makerFee: 0.0002, takerFee: 0.001, limitParticipation: 0.1 });
    const f = newFill();
    fillLimit(f, 10, 99, 100, 101, 99, 1000, cfg); // low touches 99: not through
    expect(f.qty).toBe(0);
    fillLimit(f, 10, 99, 100, 101, 98.5, 1000, cfg);
    expect([f.qty, f.price, f.taker]).toEqual([10, 99, false]);
    expect(f.fee).toBeCloseTo(10 * 99 * 0.0002, 12);
    fillLimit(f, 500, 99, 100, 101, 98, 1000, cfg); // cap 10% of 1000
    expect(f.qty).toBe(100);
    fillLimit(f, -3, 101, 102, 103, 101.5, 1000, cfg); // sell limit below the open: marketable at the open
    expect([f.qty, f.price, f.taker]).toEqual([-3, 102, true]);
  });

  it('stops trigger on the bar range and fill at the worse of stop and open', () => {
    const cfg = executionConfig({ ...noFrictions });
    const f = newFill();
    fillStop(f, -2, 95, 100, 101, 96, 1000, cfg);
    expect(f.qty).toBe(0);
    fillStop(f, -2, 95, 100, 101, 94, 1000, cfg);
    expect([f.qty, f.price]).toEqual([-2, 95]);
    fillStop(f, -2, 95, 93, 94, 90, 1000, cfg); // gapped through: fills at the open
    expect(f.price).toBe(93);
    fillStop(f, 1, 105, 104, 106, 103, 1000, cfg);
    expect(f.price).toBe(105);
  });

  it('a market order walks the book and fills partially when depth runs out', () => {
    const cfg = executionConfig({ takerFee: 0.001 });
    const bidPx = Float64Array.of(99, 98, NaN), bidSz = Float64Array.of(1, 2, 0);
    const askPx = Float64Array.of(101, 102, 103), askSz = Float64Array.of(1, 1, 1);
    const f = walkBook(newFill(), 2.5, bidPx, bidSz, askPx, askSz, 0, 3, cfg);
    expect(f.qty).toBe(2.5);
    expect(f.price).toBeCloseTo((101 + 102 + 0.5 * 103) / 2.5, 12);
    expect(f.fee).toBeCloseTo((101 + 102 + 51.5) * 0.001, 12);
    const g = walkBook(newFill(), -5, bidPx, bidSz, askPx, askSz, 0, 3, cfg);
    expect(g.qty).toBe(-3); // only 3 on the bid side
    expect(g.price).toBeCloseTo((99 + 2 * 98) / 3, 12);
  });

  it('a short round trip realises (entry - exit) x size, minus fees', () => {
    const c = candles();
    // A 5% band: holding the short does not re-size it as the price drifts.
    const env = new CandleEnv({ market: candleMarket(c, closeFeature(c)), initialCash: 1000, execution: { ...noFrictions, takerFee: 0.001, rebalanceBand: 0.05 } });
    env.reset();
    env.step(1); // flat (bar 1)
    env.step(0); // short at bar 2's open = 104
    const acc = env.core.accounts;
    const qty = 1000 / (104 * 1.001); // margin (the notional at 1x) plus the fee fit equity 1000
    expect(acc.position[0]).toBeCloseTo(-qty, 9);
    env.step(0); // hold (bar 3)
    env.step(1); // flat at bar 4's open = 100
    expect(acc.position[0]).toBe(0);
    expect(acc.realised[0]).toBeCloseTo(qty * (104 - 100), 9);
    expect(acc.fees[0]).toBeCloseTo(qty * 104 * 0.001 + qty * 100 * 0.001, 9);
    expect(acc.equity[0]).toBeCloseTo(1000 + qty * 4 - acc.fees[0], 9);
  });

  it("a repeated target holds the position's units ('on-change'); 'band' trades a drifted short back to its target", () => {
    const c = candles();
    const exec = { ...noFrictions, rebalanceBand: 0.01 };
    const q = 1000 / 102; // short at bar 1's open, frictionless at 1x: the whole equity
    const held = new CandleEnv({ market: candleMarket(c, closeFeature(c)), initialCash: 1000, execution: exec });
    held.reset();
    held.step(0);
    held.step(0); // the same target at bar 2's open (104): the short is 4 % over target, and held
    const acc = held.core.accounts;
    expect(acc.position[0]).toBeCloseTo(-q, 9);
    expect(acc.trades[0]).toBe(1);
    // A state saved while holding, restored elsewhere, keeps holding (at bar 3's open, 103, the
    // short is 2 % over target: beyond the band, so only the saved target keeps it from trading).
    const copy = new CandleEnv({ market: candleMarket(c, closeFeature(c)), initialCash: 1000, execution: exec });
    copy.reset();
    copy.core.restoreState(JSON.parse(JSON.stringify(held.core.saveState())));
    copy.step(0);
    expect(copy.core.accounts.trades[0]).toBe(1);
    // A new target trades: flat, then short again at bar 4's open (100), sized on the equity then.
    held.step(1); // flat at bar 3's open
    const flatEquity = acc.equity[0];
    held.step(0);
    expect(acc.trades[0]).toBe(3);
    expect(acc.position[0]).toBeCloseTo(-flatEquity / 100, 9);

    const band = new CandleEnv({ market: candleMarket(c, closeFeature(c)), initialCash: 1000, execution: { ...exec, rebalance: 'band' } });
    band.reset();
    band.step(0);
    band.step(0);
    const eq = 2000 - q * 104; // equity at bar 2's open
    expect(band.core.accounts.position[0]).toBeCloseTo(-eq / 104, 9);
    expect(band.core.accounts.trades[0]).toBe(2);

    // Continuous targets: the same value holds, another one trades (beyond the band).
    const cont = new CandleEnv({ market: candleMarket(c, closeFeature(c)), initialCash: 1000, actions: 'continuous', execution: exec });
    cont.reset();
    for (const a of [-0.5, -0.5, -0.5]) cont.step(a);
    expect(cont.core.accounts.trades[0]).toBe(1);
    cont.step(-0.6);
    expect(cont.core.accounts.trades[0]).toBe(2);
    expect(() => new CandleEnv({ market: candleMarket(c, closeFeature(c)), execution: { rebalance: 'always' as 'band' } })).toThrow(/execution.rebalance: must be 'on-change' or 'band', got always/);
  });

  it('liquidates a leveraged long at the maintenance-margin price and terminates', () => {
    const c = candles([[100, 100, 100, 100, 1000], [100, 101, 99, 100, 1000], [100, 100, 80, 85, 1000], [85, 86, 84, 85, 1000]]);
    const env = new CandleEnv({ market: candleMarket(c, closeFeature(c)), initialCash: 1000, longOnly: true,
      execution: { ...noFrictions, maxLeverage: 5, maintenanceMargin: 0.05, liquidationFee: 0.01 } });
    env.reset();
    env.step(1); // long 5x at 100: 50 units, cash -4000
    const acc = env.core.accounts;
    expect(acc.position[0]).toBeCloseTo(50, 12);
    const liq = acc.liquidationPrice(0, 0.05); // 4000 / (50 * 0.95)
    expect(liq).toBeCloseTo(4000 / 47.5, 12);
    const r = env.step(1); // bar 2's low 80 < 84.2: liquidated at 84.21...
    expect(r.terminated).toBe(true);
    expect(r.info.liquidated).toBe(true);
    expect(acc.position[0]).toBe(0);
    expect(acc.equity[0]).toBeCloseTo(-4000 + 50 * liq - 50 * liq * 0.01, 9);
  });

  it('latency: an order decided at t fills at the open of t + latency', () => {
    const c = candles();
    const env = new CandleEnv({ market: candleMarket(c, closeFeature(c)), initialCash: 1000, execution: { ...noFrictions, latency: 2 } });
    env.reset();
    env.step(2); // long decided at bar 0
    expect(env.core.accounts.position[0]).toBe(0); // not yet at bar 1
    env.step(2);
    expect(env.core.accounts.avgEntry[0]).toBe(104); // bar 2's open
  });
});

describe('research honesty', () => {
  it('no lookahead: changing every bar after t leaves observations and decisions up to t unchanged', async () => {
    const c = await readCandles(SAMPLES_STORE, { exchange: 'coinbase', symbol: 'BTC/USD', timeframe: '1h' });
    const cut = 3000;
    const run = (cc: Candles) => {
      const env = new CandleEnv({ market: candleMarket(cc, logReturnWindow(cc, 8)), execution: { takerFee: 0.001 } });
      const policy = randomPolicy(env.actionSpace, 7);
      const seen: number[] = [];
      let r = env.reset();
      while (env.core.t[0] < cut) {
        seen.push(...r.obs);
        const a = policy.act(r.obs, 1).actions[0];
        seen.push(a);
        r = env.step(a);
      }
      return seen;
    };
    const a = run(c);
    const d = { ...c, open: c.open.slice(), high: c.high.slice(), low: c.low.slice(), close: c.close.slice(), volume: c.volume.slice() };
    for (let t = cut + 1; t < d.close.length; t++) {
      d.open[t] *= 1.3; d.close[t] *= 0.7; d.high[t] *= 1.5; d.low[t] *= 0.5; d.volume[t] = 1;
    }
    expect(run(d)).toEqual(a);
  });

  it('same seed, same random-start episodes; another seed, others', () => {
    const c = candles(Array.from({ length: 300 }, (_, i) => [100 + i, 101 + i, 99 + i, 100.5 + i, 10] as [number, number, number, number, number]));
    const market = candleMarket(c, logReturnWindow(c, 4));
    const starts = (seed: number) => {
      const env = new CandleEnv({ market, episodeLength: 20 });
      env.reset({ seed });
      const out = [env.core.episodeBounds(0).from];
      for (let e = 0; e < 5; e++) {
        env.reset();
        out.push(env.core.episodeBounds(0).from);
      }
      return out;
    };
    expect(starts(1)).toEqual(starts(1));
    expect(starts(1)).not.toEqual(starts(2));
  });

  it('time splits are contiguous and an env stays inside its range', () => {
    const c = candles(Array.from({ length: 100 }, (_, i) => [100 + i, 101 + i, 99 + i, 100.5 + i, 10] as [number, number, number, number, number]));
    const s = timeSplits(100, { train: 0.6, valid: 0.2 });
    expect(s).toEqual({ train: { from: 0, to: 60 }, valid: { from: 60, to: 80 }, test: { from: 80, to: 100 } });
    const env = new CandleEnv({ market: candleMarket(c, logReturnWindow(c, 4)), range: s.test });
    env.reset();
    let steps = 0;
    for (let done = false; !done; ) {
      done = env.step(1).truncated;
      steps++;
      expect(env.core.t[0]).toBeLessThan(100);
    }
    expect(env.core.episodeBounds(0).from).toBe(80);
    expect(steps).toBe(19);
  });
});

describe('errors', () => {
  it('bad actions and bad data are clear errors', () => {
    const c = candles();
    const env = new CandleEnv({ market: candleMarket(c, closeFeature(c)) });
    env.reset();
    expect(() => env.step(NaN)).toThrow(/action NaN is not in Discrete\(3\)/);
    expect(() => env.step(3)).toThrow(RangeError);
    expect(() => env.step(1.5)).toThrow(RangeError);
    const cont = new CandleEnv({ market: candleMarket(c, closeFeature(c)), actions: 'continuous', longOnly: true });
    cont.reset();
    expect(() => cont.step(-0.5)).toThrow(/outside \[0, 1\]/);
    const bad = candles();
    bad.high[3] = 50;
    expect(() => candleMarket(bad, closeFeature(bad))).toThrow(DataError);
    expect(() => candleMarket(bad, closeFeature(bad))).toThrow(/row 3/);
    const f = closeFeature(c);
    f.values[4] = NaN;
    expect(() => candleMarket(c, f)).toThrow(/row 4, close/);
    expect(() => new CandleEnv({ market: candleMarket(c, closeFeature(c)), execution: { takerFee: -1 } })).toThrow(/execution.takerFee/);
  });
});

describe('env checker and VecEnv', () => {
  it('passes checkEnv on the real sample, discrete and continuous', async () => {
    const c = await readCandles(SAMPLES_STORE, { exchange: 'coinbase', symbol: 'BTC/USD', timeframe: '1h' });
    const market = candleMarket(c, logReturnWindow(c, 16));
    checkEnv(new CandleEnv({ market, episodeLength: 200 }, 1));
    checkEnv(new CandleEnv({ market, episodeLength: 200, actions: 'continuous', reward: { kind: 'differential-sharpe' } }, 1));
    checkEnv(new CandleEnv({ market, episodeLength: 200, longOnly: true, reward: { kind: 'drawdown-penalised', penalty: 2 } }, 1));
  });

  it('a VecEnv is deterministic under its seed and autoresets with the final observation kept', () => {
    const c = candles(Array.from({ length: 400 }, (_, i) => [100 + Math.sin(i), 102 + Math.sin(i), 98 + Math.sin(i), 100 + Math.sin(i + 1), 10] as [number, number, number, number, number]));
    const market = candleMarket(c, logReturnWindow(c, 4));
    const cfg = { market, episodeLength: 30, execution: { takerFee: 0.001 } };
    const vec = new VecEnv(3, cfg, 5);
    const vec2 = new VecEnv(3, cfg, 5);
    vec.reset();
    vec2.reset();
    const actions = Float32Array.of(0, 1, 2);
    let dones = 0;
    for (let k = 0; k < 100; k++) {
      actions[0] = k % 3; actions[1] = (k * 7) % 3; actions[2] = (k >> 2) % 3;
      vec.step(actions);
      vec2.step(actions);
      for (let i = 0; i < 3; i++) {
        if (!vec.truncated[i]) continue;
        dones++;
        // The final observation is the last one of the old episode; obs already starts the next.
        expect(vec.core.t[i]).toBe(vec.core.episodeBounds(i).from);
        expect(vec.episodeLength[i]).toBe(30);
      }
    }
    expect(Array.from(vec.obs)).toEqual(Array.from(vec2.obs));
    expect(Array.from(vec.rewards)).toEqual(Array.from(vec2.rewards));
    expect(dones).toBe(9); // 100 steps / 30 per episode, 3 envs
  });
});

describe('backtest', () => {
  it('buy-and-hold without frictions earns the price change from the first fill', async () => {
    const c = candles();
    const env = new CandleEnv({ market: candleMarket(c, closeFeature(c)), initialCash: 1000, execution: noFrictions });
    const r = runBacktest(env, buyAndHold(env.actionSpace));
    expect(r.metrics.totalReturn).toBeCloseTo(97 / 102 - 1, 12);
    expect(r.metrics.trades).toBe(1);
    const f = runBacktest(env, flat(env.actionSpace));
    expect(f.metrics.totalReturn).toBe(0);
    expect(f.metrics.exposure).toBe(0);
  });

  it('metrics on the real sample are sane and fees are charged', async () => {
    const c = await readCandles(SAMPLES_STORE, { exchange: 'coinbase', symbol: 'BTC/USD', timeframe: '1h' });
    const env = new CandleEnv({ market: candleMarket(c, logReturnWindow(c, 8)) });
    const bh = runBacktest(env, buyAndHold(env.actionSpace)).metrics;
    const first = 8 + 1;
    expect(bh.totalReturn).toBeCloseTo((c.close[c.close.length - 1] / c.open[first]) * (1 - 0.001) / (1 + 0.0002) - 1, 2);
    expect(bh.maxDrawdown).toBeGreaterThan(0.5); // 2018 bear market
    const rnd = runBacktest(env, randomPolicy(env.actionSpace, 3)).metrics;
    expect(rnd.fees).toBeGreaterThan(bh.fees * 100);
    expect(rnd.totalReturn).toBeLessThan(bh.totalReturn);
  });
});

describe('augmented episodes', () => {
  it('each episode replays a fresh augmented series; the same seed draws the same series', async () => {
    const { augmentedEpisodes } = await import('../envs/augmented-market.js');
    const c = await readCandles(SAMPLES_STORE, { exchange: 'coinbase', symbol: 'BTC/USD', timeframe: '1h' });
    const train = { ...c, ...Object.fromEntries((['ts', 'open', 'high', 'low', 'close', 'volume'] as const).map((k) => [k, c[k].slice(0, 5000)])) } as typeof c;
    const features = (x: typeof c) => logReturnWindow(x, 8);
    const make = () => new CandleEnv({
      market: candleMarket(train, features(train)), episodeLength: 100,
      episodeMarket: augmentedEpisodes(train, [{ kind: 'block-bootstrap', blockSize: 24 }, { kind: 'gaussian-noise', sigma: 0.1 }], features),
    });
    const closes = (env: CandleEnv) => Array.from(env.core.market(0).candles.close.slice(0, 50));
    const a = make();
    a.reset({ seed: 11 });
    const first = closes(a);
    a.reset();
    const second = closes(a);
    expect(second).not.toEqual(first);
    expect(first).not.toEqual(Array.from(train.close.slice(0, 50)));
    const b = make();
    b.reset({ seed: 11 });
    expect(closes(b)).toEqual(first);
    checkEnv(make(), { steps: 300 });
  });
});
