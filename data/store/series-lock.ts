// One writer per series at a time, across processes: a lock file `<series dir>/.lock` created with
// O_EXCL, holding who owns it (pid, host, boot, process start time, command). Writers hold it over
// their whole read-merge-write, so two imports into one month can no longer both read the old
// file and each write it back without the other's rows.
//
// A lock whose owner is gone is taken over: on this host that is a dead pid, a pid now running
// another process (its start time differs, Linux), a lock from an earlier boot, or our own pid
// with a token we do not hold (a container restarted with the same pid). A lock from another host
// is never judged: we wait, then fail naming the holder. Waiting backs off (25 ms doubling to 1 s,
// jittered) up to TRADEGYM_LOCK_WAIT seconds (default 120).
//
// Taking over is serialised by a second O_EXCL file, `.lock.break`, held for a read and an unlink:
// two waiters that both see the same dead owner cannot both remove a lock (the second would
// otherwise delete the first one's fresh lock). A `.lock.break` older than 10 s belongs to a
// process killed inside that millisecond window and is removed.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { open, readFile, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, join } from 'node:path';
import { asStorageError, StoreBusyError } from './storage-error.js';

export const LOCK_FILE = '.lock';
const BREAK_FILE = '.lock.break';
const BREAK_STALE_MS = 10_000;
const DEFAULT_WAIT_S = 120;

export interface LockHolder {
  pid: number;
  host: string;
  /** /proc/sys/kernel/random/boot_id (Linux), '' elsewhere. */
  boot: string;
  /** Start time of the process in clock ticks since boot (/proc/<pid>/stat), '' where unknown. */
  start: string;
  since: number;
  command: string;
  token: string;
}

/** Tokens of the locks this process holds (a lock with our pid and another token is stale). */
const held = new Set<string>();

function readProc(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return '';
  }
}

/** Field 22 of /proc/<pid>/stat; the command name before it may hold spaces and parentheses. */
function processStart(pid: number): string {
  const stat = readProc(`/proc/${pid}/stat`);
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields[19] ?? '';
}

const BOOT = readProc('/proc/sys/kernel/random/boot_id');
const HOST = hostname();

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: alive, owned by another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Why the holder is gone, or undefined while it may still be working. */
function staleReason(h: LockHolder): string | undefined {
  if (h.host !== HOST) return undefined;
  if (BOOT && h.boot && h.boot !== BOOT) return 'taken before the last boot';
  if (h.pid === process.pid) return held.has(h.token) ? undefined : 'our pid, not our lock';
  if (!isAlive(h.pid)) return 'its process is gone';
  const start = h.start && processStart(h.pid);
  if (start && start !== h.start) return 'its pid now runs another process';
  return undefined;
}

/** Seconds to wait for a busy series: TRADEGYM_LOCK_WAIT, default 120. */
export function lockWaitMs(): number {
  const s = Number(process.env.TRADEGYM_LOCK_WAIT);
  return (Number.isFinite(s) && s >= 0 ? s : DEFAULT_WAIT_S) * 1000;
}

interface Seen {
  holder?: LockHolder;
  /** Identifies this lock file: the token, or inode and mtime for one that cannot be parsed. */
  identity: string;
  ageMs: number;
}

async function readLock(path: string): Promise<Seen | undefined> {
  try {
    const [text, s] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
    let holder: LockHolder | undefined;
    try {
      holder = JSON.parse(text) as LockHolder;
    } catch {
      holder = undefined;
    }
    return { holder, identity: holder?.token ?? `${s.ino}:${s.mtimeMs}`, ageMs: Date.now() - s.mtimeMs };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Creates `path` only if absent; false when it exists. */
async function createExclusive(path: string, text: string): Promise<boolean> {
  let fh;
  try {
    fh = await open(path, 'wx');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  let written = false;
  try {
    await fh.writeFile(text);
    written = true;
  } finally {
    await fh.close();
    // A lock file we could not fill (no space) must not stay behind as an unreadable lock.
    if (!written) await rm(path, { force: true });
  }
  return true;
}

/** Removes the lock at `path` if it is still the one we judged stale (`identity`). */
async function breakStale(dir: string, path: string, identity: string): Promise<void> {
  const breaker = join(dir, BREAK_FILE);
  if (!(await createExclusive(breaker, String(process.pid)))) {
    const s = await stat(breaker).catch(() => undefined);
    if (s && Date.now() - s.mtimeMs > BREAK_STALE_MS) await rm(breaker, { force: true });
    return;
  }
  try {
    const again = await readLock(path);
    if (again && again.identity === identity) await rm(path, { force: true });
  } finally {
    await rm(breaker, { force: true });
  }
}

export class SeriesLock {
  private released = false;
  constructor(readonly dir: string, readonly holder: LockHolder) {}

  get path(): string {
    return join(this.dir, LOCK_FILE);
  }

  /** Throws when the lock file is no longer ours (someone deleted it by hand): never commit then. */
  async assertHeld(): Promise<void> {
    const seen = await readLock(this.path);
    if (seen?.identity !== this.holder.token) {
      throw new Error(`lost the lock of ${this.dir}: ${this.path} was removed or replaced while this process held it`);
    }
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    held.delete(this.holder.token);
    const seen = await readLock(this.path).catch(() => undefined);
    if (seen?.identity === this.holder.token) await rm(this.path, { force: true });
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Takes the lock of the series folder `dir` (which must exist), waiting up to `waitMs` for a live
 * holder. Throws StoreBusyError naming the holder, or a StorageError when the folder refuses the
 * lock file (read-only, no permission, no space).
 */
export async function acquireSeriesLock(dir: string, opts: { waitMs?: number } = {}): Promise<SeriesLock> {
  const waitMs = opts.waitMs ?? lockWaitMs();
  const path = join(dir, LOCK_FILE);
  const holder: LockHolder = {
    pid: process.pid, host: HOST, boot: BOOT, start: processStart(process.pid), since: Date.now(),
    command: [basename(process.argv[1] ?? 'node').replace(/\.[cm]?[jt]s$/, ''), ...process.argv.slice(2)].join(' ').slice(0, 160),
    token: randomBytes(8).toString('hex'),
  };
  const deadline = Date.now() + waitMs;
  for (let attempt = 0; ; attempt++) {
    let created: boolean;
    try {
      created = await createExclusive(path, JSON.stringify(holder));
    } catch (err) {
      throw asStorageError(err, dir, '; nothing was changed');
    }
    if (created) {
      held.add(holder.token);
      return new SeriesLock(dir, holder);
    }
    const seen = await readLock(path);
    if (!seen) continue; // released between our try and our look
    // A lock file without an owner we can read: being written this instant, or torn by a crash.
    const stale = seen.holder ? staleReason(seen.holder) : seen.ageMs > BREAK_STALE_MS ? 'unreadable' : undefined;
    if (stale) {
      await breakStale(dir, path, seen.identity);
      continue;
    }
    if (Date.now() >= deadline) throw busyError(dir, path, seen, waitMs);
    const backoff = Math.min(1000, 25 * 2 ** Math.min(attempt, 6)) * (0.5 + Math.random());
    await sleep(Math.max(1, Math.min(backoff, deadline - Date.now())));
  }
}

function busyError(dir: string, path: string, seen: Seen, waitMs: number): StoreBusyError {
  const h = seen.holder;
  const who = h
    ? `pid ${h.pid} on ${h.host} since ${new Date(h.since).toISOString()} (${h.command})`
    : `an unknown process (unreadable ${path})`;
  const hint = h && h.host !== HOST ? `; if that process is gone, delete ${path}` : '';
  return new StoreBusyError(`${dir} is locked by ${who}; gave up after ${waitMs / 1000} s (TRADEGYM_LOCK_WAIT)${hint}`);
}

/** Runs `fn` holding the series lock; always releases it. */
export async function withSeriesLock<T>(dir: string, fn: (lock: SeriesLock) => Promise<T>, opts: { waitMs?: number } = {}): Promise<T> {
  const lock = await acquireSeriesLock(dir, opts);
  try {
    return await fn(lock);
  } finally {
    await lock.release();
  }
}
