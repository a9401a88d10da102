// All-or-nothing writes of several files of one series (the months of an import, the days of a
// trade fetch, the replaced months of `data check --write`), under the series lock.
//
// A commit, with a journal in the series folder naming every file it touches:
//   1. `.commit-staging` is written and fsynced: the targets, their temp and backup names, and the
//      folders the commit will create.
//   2. Every new file is written to its temp file (`.tmp-<name>-<tx>`) beside its target and fsynced.
//      A failure here (a full disk) removes the temps: nothing was changed.
//   3. Every target that exists is hard-linked to its backup (`.bak-<name>-<tx>`): the old bytes
//      stay reachable, at no copying cost.
//   4. The journal is renamed to `.commit-renaming`; then each temp is renamed over its target and
//      each file to delete is renamed to its backup. Each rename is atomic; together they are not,
//      which is what the journal is for.
//   5. The journal is renamed to `.commit-done`: the commit point. Backups and the journal go.
//
// An interrupted commit (an error, or kill -9 at any step) is rolled back by the next writer, and
// by the next reader where it can take the lock: staging -> temps and backup links removed (the
// targets never changed); renaming -> every backup renamed back over its target, new targets
// removed; done -> only the backups are left to remove. Every step of the repair can itself be
// interrupted and redone. A reader that meets `.commit-renaming` while its writer is alive waits
// for the lock, so it never reads a half-renamed series; during staging the old files are intact
// and readers go ahead.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, link, mkdir, open, readFile, rename, rm, rmdir } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import { TEMP_PREFIX } from './atomic-parquet.js';
import { acquireSeriesLock, lockWaitMs, withSeriesLock, type SeriesLock } from './series-lock.js';
import { asStorageError, fsErrorPath, StorageError, StoreBusyError } from './storage-error.js';

const STAGING = '.commit-staging';
const RENAMING = '.commit-renaming';
const DONE = '.commit-done';
const BACKUP_PREFIX = '.bak-';

export interface StagedFile {
  /** Final path, inside the series folder. */
  target: string;
  /** Writes the whole new content to `temp` (it is fsynced and renamed by the commit). */
  write: (temp: string) => Promise<void>;
}

/** Paths relative to the series folder, so a moved store still repairs. */
interface Journal {
  v: 1;
  pid: number;
  since: number;
  files: { target: string; temp: string; backup: string; hadOld: boolean }[];
  deletes: { target: string; backup: string }[];
  /** Folders this commit creates, parents first. */
  dirs: string[];
}

async function fsyncFile(path: string): Promise<void> {
  const fh = await open(path, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Makes renames and new names in `dir` durable; a platform that cannot open folders skips it. */
async function fsyncDir(dir: string): Promise<void> {
  let fh;
  try {
    fh = await open(dir, 'r');
  } catch (err) {
    if (['EISDIR', 'EPERM', 'EACCES'].includes((err as NodeJS.ErrnoException).code ?? '')) return;
    throw err;
  }
  try {
    await fh.sync().catch(() => undefined);
  } finally {
    await fh.close();
  }
}

async function fsyncDirs(paths: string[]): Promise<void> {
  for (const d of new Set(paths.map(dirname))) await fsyncDir(d);
}

/** A hard link where the file system has them, else a copy (FAT, some network shares). */
async function linkOrCopy(from: string, to: string): Promise<void> {
  try {
    await link(from, to);
  } catch (err) {
    if (!['EPERM', 'ENOTSUP', 'EXDEV', 'EMLINK', 'ENOSYS'].includes((err as NodeJS.ErrnoException).code ?? '')) throw err;
    await copyFile(from, to);
    await fsyncFile(to);
  }
}

/**
 * A failpoint for the crash tests: with TRADEGYM_STORE_PAUSE_AT=<step> the writer says so on
 * stderr and stops there, holding the lock, until it is killed (tests/store-integrity.test.ts).
 */
async function pauseAt(step: 'staged' | 'renamed' | 'committed'): Promise<void> {
  if (process.env.TRADEGYM_STORE_PAUSE_AT !== step) return;
  process.stderr.write(`tradegym: paused at ${step} (pid ${process.pid})\n`);
  await new Promise(() => setInterval(() => undefined, 60_000));
}

async function readJournal(dir: string): Promise<{ state: string; journal?: Journal } | undefined> {
  for (const state of [RENAMING, DONE, STAGING]) {
    let text: string;
    try {
      text = await readFile(join(dir, state), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw err;
    }
    try {
      return { state, journal: JSON.parse(text) as Journal };
    } catch {
      // Torn while being written: it was not yet fsynced, so nothing after step 1 had begun.
      return { state };
    }
  }
  return undefined;
}

/** True when a commit of `dir` was interrupted (any journal present): 3 stat calls. */
function hasJournal(dir: string): boolean {
  return existsSync(join(dir, STAGING)) || existsSync(join(dir, RENAMING)) || existsSync(join(dir, DONE));
}

/**
 * Completes or undoes an interrupted commit of `dir` (see the top); the caller holds the lock.
 * Returns what it did, or undefined when there was nothing to repair.
 */
export async function repairSeries(dir: string): Promise<'rolled back' | 'finished' | undefined> {
  const found = await readJournal(dir);
  if (!found) return undefined;
  const { state, journal } = found;
  const abs = (p: string) => join(dir, p);
  if (journal) {
    if (state === DONE) {
      for (const f of [...journal.files, ...journal.deletes]) await rm(abs(f.backup), { force: true });
    } else {
      for (const f of journal.files) {
        if (state === RENAMING) {
          if (f.hadOld) {
            if (existsSync(abs(f.backup))) await rename(abs(f.backup), abs(f.target));
          } else if (!existsSync(abs(f.temp))) {
            await rm(abs(f.target), { force: true }); // renamed in: it was not there before
          }
        }
        await rm(abs(f.temp), { force: true });
        await rm(abs(f.backup), { force: true });
      }
      for (const d of journal.deletes) {
        if (state === RENAMING && existsSync(abs(d.backup))) await rename(abs(d.backup), abs(d.target));
        await rm(abs(d.backup), { force: true });
      }
      await fsyncDirs([...journal.files, ...journal.deletes].map((f) => abs(f.target)));
      for (const d of [...journal.dirs].reverse()) await rmdir(abs(d)).catch(() => undefined);
    }
  }
  await rm(abs(state), { force: true });
  await fsyncDir(dir);
  return state === DONE ? 'finished' : 'rolled back';
}

async function writeJournal(path: string, journal: Journal): Promise<void> {
  const fh = await open(path, 'wx');
  let ok = false;
  try {
    await fh.writeFile(JSON.stringify(journal));
    await fh.sync();
    ok = true;
  } finally {
    await fh.close();
    if (!ok) await rm(path, { force: true });
  }
}

/**
 * Writes `files` and removes `deletes` in the series folder `dir`, all or nothing. The caller
 * holds the series lock (withSeries). A failure undoes everything and throws; a file-system
 * condition becomes a StorageError "<reason> at <file>; nothing was changed".
 */
export async function commitFiles(dir: string, lock: SeriesLock, files: StagedFile[], deletes: string[] = []): Promise<void> {
  const tx = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const rel = (p: string) => relative(dir, p);
  const side = (p: string, prefix: string) => join(dirname(p), `${prefix}${basename(p)}-${tx}`);
  const plan = files.map((f) => ({ ...f, temp: side(f.target, TEMP_PREFIX), backup: side(f.target, BACKUP_PREFIX), hadOld: existsSync(f.target) }));
  const dels = deletes.map((t) => ({ target: t, backup: side(t, BACKUP_PREFIX) }));
  const dirs: string[] = [];
  for (const f of plan) {
    const missing: string[] = [];
    for (let d = dirname(f.target); d !== dir && d.startsWith(dir) && !existsSync(d) && !dirs.includes(rel(d)); d = dirname(d)) missing.unshift(rel(d));
    dirs.push(...missing);
  }
  const journal: Journal = {
    v: 1, pid: process.pid, since: Date.now(), dirs,
    files: plan.map((f) => ({ target: rel(f.target), temp: rel(f.temp), backup: rel(f.backup), hadOld: f.hadOld })),
    deletes: dels.map((d) => ({ target: rel(d.target), backup: rel(d.backup) })),
  };
  // What a failure names: the series folder, or the file being written or renamed.
  let at = dir;
  let committed = false;
  try {
    await writeJournal(join(dir, STAGING), journal);
    await fsyncDir(dir);
    for (const d of dirs) await mkdir(join(dir, d));
    for (const f of plan) {
      at = f.target;
      await f.write(f.temp);
      await fsyncFile(f.temp);
    }
    await pauseAt('staged');
    for (const f of plan) {
      at = f.target;
      if (f.hadOld) await linkOrCopy(f.target, f.backup);
    }
    await fsyncDirs(plan.map((f) => f.target));
    await lock.assertHeld();
    at = dir;
    await rename(join(dir, STAGING), join(dir, RENAMING));
    await fsyncDir(dir);
    for (const [i, f] of plan.entries()) {
      at = f.target;
      await rename(f.temp, f.target);
      if (i === 0) await pauseAt('renamed');
    }
    for (const d of dels) {
      at = d.target;
      await rename(d.target, d.backup);
    }
    await fsyncDirs([...plan.map((f) => f.target), ...dels.map((d) => d.target)]);
    at = dir;
    await rename(join(dir, RENAMING), join(dir, DONE));
    committed = true;
    await fsyncDir(dir);
  } catch (err) {
    // Past the commit point only the folder's fsync can fail: the new files stand.
    if (committed) throw asStorageError(err, at, '; the new files are in place but may not survive a power cut');
    let note = '; nothing was changed';
    try {
      await repairSeries(dir);
    } catch {
      note = '; the interrupted write is undone by the next command that reads or writes this series';
    }
    throw asStorageError(err, at, note);
  }
  await pauseAt('committed');
  // Past the commit point: what is left is tidying, which the next writer or reader also does.
  await repairSeries(dir);
}

/** Removes the folders from `dir` up to `top` that are empty (what a failed first write created). */
async function pruneEmpty(dir: string, top: string): Promise<void> {
  for (let d = dir; d.length >= top.length; d = dirname(d)) {
    try {
      await rmdir(d);
    } catch {
      return;
    }
  }
}

/**
 * Runs `fn` holding the lock of the series folder `dir` (created if needed), after repairing an
 * interrupted commit. Folders created for a write that then failed are removed again.
 */
export async function withSeries<T>(dir: string, fn: (lock: SeriesLock) => Promise<T>): Promise<T> {
  let made: string | undefined;
  try {
    made = await mkdir(dir, { recursive: true });
  } catch (err) {
    throw asStorageError(err, fsErrorPath(err) ?? dir, '; nothing was changed');
  }
  try {
    return await withSeriesLock(dir, async (lock) => {
      await repairSeries(dir);
      return fn(lock);
    });
  } catch (err) {
    if (made) await pruneEmpty(dir, made);
    throw err;
  }
}

/**
 * For readers, before listing a series: repairs what a killed writer left (when the lock can be
 * had at once), and waits for a live writer that is renaming. A store we may not write (the
 * shipped samples, a read-only mount) is read as it is.
 */
export async function ensureConsistent(dir: string): Promise<void> {
  if (!hasJournal(dir)) return;
  const renaming = existsSync(join(dir, RENAMING));
  let lock: SeriesLock;
  try {
    lock = await acquireSeriesLock(dir, { waitMs: renaming ? lockWaitMs() : 0 });
  } catch (err) {
    if (err instanceof StorageError || (err instanceof StoreBusyError && !renaming)) return;
    throw err;
  }
  try {
    await repairSeries(dir);
  } finally {
    await lock.release();
  }
}

