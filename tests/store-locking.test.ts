// The series lock and the commit journal, with real processes (tsx children) holding, dying and
// racing: a live holder is waited for and named, a dead one (kill -9, a reused pid, an earlier
// boot) is taken over, another host's lock never is, four processes never hold one lock together,
// and a killed append of chunk files over two days is rolled back, folders and all.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { acquireSeriesLock, LOCK_FILE } from '../data/store/series-lock.js';
import { StoreBusyError } from '../data/store/storage-error.js';
import { appendBooks, bookFiles, readBooks } from '../data/store/book-store.js';
import { emptyBooks, type Books } from '../data/types.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'tg-locking-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A child process that uses the store's own modules (through tsx, so the sources run as they are).
const CHILD = join(dir, 'child.mts');
writeFileSync(CHILD, `
const [mode, target, arg] = process.argv.slice(2);
const lockMod = await import(${JSON.stringify(join(ROOT, 'data/store/series-lock.ts'))});
const { appendFileSync } = await import('node:fs');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
if (mode === 'hold') {
  await lockMod.acquireSeriesLock(target);
  console.log('locked');
  setInterval(() => undefined, 60_000);
} else if (mode === 'rounds') {
  for (let i = 0; i < 10; i++) {
    const lock = await lockMod.acquireSeriesLock(target, { waitMs: 60_000 });
    appendFileSync(arg, 'in ' + process.pid + '\\n');
    await sleep(5);
    appendFileSync(arg, 'out ' + process.pid + '\\n');
    await lock.release();
  }
} else if (mode === 'books') {
  const { appendBooks } = await import(${JSON.stringify(join(ROOT, 'data/store/book-store.ts'))});
  const b = JSON.parse(arg);
  for (const k of ['ts', 'bidPx', 'bidSz', 'askPx', 'askSz']) b[k] = Float64Array.from(b[k]);
  await appendBooks(target, b);
}
`);

interface Child { pid: number; out: () => string; exited: Promise<number | null>; kill: () => Promise<void> }

function child(args: string[], env: Record<string, string> = {}): Child {
  const p = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  p.stdout.on('data', (d: Buffer) => (out += d.toString()));
  p.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((done) => p.on('exit', (code) => done(code)));
  return {
    pid: p.pid!, out: () => out, exited,
    kill: async () => {
      p.kill('SIGKILL');
      await exited;
    },
  };
}

async function until(c: Child, text: string): Promise<void> {
  while (!c.out().includes(text)) {
    const early = await Promise.race([c.exited.then((code) => ({ code })), new Promise((r) => setTimeout(r, 20))]);
    if (early && typeof early === 'object' && 'code' in early) throw new Error(`child exited (${early.code}) before "${text}": ${c.out()}`);
  }
}

function series(name: string): string {
  const d = join(dir, name);
  mkdirSync(d, { recursive: true });
  return d;
}

function writeLock(d: string, holder: Record<string, unknown>): void {
  writeFileSync(join(d, LOCK_FILE), JSON.stringify({ pid: 1, host: hostname(), boot: '', start: '', since: Date.now(), command: 'test', token: 'other', ...holder }));
}

describe('the series lock', () => {
  it('waits for a live holder and names it when it gives up; takes over once it is killed', async () => {
    const d = series('live');
    const holder = child(['hold', d]);
    try {
      await until(holder, 'locked');
      const busy = acquireSeriesLock(d, { waitMs: 300 });
      await expect(busy).rejects.toThrow(StoreBusyError);
      await expect(busy).rejects.toThrow(new RegExp(`${d} is locked by pid ${holder.pid} on ${hostname()} since .*; gave up after 0\\.3 s`));
    } finally {
      await holder.kill();
    }
    const lock = await acquireSeriesLock(d, { waitMs: 5000 });
    expect(JSON.parse(readFileSync(join(d, LOCK_FILE), 'utf8')).pid).toBe(process.pid);
    await lock.release();
    expect(existsSync(join(d, LOCK_FILE))).toBe(false);
  });

  it('never takes over a lock from another host, and says how to remove it', async () => {
    const d = series('other-host');
    writeLock(d, { host: 'elsewhere.example', pid: 4242 });
    await expect(acquireSeriesLock(d, { waitMs: 100 })).rejects.toThrow(/locked by pid 4242 on elsewhere\.example .*; if that process is gone, delete .*\.lock/);
    expect(JSON.parse(readFileSync(join(d, LOCK_FILE), 'utf8')).host).toBe('elsewhere.example');
  });

  it('takes over a lock whose pid is reused: our own pid, another process start, an earlier boot', async () => {
    const d = series('reuse');
    const linux = existsSync('/proc/self/stat');
    // Our own pid with a token this process never had: a restarted container that got the same pid.
    writeLock(d, { pid: process.pid, token: 'not-ours' });
    await (await acquireSeriesLock(d, { waitMs: 0 })).release();
    // pid 1 is alive, but not the process that took the lock (its start time differs).
    writeLock(d, { pid: 1, start: '1' });
    if (linux) await (await acquireSeriesLock(d, { waitMs: 0 })).release();
    else await expect(acquireSeriesLock(d, { waitMs: 0 })).rejects.toThrow(StoreBusyError);
    // A lock taken before the last boot.
    if (linux) {
      writeLock(d, { pid: 1, boot: 'an-earlier-boot' });
      await (await acquireSeriesLock(d, { waitMs: 0 })).release();
    }
    // A live pid on this host that did take it is respected.
    const holder = child(['hold', series('reuse-live')]);
    try {
      await until(holder, 'locked');
      const theirs = JSON.parse(readFileSync(join(dir, 'reuse-live', LOCK_FILE), 'utf8'));
      writeLock(d, { pid: holder.pid, start: theirs.start, boot: theirs.boot });
      await expect(acquireSeriesLock(d, { waitMs: 100 })).rejects.toThrow(`locked by pid ${holder.pid}`);
    } finally {
      await holder.kill();
    }
  });

  it('an unreadable lock file is waited on while fresh (being written) and taken over when old', async () => {
    const d = series('torn');
    writeFileSync(join(d, LOCK_FILE), '');
    await expect(acquireSeriesLock(d, { waitMs: 100 })).rejects.toThrow(/locked by an unknown process/);
    const old = new Date(Date.now() - 60_000);
    utimesSync(join(d, LOCK_FILE), old, old);
    await (await acquireSeriesLock(d, { waitMs: 0 })).release();
  });

  it('four processes, ten rounds each, starting from a dead owner\'s lock, never hold it together', async () => {
    const d = series('rounds');
    const log = join(dir, 'rounds.log');
    writeFileSync(log, '');
    const dead = child(['hold', d]);
    await until(dead, 'locked');
    await dead.kill();
    const racers = [0, 1, 2, 3].map(() => child(['rounds', d, log]));
    const codes = await Promise.all(racers.map((r) => r.exited));
    expect(codes, racers.map((r) => r.out()).join('\n')).toEqual([0, 0, 0, 0]);
    const lines = readFileSync(log, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(80);
    for (let i = 0; i < lines.length; i += 2) {
      const [a, pa] = lines[i].split(' ');
      const [b, pb] = lines[i + 1].split(' ');
      expect([a, b, pa]).toEqual(['in', 'out', pb]);
    }
    expect(existsSync(join(d, LOCK_FILE))).toBe(false);
  });
});

function books(start: number, n: number): Books {
  const b = emptyBooks('binance', 'BTC/USDT', 2, n);
  for (let i = 0; i < n; i++) {
    b.ts[i] = start + i * 60_000;
    b.bidPx.set([100 - i * 0.01, 99.9 - i * 0.01], i * 2);
    b.bidSz.set([1, 2], i * 2);
    b.askPx.set([100.1 + i * 0.01, 100.2 + i * 0.01], i * 2);
    b.askSz.set([1, 2], i * 2);
  }
  return b;
}

const plain = (b: Books) => JSON.stringify({ ...b, ts: [...b.ts], bidPx: [...b.bidPx], bidSz: [...b.bidSz], askPx: [...b.askPx], askSz: [...b.askSz] });

describe('an append of chunk files over two days', () => {
  it('killed after its first rename, is rolled back by the next reader, new day folders included', async () => {
    const store = join(dir, 'books-store');
    const key = { exchange: 'binance', symbol: 'BTC/USDT', depth: 2 };
    await appendBooks(store, books(Date.UTC(2024, 7, 8, 12), 10));
    const before = await bookFiles(store, key);
    // 23:55 on the 8th to 00:04 on the 9th: a chunk in the existing day and one in a new day folder.
    const writer = child(['books', store, plain(books(Date.UTC(2024, 7, 8, 23, 55), 10))], { TRADEGYM_STORE_PAUSE_AT: 'renamed' });
    try {
      await until(writer, 'paused at renamed');
    } finally {
      await writer.kill();
    }
    const seriesDir = join(store, 'books', 'exchange=binance', 'symbol=BTC_USDT', 'depth=2');
    expect(existsSync(join(seriesDir, '.commit-renaming'))).toBe(true);
    expect(await bookFiles(store, key)).toEqual(before);
    expect(readdirSync(seriesDir).sort()).toEqual(['2024-08-08']);
    expect(readdirSync(join(seriesDir, '2024-08-08'))).toEqual(before.map((f) => f.split('/').pop()));
    expect((await readBooks(store, key)).ts.length).toBe(10);
    // The same append, not killed, stores both chunks.
    await appendBooks(store, books(Date.UTC(2024, 7, 8, 23, 55), 10));
    expect((await readBooks(store, key)).ts.length).toBe(20);
    expect(readdirSync(seriesDir).sort()).toEqual(['2024-08-08', '2024-08-09']);
  });
});
