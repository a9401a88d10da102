// The live side of the sim: per symbol, a book feed and a trade feed advanced by a replay clock
// (data time = start + elapsed wall time * replaySpeed) on a 100 ms timer, publishing Binance
// stream events (depth diffs and partial depth, bookTicker, trade, aggTrade, kline, ticker).
// Books are kept current whether or not anyone listens, so the REST depth snapshot always
// continues the stream's update ids.
import type { Books, Trades } from '../../data/types.js';
import type { SimMarket } from './exchange-info.js';
import { DatasetBookFeed, DiffAccumulator, LiveBook, type BookFeed } from './book-replay.js';
import { DatasetTradeFeed, type LiveTrade, type TradeFeed } from './trade-replay.js';
import { SyntheticBookFeed, SyntheticTradeFeed, rngFor } from './synthetic.js';
import { KlineAggregator } from './kline-live.js';
import { BINANCE_INTERVALS } from './intervals.js';
import { miniTickerEvent, tickerEvent, type Ticker24h } from './tickers.js';
import { aggTradeEvent, bookTicker, depthSnapshot, depthUpdate, tradeEvent } from './payloads.js';

/** Where events go (the websocket hub). */
export interface Publisher {
  /** Sends to the stream's subscribers; `make` is only called when there are some. */
  publish(stream: string, make: () => unknown): void;
  /** Every stream that has at least one subscriber. */
  streams(): Iterable<string>;
}

export interface LiveSources {
  books?: Books;
  trades?: { data: Trades; ids: Float64Array };
  /** Last candle of the symbol: where synthetic data starts, in time and price. */
  lastBar?: { close: number; closeTime: number };
}

/** Real ms per tick; @depth@100ms events go out every tick, @depth (1000 ms) every 10th. */
export const TICK_MS = 100;
const SLOW_EVERY = 10;
/** Recorded books and trades starting this close together are one capture: replay them in step. */
const SAME_CAPTURE_MS = 3_600_000;
/** Events one feed may emit per tick; beyond that the clock skips ahead instead of falling behind. */
const MAX_EVENTS = 5000;
const PARTIAL_DEPTHS = [5, 10, 20];

/** Maps wall time to data time. */
class ReplayClock {
  constructor(private dataStart: number, private realStart: number, private readonly speed: number) {}

  at(realNow: number): number {
    return this.dataStart + (realNow - this.realStart) * this.speed;
  }

  /** Declares that data time `dataT` is now (drops a backlog too large to replay). */
  rebase(dataT: number, realNow: number): void {
    this.dataStart = dataT;
    this.realStart = realNow;
  }
}

interface LiveSymbol {
  m: SimMarket;
  book?: { feed: BookFeed; clock: ReplayClock; live: LiveBook; fast: DiffAccumulator; slow: DiffAccumulator };
  trades?: { feed: TradeFeed; clock: ReplayClock };
  klines: Map<string, KlineAggregator>;
  lastPrice?: number;
  lastTradeId?: number;
}

export class LiveMarket {
  private readonly symbols = new Map<string, LiveSymbol>();
  private readonly t0: number;
  private timer: NodeJS.Timeout | undefined;
  private ticks = 0;
  private failed = false;

  /**
   * `ticker(m)` supplies the 24 h statistics of <symbol>@ticker / @miniTicker (they come from the
   * candle history, which this class does not own).
   */
  constructor(
    private readonly pub: Publisher,
    private readonly speed: number,
    private readonly synthetic: boolean,
    private readonly ticker?: (m: SimMarket) => Ticker24h,
    private readonly clock: () => number = Date.now,
  ) {
    this.t0 = clock();
  }

  /** Sets up the feeds of one symbol: recorded data where there is some, else synthetic if enabled. */
  add(m: SimMarket, src: LiveSources): void {
    const s: LiveSymbol = { m, klines: new Map() };
    const startTs = src.books?.ts[0] ?? src.trades?.data.ts[0] ?? src.lastBar?.closeTime ?? this.t0;
    // One synthetic step per tick at any speed (but never finer than 100 ms of data time).
    const stepMs = Math.max(TICK_MS, Math.round(TICK_MS * this.speed));
    let bookFeed: BookFeed | undefined;
    if (src.books) bookFeed = new DatasetBookFeed(src.books);
    else if (this.synthetic) {
      bookFeed = new SyntheticBookFeed({
        startTs, stepMs, mid: src.trades?.data.price[0] ?? src.lastBar?.close ?? 100,
        priceDecimals: m.priceDecimals, qtyDecimals: m.qtyDecimals, rng: rngFor(m.symbol, 'book'),
        anchor: src.trades ? () => s.lastPrice : undefined,
      });
    }
    // Dataset books and trades of one capture share a clock start so they stay aligned in time;
    // unrelated datasets (far apart) each start replaying at once.
    const common = src.books && src.trades && Math.abs(src.books.ts[0] - src.trades.data.ts[0]) <= SAME_CAPTURE_MS
      ? Math.min(src.books.ts[0], src.trades.data.ts[0]) : undefined;
    if (bookFeed) {
      s.book = {
        feed: bookFeed, clock: new ReplayClock(common ?? bookFeed.startTs, this.t0, this.speed),
        live: new LiveBook(bookFeed.first()), fast: new DiffAccumulator(), slow: new DiffAccumulator(),
      };
    }
    let tradeFeed: TradeFeed | undefined;
    if (src.trades) tradeFeed = new DatasetTradeFeed(src.trades.data, src.trades.ids);
    else if (this.synthetic && s.book) {
      tradeFeed = new SyntheticTradeFeed({
        startTs, stepMs, qtyDecimals: m.qtyDecimals, rng: rngFor(m.symbol, 'trades'),
        quote: () => s.book?.live.best() ?? {},
      });
    }
    if (tradeFeed) s.trades = { feed: tradeFeed, clock: new ReplayClock(common ?? tradeFeed.startTs, this.t0, this.speed) };
    this.symbols.set(m.id, s);
  }

  start(): void {
    this.timer = setInterval(() => this.tick(), TICK_MS);
    this.timer.unref(); // a forgotten sim must not keep a test process alive
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  book(id: string): LiveBook | undefined {
    return this.symbols.get(id)?.book?.live;
  }

  lastPrice(id: string): number | undefined {
    return this.symbols.get(id)?.lastPrice;
  }

  lastTradeId(id: string): number | undefined {
    return this.symbols.get(id)?.lastTradeId;
  }

  /** Advances every feed to the current data time and publishes what happened. */
  tick(): void {
    try {
      const now = this.clock();
      const slow = ++this.ticks % SLOW_EVERY === 0;
      const klineSubs = this.klineSubscriptions();
      for (const s of this.symbols.values()) {
        this.syncKlines(s, klineSubs.get(s.m.lower));
        this.advanceBook(s, now);
        this.advanceTrades(s, now);
        this.flushBook(s, slow);
        this.flushKlines(s, now);
        if (slow) this.flushTickers(s, now);
      }
    } catch (e) {
      // A throw inside a timer would kill the test process; report once and keep serving.
      if (!this.failed) console.error('exchange-sim: live tick failed:', e);
      this.failed = true;
    }
  }

  private advanceBook(s: LiveSymbol, now: number): void {
    const b = s.book;
    if (!b) return;
    const until = b.clock.at(now);
    let n = 0;
    while (n < MAX_EVENTS) {
      const snap = b.feed.next(until);
      if (!snap) break;
      n++;
      const d = b.live.apply(snap);
      if (d) {
        b.fast.add(d);
        b.slow.add(d);
      }
    }
    if (n === MAX_EVENTS) b.clock.rebase(b.live.ts, now);
  }

  private advanceTrades(s: LiveSymbol, now: number): void {
    const tr = s.trades;
    if (!tr) return;
    const until = tr.clock.at(now);
    let n = 0;
    let last: LiveTrade | undefined;
    while (n < MAX_EVENTS) {
      const t = tr.feed.next(until);
      if (!t) break;
      n++;
      last = t;
      this.emitTrade(s, t);
    }
    if (n === MAX_EVENTS && last) tr.clock.rebase(last.ts, now);
  }

  private emitTrade(s: LiveSymbol, t: LiveTrade): void {
    const { id, lower } = s.m;
    s.lastPrice = t.price;
    s.lastTradeId = t.id;
    this.pub.publish(`${lower}@trade`, () => tradeEvent(id, t));
    this.pub.publish(`${lower}@aggTrade`, () => aggTradeEvent(id, t));
    for (const k of s.klines.values()) {
      const closed = k.add(t);
      if (closed) this.pub.publish(`${lower}@kline_${k.interval}`, () => closed);
    }
  }

  private flushBook(s: LiveSymbol, slow: boolean): void {
    const b = s.book;
    if (!b) return;
    const { id, lower } = s.m;
    const fast = b.fast.take();
    if (fast) {
      this.pub.publish(`${lower}@depth@100ms`, () => depthUpdate(id, fast));
      this.pub.publish(`${lower}@bookTicker`, () => bookTicker(id, b.live));
      for (const n of PARTIAL_DEPTHS) this.pub.publish(`${lower}@depth${n}@100ms`, () => depthSnapshot(b.live, n));
    }
    const diff = slow ? b.slow.take() : undefined;
    if (diff) {
      this.pub.publish(`${lower}@depth`, () => depthUpdate(id, diff));
      this.pub.publish(`${lower}@depth@1000ms`, () => depthUpdate(id, diff));
      for (const n of PARTIAL_DEPTHS) {
        this.pub.publish(`${lower}@depth${n}`, () => depthSnapshot(b.live, n));
        this.pub.publish(`${lower}@depth${n}@1000ms`, () => depthSnapshot(b.live, n));
      }
    }
  }

  private flushKlines(s: LiveSymbol, now: number): void {
    if (!s.trades) return;
    const E = Math.round(s.trades.clock.at(now));
    for (const k of s.klines.values()) {
      const ev = k.update(E);
      if (ev) this.pub.publish(`${s.m.lower}@kline_${k.interval}`, () => ev);
    }
  }

  private flushTickers(s: LiveSymbol, now: number): void {
    const make = this.ticker;
    if (!make) return;
    const E = Math.round((s.trades ?? s.book)?.clock.at(now) ?? now);
    let row: Ticker24h | undefined;
    const get = () => (row ??= make(s.m));
    this.pub.publish(`${s.m.lower}@ticker`, () => tickerEvent(get(), E));
    this.pub.publish(`${s.m.lower}@miniTicker`, () => miniTickerEvent(get(), E));
  }

  /** Kline streams only cost anything while subscribed: intervals wanted, per lowercase symbol. */
  private klineSubscriptions(): Map<string, Set<string>> {
    const out = new Map<string, Set<string>>();
    for (const stream of this.pub.streams()) {
      const m = /^([a-z0-9]+)@kline_(\w+)$/.exec(stream);
      if (!m || !BINANCE_INTERVALS.has(m[2])) continue;
      let set = out.get(m[1]);
      if (!set) out.set(m[1], (set = new Set()));
      set.add(m[2]);
    }
    return out;
  }

  private syncKlines(s: LiveSymbol, wanted: Set<string> | undefined): void {
    for (const interval of s.klines.keys()) if (!wanted?.has(interval)) s.klines.delete(interval);
    if (wanted) for (const interval of wanted) if (!s.klines.has(interval)) s.klines.set(interval, new KlineAggregator(s.m.id, interval));
  }
}
