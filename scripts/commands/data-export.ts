import type { CommandModule } from 'yargs';
import { writeCandlesCsv } from '../../data/sources/export-csv.js';
import { readCandles } from '../../data/store/candle-store.js';
import { findCandleStore } from '../../data/store/find-candles.js';
import { requireTimeframe, storeDir, storeOption, timeFlag } from './options.js';

interface Args {
  exchange: string;
  symbol: string;
  timeframe?: string;
  format: 'csv';
  out: string;
  since?: string;
  until?: string;
  store?: string;
}

export const dataExport: CommandModule<object, Args> = {
  command: 'export',
  describe: 'write a stored candle series (or a time range of it) to a CSV file',
  builder: (y) =>
    storeOption(y)
      .option('exchange', { type: 'string', demandOption: true })
      .option('symbol', { type: 'string', demandOption: true })
      .option('timeframe', { type: 'string', describe: 'e.g. 1h' })
      .option('format', { choices: ['csv'] as const, default: 'csv' as const })
      .option('out', { type: 'string', demandOption: true, describe: 'output file (written atomically)' })
      .option('since', { type: 'string', describe: 'first bar, ISO date or epoch ms' })
      .option('until', { type: 'string', describe: 'end (exclusive)' })
      .example('$0 data export --exchange coinbase --symbol BTC/USD --timeframe 1h --format csv --out btc.csv', 'the shipped sample as CSV') as never,
  handler: async (argv) => {
    const key = { exchange: argv.exchange, symbol: argv.symbol, timeframe: requireTimeframe(argv.timeframe) };
    const { store } = await findCandleStore(storeDir(argv), key);
    const c = await readCandles(store, key, { from: timeFlag(argv.since, 'since'), to: timeFlag(argv.until, 'until') });
    await writeCandlesCsv(c, argv.out);
    console.log(`wrote ${c.ts.length} rows to ${argv.out}`);
  },
};
