// Atomic text files (CSV exports, equity curves, feature tables, pages): written to a temporary
// file beside the target, fsynced, then renamed over it, so a reader or a crash never sees half a
// file and a failed write leaves the old one. A file-system refusal (no space, read-only, no such
// folder) is a one-line StorageError naming the target, not the temp file.
import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { asStorageError } from './store/storage-error.js';

export async function writeFileAtomic(path: string, text: string | Uint8Array): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const fh = await open(tmp, 'w');
    try {
      await fh.writeFile(text);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw asStorageError(err, path, '; nothing was changed');
  }
}
