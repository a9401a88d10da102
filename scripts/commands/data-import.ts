import type { CommandModule } from 'yargs';
import { checkCandles, checkTrades, formatCheckReport, formatTradesReport, repairCandles } from '../../data/clean/index.js';
import { importCandlesFile } from '../../data/sources/import-candles.js';
import { importTradesFile } from '../../data/sources/import-trades.js';
import { writeCandles } from '../../data/store/candle-store.js';
import { writeTrades } from '../../data/store/trade-store.js';
import { DataError } from '../../data/errors.js';
import { isoTime } from '../../data/timeframe.js';
import { requireTimeframe, storeDir, storeOption } from './options.js';
import { repairOptions, repairPolicyFrom, type RepairArgs } from './repair-flags.js';

interface Args extends RepairArgs {
  file: string;
  exchange: string;
  symbol: string;
  timeframe?: string;
  kind: 'ohlcv' | 'trades';
  store?: string;
}

export const dataImport: CommandModule<object, Args> = {
  command: 'import <file>',
  describe: 'import candles or trades from a file (freqtrade JSON, CSV with a header, Tardis/freqtrade trades)',
  builder: (y) =>
    repairOptions(storeOption(y))
      .positional('file', { type: 'string', demandOption: true, describe: 'a .json, .json.gz, .csv or .csv.gz file' })
      .option('exchange', { type: 'string', demandOption: true })
      .option('symbol', { type: 'string', demandOption: true })
      .option('timeframe', { type: 'string', describe: 'candle timeframe (ohlcv)' })
      .option('kind', { choices: ['ohlcv', 'trades'] as const, default: 'ohlcv' as const })
      .example('$0 data import BTC_USDT-1m.json --exchange binance --symbol BTC/USDT --timeframe 1m', 'a freqtrade download')
      .example('$0 data import Coinbase_BTCUSD_1h.csv --exchange coinbase --symbol BTC/USD --timeframe 1h', 'a CryptoDataDownload CSV')
      .example('$0 data import dupes.json --exchange binance --symbol BTC/USDT --timeframe 1m --duplicates keep-last --order sort', 'repair while importing') as never,
  handler: async (argv) => {
    const store = storeDir(argv);
    if (argv.kind === 'trades') {
      const { trades, notes } = await importTradesFile(argv.file, { exchange: argv.exchange, symbol: argv.symbol });
      for (const n of notes) console.log(`note: ${n}`);
      const report = checkTrades(trades);
      if (!report.ok) {
        console.log(formatTradesReport(report));
        throw new DataError('trades have errors; nothing was stored', { file: argv.file });
      }
      const r = await writeTrades(store, trades);
      console.log(`stored ${r.rows} trades (${isoTime(trades.ts[0])} .. ${isoTime(trades.ts[trades.ts.length - 1])}) in ${r.files.length} files under ${store}`);
      return;
    }
    const key = { exchange: argv.exchange, symbol: argv.symbol, timeframe: requireTimeframe(argv.timeframe) };
    const { candles, notes } = await importCandlesFile(argv.file, key);
    for (const n of notes) console.log(`note: ${n}`);
    const opts = { outlierThreshold: argv['outlier-threshold'], file: argv.file };
    // Default policies throw on duplicates, disorder and invalid rows: nothing is stored silently changed.
    const { candles: clean, changes } = repairCandles(candles, repairPolicyFrom(argv), opts);
    for (const ch of changes.slice(0, 20)) console.log(`  [${ch.rule} ${ch.action}] ${ch.message}`);
    if (changes.length > 20) console.log(`  ... ${changes.length - 20} more changes`);
    const report = checkCandles(clean, opts);
    if (report.warnings) console.log(formatCheckReport(report, 5));
    const r = await writeCandles(store, clean);
    console.log(`stored ${r.rows} ${key.symbol} ${key.timeframe} candles (${isoTime(clean.ts[0])} .. ${isoTime(clean.ts[clean.ts.length - 1])}) in ${r.files.length} files under ${store}`);
  },
};
