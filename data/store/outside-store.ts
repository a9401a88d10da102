// Output files of commands (`data export --out`, and any other --out) must never land inside a
// store: the store is written only through its own writers (locked, validated, all or nothing),
// and a CSV written over a Parquet file there breaks every later read. Paths are compared after
// resolving symlinks, so a link into the store is caught too.
import { realpath, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { ConfigError } from '../errors.js';

export interface ProtectedFolder {
  dir: string;
  /** What the message calls it: "the store", "the shipped samples". */
  name: string;
}

async function realOrUndefined(path: string): Promise<string | undefined> {
  try {
    return await realpath(path);
  } catch {
    return undefined;
  }
}

/**
 * Checks that `out` can be written as an output file: its folder exists, it is not a folder, and
 * it lies in none of `folders`. Throws ConfigError naming `field`.
 */
export async function assertOutputPath(out: string, folders: ProtectedFolder[], field = 'out'): Promise<void> {
  const abs = resolve(out);
  const parent = await stat(dirname(abs)).catch(() => undefined);
  if (!parent) throw new ConfigError(field, `folder ${dirname(out)} does not exist`);
  if (!parent.isDirectory()) throw new ConfigError(field, `${dirname(out)} is not a folder`);
  const self = await stat(abs).catch(() => undefined);
  if (self?.isDirectory()) throw new ConfigError(field, `${out} is a folder; name a file`);
  // The file itself may be a symlink into the store; else its folder may be.
  const real = (await realOrUndefined(abs)) ?? join(await realpath(dirname(abs)), basename(abs));
  for (const f of folders) {
    const root = await realOrUndefined(f.dir);
    if (root && (real === root || real.startsWith(root.endsWith(sep) ? root : root + sep))) {
      throw new ConfigError(field, `${out} is inside ${f.name} (${f.dir}), which only tradegym's store writers change; choose a path outside it`);
    }
  }
}
