// Where a user may point at a trained policy: a checkpoint folder (policy.json + weights) or a run
// folder (its checkpoints/best, the one chosen on the validation split).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../data/errors.js';

export function resolveCheckpoint(path: string, field = 'checkpoint'): string {
  if (existsSync(join(path, 'policy.json'))) return path;
  const best = join(path, 'checkpoints', 'best');
  if (existsSync(join(best, 'policy.json'))) return best;
  if (!existsSync(path)) throw new ConfigError(field, `${path} does not exist`);
  throw new ConfigError(field, `${path} is neither a checkpoint folder (policy.json) nor a run folder with checkpoints/best`);
}

/** True when `path` names a checkpoint or a run folder (rather than, say, a policy name). */
export function looksLikeCheckpoint(path: string): boolean {
  return existsSync(join(path, 'policy.json')) || existsSync(join(path, 'checkpoints', 'best', 'policy.json'));
}
