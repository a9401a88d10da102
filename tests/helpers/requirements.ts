// What some tests need beyond Node and the clone, probed cheaply, and the one way a test file says
// so: describeIf(). On a machine without it the suite is skipped, hooks included, and the skip
// summary reporter names what is missing and how to get it. `bash .ci/run` provides everything
// and fails on any skip outside its allow-list.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe } from 'vitest';
import { findBrowser } from './browser.js';

export interface Requirement {
  name: string;
  available: boolean;
  /** one line: what is missing and how to get it */
  missing: string;
}

/** What a skipped suite carries to the reporter: requirement name -> its `missing` line. */
export type MissingRequirements = Record<string, string>;

declare module '@vitest/runner' {
  interface TaskMeta {
    missingRequirements?: MissingRequirements;
  }
}

function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

export const REDIS: Requirement = {
  name: 'Redis',
  available: Boolean(process.env.REDIS_URL) || onPath('redis-server'),
  missing: 'no redis-server on PATH and REDIS_URL unset: apt-get install -y redis-server, or set REDIS_URL=redis://host:6379',
};

const browser = findBrowser();
export const BROWSER: Requirement = {
  name: 'Chromium',
  available: browser !== undefined,
  missing: 'no browser: `npm ci` brings @sparticuz/chromium on linux x64; elsewhere apt-get install -y chromium (/usr/bin/chromium)',
};

/** The real datasets beside the repository; some are GPL/LGPL, so tests read them in place and never copy them here. */
export const SHARED_DATA_DIR = process.env.TRADEGYM_SHARED_DATA ?? fileURLToPath(new URL('../../../shared/data', import.meta.url));

export const SHARED_DATA: Requirement = {
  name: 'shared datasets',
  available: existsSync(SHARED_DATA_DIR),
  missing: `${SHARED_DATA_DIR} not found: the GPL/LGPL datasets live in the project workspace's shared/data beside the repository; or set TRADEGYM_SHARED_DATA to a copy of that folder`,
};

/** Path of a file in the shared datasets; throws (the test fails) when the folder is there but the file is not. */
export function sharedFile(...parts: string[]): string {
  const p = join(SHARED_DATA_DIR, ...parts);
  if (!existsSync(p)) throw new Error(`shared dataset missing: ${p} (set TRADEGYM_SHARED_DATA to the shared/data folder)`);
  return p;
}

/** The Python the tests run: the first python3 on PATH, as `.ci/run` installs into. */
export const PYTHON = 'python3';

let hasTensorboard: boolean | undefined;
export const PY_TENSORBOARD: Requirement = {
  name: 'Python tensorboard',
  // A Python start costs ~1 s, so only files that ask pay it, once.
  get available(): boolean {
    hasTensorboard ??= spawnSync(PYTHON, ['-c', 'import tensorboard'], { stdio: 'ignore', timeout: 60_000 }).status === 0;
    return hasTensorboard;
  },
  missing: `${PYTHON} cannot import tensorboard: ${PYTHON} -m pip install tensorboard`,
};

let canMount: boolean | undefined;
/** Root, and a kernel that lets it mount a tmpfs: the disk-full and read-only store tests mount a small one. */
export const MOUNT_TMPFS: Requirement = {
  name: 'tmpfs mount (root)',
  // Probed once, by the files that ask: a mount and an unmount of a 64 KiB tmpfs.
  get available(): boolean {
    canMount ??= probeTmpfsMount();
    return canMount;
  },
  missing: 'not root, or `mount -t tmpfs` refused (a container without CAP_SYS_ADMIN): run the tests as root where mounting is allowed, as `bash .ci/run` in CI does',
};

function probeTmpfsMount(): boolean {
  if (process.getuid?.() !== 0) return false;
  const dir = mkdtempSync(join(tmpdir(), 'tg-mount-probe-'));
  try {
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir], { stdio: 'ignore', timeout: 10_000 }).status === 0;
    if (mounted) spawnSync('umount', [dir], { stdio: 'ignore', timeout: 10_000 });
    return mounted;
  } finally {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // still mounted (umount refused): leave the empty folder in the temp dir
    }
  }
}

/**
 * describe() that is skipped — hooks included — with a note naming what is missing when a requirement is unavailable.
 * `fn` still runs to collect the tests, so it must not touch what it needs: load data in hooks.
 */
export function describeIf(reqs: Requirement[], name: string, fn: () => void): void {
  const absent = reqs.filter((r) => !r.available);
  if (absent.length === 0) {
    describe(name, fn);
    return;
  }
  // Skipped at collection: vitest still collects (and counts) the tests but runs no hook or test body.
  const missingRequirements = Object.fromEntries(absent.map((r) => [r.name, r.missing]));
  describe(name, { skip: true, meta: { missingRequirements } }, fn);
}
