// The repair-policy flags shared by `data check` and `data import` (see data/clean/repair-candles.ts).
import type { Argv } from 'yargs';
import type { CleanOptions, RepairPolicy } from '../../data/clean/index.js';

export interface RepairArgs {
  duplicates?: string;
  order?: string;
  misaligned?: string;
  gaps?: string;
  spikes?: string;
  invalid?: string;
  'large-move-threshold'?: number;
  'spike-threshold'?: number;
}

export const repairOptions = <T>(y: Argv<T>) =>
  y
    .option('duplicates', { choices: ['error', 'keep-first', 'keep-last'], describe: 'rows with the same timestamp' })
    .option('order', { choices: ['error', 'sort'], describe: 'timestamps out of order' })
    .option('misaligned', { choices: ['error', 'drop', 'keep'], describe: 'timestamps off the timeframe grid: an error unless dropped (or kept on purpose)' })
    .option('gaps', { choices: ['keep', 'mark', 'ffill'], describe: 'missing bars: keep, mark (NaN rows) or forward-fill' })
    .option('spikes', { alias: 'outliers', choices: ['error', 'keep', 'clip', 'drop'], describe: 'bad ticks (a price that jumps far outside the local volatility and comes back): clip into the closes around them, or drop the rows' })
    .option('invalid', { choices: ['error', 'drop'], describe: 'NaN, non-positive price, high < low, negative volume, a time before 2009-01-03 or in the future' })
    .option('large-move-threshold', { alias: 'outlier-threshold', type: 'number', describe: 'local sigmas (the series\' own recent volatility) beyond which a move is reported as a large-move warning (default 10)' })
    .option('spike-threshold', { type: 'number', describe: 'local sigmas a price must jump and come back to be a spike error (default 30)' });

export function repairPolicyFrom(argv: RepairArgs): Partial<RepairPolicy> {
  return {
    duplicates: argv.duplicates, order: argv.order, misaligned: argv.misaligned, gaps: argv.gaps,
    spikes: argv.spikes, invalid: argv.invalid,
  } as Partial<RepairPolicy>;
}

export function cleanOptionsFrom(argv: RepairArgs): CleanOptions {
  return { largeMoveThreshold: argv['large-move-threshold'], spikeThreshold: argv['spike-threshold'] };
}

export function wantsRepair(argv: RepairArgs): boolean {
  return Object.values(repairPolicyFrom(argv)).some((v) => v !== undefined);
}
