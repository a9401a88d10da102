// Every augmentation takes either an Rng (an env forks one per episode from the run seed) or a
// plain seed (scripts, tests); both end in data/random.ts so the same seed gives the same series.
import type { Rng } from '../random.js';
import { makeRng } from '../random.js';

export type RngLike = Rng | number | string;

export function toRng(r: RngLike): Rng {
  return typeof r === 'object' ? r : makeRng(r);
}
