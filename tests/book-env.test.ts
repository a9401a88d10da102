// The book env and its execution model on tiny hand-built books (market orders walking levels,
// latency, the queue-position model for limit orders, position limits, PnL), the no-lookahead
// contract, determinism, bad actions, and the real Binance sample (observation space, speed).
import { describe, expect, it } from 'vitest';
import { DataError } from '../data/errors.js';
import { makeRng } from '../data/random.js';
import { readBooks } from '../data/store/book-store.js';
import { readTrades } from '../data/store/trade-store.js';
import { SAMPLES_STORE } from '../data/store/catalog.js';
import { emptyBooks, emptyTrades, type Books, type Trades } from '../data/types.js';
import { BookEnv, type BookEnvConfig } from '../envs/book-env.js';
import { bookMarket, inferTickSize, type BookMarket } from '../envs/book-market.js';
import { checkEnv } from '../envs/check-env.js';
import { fromTicks, sizeAtTicks, tickGrid, toTicks } from '../envs/execution/book-ticks.js';
import { timeSplits } from '../envs/splits.js';
import { contains } from '../envs/spaces.js';

type Level = [price: number, size: number];
interface Snap { bid: Level[]; ask: Level[] }
/** [step the trade belongs to, price, amount, taker side]; its ts is half-way into that step. */
type Print = [step: number, price: number, amount: number, side: 1 | -1];

const BASE: Snap = { bid: [[99, 3], [98, 5], [97, 5]], ask: [[100, 1], [101, 2], [102, 5]] };
const TS = (t: number) => 1000 * (t + 1);

function books(snaps: Snap[], depth = 3): Books {
  const b = emptyBooks('test', 'X/USD', depth, snaps.length);
  snaps.forEach((s, t) => {
    b.ts[t] = TS(t);
    s.bid.forEach(([p, z], k) => { b.bidPx[t * depth + k] = p; b.bidSz[t * depth + k] = z; });
    s.ask.forEach(([p, z], k) => { b.askPx[t * depth + k] = p; b.askSz[t * depth + k] = z; });
  });
  return b;
}

function trades(prints: Print[]): Trades {
  const tr = emptyTrades('test', 'X/USD', prints.length);
  prints.forEach(([step, p, a, s], j) => {
    tr.ts[j] = TS(step) - 500;
    tr.price[j] = p; tr.amount[j] = a; tr.side[j] = s; tr.id[j] = String(j);
  });
  return tr;
}

const FEES = { takerFee: 0.001, makerFee: 0.0002 };

function env(snaps: Snap[], prints: Print[] = [], cfg: Partial<BookEnvConfig> = {}): BookEnv {
  const market = bookMarket(books(snaps), trades(prints), { tickSize: 1 });
  return new BookEnv({ market, orderSize: 1, initialCash: 1e6, ...cfg, execution: { ...FEES, maxPositionUnits: 100, ...cfg.execution } });
}

/** Index of the action with this meaning. */
const act = (e: BookEnv, meaning: string) => {
  const a = e.actionMeanings.indexOf(meaning);
  if (a < 0) throw new Error(`no action ${meaning}`);
  return a;
};
const obsOf = (e: BookEnv, obs: Float32Array, name: string) => obs[e.observationNames.indexOf(name)];

describe('book market alignment and validation', () => {
  it('step t owns the trades in (ts[t-1], ts[t]]; trades after the last snapshot are unused', () => {
    const b = books([BASE, BASE, BASE]); // ts 1000, 2000, 3000
    const tr = emptyTrades('test', 'X/USD', 6);
    tr.ts.set([500, 1000, 1500, 2000, 2500, 9999]);
    tr.price.fill(99); tr.amount.fill(1); tr.side.fill(-1);
    const m = bookMarket(b, tr, { tickSize: 1 });
    expect(Array.from(m.tradeStart)).toEqual([0, 2, 4, 5]);
    expect(Array.from(m.mid)).toEqual([99.5, 99.5, 99.5]);
  });

  it('rejects non-increasing snapshots and crossed books, naming the row', () => {
    const b = books([BASE, BASE, BASE]);
    b.ts[2] = b.ts[1];
    expect(() => bookMarket(b, trades([]))).toThrow(DataError);
    expect(() => bookMarket(b, trades([]))).toThrow(/row 2/);
    const crossed = books([BASE, { bid: [[100, 1]], ask: [[100, 1]] }, BASE]);
    expect(() => bookMarket(crossed, trades([]))).toThrow(/row 1: crossed book/);
    const badTrades = trades([[1, 99, 1, -1], [1, 99, 1, -1]]);
    badTrades.ts[1] = 0;
    expect(() => bookMarket(books([BASE, BASE]), badTrades)).toThrow(/row 1/);
  });

  it('infers the tick and compares prices on the tick grid', () => {
    const b = books([{ bid: [[61837.63, 1], [61837.62, 1]], ask: [[61837.64, 1], [61837.66, 1]] }, BASE], 2);
    expect(inferTickSize(b)).toBe(0.01);
    const g = tickGrid(0.01);
    expect(fromTicks(g, toTicks(g, 61837.63) - 1)).toBe(61837.62); // not 61837.619999999995
    expect(sizeAtTicks(g, b.bidPx, b.bidSz, 0, 2, 1, toTicks(g, 61837.62))).toBe(1);
    expect(sizeAtTicks(g, b.bidPx, b.bidSz, 0, 2, 1, toTicks(g, 61837.625) + 10)).toBe(0); // inside the spread
    expect(sizeAtTicks(g, b.bidPx, b.bidSz, 0, 2, 1, toTicks(g, 61837.5))).toBeNaN(); // beyond the depth
  });
});

describe('market orders against the book (hand-computed)', () => {
  it('a market buy walks two levels: average price, taker fee, marked at mid', () => {
    const e = env([BASE, BASE, BASE], [], { orderSize: 2 });
    e.reset();
    const r = e.step(act(e, 'buy'));
    const acc = e.accounts;
    expect(acc.position[0]).toBe(2);
    expect(acc.avgEntry[0]).toBeCloseTo(100.5, 12); // 1 @ 100 + 1 @ 101
    expect(acc.fees[0]).toBeCloseTo(201 * 0.001, 12);
    expect(acc.cash[0]).toBeCloseTo(1e6 - 201 - 0.201, 9);
    const equity = 1e6 - 201.201 + 2 * 99.5;
    expect(r.info.equity).toBeCloseTo(equity, 9);
    expect(r.reward).toBeCloseTo(Math.log(equity / 1e6), 12);
    expect(r.info.takerFills).toBe(1);
  });

  it('fills partially when depth runs out and cancels the rest (IOC)', () => {
    const e = env([BASE, BASE, BASE], [], { orderSize: 10 });
    e.reset();
    e.step(act(e, 'buy'));
    expect(e.accounts.position[0]).toBe(8); // 1 + 2 + 5 units shown
    expect(e.accounts.avgEntry[0]).toBeCloseTo((100 + 202 + 510) / 8, 12);
    expect(e.accounts.fees[0]).toBeCloseTo(812 * 0.001, 12);
    expect(e.bid.active || e.ask.active).toBe(false);
    e.step(0);
    expect(e.accounts.position[0]).toBe(8); // nothing left working
  });

  it('latency: an order decided at t fills against snapshot t + latency, never t', () => {
    const s = (p: number): Snap => ({ bid: [[p - 1, 5]], ask: [[p, 5]] });
    const snaps = [s(100), s(110), s(120), s(130)];
    const e1 = env(snaps);
    e1.reset();
    e1.step(act(e1, 'buy'));
    expect(e1.accounts.avgEntry[0]).toBe(110);
    const e2 = env(snaps, [], { execution: { latency: 2 } });
    e2.reset();
    e2.step(act(e2, 'buy'));
    expect(e2.accounts.position[0]).toBe(0); // still travelling
    e2.step(act(e2, 'hold'));
    expect(e2.accounts.position[0]).toBe(1);
    expect(e2.accounts.avgEntry[0]).toBe(120);
  });

  it('PnL of a short round trip: realised minus both taker fees', () => {
    const at = (bid: number): Snap => ({ bid: [[bid, 5]], ask: [[bid + 1, 5]] });
    const e = env([BASE, at(100), at(100), at(94), at(94)]);
    let r = e.reset();
    let sum = 0;
    for (const a of ['sell', 'hold', 'buy']) {
      r = e.step(act(e, a));
      sum += r.reward;
    }
    const acc = e.accounts;
    expect(acc.position[0]).toBe(0);
    expect(acc.realised[0]).toBeCloseTo(100 - 95, 12); // sold at the bid 100, bought at the ask 95
    expect(acc.fees[0]).toBeCloseTo((100 + 95) * 0.001, 12);
    expect(r.info.equity).toBeCloseTo(1e6 + 5 - 0.195, 9);
    expect(sum).toBeCloseTo(Math.log(r.info.equity / 1e6), 12);
  });

  it('flatten cancels resting orders and closes the position at the book', () => {
    const e = env([BASE, BASE, BASE, BASE], [], { orderSize: 2 });
    e.reset();
    e.step(act(e, 'buy'));
    e.step(act(e, 'ask-1'));
    expect(e.ask.active).toBe(true);
    e.step(act(e, 'flatten'));
    expect(e.ask.active).toBe(false);
    expect(e.accounts.position[0]).toBe(0);
    expect(e.accounts.realised[0]).toBeCloseTo(2 * 99 - 201, 12); // sold 2 @ 99 (bid shows 3)
  });
});

describe('limit orders and the queue-position model (hand-computed)', () => {
  it('placed behind 3 units, trades of 2 then 2 at its price fill it by 1, as maker', () => {
    const at99 = (z: number): Snap => ({ bid: [[99, z], [98, 5]], ask: BASE.ask });
    const e = env([BASE, at99(3), at99(1), at99(2), at99(2)], [
      [2, 99, 2, -1], [2, 100, 5, 1], // the buy at the ask does not touch a bid
      [3, 99, 2, -1],
    ], { orderSize: 2 });
    e.reset();
    e.step(act(e, 'bid-0')); // priced at t=0's best bid 99, queued at t=1 behind 3
    expect([e.bid.active, e.bid.price, e.bid.queueAhead, e.bid.remaining]).toEqual([true, 99, 3, 2]);
    let r = e.step(0);
    expect(e.bid.queueAhead).toBe(1);
    expect(e.accounts.position[0]).toBe(0);
    expect(obsOf(e, r.obs, 'bid_queue_ahead')).toBeCloseTo(1, 6); // 1 ahead of 1 shown
    r = e.step(0);
    expect(e.accounts.position[0]).toBe(1);
    expect(e.accounts.avgEntry[0]).toBe(99);
    expect(e.accounts.fees[0]).toBeCloseTo(99 * 0.0002, 12);
    expect(e.accounts.cash[0]).toBeCloseTo(1e6 - 99 - 99 * 0.0002, 9);
    expect([e.bid.active, e.bid.remaining, e.bid.queueAhead]).toEqual([true, 1, 0]);
    expect([r.info.makerFills, r.info.takerFills]).toEqual([1, 0]);
    expect(obsOf(e, r.obs, 'bid_resting')).toBe(1);
    expect(obsOf(e, r.obs, 'bid_queue_ahead')).toBe(0);
  });

  it('a book crossing the order fills it completely at its limit price with the maker fee', () => {
    const crossed: Snap = { bid: [[97, 1]], ask: [[98, 2], [99, 1]] };
    const e = env([BASE, BASE, crossed, crossed], [], { orderSize: 2 });
    e.reset();
    e.step(act(e, 'bid-0'));
    e.step(0);
    expect(e.bid.active).toBe(false);
    expect(e.accounts.position[0]).toBe(2);
    expect(e.accounts.avgEntry[0]).toBe(99); // its price, not the 98 ask
    expect(e.accounts.fees[0]).toBeCloseTo(2 * 99 * 0.0002, 12);
  });

  it('a trade through the price fills the whole order at the limit price; trades before arrival do not', () => {
    const snaps = [BASE, BASE, { bid: [[97, 1]], ask: BASE.ask } as Snap, BASE];
    const e = env(snaps, [[2, 98, 0.5, -1]], { orderSize: 2 });
    e.reset();
    e.step(act(e, 'bid-0'));
    expect(e.bid.queueAhead).toBe(3);
    e.step(0); // 0.5 sold at 98, below the bid: the level at 99 was emptied
    expect(e.bid.active).toBe(false);
    expect(e.accounts.position[0]).toBe(2);
    expect(e.accounts.avgEntry[0]).toBe(99);
    expect(e.accounts.fees[0]).toBeCloseTo(2 * 99 * 0.0002, 12);
    const late = env(snaps, [[2, 98, 0.5, -1]], { orderSize: 2 });
    late.reset();
    late.step(0);
    late.step(act(late, 'bid-0')); // priced at 99 from t=1, reaches the book at t=2, after that trade
    expect(late.accounts.position[0]).toBe(0);
    expect([late.bid.active, late.bid.queueAhead]).toEqual([true, 0]); // 99 is above the 97 best bid
  });

  it('cancellations (a shrink not explained by trades) reduce the queue ahead pro rata', () => {
    const at99 = (z: number): Snap => ({ bid: [[99, z], [98, 5]], ask: BASE.ask });
    const e = env([BASE, at99(4), at99(6), at99(3), at99(0.5), at99(0.5)], [[4, 99, 2.5, -1]], { orderSize: 2 });
    e.reset();
    e.step(act(e, 'bid-0'));
    expect(e.bid.queueAhead).toBe(4);
    e.step(0); // 2 joined behind: still 4 ahead of 6
    expect(e.bid.queueAhead).toBe(4);
    const r = e.step(0); // 6 -> 3 with no trades: half the level cancelled, so half the queue ahead
    expect(e.bid.queueAhead).toBeCloseTo(2, 12);
    expect(obsOf(e, r.obs, 'bid_queue_ahead')).toBeCloseTo(2 / 3, 6);
    e.step(0); // 2.5 sold at 99: 2 ahead, then 0.5 to us
    expect(e.accounts.position[0]).toBeCloseTo(0.5, 12);
    expect(e.bid.remaining).toBeCloseTo(1.5, 12);
  });

  it('post-only: a limit that would cross on arrival is rejected; same price keeps the queue place', () => {
    const up: Snap = { bid: [[101, 1]], ask: [[102, 1]] };
    const e = env([BASE, up, up, up], [], { limitOffsets: [0, -2] });
    e.reset();
    e.step(act(e, 'bid--2')); // 99 + 2 = 101 vs ask 102 at arrival: fine
    expect(e.bid.price).toBe(101);
    const e2 = env([BASE, { bid: [[97, 1]], ask: [[98, 1]] }, BASE, BASE]);
    e2.reset();
    const r = e2.step(act(e2, 'bid-0')); // 99 would cross the 98 ask
    expect([e2.bid.active, r.info.rejected]).toEqual([false, 1]);
    const e3 = env([BASE, BASE, BASE, BASE, BASE]);
    e3.reset();
    e3.step(act(e3, 'bid-0'));
    e3.bid.queueAhead = 1; // pretend it advanced
    e3.step(act(e3, 'bid-0'));
    expect(e3.bid.queueAhead).toBe(1);
    e3.step(act(e3, 'bid-1')); // a new price replaces it, at the back of 98's queue
    expect([e3.bid.price, e3.bid.queueAhead]).toEqual([98, 5]);
    e3.step(act(e3, 'cancel'));
    expect(e3.bid.active).toBe(false);
  });
});

describe('position limits and rewards', () => {
  it('an order past maxPositionUnits is refused, or clipped to the room left', () => {
    const snaps = [BASE, BASE, BASE, BASE];
    const big = { bid: [[99, 50]], ask: [[100, 50]] } as Snap;
    const e = env(snaps, [], { execution: { maxPositionUnits: 1 } });
    e.reset();
    e.step(act(e, 'buy'));
    const r = e.step(act(e, 'buy'));
    expect(e.accounts.position[0]).toBe(1);
    expect(r.info.refused).toBe(1);
    e.step(act(e, 'bid-0'));
    expect(e.bid.active).toBe(false);
    const e2 = env([big, big, big], [], { execution: { maxPositionUnits: 1.5 } });
    e2.reset();
    e2.step(act(e2, 'buy'));
    e2.step(act(e2, 'buy'));
    expect(e2.accounts.position[0]).toBeCloseTo(1.5, 12);
    const e3 = env(snaps, [], { execution: { allowShort: false } });
    e3.reset();
    expect(e3.step(act(e3, 'sell')).info.refused).toBe(1);
    expect(e3.accounts.position[0]).toBe(0);
    // maxLeverage 1: margin (the notional at mid 99.5) plus the costs against mid (the ask 100 is
    // 0.5 above it, and the 0.1 fee) fit the 150 of cash: 150 / (99.5 + 0.5 + 0.1) units, no borrowing.
    const e4 = env([big, big, big], [], { initialCash: 150, orderSize: 2 });
    e4.reset();
    e4.step(act(e4, 'buy'));
    expect(e4.accounts.position[0]).toBeCloseTo(150 / 100.1, 9);
    expect(e4.accounts.cash[0]).toBeGreaterThanOrEqual(0);
  });

  it('the inventory penalty subtracts penalty * (position / max)^2 from the log return', () => {
    const e = env([BASE, BASE, BASE], [], { inventoryPenalty: 0.5, execution: { maxPositionUnits: 4 } });
    e.reset();
    const r = e.step(act(e, 'buy'));
    expect(r.reward).toBeCloseTo(Math.log(r.info.equity / 1e6) - 0.5 * (1 / 4) ** 2, 12);
  });

  it('observation features on a hand-built book', () => {
    const e = env([BASE, BASE], [[0, 99, 1, -1], [0, 100, 3, 1]], { levels: 2 });
    const { obs } = e.reset();
    const mid = 99.5;
    expect(obsOf(e, obs, 'bid0_offset_bps')).toBeCloseTo((0.5 / mid) * 1e4, 4);
    expect(obsOf(e, obs, 'ask1_offset_bps')).toBeCloseTo((1.5 / mid) * 1e4, 4);
    expect(obsOf(e, obs, 'bid0_log_size')).toBeCloseTo(Math.log1p(3), 6);
    expect(obsOf(e, obs, 'spread_bps')).toBeCloseTo((1 / mid) * 1e4, 4);
    expect(obsOf(e, obs, 'imbalance_1')).toBeCloseTo((3 - 1) / 4, 6);
    expect(obsOf(e, obs, 'imbalance_2')).toBeCloseTo((8 - 3) / 11, 6);
    expect(obsOf(e, obs, 'trade_flow_imbalance')).toBeCloseTo((3 - 1) / 4, 6);
    const ticks = env([BASE, BASE], [], { levels: 2, priceUnit: 'ticks' });
    expect(obsOf(ticks, ticks.reset().obs, 'ask1_offset_ticks')).toBeCloseTo(1.5, 6);
    expect(e.observationSpace.shape).toEqual([e.observationNames.length]);
    expect(e.actionMeanings).toEqual(['hold', 'buy', 'sell', 'bid-0', 'bid-1', 'bid-2', 'ask-0', 'ask-1', 'ask-2', 'cancel', 'flatten']);
  });
});

describe('honesty, determinism and errors', () => {
  it('bad actions throw a RangeError naming the action', () => {
    const e = env([BASE, BASE, BASE]);
    e.reset();
    for (const bad of [NaN, -1, 11, 0.5]) expect(() => e.step(bad)).toThrow(RangeError);
    expect(() => e.step(11)).toThrow(/action 11 is not in Discrete\(11\)/);
    expect(() => e.step(NaN)).toThrow(/NaN/);
  });

  it('no lookahead: perturbing snapshots and trades after t leaves observations and rewards up to t unchanged', async () => {
    const b = await readBooks(SAMPLES_STORE, { exchange: 'binance', symbol: 'BTC/USDT', depth: 20 });
    const tr = await readTrades(SAMPLES_STORE, { exchange: 'binance', symbol: 'BTC/USDT' });
    const T = 400;
    const N = b.depth;
    const b2: Books = { ...b, bidPx: b.bidPx.slice(), bidSz: b.bidSz.slice(), askPx: b.askPx.slice(), askSz: b.askSz.slice() };
    for (let i = (T + 1) * N; i < b.bidPx.length; i++) {
      b2.bidPx[i] += 3; b2.askPx[i] += 3; b2.bidSz[i] *= 2.5; b2.askSz[i] *= 0.3;
    }
    const tr2: Trades = { ...tr, price: tr.price.slice(), amount: tr.amount.slice(), side: tr.side.slice() };
    for (let j = 0; j < tr.ts.length; j++) {
      if (tr.ts[j] > b.ts[T]) { tr2.amount[j] *= 7; tr2.side[j] = -tr2.side[j]; tr2.price[j] += 3; }
    }
    const run = (books: Books, trades: Trades) => {
      const e = new BookEnv({ market: bookMarket(books, trades, { tickSize: 0.01 }), orderSize: 0.01, range: { from: 200, to: 1000 } });
      const out: number[] = [];
      let r = e.reset();
      for (let k = 0; r.info.t <= T; k++) {
        out.push(...r.obs, r.reward, r.info.position, r.info.equity);
        // A decision that depends on the observation, so a leak would change the path.
        const x = Math.abs(r.obs[20] * 1000 + r.obs[e.observationNames.indexOf('imbalance_5')] * 7919);
        r = e.step((Math.floor(x) + k) % e.actionSpace.n);
      }
      return { out, fills: r.info.makerFills + r.info.takerFills, width: e.observationNames.length + 3, after: Array.from(r.obs) };
    };
    const a = run(b, tr);
    const c = run(b2, tr2);
    expect(a.out.length).toBe((T - 200 + 1) * a.width);
    expect(c.out).toEqual(a.out);
    expect(c.after).not.toEqual(a.after); // the perturbation is visible from row T + 1 on
    expect(a.fills).toBeGreaterThan(0);
  });

  it('same seed, same random starts and observations; another seed differs', () => {
    const rng = makeRng(1);
    const snaps: Snap[] = [];
    for (let t = 0; t < 80; t++) {
      const p = 100 + Math.round(rng.normal() * 3);
      snaps.push({ bid: [[p - 1, 1 + rng.int(5)], [p - 2, 2]], ask: [[p, 1 + rng.int(5)], [p + 1, 2]] });
    }
    const mk = () => env(snaps, [], { episodeLength: 10, range: { from: 5, to: 75 } });
    const trace = (e: BookEnv, seed: number) => {
      const out: number[] = [];
      e.reset({ seed });
      for (let ep = 0; ep < 5; ep++) {
        const { from, to } = e.episodeBounds();
        expect(from).toBeGreaterThanOrEqual(5);
        expect(to).toBeLessThanOrEqual(75);
        out.push(from);
        for (let k = 0; k < 10; k++) {
          const r = e.step(k % e.actionSpace.n);
          out.push(...r.obs, r.reward);
          if (k === 9) expect(r.truncated).toBe(true);
        }
        e.reset();
      }
      return out;
    };
    const a = trace(mk(), 7);
    expect(trace(mk(), 7)).toEqual(a);
    expect(trace(mk(), 8)).not.toEqual(a);
  });
});

describe('the real Binance BTC/USDT sample (depth 20)', () => {
  let market: BookMarket | undefined;
  const load = async () => {
    market ??= bookMarket(
      await readBooks(SAMPLES_STORE, { exchange: 'binance', symbol: 'BTC/USDT', depth: 20 }),
      await readTrades(SAMPLES_STORE, { exchange: 'binance', symbol: 'BTC/USDT' }),
    );
    return market;
  };

  it('1000 random steps stay inside the observation space; passes checkEnv', async () => {
    const m = await load();
    expect(m.grid.tick).toBe(0.01);
    const e = new BookEnv({ market: m, orderSize: 0.005, execution: { makerFee: 0, takerFee: 0.0004 }, inventoryPenalty: 0.01 });
    const rng = makeRng(3);
    let r = e.reset({ seed: 3 });
    let fills = 0;
    for (let k = 0; k < 1000; k++) {
      expect(contains(e.observationSpace, r.obs)).toBe(true);
      r = e.step(rng.int(e.actionSpace.n));
      fills = r.info.makerFills + r.info.takerFills;
    }
    expect(contains(e.observationSpace, r.obs)).toBe(true);
    expect(fills).toBeGreaterThan(10);
    checkEnv(e, { steps: 500 });
    const splits = timeSplits(m.rows);
    const test = new BookEnv({ market: m, orderSize: 0.005, range: splits.test, episodeLength: 200 }, 1);
    test.reset();
    expect(test.episodeBounds().from).toBeGreaterThanOrEqual(splits.test.from);
  });
});
