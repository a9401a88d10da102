import type { CommandModule } from 'yargs';
import { ConfigError, DataError } from '../../data/errors.js';
import { isoTime } from '../../data/timeframe.js';
import { explicitTimeframe, marketFrom, marketOptions, storeDir, storeOption, type MarketArgs } from './options.js';
import { cleanOptionsFrom, repairOptions, repairPolicyFrom, type RepairArgs } from './repair-flags.js';

interface Args extends RepairArgs, MarketArgs {
  file: string;
  kind: 'ohlcv' | 'trades';
  store?: string;
}

export const dataImport: CommandModule<object, Args> = {
  command: 'import <file>',
  describe: 'import candles or trades from a file (freqtrade JSON, CSV with a header, Tardis/freqtrade trades)',
  builder: (y) =>
    repairOptions(marketOptions(storeOption(y)))
      .positional('file', { type: 'string', demandOption: true, describe: 'a .json, .json.gz, .csv or .csv.gz file' })
      .option('kind', { choices: ['ohlcv', 'trades'] as const, default: 'ohlcv' as const })
      .example('$0 data import BTC_USDT-1m.json --data binance:BTC/USDT:1m', 'a freqtrade download')
      .example('$0 data import Coinbase_BTCUSD_1h.csv --exchange coinbase --symbol BTC/USD --timeframe 1h', 'a CryptoDataDownload CSV (long form)')
      .example('$0 data import dupes.json --data binance:BTC/USDT:1m --duplicates keep-last --order sort', 'repair while importing') as never,
  handler: async (argv) => {
    // Never file data under the default market: the user names where it goes.
    if (!argv.data && (!argv.exchange || !argv.symbol)) throw new ConfigError('data', `say which market ${argv.file} holds: --data exchange:symbol:timeframe (or --exchange, --symbol${argv.kind === 'ohlcv' ? ', --timeframe' : ''})`);
    if (argv.kind === 'ohlcv' && !explicitTimeframe(argv)) throw new ConfigError('timeframe', `give the timeframe of ${argv.file}, e.g. --timeframe 1h`);
    const key = marketFrom(argv, { needTimeframe: argv.kind === 'ohlcv' });
    const [{ checkCandles, checkTrades, formatCheckReport, formatTradesReport, repairCandles }, { importCandlesFile }, { importTradesFile }, { writeCandles }, { writeTrades }] = await Promise.all([
      import('../../data/clean/index.js'), import('../../data/sources/import-candles.js'), import('../../data/sources/import-trades.js'),
      import('../../data/store/candle-store.js'), import('../../data/store/trade-store.js'),
    ]);
    const store = storeDir(argv);
    if (argv.kind === 'trades') {
      const { trades, notes } = await importTradesFile(argv.file, { exchange: key.exchange, symbol: key.symbol });
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
    const { candles, notes } = await importCandlesFile(argv.file, key);
    for (const n of notes) console.log(`note: ${n}`);
    const opts = { ...cleanOptionsFrom(argv), file: argv.file };
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
