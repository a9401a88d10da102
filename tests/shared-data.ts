// The real datasets of ../shared/data (beside the repository, in CI too). Tests read them in
// place: some are GPL/LGPL and must never be copied into this repository.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const SHARED_DATA = process.env.TRADEGYM_SHARED_DATA ?? fileURLToPath(new URL('../../shared/data', import.meta.url));

/** Path of a shared dataset file; throws (the test fails, it is not skipped) when it is missing. */
export function sharedFile(...parts: string[]): string {
  const p = join(SHARED_DATA, ...parts);
  if (!existsSync(p)) throw new Error(`shared dataset missing: ${p} (set TRADEGYM_SHARED_DATA to the shared/data folder)`);
  return p;
}
