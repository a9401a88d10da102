// Replay of L2 book snapshots and trades for scalping and market making, with the Gymnasium API.
// The execution model is the candle env's (ExecutionConfig: fees, latency, leverage, position
// cap) applied to a book: market orders walk the snapshot (walkBook), limit orders rest with a
// queue-position estimate (execution/queue-position.ts). Nothing is allocated per step.
//
// Actions (Discrete; `actionMeanings` lists them for a config), in this order:
//   0                 hold
//   1, 2              market buy, market sell of `orderSize` (only when `marketOrders`, default on)
//   next m            bid at best bid - k ticks, one per k in `limitOffsets` (default [0, 1, 2])
//   next m            ask at best ask + k ticks, same k
//   next              cancel all resting orders
//   last              flatten: cancel all, then a market order closing the position
// A negative k improves inside the spread. The limit price is fixed from the book the agent sees
// at decision time t; like every action it reaches the book at t + latency.
//
// One step t -> b = t + 1:
//   1. resting orders meet the trades of step b (ts in (ts[t], ts[b]]) and then snapshot b;
//   2. the action decided at b - latency arrives at snapshot b: a market order walks it (what
//      depth cannot fill is cancelled: IOC); a limit order is post-only (rejected when it would
//      cross snapshot b), replaces a resting order on its side unless that one already rests at
//      the same price (then the queue place is kept), and queues behind snapshot b's size there;
//   3. the account is marked at mid[b] (and, after fills, re-margined there: isolated margin,
//      envs/account.ts); liquidation at the maintenance margin closes the position at mid with
//      taker + liquidation fees, the loss capped at the margin, and terminates; reward;
//      observation of row b.
// Position limits: |position| <= maxPositionUnits and <= maxLeverage * equity / mid, and the new
// position's margin (|position| * mid / maxLeverage) plus the fill's costs against mid (the walk
// or the limit price, and the fee) within the equity, so at maxLeverage 1 a long never borrows.
// Orders that would pass them are clipped to the room left, or refused when there is none; a
// limit fill that hits them fills what fits and cancels the rest. A refused or rejected order
// changes nothing.
import { ConfigError } from '../data/errors.js';
import { makeRng, type Rng } from '../data/random.js';
import { Accounts } from './account.js';
import type { BookMarket } from './book-market.js';
import type { Env, StepResult } from './env.js';
import { walkBook } from './execution/book-walk.js';
import { fromTicks, sizeAtTicks, toTicks } from './execution/book-ticks.js';
import { newFill } from './execution/candle-fills.js';
import { executionConfig, type ExecutionConfig } from './execution/config.js';
import {
  newQueueOrder, placeQueueOrder, queueAheadFraction, queueOnBook, queueOnTrade, type QueueOrder,
} from './execution/queue-position.js';
import { makeReward, type RewardConfig, type RewardInput, type RewardModel } from './rewards.js';
import type { Range } from './splits.js';
import { box, discrete, type Box, type Discrete } from './spaces.js';

export interface BookEnvConfig {
  market: BookMarket;
  /** Rows the env may use, e.g. a split's train range. Default: all. */
  range?: Range;
  /** Episode length in steps with seeded random starts; undefined = the whole range, from its start. */
  episodeLength?: number;
  /** Base units of every market and limit order. */
  orderSize: number;
  /** Limit price offsets in ticks from the same-side best (default [0, 1, 2]); one bid and one ask action each. */
  limitOffsets?: number[];
  /** Include market buy / sell actions (default true). */
  marketOrders?: boolean;
  /** Book levels per side in the observation (default 5, at most the book depth). */
  levels?: number;
  /** Unit of the level price offsets from mid: basis points of mid (default) or ticks. */
  priceUnit?: 'bps' | 'ticks';
  /** Numbers of levels for the depth-imbalance features (default [1, levels]). */
  imbalanceDepths?: number[];
  /**
   * Fees, latency (steps), maxLeverage, maintenanceMargin, liquidationFee, maxPositionUnits,
   * allowShort. halfSpread, impact and limitParticipation are candle-only. maxPositionUnits
   * defaults to 10 x orderSize here (the inventory feature needs a finite cap).
   */
  execution?: Partial<ExecutionConfig>;
  /** Default log-return of equity. */
  reward?: RewardConfig;
  /** Subtracted from the reward each step: inventoryPenalty * (position / maxPositionUnits)^2. */
  inventoryPenalty?: number;
  initialCash?: number;
}

export interface BookStepInfo {
  t: number;
  ts: number;
  mid: number;
  equity: number;
  position: number;
  cash: number;
  fees: number;
  /** Counts since reset: fills as maker / taker, orders refused by the position limit, post-only rejects. */
  makerFills: number;
  takerFills: number;
  refused: number;
  rejected: number;
  liquidated: boolean;
}

const enum Kind { Hold, Buy, Sell, Bid, Ask, Cancel, Flatten }
const KIND_NAMES = ['hold', 'buy', 'sell', 'bid', 'ask', 'cancel', 'flatten'];
const ACCOUNT_NAMES = ['inventory', 'unrealised_over_equity', 'bid_resting', 'bid_queue_ahead', 'ask_resting', 'ask_queue_ahead'];

export class BookEnv implements Env<BookStepInfo> {
  readonly observationSpace: Box;
  readonly actionSpace: Discrete;
  /** What each action does: 'hold', 'buy', 'sell', 'bid-0' (best bid - 0 ticks), 'ask-1', 'cancel', 'flatten'. */
  readonly actionMeanings: readonly string[];
  /** Name of each observation element, in order. */
  readonly observationNames: readonly string[];
  readonly cfg: ExecutionConfig;
  readonly accounts: Accounts;
  readonly market: BookMarket;
  /** The resting orders (at most one bid and one ask); read-only for callers. */
  readonly bid: QueueOrder = newQueueOrder(1);
  readonly ask: QueueOrder = newQueueOrder(-1);
  /** Current row: its snapshot (and the trades up to it) is the latest data the env has seen. */
  t = 0;

  private readonly obs: Float32Array;
  private readonly result: StepResult<BookStepInfo>;
  private readonly infoObj: BookStepInfo = {
    t: 0, ts: 0, mid: 0, equity: 0, position: 0, cash: 0, fees: 0,
    makerFills: 0, takerFills: 0, refused: 0, rejected: 0, liquidated: false,
  };
  private readonly kinds: Uint8Array;
  private readonly offsets: Int32Array;
  private readonly orderSize: number;
  private readonly maxPos: number;
  private readonly levels: number;
  private readonly bps: boolean;
  private readonly imbDepths: Int32Array;
  private readonly invSize: number;
  private readonly penalty: number;
  private readonly eps: number;
  private readonly pendingAction: Int32Array;
  private readonly pendingTicks: Float64Array;
  private readonly reward: RewardModel;
  private readonly fill = newFill();
  private readonly rin: RewardInput = { prevEquity: 0, equity: 0, turnover: 0, drawdown: 0, prevDrawdown: 0 };
  private rng: Rng;
  private start = 0;
  private end = 0;
  private started = false;
  private done = false;
  /** Set when this step's flatten was taken over by a liquidation. */
  private closeOut = false;

  constructor(readonly config: BookEnvConfig, seed: number | string = 0) {
    const m = config.market;
    this.market = m;
    const size = config.orderSize;
    if (!(size > 0) || !Number.isFinite(size)) throw new ConfigError('orderSize', `must be a positive number of base units, got ${size}`);
    this.orderSize = size;
    this.eps = size * 1e-9;
    const exec = config.execution ?? {};
    if (exec.maxPositionUnits === Infinity) throw new ConfigError('execution.maxPositionUnits', 'must be finite for a book env (the inventory feature is position / maxPositionUnits)');
    this.cfg = executionConfig({ ...exec, maxPositionUnits: exec.maxPositionUnits ?? 10 * size });
    this.maxPos = this.cfg.maxPositionUnits;
    if (!(this.maxPos > 0)) throw new ConfigError('execution.maxPositionUnits', `must be positive, got ${this.maxPos}`);

    const offs = config.limitOffsets ?? [0, 1, 2];
    for (const k of offs) if (!Number.isInteger(k) || Math.abs(k) > 1e6) throw new ConfigError('limitOffsets', `must be whole numbers of ticks, got ${k}`);
    const kinds: number[] = [Kind.Hold];
    const params: number[] = [0];
    const names = ['hold'];
    if (config.marketOrders ?? true) {
      kinds.push(Kind.Buy, Kind.Sell);
      params.push(0, 0);
      names.push('buy', 'sell');
    }
    for (const kind of [Kind.Bid, Kind.Ask]) {
      for (const k of offs) {
        kinds.push(kind);
        params.push(k);
        names.push(`${KIND_NAMES[kind]}-${k}`);
      }
    }
    kinds.push(Kind.Cancel, Kind.Flatten);
    params.push(0, 0);
    names.push('cancel', 'flatten');
    this.kinds = Uint8Array.from(kinds);
    this.offsets = Int32Array.from(params);
    this.actionMeanings = Object.freeze(names);
    this.actionSpace = discrete(kinds.length);

    const K = config.levels ?? Math.min(5, m.depth);
    if (!Number.isInteger(K) || K < 1 || K > m.depth) throw new ConfigError('levels', `must be a whole number in [1, ${m.depth}] (the book depth), got ${K}`);
    this.levels = K;
    const unit = config.priceUnit ?? 'bps';
    if (unit !== 'bps' && unit !== 'ticks') throw new ConfigError('priceUnit', `must be 'bps' or 'ticks', got ${String(unit)}`);
    this.bps = unit === 'bps';
    const depths = config.imbalanceDepths ?? (K > 1 ? [1, K] : [1]);
    for (const d of depths) if (!Number.isInteger(d) || d < 1 || d > m.depth) throw new ConfigError('imbalanceDepths', `each must be a whole number in [1, ${m.depth}], got ${d}`);
    this.imbDepths = Int32Array.from(depths);
    this.invSize = 1 / size;
    const pen = config.inventoryPenalty ?? 0;
    if (!(pen >= 0) || !Number.isFinite(pen)) throw new ConfigError('inventoryPenalty', `must be a number >= 0, got ${pen}`);
    this.penalty = pen;
    const cash = config.initialCash ?? 10_000;
    if (!(cash > 0) || !Number.isFinite(cash)) throw new ConfigError('initialCash', `must be positive, got ${cash}`);

    const obsNames: string[] = [];
    const lows: number[] = [];
    const add = (name: string, lo: number, hi: number) => {
      obsNames.push(name);
      lows.push(lo, hi);
    };
    for (let k = 0; k < K; k++) add(`bid${k}_offset_${unit}`, -Infinity, Infinity);
    for (let k = 0; k < K; k++) add(`ask${k}_offset_${unit}`, -Infinity, Infinity);
    for (let k = 0; k < K; k++) add(`bid${k}_log_size`, 0, Infinity);
    for (let k = 0; k < K; k++) add(`ask${k}_log_size`, 0, Infinity);
    add('spread_bps', 0, Infinity);
    add('mid_return_bps', -Infinity, Infinity);
    for (const d of depths) add(`imbalance_${d}`, -1, 1);
    add('trade_flow_imbalance', -1, 1);
    add('trade_log_volume', 0, Infinity);
    add(ACCOUNT_NAMES[0], -1, 1);
    add(ACCOUNT_NAMES[1], -Infinity, Infinity);
    for (const n of ACCOUNT_NAMES.slice(2)) add(n, 0, 1);
    this.observationNames = Object.freeze(obsNames);
    const lo = new Float32Array(obsNames.length);
    const hi = new Float32Array(obsNames.length);
    for (let i = 0; i < obsNames.length; i++) {
      lo[i] = lows[2 * i];
      hi[i] = lows[2 * i + 1];
    }
    this.observationSpace = box([obsNames.length], lo, hi);
    this.obs = new Float32Array(obsNames.length);

    this.accounts = new Accounts(1, cash);
    this.pendingAction = new Int32Array(this.cfg.latency).fill(-1);
    this.pendingTicks = new Float64Array(this.cfg.latency);
    this.reward = makeReward(config.reward ?? { kind: 'log-return' }, 1);
    this.rng = makeRng(`${seed}/book`);
    this.result = { obs: this.obs, reward: 0, terminated: false, truncated: false, info: this.infoObj };
    this.validateRange();
  }

  private firstRow(): { first: number; to: number } {
    const m = this.market;
    const r = this.config.range ?? { from: 0, to: m.rows };
    return { first: Math.max(r.from, m.firstValid), to: r.to };
  }

  private validateRange(): void {
    const rows = this.market.rows;
    const r = this.config.range ?? { from: 0, to: rows };
    if (!(Number.isInteger(r.from) && Number.isInteger(r.to) && r.from >= 0 && r.to <= rows && r.from < r.to)) {
      throw new ConfigError('range', `[${r.from}, ${r.to}) is not inside the ${rows} snapshots`);
    }
    const { first, to } = this.firstRow();
    if (first >= to - 1) throw new ConfigError('range', `rows [${r.from}, ${r.to}) hold no step after the first two-sided snapshot (row ${this.market.firstValid})`);
    const len = this.config.episodeLength;
    if (len !== undefined && (!Number.isInteger(len) || len < 1 || first + len >= to)) {
      throw new ConfigError('episodeLength', `${len} steps do not fit in rows [${first}, ${to})`);
    }
  }

  /** Episode rows [from, to) of the current episode. */
  episodeBounds(): Range {
    return { from: this.start, to: this.end };
  }

  /** Returns the step result object (reward 0, not done), which is also a ResetResult. */
  reset(opts: { seed?: number } = {}): StepResult<BookStepInfo> {
    if (opts.seed !== undefined) this.rng = makeRng(`${opts.seed}/book`);
    const { first, to } = this.firstRow();
    const len = this.config.episodeLength;
    const s = len === undefined ? first : first + this.rng.int(to - len - first);
    this.start = s;
    this.end = len === undefined ? to : s + len + 1;
    this.t = s;
    this.accounts.reset(0, this.market.mid[s]);
    this.reward.reset(0);
    this.pendingAction.fill(-1);
    this.bid.active = false;
    this.ask.active = false;
    const info = this.infoObj;
    info.makerFills = 0;
    info.takerFills = 0;
    info.refused = 0;
    info.rejected = 0;
    info.liquidated = false;
    this.started = true;
    this.done = false;
    this.closeOut = false;
    const r = this.result;
    r.reward = 0;
    r.terminated = false;
    r.truncated = false;
    this.writeObs();
    this.writeInfo();
    return r;
  }

  step(action: number | ArrayLike<number>): StepResult<BookStepInfo> {
    const a = typeof action === 'number' ? action : action[0];
    const n = this.kinds.length;
    if (!Number.isInteger(a) || a < 0 || a >= n) {
      throw new RangeError(`action ${a} is not in Discrete(${n})${Number.isNaN(a) ? ' (NaN)' : ''}; actions: ${this.actionMeanings.join(', ')}`);
    }
    if (!this.started) throw new Error('call reset() before step()');
    if (this.done) throw new Error('the episode is over: call reset()');
    const m = this.market;
    const bk = m.books;
    const N = m.depth;
    const L = this.cfg.latency;
    const acc = this.accounts;
    const t = this.t;
    const b = t + 1;

    // Decide at t: limit prices come from the snapshot the agent sees.
    const kind = this.kinds[a];
    let ticks = NaN;
    if (kind === Kind.Bid) {
      const p = bk.bidPx[t * N];
      if (p > 0) ticks = toTicks(m.grid, p) - this.offsets[a];
    } else if (kind === Kind.Ask) {
      const p = bk.askPx[t * N];
      if (p > 0) ticks = toTicks(m.grid, p) + this.offsets[a];
    }
    this.pendingAction[t % L] = a;
    this.pendingTicks[t % L] = ticks;
    const due = this.pendingAction[b % L];
    const dueTicks = this.pendingTicks[b % L];
    this.pendingAction[b % L] = -1;

    const prevEquity = acc.equity[0];
    const tradedBefore = acc.traded[0];
    const tradesBefore = acc.trades[0];
    if (this.bid.active || this.ask.active) this.matchResting(b);
    if (due >= 0) this.execute(due, dueTicks, b);

    const mid = m.mid[b];
    let liq = this.closeOut;
    this.closeOut = false;
    // The position's margin is re-posted after the step's fills, at the mid it is marked at.
    if (acc.trades[0] !== tradesBefore && !liq) acc.remargin(0, mid, this.cfg.maxLeverage);
    const pos = acc.position[0];
    if (pos !== 0) {
      const lp = acc.liquidationPrice(0, this.cfg.maintenanceMargin);
      if (pos > 0 ? mid <= lp : mid >= lp) {
        this.liquidate(mid);
        liq = true;
      }
    }
    if (liq) {
      this.bid.active = false;
      this.ask.active = false;
    }
    const eq = acc.markTo(0, mid);
    const rin = this.rin;
    const peak = acc.peakEquity[0];
    rin.prevEquity = prevEquity;
    rin.equity = eq;
    rin.turnover = prevEquity > 0 ? (acc.traded[0] - tradedBefore) / prevEquity : 0;
    const pdd = 1 - prevEquity / peak;
    rin.prevDrawdown = pdd > 0 ? pdd : 0;
    rin.drawdown = 1 - eq / peak;
    let reward = this.reward.compute(0, rin);
    if (this.penalty > 0) {
      const inv = acc.position[0] / this.maxPos;
      reward -= this.penalty * inv * inv;
    }
    this.t = b;
    const r = this.result;
    r.reward = reward;
    r.terminated = liq || !(eq > 0);
    r.truncated = !r.terminated && b >= this.end - 1;
    this.done = r.terminated || r.truncated;
    this.infoObj.liquidated = liq;
    this.writeObs();
    this.writeInfo();
    return r;
  }

  /**
   * Base units the position may still grow by on `side` (+1 buy, -1 sell) at the current mid,
   * for a fill costing `costRate` of mid per unit (price against mid, plus the fee): within
   * maxPositionUnits, within maxLeverage x equity, and with the new position's margin plus the
   * costs within the equity (q <= (eq - ps mid im) / (mid (im + c)), ps the position along
   * `side`); cutting a position on the other side is always allowed.
   */
  private room(side: number, costRate: number): number {
    const acc = this.accounts;
    const cfg = this.cfg;
    const mid = this.market.mid[this.t + 1];
    const pos = acc.position[0];
    const ps = pos * side;
    const units = (side > 0 || cfg.allowShort ? cfg.maxPositionUnits : 0) - ps;
    const eq = acc.cash[0] + pos * mid;
    const lev = cfg.maxLeverage;
    const im = 1 / (lev > 1 ? lev : 1);
    // A rebate (negative maker fee) or a fill better than mid is not counted as budget.
    const c = costRate > 0 ? costRate : 0;
    let fund = eq > 0 ? (lev * eq) / mid - ps : 0;
    // A hair below the exact bound, so float rounding never leaves cash a fraction below zero.
    const budget = eq > 0 ? ((eq - ps * mid * im) / (mid * (im + c))) * (1 - 1e-12) : 0;
    if (budget < fund) fund = budget;
    if (fund < -ps) fund = -ps;
    return fund < units ? fund : units;
  }

  /** Cost per unit of a fill at `price` on `side` with fee rate `feeRate`, as a fraction of mid. */
  private costRate(side: number, price: number, feeRate: number): number {
    const mid = this.market.mid[this.t + 1];
    return ((price - mid) * side + price * feeRate) / mid;
  }

  /** Closes the position at `mid` with taker + liquidation fees; the account caps the loss at the margin. */
  private liquidate(mid: number): void {
    const acc = this.accounts;
    acc.liquidate(0, mid, Math.abs(acc.position[0]) * mid * (this.cfg.takerFee + this.cfg.liquidationFee));
  }

  /** The resting orders against the trades of step b, then against snapshot b. */
  private matchResting(b: number): void {
    const m = this.market;
    const tr = m.trades;
    const bid = this.bid;
    const ask = this.ask;
    for (let j = m.tradeStart[b], e = m.tradeStart[b + 1]; j < e; j++) {
      const tt = toTicks(m.grid, tr.price[j]);
      if (bid.active) this.makerFill(bid, queueOnTrade(bid, tt, tr.amount[j], tr.side[j]));
      if (ask.active) this.makerFill(ask, queueOnTrade(ask, tt, tr.amount[j], tr.side[j]));
    }
    const bk = m.books;
    const N = m.depth;
    const o = b * N;
    if (bid.active) {
      const shown = sizeAtTicks(m.grid, bk.bidPx, bk.bidSz, o, N, 1, bid.ticks);
      const opp = bk.askPx[o] > 0 ? toTicks(m.grid, bk.askPx[o]) : NaN;
      this.makerFill(bid, queueOnBook(bid, shown, opp));
    }
    if (ask.active) {
      const shown = sizeAtTicks(m.grid, bk.askPx, bk.askSz, o, N, -1, ask.ticks);
      const opp = bk.bidPx[o] > 0 ? toTicks(m.grid, bk.bidPx[o]) : NaN;
      this.makerFill(ask, queueOnBook(ask, shown, opp));
    }
  }

  /** Books `qty` of a resting order at its price as maker, clipped to the position room. */
  private makerFill(o: QueueOrder, qty: number): void {
    if (!(qty > 0)) return;
    const room = this.room(o.side, this.costRate(o.side, o.price, this.cfg.makerFee));
    const q = qty < room ? qty : room > 0 ? room : 0;
    if (q > this.eps) {
      this.accounts.fill(0, o.side * q, o.price, q * o.price * this.cfg.makerFee);
      this.infoObj.makerFills++;
    }
    if (q < qty - this.eps) {
      o.active = false;
      this.infoObj.refused++;
      return;
    }
    o.remaining -= q;
    if (o.remaining <= this.eps) o.active = false;
  }

  /** The action decided at b - latency reaches snapshot b. */
  private execute(a: number, ticks: number, b: number): void {
    const kind = this.kinds[a];
    const m = this.market;
    const bk = m.books;
    const N = m.depth;
    const o = b * N;
    const acc = this.accounts;
    switch (kind) {
      case Kind.Buy:
      case Kind.Sell: {
        const side = kind === Kind.Buy ? 1 : -1;
        const best = side > 0 ? bk.askPx[o] : bk.bidPx[o];
        // Sized at the best price first; the walk's average price is worse, so the fill is
        // checked again at it and, when it does not fit, walked again with what fits (a smaller
        // order walks fewer levels and costs less per unit: one more walk suffices).
        const room = this.room(side, best > 0 ? this.costRate(side, best, this.cfg.takerFee) : 0);
        const q = room < this.orderSize ? room : this.orderSize;
        if (q <= this.eps) {
          this.infoObj.refused++;
          return;
        }
        const f = walkBook(this.fill, side * q, bk.bidPx, bk.bidSz, bk.askPx, bk.askSz, o, N, this.cfg);
        const filled = Math.abs(f.qty);
        if (filled > 0) {
          const fits = this.room(side, this.costRate(side, f.price, this.cfg.takerFee));
          if (filled > fits + this.eps) {
            if (fits <= this.eps) {
              this.infoObj.refused++;
              return;
            }
            this.market1(side * fits, o);
            return;
          }
          acc.fill(0, f.qty, f.price, f.fee);
          this.infoObj.takerFills++;
        }
        return;
      }
      case Kind.Bid:
      case Kind.Ask: {
        const side = kind === Kind.Bid ? 1 : -1;
        const slot = side > 0 ? this.bid : this.ask;
        const oppPx = side > 0 ? bk.askPx[o] : bk.bidPx[o];
        if (ticks !== ticks || (oppPx > 0 && (toTicks(m.grid, oppPx) - ticks) * side <= 0)) {
          this.infoObj.rejected++;
          return;
        }
        if (slot.active && slot.ticks === ticks) return;
        const room = this.room(side, this.costRate(side, fromTicks(m.grid, ticks), this.cfg.makerFee));
        const q = room < this.orderSize ? room : this.orderSize;
        if (q <= this.eps) {
          this.infoObj.refused++;
          return;
        }
        const shown = side > 0
          ? sizeAtTicks(m.grid, bk.bidPx, bk.bidSz, o, N, 1, ticks)
          : sizeAtTicks(m.grid, bk.askPx, bk.askSz, o, N, -1, ticks);
        placeQueueOrder(slot, ticks, fromTicks(m.grid, ticks), q, shown);
        return;
      }
      case Kind.Cancel:
        this.bid.active = false;
        this.ask.active = false;
        return;
      case Kind.Flatten: {
        this.bid.active = false;
        this.ask.active = false;
        const pos = acc.position[0];
        if (pos === 0) return;
        // An exit whose costs exceed what is left of the margin is a liquidation (isolated
        // margin: the loss stops at the margin), as in the candle env.
        const f = walkBook(this.fill, -pos, bk.bidPx, bk.bidSz, bk.askPx, bk.askSz, o, N, this.cfg);
        const mid = m.mid[b];
        const eq = acc.cash[0] + pos * mid;
        if (f.qty === -pos && (f.price - mid) * f.qty + f.fee > eq - acc.reserve[0]) {
          this.liquidate(mid);
          this.closeOut = true;
          return;
        }
        if (f.qty !== 0) {
          acc.fill(0, f.qty, f.price, f.fee);
          this.infoObj.takerFills++;
        }
        return;
      }
      default:
        return;
    }
  }

  /** A market order of signed `qty` walking snapshot row offset `o` (IOC). */
  private market1(qty: number, o: number): void {
    const bk = this.market.books;
    const f = walkBook(this.fill, qty, bk.bidPx, bk.bidSz, bk.askPx, bk.askSz, o, this.market.depth, this.cfg);
    if (f.qty !== 0) {
      this.accounts.fill(0, f.qty, f.price, f.fee);
      this.infoObj.takerFills++;
    }
  }

  private writeObs(): void {
    const m = this.market;
    const bk = m.books;
    const N = m.depth;
    const K = this.levels;
    const t = this.t;
    const off = t * N;
    const ob = this.obs;
    const mid = m.mid[t];
    const scale = this.bps ? 1e4 / mid : 1 / m.grid.tick;
    const inv = this.invSize;
    for (let k = 0; k < K; k++) {
      const bp = bk.bidPx[off + k];
      const ap = bk.askPx[off + k];
      // A missing level reads as offset 0 and size 0.
      ob[k] = bp > 0 ? (mid - bp) * scale : 0;
      ob[K + k] = ap > 0 ? (ap - mid) * scale : 0;
      ob[2 * K + k] = bp > 0 ? Math.log1p(bk.bidSz[off + k] * inv) : 0;
      ob[3 * K + k] = ap > 0 ? Math.log1p(bk.askSz[off + k] * inv) : 0;
    }
    let j = 4 * K;
    const b0 = bk.bidPx[off];
    const a0 = bk.askPx[off];
    ob[j++] = b0 > 0 && a0 > 0 ? ((a0 - b0) / mid) * 1e4 : 0;
    ob[j++] = t > m.firstValid ? Math.log(mid / m.mid[t - 1]) * 1e4 : 0;
    const depths = this.imbDepths;
    for (let d = 0; d < depths.length; d++) {
      let sb = 0;
      let sa = 0;
      for (let k = 0, e = depths[d]; k < e; k++) {
        sb += bk.bidSz[off + k];
        sa += bk.askSz[off + k];
      }
      ob[j++] = sb + sa > 0 ? (sb - sa) / (sb + sa) : 0;
    }
    const tr = m.trades;
    let buy = 0;
    let sell = 0;
    for (let i = m.tradeStart[t], e = m.tradeStart[t + 1]; i < e; i++) {
      if (tr.side[i] > 0) buy += tr.amount[i];
      else sell += tr.amount[i];
    }
    ob[j++] = buy + sell > 0 ? (buy - sell) / (buy + sell) : 0;
    ob[j++] = Math.log1p((buy + sell) * inv);
    const acc = this.accounts;
    const eq = acc.equity[0];
    const invFrac = acc.position[0] / this.maxPos;
    ob[j++] = invFrac > 1 ? 1 : invFrac < -1 ? -1 : invFrac;
    ob[j++] = eq > 0 ? acc.unrealised(0) / eq : 0;
    ob[j++] = this.bid.active ? 1 : 0;
    ob[j++] = queueAheadFraction(this.bid);
    ob[j++] = this.ask.active ? 1 : 0;
    ob[j++] = queueAheadFraction(this.ask);
  }

  private writeInfo(): void {
    const acc = this.accounts;
    const info = this.infoObj;
    info.t = this.t;
    info.ts = this.market.books.ts[this.t];
    info.mid = this.market.mid[this.t];
    info.equity = acc.equity[0];
    info.position = acc.position[0];
    info.cash = acc.cash[0];
    info.fees = acc.fees[0];
  }
}
