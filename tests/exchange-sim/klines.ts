// GET /api/v3/klines for one symbol: the stored candles, or (cheaply) candles of a longer fixed
// interval resampled from a stored timeframe that divides it. 3d, 1w and 1M are never resampled
// (their alignment is not plain epoch arithmetic); unservable intervals answer [] like Binance
// does for a valid interval with no data.
import type { Candles } from '../../data/types.js';
import { timeframeMs } from '../../data/timeframe.js';
import { fixed8, fmt } from './format.js';
import { intervalMs } from './intervals.js';
import { assertAscending, lowerBound, upperBound } from './sorted.js';

/** [openTime, open, high, low, close, volume, closeTime, quoteVolume, trades, takerBase, takerQuote, ignore] */
export type KlineRow = [number, string, string, string, string, string, number, string, number, string, string, string];

const RESAMPLE_MAX_MS = 86_400_000;

export class KlineHistory {
  private readonly stored = new Map<string, Candles>();
  private readonly resampled = new Map<string, Candles | undefined>();

  /** `countTrades(from, to)` fills the trade-count column when the symbol has trade data. */
  constructor(series: Candles[], private readonly countTrades?: (from: number, to: number) => number) {
    for (const c of series) {
      if (this.stored.has(c.timeframe)) {
        throw new Error(`exchange-sim: two candle datasets for ${c.symbol} ${c.timeframe}`);
      }
      timeframeMs(c.timeframe); // throws on a malformed timeframe
      assertAscending(c.ts, `candles ${c.symbol} ${c.timeframe} ts`);
      this.stored.set(c.timeframe, c);
    }
  }

  /** Close of the most recent bar of the finest stored timeframe (seeds synthetic live data). */
  lastBar(): { close: number; closeTime: number } | undefined {
    const best = this.finest();
    if (!best) return undefined;
    const n = best.ts.length - 1;
    return { close: best.close[n], closeTime: best.ts[n] + timeframeMs(best.timeframe) };
  }

  /** Open / high / low / volume over the last 24 h of the finest stored series (for ticker/24hr). */
  last24h(): { openTime: number; closeTime: number; open: number; high: number; low: number; volume: number; quoteVolume: number } | undefined {
    const c = this.finest();
    if (!c || c.ts.length === 0) return undefined;
    const n = c.ts.length;
    const closeTime = c.ts[n - 1] + timeframeMs(c.timeframe) - 1;
    const from = lowerBound(c.ts, closeTime + 1 - 86_400_000);
    let high = -Infinity;
    let low = Infinity;
    let volume = 0;
    let quoteVolume = 0;
    for (let i = from; i < n; i++) {
      if (c.high[i] > high) high = c.high[i];
      if (c.low[i] < low) low = c.low[i];
      volume += c.volume[i];
      quoteVolume += (c.volume[i] * (c.high[i] + c.low[i] + c.close[i])) / 3;
    }
    return { openTime: c.ts[from], closeTime, open: c.open[from], high, low, volume, quoteVolume };
  }

  /** Candles of `interval`, stored or resampled; undefined when the sim cannot serve it. */
  series(interval: string): Candles | undefined {
    const direct = this.stored.get(interval);
    if (direct) return direct;
    if (this.resampled.has(interval)) return this.resampled.get(interval);
    const target = intervalMs(interval);
    let source: Candles | undefined;
    if (target !== undefined && target <= RESAMPLE_MAX_MS) {
      for (const c of this.stored.values()) {
        const ms = timeframeMs(c.timeframe);
        if (target % ms === 0 && (!source || ms > timeframeMs(source.timeframe))) source = c;
      }
    }
    const out = source && target !== undefined ? resample(source, interval, target) : undefined;
    this.resampled.set(interval, out);
    return out;
  }

  private finest(): Candles | undefined {
    let best: Candles | undefined;
    for (const c of this.stored.values()) {
      if (c.ts.length && (!best || timeframeMs(c.timeframe) < timeframeMs(best.timeframe))) best = c;
    }
    return best;
  }

  /**
   * Binance's selection: with startTime, the first `limit` bars opening in [startTime, endTime];
   * with only endTime, the last `limit` bars opening at or before it; with neither, the latest.
   */
  query(interval: string, start: number | undefined, end: number | undefined, limit: number): KlineRow[] {
    const c = this.series(interval);
    if (!c) return [];
    const ms = intervalMs(interval) ?? timeframeMs(c.timeframe);
    let from = start === undefined ? 0 : lowerBound(c.ts, start);
    let to = end === undefined ? c.ts.length : upperBound(c.ts, end);
    if (from >= to) return [];
    if (start !== undefined) to = Math.min(to, from + limit);
    else from = Math.max(from, to - limit);
    const rows: KlineRow[] = [];
    for (let i = from; i < to; i++) {
      const t = c.ts[i];
      const v = c.volume[i];
      // The datasets carry no quote volume or taker split: approximate, it is never exact anyway.
      const quoteVolume = (v * (c.high[i] + c.low[i] + c.close[i])) / 3;
      rows.push([
        t, fmt(c.open[i]), fmt(c.high[i]), fmt(c.low[i]), fmt(c.close[i]), fmt(v), t + ms - 1,
        fixed8(quoteVolume), this.countTrades ? this.countTrades(t, t + ms - 1) : 0,
        fixed8(v / 2), fixed8(quoteVolume / 2), '0',
      ]);
    }
    return rows;
  }
}

/** OHLCV aggregation into epoch-aligned buckets of `ms`. */
function resample(c: Candles, interval: string, ms: number): Candles {
  const ts: number[] = [];
  const o: number[] = [];
  const h: number[] = [];
  const l: number[] = [];
  const cl: number[] = [];
  const v: number[] = [];
  for (let i = 0; i < c.ts.length; i++) {
    const b = Math.floor(c.ts[i] / ms) * ms;
    const k = ts.length - 1;
    if (k < 0 || ts[k] !== b) {
      ts.push(b); o.push(c.open[i]); h.push(c.high[i]); l.push(c.low[i]); cl.push(c.close[i]); v.push(c.volume[i]);
    } else {
      if (c.high[i] > h[k]) h[k] = c.high[i];
      if (c.low[i] < l[k]) l[k] = c.low[i];
      cl[k] = c.close[i];
      v[k] += c.volume[i];
    }
  }
  return {
    exchange: c.exchange, symbol: c.symbol, timeframe: interval,
    ts: Float64Array.from(ts), open: Float64Array.from(o), high: Float64Array.from(h),
    low: Float64Array.from(l), close: Float64Array.from(cl), volume: Float64Array.from(v),
  };
}
