// data/clean: every check rule on hand-made bad series (exact rows), every repair policy (exact
// arrays), 'error' policies, trades, the known gap of a real Binance file; large moves and spikes on
// seeded walks, on the shipped samples and real Binance/Bittrex files, and with bad ticks injected.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeIf, SHARED_DATA, sharedFile } from './helpers/requirements.js';
import type { Candles, Trades } from '../data/types.js';
import { emptyTrades, sliceCandles } from '../data/types.js';
import { ConfigError, DataError } from '../data/errors.js';
import {
  checkCandles, checkTrades, DEFAULT_REPAIR, errorsKeptByPolicy, formatCheckReport, median, repairCandles, resolveRepairPolicy, robustScale,
} from '../data/clean/index.js';
import { FileDataError } from '../data/file-position.js';
import type { RowPositions } from '../data/file-position.js';
import type { CheckReport, CheckRule } from '../data/clean/index.js';
import { readCandles } from '../data/store/candle-store.js';
import { SAMPLES_STORE } from '../data/store/catalog.js';

const M = 60_000;
const H = 3_600_000;
const T0 = Date.UTC(2021, 4, 19, 13, 0); // 2021-05-19T13:00Z
type Row = [ts: number, open: number, high: number, low: number, close: number, volume: number];

function candles(rows: Row[], timeframe = '1m'): Candles {
  const col = (k: number) => Float64Array.from(rows, (r) => r[k]);
  return {
    exchange: 'test', symbol: 'BTC/USDT', timeframe,
    ts: col(0), open: col(1), high: col(2), low: col(3), close: col(4), volume: col(5),
  };
}

/** Bar k of a 1m series at T0 with open o and close c; high/low 0.5 outside them. */
function bar(k: number, o: number, c: number, v = 1 + k): Row {
  return [T0 + k * M, o, Math.max(o, c) + 0.5, Math.min(o, c) - 0.5, c, v];
}

/** n clean bars, closes 100, 101, 100, ... (returns +-1%: a robust scale > 0). */
function cleanRows(n = 12): Row[] {
  const rows: Row[] = [];
  for (let k = 0; k < n; k++) rows.push(bar(k, k === 0 ? 100 : rows[k - 1][4], k % 2 === 0 ? 100 : 101));
  return rows;
}

/**
 * n 1h bars of a seeded random walk (Gaussian log returns of `sigma` a bar, from `start`); open = the
 * previous close, high/low a quarter sigma outside open/close. Real-looking and exactly repeatable.
 */
function walk(n: number, sigma: number, seed = 7, start = 100): Candles {
  let state = seed;
  const rand = () => ((state = (state * 1103515245 + 12345) % 2147483648) + 0.5) / 2147483648;
  const rows: Row[] = [];
  let close = start;
  for (let k = 0; k < n; k++) {
    const open = close;
    close = open * Math.exp(sigma * Math.sqrt(-2 * Math.log(rand())) * Math.cos(2 * Math.PI * rand()));
    const pad = 1 + sigma / 4;
    rows.push([T0 + k * H, open, Math.max(open, close) * pad, Math.min(open, close) / pad, close, 1 + (k % 7)]);
  }
  return candles(rows, '1h');
}

/** Multiplies the prices of bar i by f (a bad tick: the whole bar off by a factor). */
function scaleBar(c: Candles, i: number, f: number): void {
  for (const k of ['open', 'high', 'low', 'close'] as const) c[k][i] *= f;
}

/** [rule, row] of every finding, in report order. */
const found = (r: CheckReport) => r.findings.map((f) => [f.rule, f.row] as [CheckRule, number]);
const arr = (x: Float64Array) => Array.from(x);

describe('checkCandles', () => {
  it('finds nothing in a clean series', () => {
    const r = checkCandles(candles(cleanRows()));
    expect(r.findings).toEqual([]);
    expect(Object.values(r.counts).every((n) => n === 0)).toBe(true);
    expect(r).toMatchObject({ rows: 12, firstTs: T0, lastTs: T0 + 11 * M, missingBars: 0, errors: 0, warnings: 0, ok: true, truncated: false });
    expect(r.moves).toMatchObject({ n: 11, largeMoveThreshold: 10, spikeThreshold: 30 });
    expect(r.moves.medianSigma).toBeGreaterThan(0);
  });

  it('gap: reports the row before the hole and the number of missing bars', () => {
    const rows = cleanRows().filter((_, k) => k !== 5 && k !== 6);
    const r = checkCandles(candles(rows));
    expect(found(r)).toEqual([['gap', 4]]);
    expect(r.findings[0]).toMatchObject({ ts: T0 + 4 * M, value: 2 });
    expect(r.findings[0].message).toBe('row 4 (2021-05-19T13:04Z): 2 missing 1m bars before row 5 (2021-05-19T13:07Z)');
    expect(r).toMatchObject({ missingBars: 2, ok: true, warnings: 1 });
  });

  it('duplicate: same ts again, says whether the values differ', () => {
    const rows = cleanRows();
    const dup: Row = [...rows[3]];
    dup[4] = 100.5;
    rows.splice(4, 0, dup); // row 4 repeats row 3's ts with another close
    rows.push([...rows[rows.length - 1]]); // row 13 repeats row 12 exactly
    const r = checkCandles(candles(rows));
    expect(found(r)).toEqual([['duplicate', 4], ['duplicate', 13]]);
    expect(r.findings[0].message).toBe('row 4 (2021-05-19T13:03Z): duplicate of row 3, values differ: close 100.5 vs 101');
    expect(r.findings[1].message).toContain('duplicate of row 12, identical values');
    expect(r.ok).toBe(false);
  });

  it('out-of-order: flags the row whose ts is smaller than the previous; gaps are judged in time order', () => {
    const rows = cleanRows();
    [rows[5], rows[6]] = [rows[6], rows[5]];
    const r = checkCandles(candles(rows));
    expect(found(r)).toEqual([['out-of-order', 6]]);
    expect(r.findings[0].message).toBe('row 6 (2021-05-19T13:05Z): ts goes back 60000 ms, before row 5 (2021-05-19T13:06Z)');
    expect(r.missingBars).toBe(0);
  });

  it('misaligned: ts off the timeframe grid (the empty 13:05 slot is a gap too)', () => {
    const rows = cleanRows();
    rows[5][0] += 30_000;
    const r = checkCandles(candles(rows));
    expect(found(r)).toEqual([['gap', 4], ['misaligned', 5]]);
    expect(r.findings.find((f) => f.rule === 'misaligned')).toMatchObject({ value: 30_000, column: 'ts' });
  });

  it('weekly bars are aligned to Monday 00:00 UTC', () => {
    const monday = Date.UTC(2021, 4, 17);
    const rows: Row[] = [0, 1, 2].map((k) => [monday + k * 7 * 86_400_000, 100, 101, 99, 100, 1]);
    expect(checkCandles(candles(rows, '1w')).ok).toBe(true);
  });

  it('nan: names the column; a NaN ts is left out of the time rules', () => {
    const rows = cleanRows();
    rows[3][4] = NaN;
    rows[8][0] = NaN;
    rows[9][5] = Infinity;
    const r = checkCandles(candles(rows));
    // without row 8 the 13:08 slot is empty: a gap after row 7
    expect(found(r)).toEqual([['nan', 3], ['gap', 7], ['nan', 8], ['nan', 9]]);
    expect(r.findings.filter((f) => f.rule === 'nan').map((f) => f.column)).toEqual(['close', 'ts', 'volume']);
    expect(r.findings[0].message).toBe('row 3 (2021-05-19T13:03Z): close is NaN');
    expect(r.findings[2].message).toBe('row 8 (ts NaN): ts is NaN');
  });

  it('non-positive-price: zero or negative open/high/low/close', () => {
    const rows = cleanRows();
    rows[2][1] = 0; // open 0
    rows[2][3] = 0; // low 0 (so open stays inside [low, high])
    rows[6][4] = -1; rows[6][3] = -1.5; // close and low negative
    const r = checkCandles(candles(rows));
    expect(r.findings.filter((f) => f.rule === 'non-positive-price').map((f) => [f.row, f.column])).toEqual([
      [2, 'open'], [2, 'low'], [6, 'low'], [6, 'close'],
    ]);
    expect(r.findings[0].message).toBe('row 2 (2021-05-19T13:02Z): open 0 <= 0');
  });

  it('high-low: high < low, or open/close outside [low, high]', () => {
    const rows = cleanRows();
    rows[7][2] = 99; rows[7][3] = 102; // high 99 < low 102
    rows[9][4] = 102; // close 102 > high 101.5
    rows[10][1] = 99; // open 99 < low 99.5
    const r = checkCandles(candles(rows), { outlierThreshold: 1e9 });
    expect(found(r)).toEqual([['high-low', 7], ['high-low', 9], ['high-low', 10]]);
    expect(r.findings.map((f) => f.message)).toEqual([
      'row 7 (2021-05-19T13:07Z): high 99 < low 102',
      'row 9 (2021-05-19T13:09Z): close 102 > high 101.5',
      'row 10 (2021-05-19T13:10Z): open 99 < low 99.5',
    ]);
  });

  it('negative-volume', () => {
    const rows = cleanRows();
    rows[4][5] = -3;
    const r = checkCandles(candles(rows));
    expect(found(r)).toEqual([['negative-volume', 4]]);
    expect(r.findings[0]).toMatchObject({ column: 'volume', value: -3, message: 'row 4 (2021-05-19T13:04Z): volume -3 < 0' });
  });

  it('large-move: a 5% move is nothing in a 2%-sigma market and a warning in a 0.1%-sigma one', () => {
    const wild = walk(400, 0.02);
    for (let k = 300; k < 400; k++) scaleBar(wild, k, 1.05); // +5% from bar 300 on: a jump that stays
    wild.open[300] = wild.close[299]; wild.low[300] = Math.min(wild.low[300], wild.open[300]);
    expect(found(checkCandles(wild))).toEqual([]);

    const calm = walk(400, 0.001);
    for (let k = 300; k < 400; k++) scaleBar(calm, k, 1.05);
    calm.open[300] = calm.close[299]; calm.low[300] = Math.min(calm.low[300], calm.open[300]);
    const r = checkCandles(calm);
    expect(found(r)).toEqual([['large-move', 300]]);
    expect(r.findings[0].message).toMatch(
      /^row 300 \(2021-06-\d\dT\d\d:00Z\): close [\d.]+ is \+4\.87% from [\d.]+ at row 299: 42\.7 local sigmas \(sigma 0\.11% a bar\)$/,
    );
    expect(r).toMatchObject({ ok: true, errors: 0, warnings: 1 });
    expect(r.moves.largest).toMatchObject({ row: 300 });
  });

  it('spike: a bad tick (one bar x50, the next back) is an error on that bar only, however wild the market', () => {
    for (const sigma of [0.001, 0.02]) {
      const c = walk(400, sigma);
      scaleBar(c, 250, 50);
      const r = checkCandles(c);
      expect(found(r), `sigma ${sigma}`).toEqual([['spike', 250]]);
      expect(r.findings[0]).toMatchObject({ column: 'close' });
      expect(r.findings[0].value).toBeGreaterThan(30);
      expect(r.findings[0].message).toMatch(/: close [\d.]+ is \+\d{4}\.\d\d% from [\d.]+ at row 249 and back to [\d.]+ at row 251 \(a 1-bar spike\): \d+\.\d local sigmas/);
      expect(r).toMatchObject({ ok: false, errors: 1 });
    }
  });

  it('spike: up to 3 bars off and back are each an error; 4 bars off is a level shift (large moves, warnings)', () => {
    for (const bars of [2, 3]) {
      const c = walk(400, 0.005);
      for (let k = 0; k < bars; k++) scaleBar(c, 200 + k, 0.1); // a decimal slip
      expect(found(checkCandles(c))).toEqual(Array.from({ length: bars }, (_, k) => ['spike', 200 + k]));
    }
    const c = walk(400, 0.005);
    for (let k = 0; k < 4; k++) scaleBar(c, 200 + k, 0.1);
    const r = checkCandles(c);
    expect(found(r)).toEqual([['large-move', 200], ['large-move', 204]]);
    expect(r.ok).toBe(true);
  });

  it('spike: a bad open, high or low (2x the spike threshold outside the closes around the bar) names the column', () => {
    const c = walk(400, 0.005);
    c.high[120] = c.close[120] * 50;
    c.low[300] = 0.06;
    const r = checkCandles(c);
    expect(r.findings.map((f) => [f.rule, f.row, f.column])).toEqual([['spike', 120, 'high'], ['spike', 300, 'low']]);
    expect(r.findings[1].message).toMatch(/: low 0\.06 is -99\.9\d% outside the closes around its bar \([\d.]+ \.\. [\d.]+\): \d+\.\d local sigmas/);
    // A real-sized wick (3% in a 0.5% market, 6 sigmas) is nothing.
    const ok = walk(400, 0.005);
    ok.high[120] = ok.close[120] * 1.03;
    expect(found(checkCandles(ok))).toEqual([]);
  });

  it('spike: a 1% blip and back in a 0.01%-sigma market is a large move, not a bad tick (spikes are 5% away too)', () => {
    const c = walk(400, 0.0001);
    scaleBar(c, 250, 1.01);
    c.high[100] *= 1.03; // a 3% wick: 300 sigmas, but no bad tick either
    const r = checkCandles(c);
    expect(found(r)).toEqual([['large-move', 250], ['large-move', 251]]);
    scaleBar(c, 250, 1.06 / 1.01);
    expect(found(checkCandles(c))).toEqual([['spike', 250]]);
  });

  it('spike: too few bars after a huge jump to see it come back: an unconfirmed large move', () => {
    const c = walk(300, 0.005);
    scaleBar(c, 299, 50);
    const r = checkCandles(c);
    expect(found(r)).toEqual([['large-move', 299]]);
    expect(r.findings[0].message).toMatch(/too few bars after it to tell whether it comes back \(a spike if it does\)$/);
  });

  it('thresholds: largeMoveThreshold (alias outlierThreshold) and spikeThreshold, ConfigError unless > 0', () => {
    const c = walk(400, 0.001);
    for (let k = 300; k < 400; k++) scaleBar(c, k, 1.05);
    expect(checkCandles(c, { largeMoveThreshold: 1e9 }).findings).toEqual([]);
    expect(checkCandles(c, { outlierThreshold: 1e9 }).findings).toEqual([]);
    expect(checkCandles(c, { outlierThreshold: 1e9, largeMoveThreshold: 10 }).counts['large-move']).toBe(1);
    scaleBar(c, 100, 50);
    expect(checkCandles(c, { spikeThreshold: 1e9 }).counts.spike).toBe(0);
    expect(() => checkCandles(c, { largeMoveThreshold: 0 })).toThrow(ConfigError);
    expect(() => checkCandles(c, { outlierThreshold: -1 })).toThrow('outlierThreshold: -1 must be a number > 0 (local sigmas; default 10)');
    expect(() => checkCandles(c, { spikeThreshold: NaN })).toThrow(/^spikeThreshold: NaN must be a number > 0/);
  });

  it('local sigma: MAD == 0 falls back to the mean absolute deviation; an all-flat series judges nothing', () => {
    const flat = Array.from({ length: 20 }, (_, k): Row => [T0 + k * M, 100, 100, 100, 100, 1]);
    const flatReport = checkCandles(candles(flat));
    expect(flatReport.moves.n).toBe(0);
    expect(flatReport.findings).toEqual([]);
    const oneMove = flat.map((r): Row => [...r]);
    for (let k = 10; k < 20; k++) oneMove[k] = [T0 + k * M, 101, 101, 101, 101, 1];
    oneMove[10][1] = 100; oneMove[10][3] = 100;
    const r = checkCandles(candles(oneMove));
    expect(found(r)).toEqual([['large-move', 10]]);
    // Seed: 1 move in 19 returns, mean |r| = ln(1.01) / 19; the slow average has decayed over the 9
    // flat bars before it (half-life 500), and sigma = 1.2533 * mean |r|.
    expect(r.findings[0].value).toBeCloseTo(19 / (1.2533141373155003 * 0.5 ** (9 / 500)), 9);
  });

  it('robustScale: median, MAD and the 1.4826 factor', () => {
    const s = robustScale(Float64Array.from([1, 2, 3, 4, 100]));
    expect(s).toMatchObject({ n: 5, median: 3, mad: 1, method: 'mad' });
    expect(s.scale).toBeCloseTo(1.4826, 12);
  });

  it('median (quickselect) equals the sorted middle, ties and even sizes included', () => {
    let seed = 42;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + Math.floor(rand() * 60);
      const levels = trial % 2 === 0 ? 4 : 1e6; // few distinct values (ties) or nearly all distinct
      const x = Float64Array.from({ length: n }, () => Math.floor(rand() * levels) - levels / 2);
      const copy = Float64Array.from(x);
      const s = Float64Array.from(x).sort();
      const want = n % 2 === 1 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
      expect(median(x)).toBe(want);
      expect(x).toEqual(copy); // the input is not reordered
    }
    expect(median(new Float64Array(0))).toBeNaN();
  });

  it('a series with every problem: exact rows per rule', () => {
    const base = cleanRows(20);
    base[2][4] = NaN; base[2][2] = NaN; // nan high and close
    base[4][1] = 0; base[4][3] = 0; // zero open and low
    base[6][2] = 99; base[6][3] = 102; // high < low
    base[8][5] = -1; // negative volume
    base[11] = [T0 + 11 * M, 101, 505.5, 100.5, 505, 12]; // a bad tick, back at the next bar
    base[12][1] = 100;
    base[19][0] -= 1000; // misaligned (59 s after 13:18, so no empty slot)
    const bad = [
      ...base.slice(0, 14), // rows 0..13
      base[15], // row 14: 13:14 is missing, a gap after row 13
      base[16], [...base[16]] as Row, // rows 15, 16: an identical duplicate
      base[18], base[17], // rows 17, 18: 13:17 after 13:18
      base[19], // row 19
    ];
    const r = checkCandles(candles(bad));
    expect(found(r)).toEqual([
      ['nan', 2], ['nan', 2], ['non-positive-price', 4], ['non-positive-price', 4], ['high-low', 6],
      ['negative-volume', 8], ['spike', 11], ['gap', 13], ['duplicate', 16], ['out-of-order', 18], ['misaligned', 19],
    ]);
    expect(r.errors).toBe(10);
    expect(r.warnings).toBe(1);
    const text = formatCheckReport(r);
    expect(text).toContain('10 errors, 1 warnings');
    // Errors are listed before warnings: the gap (row 13) comes last.
    expect(text.split('\n').filter((l) => l.startsWith('  [')).map((l) => /^ {2}\[([a-z-]+)\]/.exec(l)![1]).slice(-2)).toEqual(['misaligned', 'gap']);
  });

  it('caps the findings list per rule but counts exactly', () => {
    const rows = cleanRows();
    for (let k = 0; k < 7; k++) rows[k][5] = -1;
    const r = checkCandles(candles(rows), { maxFindingsPerRule: 2 });
    expect(r.counts['negative-volume']).toBe(7);
    expect(found(r)).toEqual([['negative-volume', 0], ['negative-volume', 1]]);
    expect(r.truncated).toBe(true);
  });

  it('throws DataError for columns of different lengths', () => {
    const c = candles(cleanRows());
    c.volume = c.volume.subarray(1);
    expect(() => checkCandles(c)).toThrow(DataError);
  });
});

describe('repairCandles', () => {
  it('the default policy changes nothing and returns a copy', () => {
    const c = candles(cleanRows().filter((_, k) => k !== 4)); // a gap is kept by default
    const { candles: out, changes } = repairCandles(c);
    expect(changes).toEqual([]);
    expect(arr(out.close)).toEqual(arr(c.close));
    expect(out.close).not.toBe(c.close);
    expect(DEFAULT_REPAIR).toEqual({ duplicates: 'error', order: 'error', misaligned: 'error', gaps: 'keep', spikes: 'error', invalid: 'error' });
  });

  it('the default policy refuses a bar off the grid (it was kept, so import stored it silently)', () => {
    const rows = cleanRows();
    rows[5][0] += 30_000;
    const c = candles(rows);
    expect(checkCandles(c).counts.misaligned).toBe(1); // the check always called it an error
    expect(() => repairCandles(c)).toThrow(/row 5, ts: 2021-05-19T13:05:30Z: ts is 30000 ms past the 1m grid \(misaligned: 'drop' removes such rows, 'keep' keeps them\)/);
    expect(repairCandles(c, { misaligned: 'keep' }).candles.ts.length).toBe(12);
    expect(errorsKeptByPolicy(resolveRepairPolicy({ misaligned: 'keep' }))).toEqual(['misaligned']);
  });

  it('policy fields: undefined keeps the default, an unknown value throws ConfigError', () => {
    expect(resolveRepairPolicy({ gaps: undefined, order: 'sort' })).toEqual({ ...DEFAULT_REPAIR, order: 'sort' });
    expect(() => resolveRepairPolicy({ gaps: 'fill' as 'ffill' })).toThrow(ConfigError);
    expect(() => resolveRepairPolicy({ gaps: 'fill' as 'ffill' })).toThrow('gaps: "fill" is not allowed; use keep, mark, ffill');
  });

  it("gaps 'ffill': inserts flat bars at the previous close with volume 0", () => {
    const c = candles(cleanRows(6).filter((_, k) => k !== 2 && k !== 3));
    const { candles: out, changes } = repairCandles(c, { gaps: 'ffill' });
    expect(arr(out.ts)).toEqual([0, 1, 2, 3, 4, 5].map((k) => T0 + k * M));
    expect(arr(out.open)).toEqual([100, 100, 101, 101, 101, 100]);
    expect(arr(out.high)).toEqual([100.5, 101.5, 101, 101, 101.5, 101.5]);
    expect(arr(out.low)).toEqual([99.5, 99.5, 101, 101, 99.5, 99.5]);
    expect(arr(out.close)).toEqual([100, 101, 101, 101, 100, 101]);
    expect(arr(out.volume)).toEqual([1, 2, 0, 0, 5, 6]);
    expect(changes).toEqual([{
      rule: 'gap', action: 'ffill', row: 1, ts: T0 + 2 * M, count: 2,
      message: 'row 1 (2021-05-19T13:01Z): inserted 2 flat bars at close 101 from 2021-05-19T13:02Z to 2021-05-19T13:03Z, volume 0',
    }]);
  });

  it("gaps 'mark': inserts NaN price bars with volume 0", () => {
    const c = candles(cleanRows(4).filter((_, k) => k !== 2));
    const { candles: out, changes } = repairCandles(c, { gaps: 'mark' });
    expect(arr(out.ts)).toEqual([0, 1, 2, 3].map((k) => T0 + k * M));
    expect(arr(out.open)).toEqual([100, 100, NaN, 100]);
    expect(arr(out.high)).toEqual([100.5, 101.5, NaN, 101.5]);
    expect(arr(out.low)).toEqual([99.5, 99.5, NaN, 99.5]);
    expect(arr(out.close)).toEqual([100, 101, NaN, 101]);
    expect(arr(out.volume)).toEqual([1, 2, 0, 4]);
    expect(changes.map((x) => [x.rule, x.action, x.row, x.count])).toEqual([['gap', 'mark', 1, 1]]);
    expect(found(checkCandles(out))).toEqual([['nan', 2], ['nan', 2], ['nan', 2], ['nan', 2]]);
  });

  it("order 'sort': stable sort by ts; 'error' throws naming the row", () => {
    const rows = cleanRows(5);
    const c = candles([rows[0], rows[2], rows[1], rows[3], rows[4]]);
    const { candles: out, changes } = repairCandles(c, { order: 'sort' });
    expect(arr(out.ts)).toEqual([0, 1, 2, 3, 4].map((k) => T0 + k * M));
    expect(arr(out.close)).toEqual([100, 101, 100, 101, 100]);
    expect(changes.map((x) => [x.rule, x.action, x.row, x.ts])).toEqual([['out-of-order', 'sort', 2, T0 + M]]);
    expect(() => repairCandles(c, {}, { file: 'btc.json' })).toThrow(DataError);
    expect(() => repairCandles(c, {}, { file: 'btc.json' })).toThrow(
      "btc.json, row 2, ts: 2021-05-19T13:01Z: ts goes back 60000 ms, before row 1 (2021-05-19T13:02Z) (order: 'sort' sorts by ts)",
    );
  });

  it("sort keeps duplicates in their given order, so 'keep-first' keeps the earlier row", () => {
    const rows = cleanRows(4);
    const late: Row = [...rows[1]];
    late[4] = 100.25;
    const c = candles([rows[0], rows[1], rows[2], late, rows[3]]); // late repeats 13:01 after 13:02
    const { candles: out } = repairCandles(c, { order: 'sort', duplicates: 'keep-first' });
    expect(arr(out.close)).toEqual([100, 101, 100, 101]);
  });

  const withDup = () => {
    const rows = cleanRows(4);
    const dup: Row = [...rows[1]];
    dup[4] = 100.75; dup[5] = 9;
    rows.splice(2, 0, dup);
    return candles(rows); // rows 1 and 2 share 13:01
  };

  it("duplicates 'keep-first' / 'keep-last'", () => {
    const first = repairCandles(withDup(), { duplicates: 'keep-first' });
    expect(arr(first.candles.ts)).toEqual([0, 1, 2, 3].map((k) => T0 + k * M));
    expect(arr(first.candles.close)).toEqual([100, 101, 100, 101]);
    expect(arr(first.candles.volume)).toEqual([1, 2, 3, 4]);
    expect(first.changes.map((x) => [x.rule, x.action, x.row])).toEqual([['duplicate', 'drop', 2]]);
    expect(first.changes[0].message).toBe('row 2 (2021-05-19T13:01Z): dropped, duplicate of row 1 (keep-first), values differ: close 100.75 vs 101, volume 9 vs 2');

    const last = repairCandles(withDup(), { duplicates: 'keep-last' });
    expect(arr(last.candles.close)).toEqual([100, 100.75, 100, 101]);
    expect(arr(last.candles.volume)).toEqual([1, 9, 3, 4]);
    expect(last.changes.map((x) => [x.rule, x.action, x.row])).toEqual([['duplicate', 'drop', 1]]);
  });

  it("duplicates 'error' throws DataError naming row, ts and the values", () => {
    expect(() => repairCandles(withDup(), {}, { file: 'x.json' })).toThrow(
      /^x\.json, row 2, ts: 2021-05-19T13:01Z: duplicate of row 1, values differ: close 100\.75 vs 101/,
    );
  });

  it("invalid 'drop' removes NaN / non-positive / high<low / negative-volume rows; 'error' throws", () => {
    const rows = cleanRows(8);
    rows[1][4] = NaN; rows[3][1] = 0; rows[3][3] = 0; rows[5][2] = 50; rows[6][5] = -2;
    const c = candles(rows);
    const { candles: out, changes } = repairCandles(c, { invalid: 'drop' });
    expect(arr(out.ts)).toEqual([0, 2, 4, 7].map((k) => T0 + k * M));
    expect(changes.map((x) => [x.rule, x.row])).toEqual([['nan', 1], ['non-positive-price', 3], ['high-low', 5], ['negative-volume', 6]]);
    expect(changes[2].message).toBe('row 5 (2021-05-19T13:05Z): dropped, high 50 < low 99.5');
    let err: unknown;
    try { repairCandles(c, {}, { file: 'f.json' }); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(DataError);
    expect((err as DataError).where).toEqual({ file: 'f.json', row: 1, column: 'close' });
    expect((err as DataError).message).toBe("f.json, row 1, close: 2021-05-19T13:01Z: close is NaN (invalid: 'drop' removes such rows)");
  });

  it("misaligned 'drop' / 'error'", () => {
    const rows = cleanRows(4);
    rows[2][0] += 1;
    const c = candles(rows);
    const { candles: out, changes } = repairCandles(c, { misaligned: 'drop' });
    expect(arr(out.ts)).toEqual([T0, T0 + M, T0 + 3 * M]);
    expect(changes.map((x) => [x.rule, x.action, x.row])).toEqual([['misaligned', 'drop', 2]]);
    expect(() => repairCandles(c, { misaligned: 'error' })).toThrow(/row 2, ts: .*1 ms past the 1m grid/);
  });

  // closes 100, 101, 100, 101, 100, [500], 100, 101, ...: the bar at 13:05 is a bad tick (x5).
  const spike = () => {
    const rows = cleanRows(11);
    rows[5] = [T0 + 5 * M, 100, 500.5, 99.5, 500, 6];
    rows[6] = bar(6, 100, 100.5);
    return candles(rows);
  };

  it("spikes 'error' (the default) throws DataError naming the row and column; 'keep' keeps the bar", () => {
    let err: unknown;
    try { repairCandles(spike(), {}, { file: 'f.json' }); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(DataError);
    expect((err as DataError).where).toEqual({ file: 'f.json', row: 5, column: 'close' });
    expect((err as DataError).message).toMatch(
      /^f\.json, row 5, close: 2021-05-19T13:05Z: spike: close 500 is \+400\.00% from 100 at row 4 and back to 100\.5 at row 6 \(a 1-bar spike\): \d+\.\d local sigmas \(sigma [\d.]+% a bar\) \(spikes: 'clip' or 'drop' repairs it, 'keep' keeps it\)$/,
    );
    const kept = repairCandles(spike(), { spikes: 'keep' });
    expect(kept.changes).toEqual([]);
    expect(kept.candles.close[5]).toBe(500);
  });

  it("spikes 'clip': a close spike's prices are clamped into the closes before and after it", () => {
    const c = spike();
    const { candles: out, changes } = repairCandles(c, { spikes: 'clip' });
    expect(arr(out.close)).toEqual([100, 101, 100, 101, 100, 100.5, 100.5, 101, 100, 101, 100]);
    expect([out.open[5], out.high[5], out.low[5], out.close[5]]).toEqual([100, 100.5, 100, 100.5]);
    expect(changes.map((x) => [x.rule, x.action, x.row])).toEqual([['spike', 'clip', 5]]);
    expect(changes[0].message).toMatch(/^row 5 \(2021-05-19T13:05Z\): close 500 -> 100\.5 \(a spike of \d+\.\d local sigmas; prices clamped into the closes around it, \[100, 100\.5\]\)$/);
    expect(c.close[5]).toBe(500); // the input is untouched
    expect(checkCandles(out).counts.spike).toBe(0);
  });

  it("spikes 'clip': a bad low is clamped alone; the bar's real high stays", () => {
    const c = walk(300, 0.005);
    const high = c.high[200];
    c.low[200] = 0.06;
    const { candles: out, changes } = repairCandles(c, { spikes: 'clip' });
    const around = [c.close[199], c.close[200], c.close[201]];
    expect(out.low[200]).toBe(Math.min(...around, c.open[200]));
    expect(out.high[200]).toBe(high);
    expect(changes.map((x) => [x.rule, x.action, x.row])).toEqual([['spike', 'clip', 200]]);
    expect(changes[0].message).toMatch(/: low 0\.06 -> [\d.]+ \(a spike of \d+\.\d local sigmas; low clamped into the closes around it, \[/);
    expect(checkCandles(out).ok).toBe(true);
  });

  it("spikes 'drop' removes the row; with gaps 'ffill' the hole is filled from the previous close", () => {
    const { candles: out, changes } = repairCandles(spike(), { spikes: 'drop' });
    expect(arr(out.ts)).toEqual([0, 1, 2, 3, 4, 6, 7, 8, 9, 10].map((k) => T0 + k * M));
    expect(arr(out.close)).toEqual([100, 101, 100, 101, 100, 100.5, 101, 100, 101, 100]);
    expect(changes.map((x) => [x.rule, x.action, x.row])).toEqual([['spike', 'drop', 5]]);
    expect(changes[0].message).toMatch(/^row 5 \(2021-05-19T13:05Z\): dropped, spike: close 500 is /);

    const filled = repairCandles(spike(), { spikes: 'drop', gaps: 'ffill' });
    expect(arr(filled.candles.close)).toEqual([100, 101, 100, 101, 100, 100, 100.5, 101, 100, 101, 100]);
    expect(arr(filled.candles.volume)).toEqual([1, 2, 3, 4, 5, 0, 7, 8, 9, 10, 11]);
    expect(filled.changes.map((x) => [x.rule, x.action, x.row, x.count])).toEqual([['spike', 'drop', 5, undefined], ['gap', 'ffill', 4, 1]]);
  });

  it("large moves are never repaired; 'outliers' (the CLI flag's name) is 'spikes'", () => {
    const c = walk(400, 0.001);
    for (let k = 300; k < 400; k++) scaleBar(c, k, 1.05);
    expect(checkCandles(c).counts['large-move']).toBe(1);
    expect(repairCandles(c, { spikes: 'drop' }).changes).toEqual([]);
    expect(resolveRepairPolicy({ outliers: 'clip' })).toEqual({ ...DEFAULT_REPAIR, spikes: 'clip' });
    expect(resolveRepairPolicy({ outliers: 'clip', spikes: 'drop' }).spikes).toBe('drop');
    expect(repairCandles(spike(), { outliers: 'drop' }).changes.map((x) => x.rule)).toEqual(['spike']);
    expect(() => resolveRepairPolicy({ outliers: 'winsorize' as 'clip' })).toThrow('outliers: "winsorize" is not allowed; use error, keep, clip, drop');
  });

  it('changes name input rows after earlier steps removed rows', () => {
    const rows = cleanRows(11);
    rows[5] = [T0 + 5 * M, 100, 500.5, 99.5, 500, 6];
    rows[6] = bar(6, 100, 100.5);
    rows[1][5] = -1; // dropped first, so the spike is row 4 of the intermediate series
    const { changes } = repairCandles(candles(rows), { invalid: 'drop', spikes: 'drop' });
    expect(changes.map((x) => [x.rule, x.row])).toEqual([['negative-volume', 1], ['spike', 5]]);
    expect(changes[1].message).toMatch(/from 100 at row 4 and back to 100\.5 at row 6/);
  });
});

describe('impossible times: before 2009-01-03 or after now (a wrong unit or a corrupt value)', () => {
  const NOW = Date.UTC(2024, 0, 1);
  // The audit's bars: 1969, and the years 55841 and 82269 (ms times read as seconds: x1000).
  const Y55841 = 1_700_000_000_000 * 1000;
  const Y82269 = 2_534_000_000_000 * 1000;

  it('is an error naming the row; the other time rules leave such a row out', () => {
    const rows = cleanRows();
    rows[3][0] = -60_000; // 1969-12-31T23:59Z
    rows[7][0] = Y55841;
    rows[9][0] = Y82269;
    const r = checkCandles(candles(rows), { now: NOW });
    expect(found(r)).toEqual([['gap', 2], ['impossible-time', 3], ['gap', 6], ['impossible-time', 7], ['gap', 8], ['impossible-time', 9]]);
    expect(r.findings[1].message).toBe('row 3 (1969-12-31T23:59Z): ts -60000 is before 2009-01-03, the first Bitcoin block: a wrong epoch unit or a corrupt value');
    expect(r.findings[3].message).toMatch(/^row 7 \(\+05584\d-.*\): ts 1700000000000000 is in the future \(after 2024-01-01T00:01:00Z\)/);
    expect(r).toMatchObject({ ok: false, errors: 3, missingBars: 3 });
  });

  it('a time no Date can show (past the year 275760) still gives a one-line message', () => {
    const rows = cleanRows(3);
    rows[1][0] = 1e300;
    const r = checkCandles(candles(rows), { now: NOW });
    expect(r.findings.find((f) => f.rule === 'impossible-time')!.message).toMatch(/^row 1 \(ts 1e\+300\): ts 1e\+300 is in the future/);
  });

  it("is repaired only by invalid 'drop'; the default throws naming the row", () => {
    const rows = cleanRows();
    rows[3][0] = -60_000;
    const c = candles(rows);
    expect(() => repairCandles(c, {}, { now: NOW })).toThrow(/^row 3, ts: 1969-12-31T23:59Z: ts -60000 is before 2009-01-03/);
    const { candles: out, changes } = repairCandles(c, { invalid: 'drop' }, { now: NOW });
    expect(out.ts.length).toBe(11);
    expect(changes.map((x) => [x.rule, x.action, x.row])).toEqual([['impossible-time', 'drop', 3]]);
  });

  it('a bar may open at most one bar after now', () => {
    const rows = cleanRows(3);
    const c = candles(rows);
    expect(checkCandles(c, { now: T0 + M }).ok).toBe(true); // the last bar (13:02) opens one bar after now
    expect(found(checkCandles(c, { now: T0 + M - 1 }))).toEqual([['impossible-time', 2]]);
  });

  it('trades too: a minute of clock skew allowed', () => {
    const t = emptyTrades('test', 'BTC/USDT', 3);
    t.ts.set([-1000, T0, T0 + 61_000]);
    t.price.set([1, 1, 1]); t.amount.set([1, 1, 1]); t.side.set([1, 1, 1]); t.id = ['a', 'b', 'c'];
    const r = checkTrades(t, { now: T0 });
    expect(r.findings.map((f) => [f.rule, f.row])).toEqual([['impossible-time', 0], ['impossible-time', 2]]);
    expect(checkTrades(t, { now: T0 + 1000 }).findings.map((f) => f.row)).toEqual([0]);
  });
});

describe('rows named by their place in the file', () => {
  // Rows 0..11 came from lines 3..14 of a CSV (a banner and a header above them).
  const csvLines = (n: number): RowPositions => ({ file: 'f.csv', line: Uint32Array.from({ length: n }, (_, k) => k + 3) });

  it('check messages name the line, also for the row a finding refers to', () => {
    const rows = cleanRows();
    const dup: Row = [...rows[3]];
    rows.splice(4, 0, dup);
    rows[8][0] += 30_000;
    const r = checkCandles(candles(rows), { positions: csvLines(rows.length) });
    expect(r.findings.map((f) => f.message)).toEqual([
      'line 7 (2021-05-19T13:03Z): duplicate of line 6, identical values',
      'line 10 (2021-05-19T13:06Z): 1 missing 1m bar before line 11 (2021-05-19T13:07:30Z)',
      'line 11 (2021-05-19T13:07:30Z): ts 1621429650000 is 30000 ms past the 1m grid (bars open at 2021-05-19T13:07Z, 2021-05-19T13:08Z)',
    ]);
    expect(r.findings.map((f) => f.row)).toEqual([4, 7, 8]); // findings keep the array index
  });

  it('repair errors are FileDataError at the line (and JSON element), with the column', () => {
    const rows = cleanRows();
    rows[5][2] = 50; // high < low
    const json: RowPositions = { file: 'f.json', line: new Uint32Array(12).fill(1), element: Uint32Array.from({ length: 12 }, (_, k) => k + 1) };
    let err: unknown;
    try { repairCandles(candles(rows), {}, { positions: json }); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(FileDataError);
    expect(err).toBeInstanceOf(DataError);
    expect((err as FileDataError).position).toEqual({ file: 'f.json', line: 1, element: 6, column: 'high' });
    expect((err as Error).message).toBe("f.json, line 1, element 6, high: 2021-05-19T13:05Z: high 50 < low 99.5 (invalid: 'drop' removes such rows)");
  });

  it('spike messages name the lines of the bars around it', () => {
    const rows = cleanRows();
    rows[5] = [T0 + 5 * M, 100, 500.5, 99.5, 500, 6];
    rows[6] = bar(6, 100, 100.5);
    expect(() => repairCandles(candles(rows), {}, { positions: csvLines(12) })).toThrow(
      /^f\.csv, line 8, close: 2021-05-19T13:05Z: spike: close 500 is \+400\.00% from 100 at line 7 and back to 100\.5 at line 9 \(a 1-bar spike\)/,
    );
  });

  it('the repair says where each output row came from (-1 for an inserted bar)', () => {
    const rows = cleanRows(6).filter((_, k) => k !== 3);
    rows.splice(1, 0, [...rows[1]] as Row);
    const { rows: from } = repairCandles(candles(rows), { duplicates: 'keep-last', gaps: 'ffill' });
    expect(Array.from(from)).toEqual([0, 2, 3, -1, 4, 5]);
  });
});

describe('checkTrades', () => {
  const trades = (): Trades => {
    const t = emptyTrades('test', 'BTC/USDT', 6);
    t.ts.set([T0, T0 + 5, T0 + 5, T0 + 9, T0 + 7, T0 + 12]);
    t.price.set([100, 100.5, 100.5, 101, 100.8, 101]);
    t.amount.set([1, 0.5, 0.25, 2, 1, 0.1]);
    t.side.set([1, -1, -1, 1, 1, -1]);
    t.id = ['1', '2', '3', '4', '5', '6'];
    return t;
  };

  it('a clean series gives no findings (equal ts are allowed)', () => {
    const t = trades();
    t.ts[4] = T0 + 10;
    expect(checkTrades(t)).toMatchObject({ rows: 6, ok: true, findings: [], firstTs: T0, lastTs: T0 + 12 });
  });

  it('order, duplicate ids, NaN and non-positive price/amount, bad side', () => {
    const t = trades();
    t.id[3] = '2'; t.price[1] = 0; t.amount[5] = NaN; t.side[2] = 0;
    const r = checkTrades(t);
    expect(r.findings.map((f) => [f.rule, f.row])).toEqual([
      ['non-positive-price', 1], ['bad-side', 2], ['duplicate-id', 3], ['out-of-order', 4], ['nan', 5],
    ]);
    expect(r.findings[2].message).toBe('row 3 (2021-05-19T13:00:00.009Z): id "2" already at row 1');
    expect(r.ok).toBe(false);
  });
});

describeIf([SHARED_DATA], 'real data: Binance BTC/USDT 1m, 2021-04-20 .. 2021-05-20', () => {
  let file: string;
  let rows: Row[];
  let c: Candles;
  beforeAll(() => {
    file = sharedFile('binance-spot-1m-2021-04-to-05', 'BTC_USDT-1m.json');
    // freqtrade JSON: an array of [ts, open, high, low, close, volume]
    rows = JSON.parse(readFileSync(file, 'utf8')) as Row[];
    c = candles(rows);
  });

  it('has exactly one gap: 285 minutes after 2021-04-25T04:00Z (284 missing bars), no duplicates or disorder', () => {
    const r = checkCandles(c);
    expect(r.rows).toBe(rows.length);
    expect(r.counts.gap).toBe(1);
    const gap = r.findings.find((f) => f.rule === 'gap')!;
    expect(gap.ts).toBe(Date.UTC(2021, 3, 25, 4, 0));
    expect(c.ts[gap.row + 1] - c.ts[gap.row]).toBe(285 * M);
    expect(gap.value).toBe(284);
    expect(r.missingBars).toBe(284);
    expect(r.counts).toMatchObject({ duplicate: 0, 'out-of-order': 0, misaligned: 0, nan: 0, 'non-positive-price': 0, 'high-low': 0, 'negative-volume': 0 });
    expect(r.ok).toBe(true);
  });

  it("gaps 'ffill' gives a complete series", () => {
    const { candles: out, changes } = repairCandles(c, { gaps: 'ffill' }, { file });
    expect(out.ts.length).toBe(rows.length + 284);
    expect(changes).toHaveLength(1);
    expect(checkCandles(out).missingBars).toBe(0);
  });
});

describe('real data: large moves and spikes in the shipped samples', () => {
  const sample = (exchange: string, timeframe: string) => readCandles(SAMPLES_STORE, { exchange, symbol: 'BTC/USD', timeframe });
  const rowAt = (c: Candles, iso: string) => c.ts.indexOf(Date.parse(iso));
  const copy = (c: Candles) => sliceCandles(c, 0, c.ts.length);
  let hourly: Candles;
  let daily: Candles;
  beforeAll(async () => {
    [hourly, daily] = await Promise.all([sample('coinbase', '1h'), sample('coinbase', '1d')]);
  });

  it('the shipped Coinbase BTC/USD 1h sample is ok: 19 large moves (warnings), all over 3.5%, no spike', () => {
    // The one global robust z-score this rule replaced reported 121 "outliers" here, mostly ordinary
    // 4-6% hours of the volatile 2017-18 stretch.
    const r = checkCandles(hourly);
    expect(r).toMatchObject({ ok: true, errors: 0, warnings: 19 });
    expect(r.counts).toMatchObject({ 'large-move': 19, spike: 0 });
    for (const f of r.findings) {
      const [, pct] = /is ([-+][\d.]+)%/.exec(f.message)!;
      expect(Math.abs(Number(pct)), f.message).toBeGreaterThan(3.5);
      expect(f.value).toBeGreaterThan(10);
    }
    // The largest is the real April 2019 jump (+12.22% in an hour after months of calm).
    expect(r.moves.largest).toMatchObject({ ts: Date.parse('2019-04-02T04:00Z') });
    expect(r.moves.largest!.pct).toBeCloseTo(12.22, 2);
    expect(formatCheckReport(r)).toMatch(/large-move > 10, largest \+12\.22% at 2019-04-02T04:00Z \(\d+\.\d sigmas\); spike > 30 and back\n/);
  });

  it('bad ticks injected into it are errors on exactly their rows: x50, x1.5 in a calm week, x0.5 in December 2017, a 50x high', () => {
    const c = copy(hourly);
    const calm = rowAt(c, '2019-03-10T12:00Z');
    const calm2 = rowAt(c, '2019-03-12T12:00Z');
    const wild = rowAt(c, '2017-12-17T15:00Z');
    const wick = rowAt(c, '2018-09-01T09:00Z');
    scaleBar(c, calm, 50);
    scaleBar(c, calm2, 1.5);
    scaleBar(c, wild, 0.5);
    c.high[wick] *= 50;
    const r = checkCandles(c);
    expect(r.findings.filter((f) => f.rule === 'spike').map((f) => [f.row, f.column])).toEqual(
      [[wild, 'close'], [wick, 'high'], [calm, 'close'], [calm2, 'close']],
    );
    expect(r).toMatchObject({ ok: false, errors: 4 });
    expect(r.counts['large-move']).toBe(19); // the real moves are judged as before

    const clipped = repairCandles(c, { spikes: 'clip' });
    expect(clipped.changes.map((x) => x.row)).toEqual([wild, wick, calm, calm2]);
    expect(checkCandles(clipped.candles)).toMatchObject({ ok: true, warnings: 19 });
    const dropped = repairCandles(c, { spikes: 'drop', gaps: 'ffill' });
    expect(dropped.candles.ts.length).toBe(c.ts.length);
    expect(checkCandles(dropped.candles)).toMatchObject({ ok: true, warnings: 19 });
  });

  it('a jump that stays (x1.5 from a row on) is one large move, never an error', () => {
    const c = copy(hourly);
    const at = rowAt(c, '2019-03-10T12:00Z');
    for (let i = at; i < c.ts.length; i++) scaleBar(c, i, 1.5);
    c.open[at] = c.close[at - 1];
    c.low[at] = Math.min(c.low[at], c.open[at]);
    const r = checkCandles(c);
    expect(r.ok).toBe(true);
    expect(r.findings.find((f) => f.row === at)).toMatchObject({ rule: 'large-move' });
  });

  it('the shipped Coinbase 1d sample has one real bad tick: a low of 0.06 on 2017-04-15 (a 1,175 USD day)', () => {
    const r = checkCandles(daily);
    const row = rowAt(daily, '2017-04-15T00:00Z');
    expect(r.findings.filter((f) => f.rule === 'spike').map((f) => [f.row, f.column, f.message])).toEqual([
      [row, 'low', expect.stringMatching(/^row \d+ \(2017-04-15T00:00Z\): low 0\.06 is -99\.99% outside the closes around its bar \(1173\.74 \.\. 1178\.85\)/)],
    ]);
    expect(r.errors).toBe(1);
    const { candles: fixed } = repairCandles(daily, { spikes: 'clip' });
    expect([fixed.open[row], fixed.high[row], fixed.low[row], fixed.close[row]]).toEqual([1173.74, 1190.99, 1173.74, 1178.85]);
    expect(checkCandles(fixed).ok).toBe(true);
    expect(() => repairCandles(daily)).toThrow(/row 866, low: 2017-04-15T00:00Z: spike: low 0\.06/);
  });
});

describeIf([SHARED_DATA], 'real data: large moves and spikes on Binance 1m and Bittrex 5m', () => {
  const rowAt = (c: Candles, iso: string) => c.ts.indexOf(Date.parse(iso));
  const binance = (pair: string): Candles =>
    candles(JSON.parse(readFileSync(sharedFile('binance-spot-1m-2021-04-to-05', `${pair}-1m.json`), 'utf8')) as Row[]);

  it('Binance 1m, April-May 2021 (the 2021-05-19 crash included): ok, no spike, a handful of large moves', () => {
    // Before (one global robust z, threshold 10): 105, 104, 65, 115 and 81 warnings.
    const want: Record<string, number> = { BTC_USDT: 6, ETH_USDT: 1, LTC_USDT: 0, ETH_BTC: 1, LTC_BTC: 4 };
    for (const [pair, moves] of Object.entries(want)) {
      const r = checkCandles(binance(pair));
      expect(r.ok, pair).toBe(true);
      expect([pair, r.counts['large-move'], r.counts.spike]).toEqual([pair, moves, 0]);
    }
  });

  it('Binance BTC/USDT 1m with a 50x tick: the spike is an error, import-style repair refuses it', () => {
    const c = binance('BTC_USDT');
    const at = rowAt(c, '2021-05-19T13:00Z'); // in the crash, when 1m moves were at their largest
    scaleBar(c, at, 50);
    const r = checkCandles(c);
    expect(r.findings.filter((f) => f.rule === 'spike').map((f) => f.row)).toEqual([at]);
    expect(() => repairCandles(c, {}, { file: 'BTC_USDT-1m.json' })).toThrow(DataError);
  });

  it("freqtrade's Bittrex 5m alt pairs of January 2018 (illiquid, many unchanged closes): no spike", () => {
    for (const base of ['ADA', 'DASH', 'ETC', 'ETH', 'LTC', 'NXT', 'TRX', 'XLM', 'XMR', 'ZEC']) {
      const rows = JSON.parse(readFileSync(sharedFile('freqtrade-testdata', `${base}_BTC-5m.json`), 'utf8')) as Row[];
      const r = checkCandles(candles(rows, '5m'));
      expect([base, r.counts.spike, r.errors]).toEqual([base, 0, 0]);
    }
  });
});
