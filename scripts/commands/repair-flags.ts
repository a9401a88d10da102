// The repair-policy flags shared by `data check` and `data import` (see data/clean/repair-candles.ts).
import type { Argv } from 'yargs';
import type { RepairPolicy } from '../../data/clean/index.js';

export interface RepairArgs {
  duplicates?: string;
  order?: string;
  misaligned?: string;
  gaps?: string;
  outliers?: string;
  invalid?: string;
  'outlier-threshold'?: number;
}

export const repairOptions = <T>(y: Argv<T>) =>
  y
    .option('duplicates', { choices: ['error', 'keep-first', 'keep-last'], describe: 'rows with the same timestamp' })
    .option('order', { choices: ['error', 'sort'], describe: 'timestamps out of order' })
    .option('misaligned', { choices: ['keep', 'error', 'drop'], describe: 'timestamps off the timeframe grid' })
    .option('gaps', { choices: ['keep', 'mark', 'ffill'], describe: 'missing bars: keep, mark (NaN rows) or forward-fill' })
    .option('outliers', { choices: ['keep', 'clip', 'drop'], describe: 'return outliers (robust z-score)' })
    .option('invalid', { choices: ['error', 'drop'], describe: 'NaN, non-positive price, high < low, negative volume' })
    .option('outlier-threshold', { type: 'number', describe: 'robust z-score of log returns that counts as an outlier (default 10; 30+ for 1m crypto)' });

export function repairPolicyFrom(argv: RepairArgs): Partial<RepairPolicy> {
  return {
    duplicates: argv.duplicates, order: argv.order, misaligned: argv.misaligned, gaps: argv.gaps,
    outliers: argv.outliers, invalid: argv.invalid,
  } as Partial<RepairPolicy>;
}

export function wantsRepair(argv: RepairArgs): boolean {
  return Object.values(repairPolicyFrom(argv)).some((v) => v !== undefined);
}
