// Where the lookahead check cuts the data: `count` bars spread evenly over a region (the valid and
// test splits), the same every time. Evenly spread rather than drawn: a rerun checks the same bars,
// and a finding names a bar the user can reproduce.
import { ConfigError } from '../../data/errors.js';
import type { Range } from '../../envs/splits.js';

/**
 * Bars in [region.from + 1, region.to - 2]: each cut leaves at least one bar of the region before it
 * (a policy has a step to take) and removes at least one bar after it (something to compare).
 * Fewer than `count` when the region is shorter than that.
 */
export function cutPoints(region: Range, count: number): number[] {
  checkCutCount(count);
  const lo = region.from + 1;
  const hi = region.to - 2;
  if (hi < lo) throw new ConfigError('cuts', `rows [${region.from}, ${region.to}) are too few to cut`);
  const span = hi - lo + 1;
  const out = new Set<number>();
  for (let k = 0; k < count; k++) out.add(lo + Math.floor(((k + 0.5) * span) / count));
  return [...out].sort((a, b) => a - b);
}

/** A count of cut points is a whole number >= 1 (checked before any data is read). */
export function checkCutCount(count: number): void {
  if (!(Number.isInteger(count) && count >= 1)) throw new ConfigError('cuts', `want a whole number of cut points >= 1, got ${count}`);
}
