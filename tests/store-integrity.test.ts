// The store's integrity (issue 11), through the real CLI in real processes: series names are
// validated before they become folders, `data export` never writes into the store, concurrent
// writers of one series lose no row (a lock per series), a write of several files is all or
// nothing (also under kill -9 at each step of the commit, and on a really full disk), and every
// expected failure is one line with its exit code (`--debug` adds the stack).
import { execFile, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { candlesToCsv } from '../data/sources/export-csv.js';
import { candleFiles, readCandles, writeCandles } from '../data/store/candle-store.js';
import { SAMPLES_STORE } from '../data/store/catalog.js';
import { emptyCandles, type Candles } from '../data/types.js';
import { describeIf, MOUNT_TMPFS } from './helpers/requirements.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'tradegym.js');
const dir = mkdtempSync(join(tmpdir(), 'tg-integrity-'));
const exec = promisify(execFile);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface CliResult { code: number; out: string; err: string }

/**
 * Root may write anywhere; `asUser` runs the command as root without capabilities (setpriv), so
 * permission bits bind it like any user. Without setpriv it runs as nobody (uid 65534).
 */
function userCommand(argv: string[]): { file: string; args: string[]; ids: { uid?: number; gid?: number } } {
  if (process.getuid?.() !== 0) return { file: argv[0], args: argv.slice(1), ids: {} };
  if (spawnSync('setpriv', ['--help'], { stdio: 'ignore' }).status === 0) {
    return { file: 'setpriv', args: ['--inh-caps=-all', '--bounding-set=-all', ...argv], ids: {} };
  }
  return { file: argv[0], args: argv.slice(1), ids: { uid: 65534, gid: 65534 } };
}

async function cli(args: string[], opts: { store?: string; env?: Record<string, string>; asUser?: boolean } = {}): Promise<CliResult> {
  const env = { ...process.env, TRADEGYM_STORE: opts.store ?? join(dir, 'store'), TRADEGYM_PROGRESS_EVERY: '600', ...opts.env };
  const argv = [process.execPath, BIN, ...args];
  const cmd = opts.asUser ? userCommand(argv) : { file: argv[0], args: argv.slice(1), ids: {} };
  try {
    const r = await exec(cmd.file, cmd.args, { cwd: dir, env, maxBuffer: 16 << 20, ...cmd.ids });
    return { code: 0, out: r.stdout, err: r.stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, out: x.stdout, err: x.stderr };
  }
}

/** An expected failure: one line on stderr, no stack. */
function expectOneLine(r: CliResult, code: number, pattern: RegExp): void {
  expect(r.err.trim(), r.err).toMatch(pattern);
  expect(r.code, r.err).toBe(code);
  expect(r.err.trim().split('\n'), r.err).toHaveLength(1);
  expect(r.err).not.toMatch(/\n\s+at /);
}

/** A random-walk series of `n` bars from `start` (seeded, so files are reproducible). */
function series(timeframe: string, stepMs: number, start: number, n: number, seed = 1): Candles {
  const c = emptyCandles('binance', 'BTC/USDT', timeframe, n);
  let s = seed;
  const rnd = () => (s = (s * 16807) % 2147483647) / 2147483647;
  let p = 100;
  for (let i = 0; i < n; i++) {
    c.ts[i] = start + i * stepMs;
    c.open[i] = p;
    p *= 1 + (rnd() - 0.5) * 0.002;
    c.close[i] = p;
    c.high[i] = Math.max(c.open[i], p) * (1 + rnd() * 0.001);
    c.low[i] = Math.min(c.open[i], p) * (1 - rnd() * 0.001);
    c.volume[i] = rnd() * 10;
  }
  return c;
}

function csvFile(name: string, c: Candles): string {
  const path = join(dir, name);
  writeFileSync(path, candlesToCsv(c));
  return path;
}

/** Every file and folder under `root` (dot files included) with a hash of each file's bytes. */
function snapshot(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) {
        out[`${relative(root, p)}/`] = 'dir';
        walk(p);
      } else {
        out[relative(root, p)] = createHash('sha256').update(readFileSync(p)).digest('hex');
      }
    }
  };
  walk(root);
  return out;
}

const HOUR = 3_600_000;
const JAN = Date.UTC(2024, 0, 1);
const BTC = ['--exchange', 'binance', '--symbol', 'BTC/USDT'];

describe('series names become folders only after validation', () => {
  it('refuses an exchange id that would leave the store, and writes nothing', async () => {
    // The store sits deep inside `dir`, so a write that escaped it would still land where we look.
    const store = join(dir, 'a', 'b', 'c', 'd', 'store');
    const file = csvFile('escape.csv', series('1h', HOUR, JAN, 48));
    const r = await cli(['data', 'import', file, '--exchange', '../../../../escaped', '--symbol', 'BTC/USDT', '--timeframe', '1h'], { store });
    expectOneLine(r, 2, /^error: exchange: "\.\.\/\.\.\/\.\.\/\.\.\/escaped" is not an exchange id/);
    expect(existsSync(resolve(store, 'ohlcv', 'exchange=../../../../escaped'))).toBe(false);
    expect(existsSync(join(dir, 'a'))).toBe(false);
  });

  it('refuses upper case, separators and dots in the exchange id and the timeframe', async () => {
    const file = csvFile('names.csv', series('1h', HOUR, JAN, 4));
    for (const exchange of ['Binance', 'bin/ance', '..', 'bin\\ance', '']) {
      const r = await cli(['data', 'import', file, '--exchange', exchange, '--symbol', 'BTC/USDT', '--timeframe', '1h']);
      expect(r.code, `${exchange}: ${r.err}`).toBe(2);
      expect(r.err.trim().split('\n')).toHaveLength(1);
    }
    const tf = await cli(['data', 'import', file, ...BTC, '--timeframe', '1h/../../x']);
    expectOneLine(tf, 2, /timeframe: "1h\/\.\.\/\.\.\/x" is not a timeframe/);
  });

  it('the library refuses the same names before touching the disk', async () => {
    const store = join(dir, 'lib-store');
    const c = series('1h', HOUR, JAN, 4);
    await expect(writeCandles(store, { ...c, exchange: '../../x' })).rejects.toThrow(/exchange: "\.\.\/\.\.\/x" is not an exchange id/);
    await expect(writeCandles(store, { ...c, timeframe: '1h/..' })).rejects.toThrow(/timeframe/);
    await expect(readCandles(store, { exchange: 'a/b', symbol: 'BTC/USDT', timeframe: '1h' })).rejects.toThrow(/exchange/);
    const { appendBooks } = await import('../data/store/book-store.js');
    const { emptyBooks } = await import('../data/types.js');
    const b = emptyBooks('binance', 'BTC/USDT', 2, 1);
    b.ts[0] = JAN;
    await expect(appendBooks(store, { ...b, exchange: '..' })).rejects.toThrow(/exchange/);
    expect(existsSync(store)).toBe(false);
  });
});

describe('data export never writes into the store', () => {
  const store = join(dir, 'export-store');
  let parquet: string;
  beforeAll(async () => {
    await writeCandles(store, series('1h', HOUR, JAN, 48));
    [parquet] = await candleFiles(store, { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1h' });
  });

  it('refuses --out at a file of the store, which stays byte for byte, and ls and check still work', async () => {
    const before = snapshot(store);
    const r = await cli(['data', 'export', ...BTC, '--timeframe', '1h', '--out', parquet], { store });
    expectOneLine(r, 2, /^error: out: .*2024\.parquet is inside the store/);
    expect(snapshot(store)).toEqual(before);
    expect((await cli(['data', 'ls'], { store })).code).toBe(0);
    expect((await cli(['data', 'check', ...BTC, '--timeframe', '1h'], { store })).code).toBe(0);
  });

  it('refuses --out through a symlink into the store, and into the shipped samples', async () => {
    const link = join(dir, 'link-into-store');
    symlinkSync(join(store, 'ohlcv'), link);
    const viaLink = await cli(['data', 'export', ...BTC, '--timeframe', '1h', '--out', join(link, 'x.csv')], { store });
    expectOneLine(viaLink, 2, /out: .* is inside the store/);
    expect(existsSync(join(store, 'ohlcv', 'x.csv'))).toBe(false);
    const samples = await cli(['data', 'export', '--data', 'coinbase:BTC/USD:1d', '--out', join(SAMPLES_STORE, 'x.csv')], { store });
    expectOneLine(samples, 2, /out: .* is inside the shipped samples/);
    expect(existsSync(join(SAMPLES_STORE, 'x.csv'))).toBe(false);
  });

  it('an --out into a missing folder, or a store that is a file, is one line', async () => {
    const missing = await cli(['data', 'export', ...BTC, '--timeframe', '1h', '--out', join(dir, 'no', 'such', 'x.csv')], { store });
    expectOneLine(missing, 2, /^error: out: folder .*no\/such does not exist/);
    const asFile = join(dir, 'store-is-a-file');
    writeFileSync(asFile, 'not a folder');
    const file = csvFile('to-a-file.csv', series('1h', HOUR, JAN, 4));
    const imp = await cli(['data', 'import', file, ...BTC, '--timeframe', '1h'], { store: asFile });
    expectOneLine(imp, 2, /^error: store: .*store-is-a-file is a file, not a folder/);
    const ls = await cli(['data', 'ls'], { store: asFile });
    expectOneLine(ls, 2, /store: .* is a file, not a folder/);
  });
});

describe('a file in the store that is not Parquet (what the old export left)', () => {
  it('ls, check and an import into its month say so in one line naming it', async () => {
    const store = join(dir, 'corrupt-store');
    await writeCandles(store, series('1h', HOUR, JAN, 48));
    const [parquet] = await candleFiles(store, { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1h' });
    writeFileSync(parquet, 'ts,datetime,open,high,low,close,volume\n');
    const named = new RegExp(`^error: ${parquet.replaceAll('.', '\\.')}: not a readable Parquet file \\(.*\\); restore it, or delete it`);
    expectOneLine(await cli(['data', 'ls'], { store }), 3, named);
    expectOneLine(await cli(['data', 'check', ...BTC, '--timeframe', '1h'], { store }), 3, named);
    const file = csvFile('into-corrupt.csv', series('1h', HOUR, Date.UTC(2024, 0, 5), 4));
    expectOneLine(await cli(['data', 'import', file, ...BTC, '--timeframe', '1h'], { store }), 3, named);
  });
});

describe('concurrent writers of one series', () => {
  it('four imports into the same month at once keep every row', async () => {
    const store = join(dir, 'concurrent');
    // A big month makes each writer's read-merge-write slow, so without a lock they overlap.
    const base = series('1s', 1000, JAN, 400_000);
    await writeCandles(store, base);
    const files = [0, 1, 2, 3].map((k) => csvFile(`part-${k}.csv`, series('1s', 1000, Date.UTC(2024, 0, 20 + k), 3600, k + 2)));
    const runs = await Promise.all(files.map((f) => cli(['data', 'import', f, ...BTC, '--timeframe', '1s'], { store })));
    for (const r of runs) {
      expect(r.code, r.err).toBe(0);
      expect(r.out).toMatch(/stored 3600 BTC\/USDT 1s candles/);
    }
    const back = await readCandles(store, { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1s' });
    expect(back.ts.length).toBe(400_000 + 4 * 3600);
    for (let k = 0; k < 4; k++) {
      const from = Date.UTC(2024, 0, 20 + k);
      const got = back.ts.filter((t) => t >= from && t < from + HOUR).length;
      expect(got, `rows of writer ${k}`).toBe(3600);
    }
    expect(readdirSync(join(store, 'ohlcv', 'exchange=binance', 'symbol=BTC_USDT', 'timeframe=1s'))).toEqual(['2024-01.parquet']);
  });
});

/** A CLI process that stops at a step of its commit (TRADEGYM_STORE_PAUSE_AT) until it is killed. */
async function pausedWriter(args: string[], store: string, step: string): Promise<{ pid: number; kill: () => Promise<void> }> {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: dir, env: { ...process.env, TRADEGYM_STORE: store, TRADEGYM_STORE_PAUSE_AT: step }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  const exited = new Promise<void>((done) => child.on('exit', () => done()));
  await new Promise<void>((ok, fail) => {
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.includes(`paused at ${step}`)) ok();
    });
    child.on('exit', (code) => fail(new Error(`writer exited with ${code} before pausing at ${step}: ${err}`)));
  });
  return {
    pid: child.pid!,
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

describe('a write of several files is all or nothing, even under kill -9', () => {
  // Two months stored; the import rewrites both and adds a third, so a commit has three files.
  const twoMonths = () => series('1m', 60_000, Date.UTC(2024, 0, 30), 4 * 1440, 7);
  const update = () => series('1m', 60_000, Date.UTC(2024, 0, 31, 12), 32 * 1440, 8);
  const key = { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1m' };

  for (const step of ['staged', 'renamed', 'committed'] as const) {
    it(`killed at "${step}": the next reader finds the store ${step === 'committed' ? 'updated' : 'as it was'}`, async () => {
      const store = join(dir, `kill-${step}`);
      await writeCandles(store, twoMonths());
      const before = snapshot(store);
      const file = csvFile(`update-${step}.csv`, update());
      const writer = await pausedWriter(['data', 'import', file, ...BTC, '--timeframe', '1m'], store, step);
      // While it is alive, a reader reads the old files (staged) or the new ones (committed), and
      // half-way through the renames waits for it rather than read a mix (here: gives up after 1 s).
      const during = await cli(['data', 'ls', '--json'], { store, env: { TRADEGYM_LOCK_WAIT: '1' } });
      if (step === 'renamed') {
        expectOneLine(during, 5, new RegExp(`is locked by pid ${writer.pid} on .*; gave up after 1 s`));
      } else {
        expect(during.code, during.err).toBe(0);
        const seen = (JSON.parse(during.out) as { store: string; rows: number }[]).find((x) => x.store !== 'samples')!.rows;
        expect(seen).toBe(step === 'staged' ? 4 * 1440 : 33.5 * 1440);
      }
      // While it holds the series, a second writer waits, then gives up naming the holder.
      const second = await cli(['data', 'import', file, ...BTC, '--timeframe', '1m'], { store, env: { TRADEGYM_LOCK_WAIT: '1' } });
      expectOneLine(second, 5, new RegExp(`is locked by pid ${writer.pid} on .*; gave up after 1 s`));
      await writer.kill();
      // A reader (data ls) repairs what the killed writer left.
      const ls = await cli(['data', 'ls', '--json'], { store });
      expect(ls.code, ls.err).toBe(0);
      const rows = (JSON.parse(ls.out) as { store: string; rows: number }[]).find((s) => s.store !== 'samples')!.rows;
      if (step === 'committed') {
        const back = await readCandles(store, key);
        expect(rows).toBe(back.ts.length);
        expect(back.ts[0]).toBe(Date.UTC(2024, 0, 30));
        expect(back.ts[back.ts.length - 1]).toBe(Date.UTC(2024, 0, 31, 12) + (32 * 1440 - 1) * 60_000);
        expect(Object.keys(snapshot(store)).filter((p) => /(^|\/)\./.test(p))).toEqual([]);
      } else {
        expect(rows).toBe(4 * 1440);
        expect(snapshot(store)).toEqual(before);
      }
      // And the next writer of the series goes ahead.
      const again = await cli(['data', 'import', file, ...BTC, '--timeframe', '1m'], { store });
      expect(again.code, again.err).toBe(0);
      expect((await readCandles(store, key)).ts.length).toBe(33.5 * 1440);
    });
  }

  it('a killed writer is also repaired by the next writer (no reader in between)', async () => {
    const store = join(dir, 'kill-then-write');
    await writeCandles(store, twoMonths());
    const file = csvFile('update-w.csv', update());
    const writer = await pausedWriter(['data', 'import', file, ...BTC, '--timeframe', '1m'], store, 'renamed');
    await writer.kill();
    const other = csvFile('other.csv', series('1m', 60_000, Date.UTC(2024, 1, 5), 60, 9));
    const r = await cli(['data', 'import', other, ...BTC, '--timeframe', '1m'], { store });
    expect(r.code, r.err).toBe(0);
    const back = await readCandles(store, key);
    // The old two months (minus nothing) plus the other import; none of the killed writer's rows.
    expect(back.ts.length).toBe(4 * 1440 + 60);
  });
});

describe('exit codes of file-system conditions', () => {
  it('2 when a path names the wrong thing, 5 when the machine refuses; unwrapped Node and DuckDB errors too', async () => {
    const { errorLine, exitCodeOf } = await import('../scripts/exit-codes.js');
    const { StorageError, StoreBusyError } = await import('../data/store/storage-error.js');
    const full = new StorageError('ENOSPC', '/s/x.parquet', '; nothing was changed');
    expect([exitCodeOf(full), full.message]).toEqual([5, 'no space left on device at /s/x.parquet; nothing was changed']);
    for (const code of ['EROFS', 'EACCES', 'EPERM', 'EDQUOT']) expect(exitCodeOf(new StorageError(code, '/s'))).toBe(5);
    for (const code of ['ENOTDIR', 'EISDIR', 'ENOENT']) expect(exitCodeOf(new StorageError(code, '/s'))).toBe(2);
    expect(exitCodeOf(new StoreBusyError('busy'))).toBe(5);
    const missing = await import('node:fs/promises').then((fs) => fs.readFile('/no/such/file').catch((e: unknown) => e));
    expect([exitCodeOf(missing), errorLine(missing)]).toEqual([2, 'no such file or folder at /no/such/file']);
    const duck = new Error('IO Error: Could not write file "/m/x.parquet": No space left on device');
    expect([exitCodeOf(duck), errorLine(duck)]).toEqual([5, 'no space left on device at /m/x.parquet']);
    // Anything else is a bug and keeps its stack.
    expect(exitCodeOf(new Error('IO Error: something unexpected'))).toBeUndefined();
    expect(exitCodeOf(new TypeError('x'))).toBeUndefined();
  });
});

describe('expected failures are one line; --debug shows the stack', () => {
  it('a missing input file', async () => {
    const args = ['data', 'import', join(dir, 'missing.csv'), ...BTC, '--timeframe', '1h'];
    expectOneLine(await cli(args), 3, /missing\.csv: cannot read file/);
    const debug = await cli([...args, '--debug']);
    expect(debug.code).toBe(3);
    expect(debug.err).toMatch(/missing\.csv: cannot read file/);
    expect(debug.err).toMatch(/\n\s+at /);
  });

  it('a store folder without write permission', async () => {
    const store = join(dir, 'no-write');
    await writeCandles(store, series('1h', HOUR, JAN, 48));
    const before = snapshot(store);
    const file = csvFile('perm.csv', series('1h', HOUR, Date.UTC(2024, 0, 3), 48, 3));
    // Folders readable by anyone (for the nobody fallback of userCommand), writable by no one.
    for (const p of [dir, store]) chmodSync(p, 0o755);
    const walk = (d: string): void => {
      for (const e of readdirSync(d, { withFileTypes: true })) if (e.isDirectory()) walk(join(d, e.name));
      chmodSync(d, 0o555);
    };
    walk(store);
    chmodSync(file, 0o644);
    try {
      // Without write permission the built CLI must already be fresh: build it first as ourselves.
      expect((await cli(['--help'])).code).toBe(0);
      const r = await cli(['data', 'import', file, ...BTC, '--timeframe', '1h'], { store, asUser: true });
      expectOneLine(r, 5, /^error: permission denied at .*timeframe=1h.*; nothing was changed$/);
    } finally {
      const open = (d: string): void => {
        chmodSync(d, 0o755);
        for (const e of readdirSync(d, { withFileTypes: true })) if (e.isDirectory()) open(join(d, e.name));
      };
      open(store);
      chmodSync(dir, 0o700);
    }
    expect(snapshot(store)).toEqual(before);
  });
});

describeIf([MOUNT_TMPFS], 'a full disk and a read-only store (a real tmpfs)', () => {
  const mnt = join(dir, 'mnt');
  const mount = (...args: string[]) => {
    const r = spawnSync('mount', args, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`mount ${args.join(' ')}: ${r.stderr}`);
  };
  beforeAll(() => {
    mkdirSync(mnt);
    // Room for the stored month and one new month, not for both new months beside the old one.
    mount('-t', 'tmpfs', '-o', 'size=3m', 'tmpfs', mnt);
  });
  afterAll(() => {
    spawnSync('umount', [mnt]);
  });

  it('an import of two months that does not fit changes nothing and says so in one line', async () => {
    const store = join(mnt, 'store');
    await writeCandles(store, series('1m', 60_000, JAN, 600, 11));
    const before = snapshot(store);
    const file = csvFile('two-months.csv', series('1m', 60_000, JAN, 60 * 1440, 12));
    const r = await cli(['data', 'import', file, ...BTC, '--timeframe', '1m'], { store });
    expect(snapshot(store)).toEqual(before);
    expectOneLine(r, 5, /^error: no space left on device at .*timeframe=1m\/2024-0[12]\.parquet; nothing was changed$/);
    expect(statSync(join(store, 'ohlcv')).isDirectory()).toBe(true);
  });

  it('a read-only store: one line, nothing changed', async () => {
    const store = join(mnt, 'store');
    const before = snapshot(store);
    mount('-o', 'remount,ro', mnt);
    try {
      const file = csvFile('ro.csv', series('1m', 60_000, JAN + 600 * 60_000, 60, 13));
      const r = await cli(['data', 'import', file, ...BTC, '--timeframe', '1m'], { store });
      expectOneLine(r, 5, /^error: read-only file system at .*timeframe=1m.*; nothing was changed$/);
      // Reading a read-only store works.
      const ls = await cli(['data', 'ls'], { store });
      expect(ls.code, ls.err).toBe(0);
      expect(ls.out).toMatch(/store\s+ohlcv\s+binance\s+BTC\/USDT\s+1m/);
    } finally {
      mount('-o', 'remount,rw', mnt);
    }
    expect(snapshot(store)).toEqual(before);
  });
});
