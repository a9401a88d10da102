// Loads any checkpoint folder as a Policy by the `algo` its policy.json names, so eval, run and
// deploy need not know which algorithm wrote it.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../data/errors.js';
import type { Policy } from './policy.js';
import { loadPolicy } from './ppo/index.js';
import { loadRecurrentPolicy } from './recurrent/index.js';
import { loadDdpgPolicy } from './ddpg/index.js';

export interface CheckpointInfo {
  algo: string;
  lineage?: Record<string, unknown>;
}

export async function readCheckpointInfo(dir: string): Promise<CheckpointInfo> {
  const path = join(dir, 'policy.json');
  let json: { algo?: unknown; lineage?: Record<string, unknown> };
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new ConfigError('checkpoint', `cannot read ${path}: ${(err as Error).message}`);
  }
  if (typeof json.algo !== 'string') throw new ConfigError('checkpoint', `${path} names no algo`);
  return { algo: json.algo, lineage: json.lineage };
}

/** A deterministic (greedy) Policy from a checkpoint of any supported algorithm. */
export async function loadAnyPolicy(dir: string): Promise<Policy> {
  const { algo } = await readCheckpointInfo(dir);
  if (algo === 'ppo') return loadPolicy(dir, { deterministic: true });
  if (algo === 'recurrent-ppo') return loadRecurrentPolicy(dir, { deterministic: true });
  if (algo === 'ddpg' || algo === 'td3') return loadDdpgPolicy(dir);
  throw new ConfigError('checkpoint', `${dir}: no loader for algo "${algo}" (known: ppo, recurrent-ppo, ddpg, td3)`);
}
