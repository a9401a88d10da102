import type { CommandModule } from 'yargs';
import { checkCandles, formatCheckReport, repairCandles } from '../../data/clean/index.js';
import { importCandlesFile } from '../../data/sources/import-candles.js';
import { readCandles, replaceCandles } from '../../data/store/candle-store.js';
import { ConfigError } from '../../data/errors.js';
import type { Candles } from '../../data/types.js';
import { findCandleStore } from '../../data/store/find-candles.js';
import { requireTimeframe, storeDir, storeOption } from './options.js';
import { repairOptions, repairPolicyFrom, wantsRepair, type RepairArgs } from './repair-flags.js';

interface Args extends RepairArgs {
  file?: string;
  exchange: string;
  symbol?: string;
  timeframe?: string;
  store?: string;
  write: boolean;
  max: number;
}

export const dataCheck: CommandModule<object, Args> = {
  command: 'check',
  describe: 'validate candles (gaps, duplicates, order, NaN, bad prices, outliers) and optionally repair them',
  builder: (y) =>
    repairOptions(storeOption(y))
      .option('file', { type: 'string', describe: 'check a file (JSON/CSV) instead of a stored series' })
      .option('exchange', { type: 'string', default: 'binance' })
      .option('symbol', { type: 'string', describe: 'unified symbol, e.g. BTC/USDT' })
      .option('timeframe', { type: 'string', describe: 'e.g. 1m, 1h' })
      .option('write', { type: 'boolean', default: false, describe: 'store the repaired series (replaces the stored one)' })
      .option('max', { type: 'number', default: 20, describe: 'findings to print' })
      .example('$0 data check --exchange coinbase --symbol BTC/USD --timeframe 1h', 'check the shipped sample')
      .example('$0 data check --file BTC_USDT-1m.json --symbol BTC/USDT --timeframe 1m --gaps ffill --duplicates keep-last', 'show what a repair would change')
      .example('$0 data check --symbol BTC/USDT --timeframe 1m --gaps ffill --write', 'repair a stored series in place') as never,
  handler: async (argv) => {
    if (!argv.symbol) throw new ConfigError('symbol', 'required, e.g. --symbol BTC/USDT');
    const key = { exchange: argv.exchange, symbol: argv.symbol, timeframe: requireTimeframe(argv.timeframe) };
    let candles: Candles;
    let target: { store: string; isSample: boolean } | undefined;
    if (argv.file) {
      const imported = await importCandlesFile(argv.file, key);
      for (const n of imported.notes) console.log(`note: ${n}`);
      candles = imported.candles;
    } else {
      target = await findCandleStore(storeDir(argv), key);
      candles = await readCandles(target.store, key);
    }
    const opts = { outlierThreshold: argv['outlier-threshold'] };
    const report = checkCandles(candles, opts);
    console.log(formatCheckReport(report, argv.max));
    if (!wantsRepair(argv)) {
      if (argv.write) throw new ConfigError('write', 'nothing to write: give a repair flag (--gaps, --duplicates, --order, --outliers, --invalid, --misaligned)');
      process.exitCode = report.ok ? 0 : 3;
      return;
    }
    const { candles: repaired, changes } = repairCandles(candles, repairPolicyFrom(argv), { ...opts, file: argv.file });
    console.log(`\nrepair: ${changes.length} changes, ${candles.ts.length} -> ${repaired.ts.length} rows`);
    for (const ch of changes.slice(0, argv.max)) console.log(`  [${ch.rule} ${ch.action}] ${ch.message}`);
    if (changes.length > argv.max) console.log(`  ... ${changes.length - argv.max} more`);
    const after = checkCandles(repaired, opts);
    console.log(`after repair: ${after.ok ? 'ok' : `${after.errors} errors`}, ${after.warnings} warnings`);
    if (argv.write) {
      if (!target) throw new ConfigError('write', 'applies to a stored series; to store a file use `tradegym data import` with the same repair flags');
      if (target.isSample) throw new ConfigError('write', 'the shipped samples are read-only; export and import them into your store first');
      const r = await replaceCandles(target.store, repaired);
      console.log(`wrote ${r.rows} rows to ${r.files.length} files`);
    }
    process.exitCode = after.ok ? 0 : 3;
  },
};
