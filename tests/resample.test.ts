// data/resample-candles.ts and the store reader that resamples: hand-computed buckets (edges, holes,
// marked rows, weeks, refusals), then real data: the shipped Coinbase 1h sample resampled to 1d
// against the shipped 1d sample, and Binance 1m resampled to 5m against Binance's own 5m klines.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeIf, SHARED_DATA, sharedFile } from './helpers/requirements.js';
import type { Candles } from '../data/types.js';
import { ConfigError, DataError } from '../data/errors.js';
import { resampleCandles, resampleFactor } from '../data/resample-candles.js';
import { checkCandles, repairCandles } from '../data/clean/index.js';
import { readCandles, writeCandles } from '../data/store/candle-store.js';
import { SAMPLES_STORE } from '../data/store/catalog.js';
import { findCandleStore, finerDivisor } from '../data/store/find-candles.js';
import { readCandlesResampled } from '../data/store/read-candles-resampled.js';

const M = 60_000;
const H = 3_600_000;
const D = 86_400_000;
type Row = [ts: number, open: number, high: number, low: number, close: number, volume: number];

function candles(rows: Row[], timeframe: string, exchange = 'test', symbol = 'BTC/USD'): Candles {
  const col = (k: number) => Float64Array.from(rows, (r) => r[k]);
  return { exchange, symbol, timeframe, ts: col(0), open: col(1), high: col(2), low: col(3), close: col(4), volume: col(5) };
}

/** 1h bars at the given hours of 2024-01-01 (UTC): open 100 + h, high +2, low -1, close +1, volume h + 1. */
function hours(...hs: number[]): Candles {
  const t0 = Date.UTC(2024, 0, 1);
  return candles(hs.map((h): Row => [t0 + h * H, 100 + h, 102 + h, 99 + h, 101 + h, h + 1]), '1h');
}

const rowsOf = (c: Candles): Row[] => Array.from(c.ts, (t, i): Row => [t, c.open[i], c.high[i], c.low[i], c.close[i], c.volume[i]]);
const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`);
const isoDay = (t: number) => new Date(t).toISOString().slice(0, 10);

describe('resampleCandles', () => {
  it('aggregates complete buckets: first open, max high, min low, last close, summed volume', () => {
    const r = resampleCandles(hours(0, 1, 2, 3, 4, 5, 6, 7), '4h');
    expect(r.candles).toMatchObject({ exchange: 'test', symbol: 'BTC/USD', timeframe: '4h' });
    expect(rowsOf(r.candles)).toEqual([
      [Date.UTC(2024, 0, 1, 0), 100, 105, 99, 104, 10],
      [Date.UTC(2024, 0, 1, 4), 104, 109, 103, 108, 26],
    ]);
    expect(r).toMatchObject({ barsPerBucket: 4, edgeBuckets: 0, holeBuckets: 0, markedBuckets: 0 });
  });

  it('leaves out a bucket the series starts or ends inside: its open or close would not be the bar\'s', () => {
    // 01:00 .. 10:00: the 00:00 bucket lacks 00:00 (bad open), the 08:00 bucket lacks 11:00 (not closed).
    const r = resampleCandles(hours(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), '4h');
    expect(rowsOf(r.candles)).toEqual([[Date.UTC(2024, 0, 1, 4), 104, 109, 103, 108, 26]]);
    expect(r.edgeBuckets).toBe(2);
    // Known to cover 00:00 .. 12:00 (a store reader passes the stored span): the same rows are holes
    // inside the series, aggregated like an exchange aggregates the trades that happened.
    const inside = resampleCandles(hours(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), '4h', { coverage: { from: Date.UTC(2024, 0, 1), to: Date.UTC(2024, 0, 1, 12) } });
    expect(rowsOf(inside.candles).map((x) => x[0])).toEqual([0, 4, 8].map((h) => Date.UTC(2024, 0, 1, h)));
    expect(rowsOf(inside.candles)[0]).toEqual([Date.UTC(2024, 0, 1), 101, 105, 100, 104, 9]);
    expect(inside).toMatchObject({ edgeBuckets: 0, holeBuckets: 2 });
    // A series inside one bucket yields nothing.
    expect(resampleCandles(hours(1, 2), '4h').candles.ts.length).toBe(0);
    expect(resampleCandles(hours(), '4h').candles.ts.length).toBe(0);
  });

  it("holes inside the series are aggregated and counted; holes: 'drop' leaves those buckets out; an empty bucket is no bar", () => {
    const c = hours(0, 1, 2, 3, 4, 6, 7, 12, 13, 14, 15); // 05:00 missing; 08:00 .. 11:00 all missing
    const r = resampleCandles(c, '4h');
    expect(rowsOf(r.candles)).toEqual([
      [Date.UTC(2024, 0, 1, 0), 100, 105, 99, 104, 10],
      [Date.UTC(2024, 0, 1, 4), 104, 109, 103, 108, 20],
      [Date.UTC(2024, 0, 1, 12), 112, 117, 111, 116, 58],
    ]);
    expect(r.holeBuckets).toBe(1);
    const strict = resampleCandles(c, '4h', { holes: 'drop' });
    expect(rowsOf(strict.candles).map((x) => x[0])).toEqual([0, 12].map((h) => Date.UTC(2024, 0, 1, h)));
    expect(strict.holeBuckets).toBe(1);
    expect(() => resampleCandles(c, '4h', { holes: 'fill' as 'drop' })).toThrow('holes: "fill" is not allowed; use aggregate, drop');
  });

  it("a row marked NaN (repairCandles gaps 'mark') makes its bucket a marked bar: NaN prices, volume 0", () => {
    const { candles: marked } = repairCandles(hours(0, 1, 3, 4, 5, 6, 7), { gaps: 'mark' });
    expect(Number.isNaN(marked.close[2])).toBe(true);
    const r = resampleCandles(marked, '4h');
    expect(rowsOf(r.candles)).toEqual([
      [Date.UTC(2024, 0, 1, 0), NaN, NaN, NaN, NaN, 0],
      [Date.UTC(2024, 0, 1, 4), 104, 109, 103, 108, 26],
    ]);
    expect(r).toMatchObject({ markedBuckets: 1, holeBuckets: 0 });
    expect(checkCandles(r.candles).counts.nan).toBe(4); // still visible downstream
  });

  it('1d buckets open at 00:00 UTC and weeks on Monday 00:00 UTC (as Binance via ccxt)', () => {
    // 2024-01-03 (a Wednesday) .. 2024-01-22 (a Monday), daily bars.
    const days: Row[] = [];
    for (let t = day('2024-01-03'); t <= day('2024-01-22'); t += D) days.push([t, 100, 110, 90, 105, 1]);
    const w = resampleCandles(candles(days, '1d'), '1w');
    // The week of Monday 01-01 started before the series and the week of 01-22 is not over: left out.
    expect(Array.from(w.candles.ts, isoDay)).toEqual(['2024-01-08', '2024-01-15']);
    expect(Array.from(w.candles.volume)).toEqual([7, 7]);
    expect(w.edgeBuckets).toBe(2);
    const d = resampleCandles(hours(...Array.from({ length: 48 }, (_, h) => h)), '1d');
    expect(Array.from(d.candles.ts, isoDay)).toEqual(['2024-01-01', '2024-01-02']);
  });

  it('alignOffsetMs moves the target grid (a 1d series of a market that closes its day at 20:00 UTC)', () => {
    const r = resampleCandles(hours(...Array.from({ length: 48 }, (_, h) => h)), '1d', { alignOffsetMs: -4 * H });
    expect(Array.from(r.candles.ts, (t) => new Date(t).toISOString())).toEqual(['2024-01-01T20:00:00.000Z']);
    expect(r.edgeBuckets).toBe(2);
  });

  it('refuses a target that is not a whole multiple of the source, or finer, naming both', () => {
    const c = hours(0, 1, 2, 3);
    expect(() => resampleCandles(c, '90m')).toThrow(ConfigError);
    expect(() => resampleCandles(c, '90m')).toThrow('timeframe: cannot resample test BTC/USD 1h candles to 90m: 90m is not a whole multiple of 1h');
    expect(() => resampleCandles(c, '1m')).toThrow('timeframe: cannot resample test BTC/USD 1h candles to 1m: 1m is finer than 1h (resampling only aggregates)');
    expect(() => resampleCandles(c, '4x')).toThrow(/^timeframe: "4x" is not a timeframe/);
    expect(resampleFactor('1m', '1d')).toBe(1440);
    expect(resampleFactor('1h', '1h')).toBe(1);
  });

  it('DataError naming the row for unsorted, duplicate, non-finite or misaligned timestamps', () => {
    const swapped = hours(0, 2, 1, 3);
    expect(() => resampleCandles(swapped, '4h')).toThrow(DataError);
    expect(() => resampleCandles(swapped, '4h')).toThrow(/^row 2, ts: test BTC\/USD 1h: ts 2024-01-01T01:00:00Z comes before 2024-01-01T02:00:00Z; resampling needs strictly ascending bars/);
    expect(() => resampleCandles(hours(0, 1, 1, 2), '4h')).toThrow(/^row 2, ts: .* repeats /);
    const nan = hours(0, 1, 2, 3);
    nan.ts[1] = NaN;
    expect(() => resampleCandles(nan, '4h')).toThrow(/^row 1, ts: test BTC\/USD 1h: ts is NaN/);
    const off = hours(0, 1, 2, 3);
    off.ts[3] += 30 * M;
    expect(() => resampleCandles(off, '4h')).toThrow(/^row 3, ts: test BTC\/USD 1h: ts 2024-01-01T03:30:00Z is 12600000 ms into the 4h bar of 2024-01-01T00:00:00Z, not a whole number of 1h bars/);
  });
});

describe('resampling the shipped Coinbase BTC/USD 1h sample to 1d, against the shipped 1d sample', () => {
  let hourly: Candles;
  let daily: Candles;
  beforeAll(async () => {
    const key = { exchange: 'coinbase', symbol: 'BTC/USD' };
    [hourly, daily] = await Promise.all([readCandles(SAMPLES_STORE, { ...key, timeframe: '1h' }), readCandles(SAMPLES_STORE, { ...key, timeframe: '1d' })]);
  });

  /** Days on which the resampled bar and the daily sample have the same open, high, low and close. */
  function agreeing(r: Candles, shiftMs = 0): { same: string[]; differ: string[]; maxVolumeError: number } {
    const row = new Map<number, number>();
    daily.ts.forEach((t, j) => row.set(t, j));
    const same: string[] = [];
    const differ: string[] = [];
    let maxVolumeError = 0;
    for (let k = 0; k < r.ts.length; k++) {
      const j = row.get(r.ts[k] - shiftMs);
      if (j === undefined) continue;
      if (r.open[k] === daily.open[j] && r.high[k] === daily.high[j] && r.low[k] === daily.low[j] && r.close[k] === daily.close[j]) {
        same.push(isoDay(daily.ts[j]));
        maxVolumeError = Math.max(maxVolumeError, Math.abs(r.volume[k] / daily.volume[j] - 1));
      } else differ.push(isoDay(daily.ts[j]));
    }
    return { same, differ, maxVolumeError };
  }

  it('UTC days agree exactly except a block of US-Eastern hourly stamps and 8 days the daily file has incomplete', () => {
    const r = resampleCandles(hourly, '1d');
    // 2017-07-01 starts at 11:00 and 2019-10-17 ends at 09:00: those partial days are left out.
    expect(r).toMatchObject({ edgeBuckets: 2, holeBuckets: 0, markedBuckets: 0 });
    expect(r.candles.ts.length).toBe(837);
    expect([isoDay(r.candles.ts[0]), isoDay(r.candles.ts[836])]).toEqual(['2017-07-02', '2019-10-16']);
    const { same, differ, maxVolumeError } = agreeing(r.candles);
    expect(same.length).toBe(765);
    expect(maxVolumeError).toBeLessThan(1e-5); // volume too, to the rounding of the export
    const eastern = differ.filter((d) => d >= '2017-09-22' && d <= '2017-11-12');
    expect(eastern.length).toBe(52); // every day of that block
    expect(differ.filter((d) => !eastern.includes(d))).toEqual([
      '2018-08-11', '2018-08-12', '2018-10-15', '2018-10-16', '2018-11-30', '2018-12-11', '2019-03-19', '2019-05-07',
    ]);
  });

  it('in 2017-09-23 .. 11-04 the hourly stamps are US Eastern daylight time (UTC-4), then EST (UTC-5) to 11-11', () => {
    const edt = agreeing(resampleCandles(hourly, '1d', { alignOffsetMs: -4 * H }).candles, -4 * H).same;
    const est = agreeing(resampleCandles(hourly, '1d', { alignOffsetMs: -5 * H }).candles, -5 * H).same;
    const inBlock = (days: string[]) => days.filter((d) => d >= '2017-09-22' && d <= '2017-11-12');
    const range = (a: string, b: string) => {
      const out: string[] = [];
      for (let t = day(a); t <= day(b); t += D) out.push(isoDay(t));
      return out;
    };
    expect(inBlock(edt)).toEqual(range('2017-09-23', '2017-11-04'));
    expect(inBlock(est)).toEqual(range('2017-11-06', '2017-11-11'));
  });
});

describe('readCandlesResampled / findCandleStore', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tg-resample-'));
  const key = { exchange: 'coinbase', symbol: 'BTC/USD' };
  let hourly: Candles;
  beforeAll(async () => {
    hourly = await readCandles(SAMPLES_STORE, { ...key, timeframe: '1h' });
    await writeCandles(dir, hourly); // a user store that holds the 1h series only
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('the exact stored timeframe is read as it is', async () => {
    const r = await readCandlesResampled(dir, { ...key, timeframe: '1h' });
    expect(r.source).toEqual({ store: dir, isSample: false, timeframe: '1h', resampled: false });
    expect(r.candles.close).toEqual(hourly.close);
    expect(r.note).toBeUndefined();
  });

  it("else the user's finer series is resampled (before the samples' exact 1d), and the note says so", async () => {
    const r = await readCandlesResampled(dir, { ...key, timeframe: '1d' });
    expect(r.source).toEqual({ store: dir, isSample: false, timeframe: '1h', resampled: true });
    expect(rowsOf(r.candles)).toEqual(rowsOf(resampleCandles(hourly, '1d').candles));
    expect(r.resample).toMatchObject({ barsPerBucket: 24, edgeBuckets: 2, holeBuckets: 0 });
    expect(r.note).toBe(`coinbase BTC/USD 1d resampled from 1h (${dir}): 837 bars; 2 partial buckets at the series edges left out`);
  });

  it('a range read returns exactly the bars of a full read in that range, ends mid-bucket included', async () => {
    const empty = join(dir, 'empty'); // no store there: the samples serve
    const full = await readCandlesResampled(empty, { ...key, timeframe: '4h' });
    expect(full.source).toMatchObject({ store: SAMPLES_STORE, isSample: true, timeframe: '1h', resampled: true });
    expect(full.note).toMatch(/^coinbase BTC\/USD 4h resampled from 1h \(shipped sample\): \d+ bars; 2 partial buckets at the series edges left out$/);
    const ranges: [string, string][] = [
      ['2018-03-10T13:30:00Z', '2018-06-01T05:00:00Z'],
      ['2018-03-10T12:00:00Z', '2018-03-11T00:00:00Z'],
      ['2017-01-01T00:00:00Z', '2017-07-03T02:00:00Z'], // from before the series: its partial first bucket stays out
      ['2019-10-16T22:00:00Z', '2020-01-01T00:00:00Z'], // past its end: the partial last bucket stays out
    ];
    for (const [a, b] of ranges) {
      const from = Date.parse(a), to = Date.parse(b);
      const part = await readCandlesResampled(empty, { ...key, timeframe: '4h' }, { from, to });
      const want = rowsOf(full.candles).filter((x) => x[0] >= from && x[0] < to);
      expect(rowsOf(part.candles), `${a} .. ${b}`).toEqual(want);
      expect(want.length).toBeGreaterThan(0);
    }
  });

  it('findCandleStore: exact only by default, naming the finer series; with resample the coarsest divisor', async () => {
    await expect(findCandleStore(dir, { ...key, timeframe: '4h' })).rejects.toThrow(
      `timeframe: no coinbase BTC/USD 4h candles in ${dir} or the samples; 1h divides it: resample it (readCandlesResampled); stored coinbase BTC/USD candles: 1h (${dir}), 1h (samples), 1d (samples)`,
    );
    expect(await findCandleStore(dir, { ...key, timeframe: '1w' }, { resample: true })).toEqual({ store: dir, isSample: false, timeframe: '1h', resampled: true });
    expect(await findCandleStore('/nonexistent', { exchange: 'bitstamp', symbol: 'BTC/USD', timeframe: '1w' }, { resample: true }))
      .toEqual({ store: SAMPLES_STORE, isSample: true, timeframe: '1d', resampled: true });
    expect(finerDivisor(['1m', '5m', '1h', '1d'], '4h')).toBe('1h');
    expect(finerDivisor(['1m', '5m', '1h', '1d'], '90m')).toBe('5m');
    expect(finerDivisor(['1m', '5m', '1h', '1d'], '1w')).toBe('1d');
    expect(finerDivisor(['1m', '5m'], '30s')).toBeUndefined();
  });

  it('nothing fits: the error lists what is stored', async () => {
    await expect(readCandlesResampled(dir, { ...key, timeframe: '90m' })).rejects.toThrow(
      `timeframe: no coinbase BTC/USD 90m candles in ${dir} or the samples; none of the stored timeframes is finer than 90m and divides it; stored coinbase BTC/USD candles: 1h (${dir}), 1h (samples), 1d (samples)`,
    );
    const err = await readCandlesResampled(dir, { exchange: 'kraken', symbol: 'BTC/USD', timeframe: '1h' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toMatch(/^symbol: no kraken BTC\/USD 1h candles in .* or the samples; stored candles: coinbase BTC\/USD 1h; .*bitstamp BTC\/USD 1d \(samples\)/);
  });
});

describeIf([SHARED_DATA], "Binance 1m resampled to 5m against Binance's own 5m klines (April-May 2021)", () => {
  const load = (pair: string, tf: string) =>
    candles(JSON.parse(readFileSync(sharedFile('binance-spot-1m-2021-04-to-05', `${pair}-${tf}.json`), 'utf8')) as Row[], tf, 'binance', pair.replace('_', '/'));
  /** ISO minutes (MM-DDTHH:MM) of the buckets where the two differ in price, and where in volume. */
  function compare(ours: Candles, theirs: Candles) {
    const at = new Map<number, number>();
    theirs.ts.forEach((t, j) => at.set(t, j));
    const price: string[] = [];
    const volume: string[] = [];
    for (let k = 0; k < ours.ts.length; k++) {
      const j = at.get(ours.ts[k])!;
      const when = new Date(ours.ts[k]).toISOString().slice(5, 16);
      if (ours.open[k] !== theirs.open[j] || ours.high[k] !== theirs.high[j] || ours.low[k] !== theirs.low[j] || ours.close[k] !== theirs.close[j]) price.push(when);
      if (Math.abs(ours.volume[k] / theirs.volume[j] - 1) > 1e-9) volume.push(when);
    }
    return { price, volume };
  }

  it('the same bars, starting and ending where the exchange\'s do; differences only in two incident windows', () => {
    for (const pair of ['BTC_USDT', 'ETH_USDT']) {
      const m = load(pair, '1m');
      const five = load(pair, '5m');
      const r = resampleCandles(m, '5m');
      // Every bucket we emit the exchange has, and the other way round: partial edge buckets are exactly
      // the ones it had not closed yet (or not fetched) either.
      expect(Array.from(r.candles.ts)).toEqual(Array.from(five.ts));
      const { price, volume } = compare(r.candles, five);
      // 2021-04-22 02:10-02:20 and 2021-04-23 01:40-02:45 UTC: Binance's 1m and 5m klines disagree
      // there at the source (its 5m low is below every 1m low in the bucket); everywhere else exact.
      const incident = (w: string) => (w >= '04-22T02:10' && w <= '04-22T02:20') || (w >= '04-23T01:40' && w <= '04-23T02:45');
      expect(price.length).toBeGreaterThan(0);
      expect(price.every(incident), `${pair} ${price}`).toBe(true);
      expect(volume.every(incident), `${pair} ${volume}`).toBe(true);
      expect(price.length + volume.length).toBeLessThan(25);
    }
  });

  it("the maintenance hole (one 1m bar in the 04:00 bucket) aggregates like the exchange's own 5m bar", () => {
    const m = load('BTC_USDT', '1m');
    const five = load('BTC_USDT', '5m');
    const r = resampleCandles(m, '5m');
    expect(r.holeBuckets).toBe(1);
    const t = Date.parse('2021-04-25T04:00:00Z');
    const k = r.candles.ts.indexOf(t);
    const j = five.ts.indexOf(t);
    expect(rowsOf(r.candles)[k]).toEqual(rowsOf(five)[j]);
    expect(rowsOf(five)[j]).toEqual(rowsOf(m)[m.ts.indexOf(t)]);
  });

  it('a partial first bucket is left out: the exchange\'s bar there has another open and more volume', () => {
    const m = load('ETH_BTC', '1m'); // starts 2021-04-10T20:13, inside the 20:10 bucket
    const five = load('ETH_BTC', '5m');
    const r = resampleCandles(m, '5m');
    expect(new Date(r.candles.ts[0]).toISOString()).toBe('2021-04-10T20:15:00.000Z');
    const j = five.ts.indexOf(Date.parse('2021-04-10T20:10:00Z'));
    const partial = rowsOf(resampleCandles(m, '5m', { coverage: { from: five.ts[j], to: Infinity } }).candles)[0];
    expect(partial[1]).toBe(m.open[0]);
    expect(partial[1]).not.toBe(five.open[j]);
    expect(partial[5]).toBeLessThan(five.volume[j]);
  });
});
