import type { CommandModule } from 'yargs';
import { ConfigError } from '../../data/errors.js';
import type { Candles } from '../../data/types.js';
import type { RowPositions } from '../../data/file-position.js';
import { explicitTimeframe, marketFrom, marketOptions, storeDir, storeOption, type MarketArgs } from './options.js';
import { cleanOptionsFrom, repairOptions, repairPolicyFrom, wantsRepair, type RepairArgs } from './repair-flags.js';

interface Args extends RepairArgs, MarketArgs {
  file?: string;
  store?: string;
  write: boolean;
  max: number;
}

export const dataCheck: CommandModule<object, Args> = {
  command: 'check',
  describe: 'validate candles (gaps, duplicates, order, NaN, bad prices, outliers) and optionally repair them',
  builder: (y) =>
    repairOptions(marketOptions(storeOption(y)))
      .option('file', { type: 'string', describe: 'check a file (JSON/CSV) instead of a stored series (give its --timeframe)' })
      .option('write', { type: 'boolean', default: false, describe: 'store the repaired series (replaces the stored one)' })
      .option('max', { type: 'number', default: 20, describe: 'findings to print' })
      .example('$0 data check --data coinbase:BTC/USD:1h', 'check the shipped sample')
      .example('$0 data check --file BTC_USDT-1m.json --data binance:BTC/USDT:1m --gaps ffill --duplicates keep-last', 'show what a repair would change')
      .example('$0 data check --data binance:BTC/USDT:1m --gaps ffill --write', 'repair a stored series in place') as never,
  handler: async (argv) => {
    if (argv.file && !explicitTimeframe(argv)) throw new ConfigError('timeframe', `give the timeframe of ${argv.file}, e.g. --timeframe 1m (or --data exchange:symbol:timeframe)`);
    const key = marketFrom(argv);
    const [{ checkCandles, formatCheckReport, repairCandles }, { importCandlesFile }, { readCandles, updateCandles }, { findCandleStore }, { pickPositions }] = await Promise.all([
      import('../../data/clean/index.js'), import('../../data/sources/import-candles.js'), import('../../data/store/candle-store.js'), import('../../data/store/find-candles.js'),
      import('../../data/file-position.js'),
    ]);
    let candles: Candles;
    let target: { store: string; isSample: boolean } | undefined;
    // A file's rows are named by its own lines (and JSON elements); a stored series' by index.
    let positions: RowPositions | undefined;
    if (argv.file) {
      const imported = await importCandlesFile(argv.file, key);
      for (const n of imported.notes) console.log(`note: ${n}`);
      candles = imported.candles;
      positions = imported.positions;
    } else {
      target = await findCandleStore(storeDir(argv), key);
      candles = await readCandles(target.store, key);
    }
    const opts = { ...cleanOptionsFrom(argv), positions };
    const report = checkCandles(candles, opts);
    console.log(formatCheckReport(report, argv.max));
    if (!wantsRepair(argv)) {
      if (argv.write) throw new ConfigError('write', 'nothing to write: give a repair flag (--gaps, --duplicates, --order, --outliers, --invalid, --misaligned)');
      process.exitCode = report.ok ? 0 : 3;
      return;
    }
    const { candles: repaired, changes, rows } = repairCandles(candles, repairPolicyFrom(argv), { ...opts, file: argv.file });
    console.log(`\nrepair: ${changes.length} changes, ${candles.ts.length} -> ${repaired.ts.length} rows`);
    for (const ch of changes.slice(0, argv.max)) console.log(`  [${ch.rule} ${ch.action}] ${ch.message}`);
    if (changes.length > argv.max) console.log(`  ... ${changes.length - argv.max} more`);
    const after = checkCandles(repaired, { ...opts, positions: positions && pickPositions(positions, rows) });
    console.log(`after repair: ${after.ok ? 'ok' : `${after.errors} errors`}, ${after.warnings} warnings`);
    if (argv.write) {
      if (!target) throw new ConfigError('write', 'applies to a stored series; to store a file use `tradegym data import` with the same repair flags');
      if (target.isSample) throw new ConfigError('write', 'the shipped samples are read-only; export and import them into your store first');
      // Repaired again under the series lock from what is stored then, so rows another writer
      // added since the read above are repaired too, never dropped.
      const policy = repairPolicyFrom(argv);
      const r = await updateCandles(target.store, key, (stored) => repairCandles(stored, policy, opts).candles);
      console.log(`wrote ${r.rows} rows to ${r.files.length} files`);
    }
    process.exitCode = after.ok ? 0 : 3;
  },
};
