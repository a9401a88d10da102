// `tradegym data import` as a user runs it (the real CLI in a child process), on the files an audit
// found stored with exit 0: whatever `data check` calls an error is refused with exit 3, one line
// naming the file's own line, and nothing written, unless a repair flag says what to do; warnings
// are listed and stored. Also: a timeframe that disagrees with the file's spacing is refused, and a
// file bigger than the JavaScript heap imports (it is streamed, never one string).
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCandles } from '../data/store/candle-store.js';

const BIN = fileURLToPath(new URL('../bin/tradegym.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'tg-import-cli-'));
const exec = promisify(execFile);

interface Run { code: number; out: string; err: string }

async function cli(args: string[], nodeFlags: string[] = []): Promise<Run> {
  try {
    const r = await exec(process.execPath, [...nodeFlags, BIN, ...args], { cwd: dir, env: { ...process.env, TRADEGYM_PROGRESS_EVERY: '60' }, maxBuffer: 16 << 20 });
    return { code: 0, out: r.stdout, err: r.stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, out: x.stdout, err: x.stderr };
  }
}

/** An expected failure: the exit code, and one stderr line (no stack) matching `re`. */
function expectRefused(r: Run, code: number, re: RegExp): void {
  expect(r.code, r.err + r.out).toBe(code);
  const lines = r.err.trim().split('\n');
  expect(lines, r.err).toHaveLength(1);
  expect(lines[0]).toMatch(re);
}

/** Every Parquet file under a store (none at all when a refused import wrote nothing). */
function parquetFiles(store: string): string[] {
  if (!existsSync(store)) return [];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (e.name.endsWith('.parquet')) out.push(join(d, e.name));
    }
  };
  walk(store);
  return out;
}

const M = 60_000;
const T0 = Date.UTC(2024, 0, 1);
type Bar = [ts: number | string, open: number, high: number, low: number, close: number, volume: number];

/**
 * n one-minute bars of a calm walk (closes 100, 100.1, 100, ...: ~0.1 % moves), as rows; the
 * caller spoils some and writes them out.
 */
function bars(n: number, step = M): Bar[] {
  const out: Bar[] = [];
  for (let k = 0; k < n; k++) {
    const o = k === 0 ? 100 : (out[k - 1][4] as number);
    const c = k % 2 === 0 ? 100 : 100.1;
    out.push([T0 + k * step, o, Math.max(o, c) + 0.05, Math.min(o, c) - 0.05, c, 1 + k]);
  }
  return out;
}

/** A Binance-style CSV: a header on line 1, so bar k (0-based) is on line k + 2. */
function csv(name: string, rows: Bar[], header = 'timestamp,open,high,low,close,volume'): string {
  const path = join(dir, name);
  writeFileSync(path, `${header}\n${rows.map((r) => r.join(',')).join('\n')}\n`);
  return path;
}

const MARKET = ['--data', 'test:ABC/USDT:1m'];
let n = 0;
/** A fresh store for each import, so "nothing written" means an empty folder. */
const freshStore = (): string => join(dir, `store-${++n}`);
const key = { exchange: 'test', symbol: 'ABC/USDT', timeframe: '1m' };

beforeAll(async () => {
  // A stale dist/ is rebuilt by the first start; do it here, not in the memory-limited child below.
  expect((await cli(['--help'])).code).toBe(0);
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('bad ticks: a 50x spike is refused unless --spikes says what to do', () => {
  const spiky = (): string => {
    const rows = bars(60);
    rows[30] = [T0 + 30 * M, 100, 5005, 99.9, 5000, 31]; // line 32: x50 for one bar, then back
    return csv('spike.csv', rows);
  };

  it('refused with exit 3, naming line 32 and the column; nothing is stored', async () => {
    const store = freshStore();
    const r = await cli(['data', 'import', spiky(), ...MARKET, '--store', store]);
    expectRefused(r, 3, /spike\.csv, line 32, close: 2024-01-01T00:30Z: spike: close 5000 is \+489\d\.\d\d% from 100\.1 at line 31 and back to 100\.1 at line 33 .*\(spikes: 'clip' or 'drop' repairs it, 'keep' keeps it\); nothing was stored$/);
    expect(r.out).toMatch(/spike\s+1\s+\(error\)/); // the report lists it before the refusal
    expect(parquetFiles(store)).toEqual([]);
  });

  it("'clip' clamps it into the closes around it, 'drop' removes it, 'keep' stores it and says so", async () => {
    const clip = freshStore();
    const clipped = await cli(['data', 'import', spiky(), ...MARKET, '--store', clip, '--spikes', 'clip']);
    expect(clipped.code, clipped.err).toBe(0);
    expect(clipped.out).toMatch(/\[spike clip\] line 32 \(2024-01-01T00:30Z\): close 5000 -> 100\.1/);
    const c = await readCandles(clip, key);
    expect([c.ts.length, c.close[30], c.high[30]]).toEqual([60, 100.1, 100.1]);

    const drop = freshStore();
    expect((await cli(['data', 'import', spiky(), ...MARKET, '--store', drop, '--spikes', 'drop'])).code).toBe(0);
    expect((await readCandles(drop, key)).ts.length).toBe(59);

    const keep = freshStore();
    const kept = await cli(['data', 'import', spiky(), ...MARKET, '--store', keep, '--spikes', 'keep']);
    expect(kept.code, kept.err).toBe(0);
    expect(kept.out).toMatch(/kept as asked: 1 spike/);
    expect((await readCandles(keep, key)).close[30]).toBe(5000);
  });

  it('a jump that stays (x50 from a bar on) is a large move: a warning, listed and stored', async () => {
    const rows = bars(60).map((r, k): Bar => (k < 30 ? r : [r[0], r[1] * 50, r[2] * 50, r[3] * 50, r[4] * 50, r[5]]));
    rows[30][1] = rows[29][4] as number; // the bar that jumps opens at the close before it
    rows[30][3] = rows[29][4] as number;
    const store = freshStore();
    const r = await cli(['data', 'import', csv('level.csv', rows), ...MARKET, '--store', store]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/large-move\s+1\s+\(warning\)/);
    expect(r.out).toMatch(/\[large-move\] line 32 \(2024-01-01T00:30Z\): close 5000 is \+489\d\.\d\d% from 100\.1 at line 31/);
    expect(r.out).toMatch(/stored 60 ABC\/USDT 1m candles/);
  });
});

describe('bars off the grid and impossible times', () => {
  it('a bar 30 s off the 1m grid: refused naming line 81 (it was "row 79"); --misaligned drop stores the rest', async () => {
    const rows = bars(100);
    rows[79][0] = (rows[79][0] as number) + 30_000;
    const file = csv('misaligned.csv', rows);
    const store = freshStore();
    expectRefused(await cli(['data', 'import', file, ...MARKET, '--store', store]), 3,
      /misaligned\.csv, line 81, ts: 2024-01-01T01:19:30Z: ts is 30000 ms past the 1m grid \(misaligned: 'drop' removes such rows, 'keep' keeps them\); nothing was stored$/);
    expect(parquetFiles(store)).toEqual([]);

    const check = await cli(['data', 'check', '--file', file, ...MARKET]);
    expect(check.code).toBe(3);
    expect(check.out).toMatch(/\[misaligned\] line 81 \(2024-01-01T01:19:30Z\): ts 1704071970000 is 30000 ms past the 1m grid/);

    const dropped = await cli(['data', 'import', file, ...MARKET, '--store', store, '--misaligned', 'drop']);
    expect(dropped.code, dropped.err).toBe(0);
    expect(dropped.out).toMatch(/\[misaligned drop\] line 81 /);
    expect(dropped.out).toMatch(/\[gap\] line 80 \(2024-01-01T01:18Z\): 1 missing 1m bar before line 82/); // the warning is listed
    expect((await readCandles(store, key)).ts.length).toBe(99);
  });

  it('a bar in 1969: refused naming its line; --invalid drop stores the rest', async () => {
    const rows = bars(50);
    rows[20][0] = -60_000;
    const file = csv('1969.csv', rows);
    const store = freshStore();
    expectRefused(await cli(['data', 'import', file, ...MARKET, '--store', store]), 3,
      /1969\.csv, line 22, ts: 1969-12-31T23:59Z: ts -60000 is before 2009-01-03, the first Bitcoin block: a wrong epoch unit or a corrupt value \(invalid: 'drop' removes such rows\); nothing was stored$/);
    expect(parquetFiles(store)).toEqual([]);
    const r = await cli(['data', 'import', file, ...MARKET, '--store', store, '--invalid', 'drop', '--gaps', 'ffill']);
    expect(r.code, r.err).toBe(0);
    expect((await readCandles(store, key)).ts.length).toBe(50);
  });

  it('a bar in the year 82269 (an epoch µs value in a ms file): refused naming its line', async () => {
    const rows = bars(50);
    rows[40][0] = 2_534_000_000_000_000;
    const store = freshStore();
    expectRefused(await cli(['data', 'import', csv('82269.csv', rows), ...MARKET, '--store', store]), 3,
      /82269\.csv, line 42, ts: \+0822\d\d-.*: ts 2534000000000000 is in the future .*; nothing was stored$/);
    expect(parquetFiles(store)).toEqual([]);
  });

  it('epoch units that change part-way (ms then s, s then ms: bars of 1970 and of the year 55841): refused at the line', async () => {
    const msThenS = bars(50).map((r, k): Bar => (k < 25 ? r : [(r[0] as number) / 1000, r[1], r[2], r[3], r[4], r[5]]));
    const store = freshStore();
    expectRefused(await cli(['data', 'import', csv('ms-then-s.csv', msThenS), ...MARKET, '--store', store]), 3,
      /ms-then-s\.csv, line 27, timestamp: mixed epoch units: 1704068700 is epoch s \(2024-01-01T00:25:00Z\), but the column's times are epoch ms \(its first is 1704067200000\); as ms it would be 1970-01-20T.*; nothing was stored$/);
    const sThenMs = bars(50).map((r, k): Bar => (k < 25 ? [(r[0] as number) / 1000, r[1], r[2], r[3], r[4], r[5]] : r));
    expectRefused(await cli(['data', 'import', csv('s-then-ms.csv', sThenMs), ...MARKET, '--store', store]), 3,
      /s-then-ms\.csv, line 27, timestamp: mixed epoch units: 1704068700000 is epoch ms \(2024-01-01T00:25:00Z\), but the column's times are epoch s \(its first is 1704067200\); as s it would be \+0559\d\d-/);
    expect(parquetFiles(store)).toEqual([]);
  });
});

describe('the timeframe is checked against the spacing of the bars', () => {
  it('a 1m file imported as 1h: exit 2 saying what the file is; nothing stored', async () => {
    const file = csv('one-minute.csv', bars(120));
    const store = freshStore();
    expectRefused(await cli(['data', 'import', file, '--data', 'test:ABC/USDT:1h', '--store', store]), 2,
      /^error: timeframe: .*one-minute\.csv: the file's bars are 1m apart in 119 of 119 steps, but the timeframe given is 1h; import it as 1m; 1h bars are then read resampled from it$/);
    expect(parquetFiles(store)).toEqual([]);
    expectRefused(await cli(['data', 'check', '--file', file, '--data', 'test:ABC/USDT:1h']), 2, /the file's bars are 1m apart/);
  });

  it('an hourly file imported as 1m is refused too; the right timeframe imports and the note says what was inferred', async () => {
    const file = csv('hourly.csv', bars(48, 3_600_000));
    expectRefused(await cli(['data', 'import', file, ...MARKET, '--store', freshStore()]), 2,
      /the file's bars are 1h apart in 47 of 47 steps, but the timeframe given is 1m; import it as 1h$/);
    const ok = await cli(['data', 'import', file, '--data', 'test:ABC/USDT:1h', '--store', freshStore()]);
    expect(ok.code, ok.err).toBe(0);
    expect(ok.out).toMatch(/note: bars are 1h apart in 47 of 47 steps \(the timeframe given is 1h\)/);
  });

  it('a sparse market (bars often a few minutes apart) still imports as 1m', async () => {
    // Every third minute without trades: 2-minute steps outnumber 1-minute ones, 1m is still the grid.
    const rows = bars(90).filter((_, k) => k % 3 !== 1);
    const r = await cli(['data', 'import', csv('sparse.csv', rows), ...MARKET, '--store', freshStore()]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/note: bars are 2m apart in 30 of 59 steps \(the timeframe given is 1m\)/);
    expect(r.out).toMatch(/stored 60 ABC\/USDT 1m candles/);
  });
});

describe('messages name the file\'s own lines', () => {
  it('a CSV with a banner: the duplicate on line 81 is "line 81"', async () => {
    const rows = bars(100);
    rows[78] = [...rows[77]]; // data row 78 = line 81 (banner on line 1, header on line 2)
    const path = join(dir, 'banner.csv');
    writeFileSync(path, `Data from somewhere,https://example.com\ntimestamp,open,high,low,close,volume\n${rows.map((r) => r.join(',')).join('\n')}\n`);
    const store = freshStore();
    expectRefused(await cli(['data', 'import', path, ...MARKET, '--store', store]), 3,
      /banner\.csv, line 81, ts: 2024-01-01T01:17Z: duplicate of line 80, identical values \(duplicates: 'keep-first' or 'keep-last'\); nothing was stored$/);
    const ok = await cli(['data', 'import', path, ...MARKET, '--store', store, '--duplicates', 'keep-first', '--gaps', 'ffill']);
    expect(ok.out).toMatch(/\[duplicate drop\] line 81 \(2024-01-01T01:17Z\): dropped, duplicate of line 80/);
  });

  it('a pretty-printed freqtrade JSON: the element and the line it starts on', async () => {
    const rows = bars(10);
    rows[6][2] = 50; // high below low
    const path = join(dir, 'pretty.json');
    writeFileSync(path, JSON.stringify(rows, null, 2));
    const r = await cli(['data', 'import', path, ...MARKET, '--store', freshStore()]);
    // Each element spans 8 lines after the "[" on line 1: element 7 starts on line 50.
    expectRefused(r, 3, /pretty\.json, line 50, element 7, high: 2024-01-01T00:06Z: high 50 < low 99\.95 \(invalid: 'drop' removes such rows\); nothing was stored$/);
  });

  it('trades: an impossible time and a bad side name their lines', async () => {
    const head = 'timestamp,id,side,price,amount';
    const good = (k: number) => `${T0 + k * 1000},${k},buy,100,1`;
    const lines = Array.from({ length: 20 }, (_, k) => good(k));
    lines[9] = '-5000,9,buy,100,1';
    const path = join(dir, 'trades.csv');
    writeFileSync(path, `${head}\n${lines.join('\n')}\n`);
    const store = freshStore();
    const r = await cli(['data', 'import', path, '--exchange', 'test', '--symbol', 'ABC/USDT', '--kind', 'trades', '--store', store]);
    expectRefused(r, 3, /trades\.csv: 1 error\(s\) in the trades, the first: line 11 \(1969-12-31T23:59:55Z\): ts -5000 is before 2009-01-03.*; nothing was stored$/);
    expect(parquetFiles(store)).toEqual([]);
    lines[9] = good(9).replace('buy', 'sideways');
    writeFileSync(path, `${head}\n${lines.join('\n')}\n`);
    const side = await cli(['data', 'import', path, '--exchange', 'test', '--symbol', 'ABC/USDT', '--kind', 'trades', '--store', store]);
    expectRefused(side, 3, /trades\.csv, line 11, side: side must be buy or sell, got "sideways"; nothing was stored$/);
  });
});

describe('large files are streamed', () => {
  it('a 30 MB CSV imports in a process whose JavaScript heap (24 MB) could not hold it as one string', async () => {
    // Before, the file was read into one string (a 570 MB file died with ERR_STRING_TOO_LONG) and
    // split into row arrays (a 114 MB file took 1.2 GB); this child would die of heap exhaustion.
    const rows = 540_000;
    const lines: string[] = ['timestamp,open,high,low,close,volume'];
    for (let k = 0; k < rows; k++) lines.push(`${T0 + k * M},4012.35,4013.1,4011.02,4012.87,${(k % 97) + 0.1234}`);
    const path = join(dir, 'big.csv');
    writeFileSync(path, `${lines.join('\n')}\n`);
    lines.length = 0;
    const store = freshStore();
    const r = await cli(['data', 'import', path, ...MARKET, '--store', store], ['--max-old-space-size=24']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/stored 540000 ABC\/USDT 1m candles/);
    const back = await readCandles(store, key);
    expect([back.ts.length, back.ts[rows - 1], back.volume[rows - 1]]).toEqual([rows, T0 + (rows - 1) * M, ((rows - 1) % 97) + 0.1234]);
  }, 180_000);
});
