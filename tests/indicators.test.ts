// Indicators: TA-Lib's own outputs (tests/fixtures/talib, made by scripts/talib-oracle from the
// shipped Coinbase sample), a hand-checked case per family, batch == streaming and no lookahead
// for every indicator, NaN handling, the drift guard, and order-book features on the sample books.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { readCandles } from '../data/store/candle-store.js';
import { readBooks } from '../data/store/book-store.js';
import { readTrades } from '../data/store/trade-store.js';
import { SAMPLES_STORE } from '../data/store/catalog.js';
import { sliceCandles, type Books, type Candles, type Trades } from '../data/types.js';
import { ConfigError, DataError } from '../data/errors.js';
import * as I from '../data/features/indicators/index.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/talib/', import.meta.url));

interface OracleSpec {
  file: string;
  fn: string;
  params: number[];
  rows: number;
  columns: string[];
}

const meta = JSON.parse(readFileSync(join(FIXTURES, 'meta.json'), 'utf8')) as {
  input: { rows: number; firstTs: number; lastTs: number };
  specs: OracleSpec[];
};

function readReference(spec: OracleSpec): Float64Array[] {
  const lines = readFileSync(join(FIXTURES, spec.file), 'utf8').trim().split('\n').slice(1);
  const cols = spec.columns.map(() => new Float64Array(lines.length));
  lines.forEach((line, i) => line.split(',').forEach((v, k) => (cols[k][i] = v === 'nan' ? NaN : Number(v))));
  return cols;
}

/** Largest |a - e| / max(|a|, |e|) over rows where both are numbers, and rows where one is NaN. */
function compare(actual: ArrayLike<number>, expected: ArrayLike<number>, rows = expected.length) {
  let maxRel = 0;
  const nanMismatch: number[] = [];
  for (let i = 0; i < rows; i++) {
    const a = actual[i];
    const e = expected[i];
    if (Number.isNaN(a) || Number.isNaN(e)) {
      if (Number.isNaN(a) !== Number.isNaN(e)) nanMismatch.push(i);
      continue;
    }
    const scale = Math.max(Math.abs(a), Math.abs(e));
    if (scale > 0) maxRel = Math.max(maxRel, Math.abs(a - e) / scale);
  }
  return { maxRel, nanMismatch };
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-9, rows = expected.length): void {
  const { maxRel, nanMismatch } = compare(actual, expected, rows);
  expect(nanMismatch.slice(0, 5)).toEqual([]);
  expect(maxRel).toBeLessThanOrEqual(tol);
}

function leadingNaNs(a: ArrayLike<number>): number {
  let i = 0;
  while (i < a.length && Number.isNaN(a[i])) i++;
  return i;
}

const f64 = (...v: number[]) => Float64Array.from(v);

function bars(high: number[], low: number[], close: number[], volume: number[] = close.map(() => 1)) {
  return { high: f64(...high), low: f64(...low), close: f64(...close), volume: f64(...volume) };
}

let candles: Candles;
let books: Books;
let trades: Trades;

beforeAll(async () => {
  const all = await readCandles(SAMPLES_STORE, { exchange: 'coinbase', symbol: 'BTC/USD', timeframe: '1h' });
  candles = sliceCandles(all, 0, meta.input.rows);
  books = await readBooks(SAMPLES_STORE, { exchange: 'binance', symbol: 'BTC/USDT', depth: 20 });
  trades = await readTrades(SAMPLES_STORE, { exchange: 'binance', symbol: 'BTC/USDT' });
});

/** Our batch outputs for a TA-Lib spec, in the oracle's column order, and our lookback for it. */
function ours(c: Candles, fn: string, p: number[]): { outputs: Float64Array[]; lookback: number } {
  switch (fn) {
    case 'SMA': return { outputs: [I.sma(c.close, p[0])], lookback: I.smaLookback(p[0]) };
    case 'EMA': return { outputs: [I.ema(c.close, p[0])], lookback: I.emaLookback(p[0]) };
    case 'WMA': return { outputs: [I.wma(c.close, p[0])], lookback: I.wmaLookback(p[0]) };
    case 'RSI': return { outputs: [I.rsi(c.close, p[0])], lookback: I.rsiLookback(p[0]) };
    case 'MACD': {
      const opts = { fast: p[0], slow: p[1], signal: p[2] };
      const m = I.macd(c.close, opts);
      return { outputs: [m.macd, m.signal, m.hist], lookback: I.macdLookback(opts) };
    }
    case 'BBANDS': {
      expect(p[1]).toBe(p[2]); // one k for both bands
      const b = I.bollinger(c.close, { n: p[0], k: p[1] });
      return { outputs: [b.upper, b.middle, b.lower], lookback: I.bollingerLookback({ n: p[0] }) };
    }
    case 'STDDEV': return { outputs: [I.bollinger(c.close, { n: p[0] }).std], lookback: I.bollingerLookback({ n: p[0] }) };
    case 'ATR': return { outputs: [I.atr(c, p[0])], lookback: I.atrLookback(p[0]) };
    case 'TRANGE': return { outputs: [I.trueRange(c)], lookback: I.trueRangeLookback() };
    case 'STOCH': {
      const opts = { kPeriod: p[0], kSmooth: p[1], dPeriod: p[2] };
      const s = I.stochastic(c, opts);
      return { outputs: [s.k, s.d], lookback: I.stochasticLookback(opts) };
    }
    case 'OBV': return { outputs: [I.obv(c)], lookback: I.obvLookback() };
    case 'ROC': return { outputs: [I.roc(c.close, p[0])], lookback: I.rocLookback(p[0]) };
    default: throw new Error(`no mapping for TA-Lib ${fn}`);
  }
}

describe('TA-Lib reference values (Coinbase BTC/USD 1h sample)', () => {
  it('reads the same input rows the references were made from', () => {
    expect(candles.ts.length).toBe(meta.input.rows);
    expect(candles.ts[0]).toBe(meta.input.firstTs);
    expect(candles.ts[meta.input.rows - 1]).toBe(meta.input.lastTs);
  });

  // TA-Lib's double API has no float intermediates, so one tolerance fits all: 1e-9 relative.
  // (Measured: EMA, RSI, MACD, ATR, TRANGE, OBV, ROC equal bit for bit; SMA/WMA/STOCH within
  // 1e-13; Bollinger bands 1e-12; STDDEV 1.4e-10, TA-Lib's own cancellation error.)
  for (const spec of meta.specs) {
    it(`${spec.fn}(${spec.params.join(', ')}) on ${spec.rows} rows`, () => {
      const reference = readReference(spec);
      const { outputs, lookback } = ours(candles, spec.fn, spec.params);
      reference.forEach((col, k) => {
        expect(leadingNaNs(col), `${spec.columns[k]}: TA-Lib's lookback`).toBe(lookback);
        expect(leadingNaNs(col.subarray(lookback))).toBe(0);
        expectClose(outputs[k], col, 1e-9, spec.rows);
      });
    });
  }

  it('the Bollinger std is closer to an exact two-pass std than TA-Lib is', () => {
    const n = 20;
    const x = candles.close;
    const std = I.bollinger(x, { n }).std;
    const exact = new Float64Array(x.length).fill(NaN);
    for (let i = n - 1; i < x.length; i++) {
      let m = 0;
      for (let j = i - n + 1; j <= i; j++) m += x[j];
      m /= n;
      let ss = 0;
      for (let j = i - n + 1; j <= i; j++) ss += (x[j] - m) ** 2;
      exact[i] = Math.sqrt(ss / n);
    }
    expectClose(std, exact, 1e-12);
  });
});

describe('hand-checked cases', () => {
  it('SMA, EMA, WMA', () => {
    expect(Array.from(I.sma(f64(1, 2, 3, 4, 5), 3))).toEqual([NaN, NaN, 2, 3, 4]);
    // EMA(3): k = 0.5, seed = mean(2, 4, 6) = 4, then 4 + (5-4)/2 = 4.5, 4.5 + (9-4.5)/2 = 6.75.
    expect(Array.from(I.ema(f64(2, 4, 6, 5, 9), 3))).toEqual([NaN, NaN, 4, 4.5, 6.75]);
    // WMA(3): weights 1, 2, 3 over 6.
    const w = I.wma(f64(1, 2, 3, 4, 10), 3);
    expectClose(w, [NaN, NaN, 14 / 6, 20 / 6, 41 / 6], 1e-15);
  });

  it('RSI (Wilder)', () => {
    // Changes +1, -0.5, +1.5, -1. First averages over 2 changes: gain 0.5, loss 0.25.
    const r = I.rsi(f64(10, 11, 10.5, 12, 11), 2);
    expectClose(r, [NaN, NaN, (100 * 0.5) / 0.75, (100 * 1) / 1.125, (100 * 0.5) / 1.0625], 1e-15);
  });

  it('MACD with TA-Lib seeding (fast seeded late, everything from the lookback)', () => {
    // fast 2, slow 3, signal 2: slow seed mean(1,2,3) = 2, fast seed mean(2,3) = 2.5 at index 2.
    // i=3: slow 3, fast 3.5, macd 0.5; signal seed mean(0.5, 0.5). i=4: slow 4.5, fast 31/6.
    const m = I.macd(f64(1, 2, 3, 4, 6), { fast: 2, slow: 3, signal: 2 });
    expect(I.macdLookback({ fast: 2, slow: 3, signal: 2 })).toBe(3);
    expectClose(m.macd, [NaN, NaN, NaN, 0.5, 2 / 3], 1e-15);
    expectClose(m.signal, [NaN, NaN, NaN, 0.5, 11 / 18], 1e-15);
    expectClose(m.hist, [NaN, NaN, NaN, 0, 1 / 18], 1e-14);
    expect(I.macdLookback()).toBe(33);
  });

  it('Bollinger bands (population std)', () => {
    const b = I.bollinger(f64(1, 2, 3), { n: 3, k: 2 });
    expect(b.middle[2]).toBe(2);
    expect(b.std[2]).toBeCloseTo(Math.sqrt(2 / 3), 15);
    expect(b.upper[2]).toBeCloseTo(2 + 2 * Math.sqrt(2 / 3), 14);
    expect(b.lower[2]).toBeCloseTo(2 - 2 * Math.sqrt(2 / 3), 14);
    expect(Number.isNaN(b.upper[1])).toBe(true);
  });

  it('true range and ATR (no TR on the first bar, seed = mean of TR[1..n])', () => {
    const b = bars([2, 3, 4, 4, 5], [1, 2, 3, 2, 3], [1.5, 2.5, 3.5, 3, 4]);
    expect(Array.from(I.trueRange(b))).toEqual([NaN, 1.5, 1.5, 2, 2]);
    expect(Array.from(I.atr(b, 2))).toEqual([NaN, NaN, 1.5, 1.75, 1.875]);
  });

  it('stochastic %K / %D', () => {
    // fast %K (3 bars): 75, 75, 0, 25 from index 2; %K = SMA2 -> 75, 37.5, 12.5; %D = SMA2 of %K.
    const b = bars([3, 4, 5, 6, 5, 4], [1, 2, 3, 4, 3, 2], [2, 3, 4, 5, 3, 3]);
    const s = I.stochastic(b, { kPeriod: 3, kSmooth: 2, dPeriod: 2 });
    expect(Array.from(s.k)).toEqual([NaN, NaN, NaN, NaN, 37.5, 12.5]);
    expect(Array.from(s.d)).toEqual([NaN, NaN, NaN, NaN, 56.25, 25]);
    expect(I.stochasticLookback()).toBe(17);
  });

  it('OBV starts at the first volume', () => {
    expect(Array.from(I.obv({ close: f64(10, 11, 11, 9, 12), volume: f64(5, 3, 4, 2, 1) }))).toEqual([5, 8, 8, 6, 7]);
  });

  it('VWAP, cumulative and rolling (typical price), NaN without volume', () => {
    // Typical prices 2, 4, 5, 1 with volumes 1, 3, 0, 4.
    const b = bars([3, 6, 5, 1], [1, 3, 5, 1], [2, 3, 5, 1], [1, 3, 0, 4]);
    expect(Array.from(I.vwap(b))).toEqual([2, 3.5, 3.5, 2.25]);
    expect(Array.from(I.rollingVwap(b, 2))).toEqual([NaN, 3.5, 4, 1]);
    const idle = bars([1, 1, 1], [1, 1, 1], [1, 1, 1], [2, 0, 0]);
    expect(Array.from(I.rollingVwap(idle, 2))).toEqual([NaN, 1, NaN]);
    expect(Number.isNaN(I.vwap(bars([1], [1], [1], [0]))[0])).toBe(true);
  });

  it('ROC', () => {
    expect(Array.from(I.roc(f64(10, 20, 15, 30), 2))).toEqual([NaN, NaN, 50, 50]);
    expect(Array.from(I.roc(f64(0, 20, 15), 1))).toEqual([NaN, 0, -25]); // TA-Lib: 0 after a 0
  });

  it('rolling volatility (sample std of log returns) and z-score (sample std)', () => {
    const e = Math.E;
    const v = I.rollingVolatility(f64(1, e, e ** 3, e ** 3), 2); // returns 1, 2, 0
    expect(Number.isNaN(v[1])).toBe(true);
    expect(v[2]).toBeCloseTo(Math.sqrt(0.5), 12);
    expect(v[3]).toBeCloseTo(Math.sqrt(2), 12);
    const z = I.zscore(f64(1, 2, 3, 7, 5, 5, 5), 3);
    expect(z[2]).toBeCloseTo(1, 14); // mean 2, sample std 1
    expect(z[3]).toBeCloseTo(3 / Math.sqrt(7), 14); // mean 4, deviations -2, -1, 3
    expect(z[6]).toBe(0); // flat window
  });

  it('order-book features on a two-level book', () => {
    // Row 0: bids 100 x 2, 99 x 5; asks 101 x 1, 102 x 4. Row 1: one level per side.
    const book: I.BookLevels = {
      depth: 2,
      bidPx: f64(100, 99, 100, NaN), bidSz: f64(2, 5, 1, 0),
      askPx: f64(101, 102, 100.5, NaN), askSz: f64(1, 4, 3, 0),
    };
    expect(Array.from(I.spread(book))).toEqual([1, 0.5]);
    expect(Array.from(I.mid(book))).toEqual([100.5, 100.25]);
    expectClose(I.microprice(book), [(100 * 1 + 101 * 2) / 3, (100 * 3 + 100.5 * 1) / 4], 1e-15);
    expectClose(I.depthImbalance(book, 1), [1 / 3, -0.5], 1e-15);
    expectClose(I.depthImbalance(book, 2), [2 / 12, -0.5], 1e-15);
    expect(I.micropriceOf(100, 0, 101, 0)).toBeNaN();
  });

  it('trade-flow imbalance over a time window', () => {
    const t = { ts: f64(0, 500, 1000, 1600), amount: f64(1, 2, 3, 4), side: Int8Array.from([1, -1, 1, 1]) };
    // Window (ts - 1000, ts]: the trade at 0 has left by ts 1000.
    expectClose(I.tradeFlowImbalance(t, 1000), [1, -1 / 3, 0.2, 1], 1e-15);
    const at = I.tradeFlowImbalanceAt(t, 1000, f64(-1, 999, 2700));
    expect(at[0]).toBeNaN(); // nothing traded yet
    expect(at[1]).toBeCloseTo(-1 / 3, 15);
    expect(at[2]).toBeNaN(); // window empty again
  });

  it('cross-venue spread net of fees, as-of aligned', () => {
    const a = { ts: f64(1, 3), bid: f64(100, 101), ask: f64(101, 102) };
    const b = { ts: f64(2, 3), bid: f64(102, 100), ask: f64(103, 101) };
    const s = I.crossVenueSpread(a, b, { a: 0.001, b: 0.002 });
    expect(Array.from(s.ts)).toEqual([1, 2, 3]);
    expect(s.buyASellB[0]).toBeNaN();
    // ts 2: bidB 102, askA 101: 102 - 101 - (0.002 * 102 + 0.001 * 101) = 0.695.
    expectClose(s.buyASellB, [NaN, 0.695, 100 * 0.998 - 102 * 1.001], 1e-13);
    expectClose(s.buyBSellA, [NaN, 100 * 0.999 - 103 * 1.002, 101 * 0.999 - 101 * 1.002], 1e-13);
  });
});

/** Every candle indicator: its batch outputs, and a fresh stream stepped bar by bar. */
interface CandleCase {
  name: string;
  batch(c: Candles): Float64Array[];
  stream(): (c: Candles, i: number) => number[];
}

const barAt = (c: Candles, i: number) => ({ high: c.high[i], low: c.low[i], close: c.close[i], volume: c.volume[i] });

const CASES: CandleCase[] = [
  { name: 'sma', batch: (c) => [I.sma(c.close, 20)], stream: () => { const s = new I.SmaStream(20); return (c, i) => [s.update(c.close[i])]; } },
  { name: 'ema', batch: (c) => [I.ema(c.close, 20)], stream: () => { const s = new I.EmaStream(20); return (c, i) => [s.update(c.close[i])]; } },
  { name: 'wma', batch: (c) => [I.wma(c.close, 20)], stream: () => { const s = new I.WmaStream(20); return (c, i) => [s.update(c.close[i])]; } },
  { name: 'rsi', batch: (c) => [I.rsi(c.close)], stream: () => { const s = new I.RsiStream(); return (c, i) => [s.update(c.close[i])]; } },
  {
    name: 'macd',
    batch: (c) => { const m = I.macd(c.close); return [m.macd, m.signal, m.hist]; },
    stream: () => { const s = new I.MacdStream(); return (c, i) => { const v = s.update(c.close[i]); return [v.macd, v.signal, v.hist]; }; },
  },
  {
    name: 'bollinger',
    batch: (c) => { const b = I.bollinger(c.close); return [b.upper, b.middle, b.lower, b.std]; },
    stream: () => { const s = new I.BollingerStream(); return (c, i) => { const v = s.update(c.close[i]); return [v.upper, v.middle, v.lower, v.std]; }; },
  },
  { name: 'trueRange', batch: (c) => [I.trueRange(c)], stream: () => { const s = new I.TrueRangeStream(); return (c, i) => [s.update(barAt(c, i))]; } },
  { name: 'atr', batch: (c) => [I.atr(c)], stream: () => { const s = new I.AtrStream(); return (c, i) => [s.update(barAt(c, i))]; } },
  {
    name: 'stochastic',
    batch: (c) => { const s = I.stochastic(c); return [s.k, s.d]; },
    stream: () => { const s = new I.StochasticStream(); return (c, i) => { const v = s.update(barAt(c, i)); return [v.k, v.d]; }; },
  },
  { name: 'obv', batch: (c) => [I.obv(c)], stream: () => { const s = new I.ObvStream(); return (c, i) => [s.update(barAt(c, i))]; } },
  { name: 'vwap', batch: (c) => [I.vwap(c)], stream: () => { const s = new I.VwapStream(); return (c, i) => [s.update(barAt(c, i))]; } },
  { name: 'rollingVwap', batch: (c) => [I.rollingVwap(c, 24)], stream: () => { const s = new I.RollingVwapStream(24); return (c, i) => [s.update(barAt(c, i))]; } },
  { name: 'roc', batch: (c) => [I.roc(c.close)], stream: () => { const s = new I.RocStream(); return (c, i) => [s.update(c.close[i])]; } },
  {
    name: 'rollingVolatility',
    batch: (c) => [I.rollingVolatility(c.close, 24)],
    stream: () => { const s = new I.RollingVolatilityStream(24); return (c, i) => [s.update(c.close[i])]; },
  },
  { name: 'zscore', batch: (c) => [I.zscore(c.close, 24)], stream: () => { const s = new I.ZscoreStream(24); return (c, i) => [s.update(c.close[i])]; } },
];

/** The candles with every row after t replaced by something else, including NaNs. */
function perturbedAfter(c: Candles, t: number): Candles {
  const p = sliceCandles(c, 0, c.ts.length);
  for (let i = t + 1; i < p.ts.length; i++) {
    const f = 1 + 0.3 * Math.sin(i * 1.7);
    p.open[i] *= f;
    p.high[i] *= f * 1.01;
    p.low[i] *= f * 0.99;
    p.close[i] = i % 97 === 0 ? NaN : p.close[i] * f;
    p.volume[i] = i % 89 === 0 ? NaN : p.volume[i] * (2 - f);
  }
  return p;
}

describe('batch == streaming, no lookahead (Coinbase sample, every indicator)', () => {
  for (const k of CASES) {
    it(`${k.name}: a fresh stream gives the batch values`, () => {
      const batch = k.batch(candles);
      const step = k.stream();
      const streamed = batch.map(() => new Float64Array(candles.ts.length));
      for (let i = 0; i < candles.ts.length; i++) step(candles, i).forEach((v, j) => (streamed[j][i] = v));
      batch.forEach((b, j) => {
        expectClose(streamed[j], b, 1e-9);
        expect(leadingNaNs(b)).toBeLessThan(40);
        expect(leadingNaNs(b.subarray(leadingNaNs(b)))).toBe(0); // no holes in clean data
      });
    });

    it(`${k.name}: changing rows after t leaves outputs up to t unchanged`, () => {
      const base = k.batch(candles);
      for (const t of [0, 20, 33, 777, 2998]) {
        const moved = k.batch(perturbedAfter(candles, t));
        base.forEach((b, j) => {
          for (let i = 0; i <= t; i++) if (!Object.is(b[i], moved[j][i])) expect.fail(`${k.name}[${j}] at ${i} changed (t = ${t})`);
        });
      }
    });
  }
});

describe('NaN inputs', () => {
  it('windowed indicators are NaN exactly while the NaN is in the window, then recover', () => {
    const x = candles.close.slice(0, 200);
    const withNaN = x.slice();
    withNaN[100] = NaN;
    const clean = I.sma(x, 10);
    const dirty = I.sma(withNaN, 10);
    for (let i = 0; i < 200; i++) {
      if (i >= 100 && i < 110) expect(dirty[i]).toBeNaN();
      else expect(Math.abs(dirty[i] - clean[i]) / clean[i] || 0).toBeLessThan(1e-13);
    }
    const w = I.wma(withNaN, 10);
    expect(w[109]).toBeNaN();
    expect(Math.abs(w[110] - I.wma(x, 10)[110])).toBeLessThan(1e-9);
    const z = I.zscore(withNaN, 10);
    expect(z[109]).toBeNaN();
    expect(z[110]).toBeCloseTo(I.zscore(x, 10)[110], 9);
    const v = I.rollingVolatility(withNaN, 10); // returns 100 and 101 are NaN
    expect(v[110]).toBeNaN();
    expect(v[111]).toBeCloseTo(I.rollingVolatility(x, 10)[111], 12);
    const c = sliceCandles(candles, 0, 200);
    c.high[100] = NaN;
    const s = I.stochastic(c);
    expect(s.k[100]).toBeNaN();
    expect(s.d[117]).toBeNaN();
    expect(s.d[118]).toBeCloseTo(I.stochastic(sliceCandles(candles, 0, 200)).d[118], 9);
  });

  it('recursive and cumulative indicators are NaN from the NaN on', () => {
    const x = candles.close.slice(0, 200);
    x[100] = NaN;
    const c = sliceCandles(candles, 0, 200);
    c.close[100] = NaN;
    c.high[100] = NaN;
    const after = (a: Float64Array) => Array.from(a.subarray(100)).every(Number.isNaN) && !Number.isNaN(a[99]);
    expect(after(I.ema(x, 20))).toBe(true);
    expect(after(I.rsi(x))).toBe(true);
    expect(after(I.macd(x).signal)).toBe(true);
    expect(after(I.atr(c))).toBe(true);
    expect(after(I.obv(c))).toBe(true);
    expect(after(I.vwap(c))).toBe(true);
  });
});

describe('floating drift', () => {
  it('window sums do not carry rounding from a far larger past', () => {
    // 1e9-level prices, then ~1-level prices: a plain running sum keeps ~1e-7 of absolute error
    // from the first part, which is ~1e-7 relative to the later averages.
    const len = 100_000;
    const x = new Float64Array(len);
    for (let i = 0; i < len; i++) x[i] = (i < len / 2 ? 1e9 : 1) + Math.sin(i) * 0.37;
    const n = 50;
    const out = I.sma(x, n);
    let naive = 0;
    let naiveErr = 0;
    let ourErr = 0;
    for (let i = 0; i < len; i++) {
      naive += x[i];
      if (i >= n) naive -= x[i - n];
      if (i < len / 2 + n) continue;
      let exact = 0;
      for (let j = i - n + 1; j <= i; j++) exact += x[j];
      exact /= n;
      naiveErr = Math.max(naiveErr, Math.abs(naive / n - exact) / Math.abs(exact));
      ourErr = Math.max(ourErr, Math.abs(out[i] - exact) / Math.abs(exact));
    }
    expect(naiveErr).toBeGreaterThan(1e-9); // the problem is real
    expect(ourErr).toBeLessThan(1e-13);
    // The same for the variance sums: the last std equals the std of a fresh start on that window.
    const std = I.bollinger(x, { n }).std[len - 1];
    const fresh = I.bollinger(x.subarray(len - n), { n }).std[n - 1];
    expect(Math.abs(std - fresh) / fresh).toBeLessThan(1e-12);
  });
});

describe('order-book and trade features on the shipped sample', () => {
  it('spread > 0, microprice within [bid, ask], imbalance within [-1, 1]', () => {
    const rows = books.ts.length;
    expect(rows).toBeGreaterThan(1000);
    const s = I.spread(books);
    const m = I.mid(books);
    const mp = I.microprice(books);
    const imb1 = I.depthImbalance(books, 1);
    const imb20 = I.depthImbalance(books, 20);
    for (let t = 0; t < rows; t++) {
      const bid = books.bidPx[t * books.depth];
      const ask = books.askPx[t * books.depth];
      if (!(s[t] > 0)) expect.fail(`spread ${s[t]} at row ${t}`);
      if (!(mp[t] >= bid && mp[t] <= ask)) expect.fail(`microprice ${mp[t]} outside [${bid}, ${ask}] at row ${t}`);
      if (!(m[t] > bid && m[t] < ask)) expect.fail(`mid ${m[t]} at row ${t}`);
      if (!(Math.abs(imb1[t]) <= 1 && Math.abs(imb20[t]) <= 1)) expect.fail(`imbalance at row ${t}`);
      // The per-snapshot (streaming) form is the batch's definition.
      if (I.micropriceAt(books, t) !== mp[t] || I.depthImbalanceAt(books, t, 20) !== imb20[t]) expect.fail(`row ${t}`);
    }
  });

  it('trade-flow imbalance: in [-1, 1], stream == batch, no lookahead', () => {
    const win = 5_000;
    const flow = I.tradeFlowImbalance(trades, win);
    const s = new I.TradeFlowStream(win);
    const streamed = new Float64Array(flow.length);
    for (let i = 0; i < flow.length; i++) streamed[i] = s.update({ ts: trades.ts[i], amount: trades.amount[i], side: trades.side[i] });
    expectClose(streamed, flow, 1e-9);
    for (const v of flow) if (!(Math.abs(v) <= 1 + 1e-12)) expect.fail(`imbalance ${v}`);
    const t = 5000;
    const moved = { ts: trades.ts, amount: trades.amount.slice(), side: trades.side.slice() };
    for (let i = t + 1; i < moved.amount.length; i++) {
      moved.amount[i] *= 3;
      moved.side[i] = -moved.side[i];
    }
    const after = I.tradeFlowImbalance(moved, win);
    for (let i = 0; i <= t; i++) expect(after[i]).toBe(flow[i]);
    // Sampled at book times: the window (t - win, t] of the trades up to t.
    const atBooks = I.tradeFlowImbalanceAt(trades, win, books.ts);
    const q = 3000;
    let signed = 0;
    let total = 0;
    for (let i = 0; i < trades.ts.length; i++) {
      if (trades.ts[i] > books.ts[q] - win && trades.ts[i] <= books.ts[q]) {
        signed += trades.side[i] * trades.amount[i];
        total += trades.amount[i];
      }
    }
    expect(atBooks[q]).toBeCloseTo(signed / total, 12);
  });

  it('book features and the cross-venue spread do not look ahead', () => {
    const t = 4000;
    const d = books.depth;
    const moved: Books = { ...books, bidPx: books.bidPx.slice(), bidSz: books.bidSz.slice(), askPx: books.askPx.slice(), askSz: books.askSz.slice() };
    for (let i = (t + 1) * d; i < moved.bidPx.length; i++) {
      moved.bidPx[i] *= 0.9;
      moved.askSz[i] = 0;
    }
    const upToT = (f: (b: Books) => Float64Array): [Float64Array, Float64Array] => [f(books).subarray(0, t + 1), f(moved).subarray(0, t + 1)];
    const pairs = [upToT(I.spread), upToT(I.mid), upToT(I.microprice), upToT((b) => I.depthImbalance(b, 5))];
    // Venue B = the same book 250 ms later: rows of the union up to the last one <= books.ts[t] stay.
    const lagged = (b: Books) => ({ ...I.topOfBook(b), ts: b.ts.map((x) => x + 250) });
    const base = I.crossVenueSpread(I.topOfBook(books), lagged(books), { a: 0.001, b: 0.001 });
    const after = I.crossVenueSpread(I.topOfBook(moved), lagged(moved), { a: 0.001, b: 0.001 });
    let r = 0;
    while (r < base.ts.length && base.ts[r] <= books.ts[t]) r++;
    pairs.push([base.buyASellB.subarray(0, r), after.buyASellB.subarray(0, r)], [base.buyBSellA.subarray(0, r), after.buyBSellA.subarray(0, r)]);
    expect(r).toBeGreaterThan(t);
    for (const [a, b] of pairs) for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) expect.fail(`row ${i} changed`);
    expect(I.spread(moved)[t + 1]).not.toBe(I.spread(books)[t + 1]);
  });

  it('cross-venue spread of a venue with itself is minus the spread and fees', () => {
    const top = I.topOfBook(books);
    const s = I.crossVenueSpread(top, top, { a: 0, b: 0 });
    expect(s.ts.length).toBe(books.ts.length);
    const spread = I.spread(books);
    expectClose(s.buyASellB, spread.map((v) => -v), 1e-12);
    const stream = new I.CrossVenueSpreadStream({ a: 0.001, b: 0.001 });
    const v = stream.updateA(top.bid[0], top.ask[0]);
    expect(v.buyASellB).toBeNaN();
    stream.updateB(top.bid[0], top.ask[0]);
    expect(v.buyASellB).toBeCloseTo(top.bid[0] * 0.999 - top.ask[0] * 1.001, 9);
  });
});

describe('argument checks', () => {
  it('name the bad parameter or column', () => {
    const x = f64(1, 2, 3);
    expect(() => I.sma(x, 0)).toThrow(ConfigError);
    expect(() => I.sma(x, 2.5)).toThrow(/n: must be an integer >= 1/);
    expect(() => I.rsi(x, 1)).toThrow(ConfigError);
    expect(() => I.macd(x, { fast: 26, slow: 12 })).toThrow(/slow: must be greater than fast/);
    expect(() => I.ema(x, 2, new Float64Array(2))).toThrow(/out: has 2 elements/);
    expect(() => I.atr({ high: x, low: f64(1, 2), close: x })).toThrow(DataError);
    expect(() => I.depthImbalance(books, 21)).toThrow(/k: must be <= the book depth 20/);
    expect(() => new I.TradeFlowStream(0)).toThrow(ConfigError);
    const s = new I.TradeFlowStream(1000);
    s.update({ ts: 10, amount: 1, side: 1 });
    expect(() => s.update({ ts: 5, amount: 1, side: 1 })).toThrow(DataError);
    expect(() => I.crossVenueSpread({ ts: f64(2, 1), bid: x.subarray(0, 2), ask: x.subarray(0, 2) }, { ts: f64(1), bid: f64(1), ask: f64(1) }, { a: 0, b: 0 })).toThrow(DataError);
  });

  it('batch output may overwrite its input', () => {
    const x = candles.close.slice(0, 300);
    const expected = I.ema(x, 20);
    expect(I.ema(x, 20, x)).toBe(x);
    expect(Array.from(x)).toEqual(Array.from(expected));
  });
});
