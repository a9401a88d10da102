// The seeds of a run: `seeds: N` counts up from the run seed (seed, seed + 1, ...), a list names
// them. Each seed drives its agent's weight initialisation and its training envs' episode draws,
// so two seeds are two independent trainings and the same seed is the same training again.
import type { ExperimentConfig } from '../schema.js';

export function seedList(config: Pick<ExperimentConfig, 'seed' | 'seeds'>): number[] {
  const s = config.seeds;
  return typeof s === 'number' ? Array.from({ length: s }, (_, i) => config.seed + i) : [...s];
}

/** "1-5" for consecutive seeds, else "1, 4, 9". */
export function seedsLabel(seeds: number[]): string {
  const consecutive = seeds.length > 2 && seeds.every((s, i) => i === 0 || s === seeds[i - 1] + 1);
  return consecutive ? `${seeds[0]}-${seeds[seeds.length - 1]}` : seeds.join(', ');
}
