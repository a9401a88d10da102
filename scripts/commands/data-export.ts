import type { CommandModule } from 'yargs';
import { checkOutputPath, marketFrom, marketOptions, storeDir, storeOption, timeRange, timeRangeOptions, type MarketArgs } from './options.js';

interface Args extends MarketArgs {
  format: 'csv';
  out: string;
  since?: string;
  until?: string;
  store?: string;
}

export const dataExport: CommandModule<object, Args> = {
  command: 'export',
  describe: 'write a stored candle series (or a time range of it) to a CSV file; a coarser --timeframe resamples a finer stored series',
  builder: (y) =>
    timeRangeOptions(marketOptions(storeOption(y)))
      .option('format', { choices: ['csv'] as const, default: 'csv' as const })
      .option('out', { type: 'string', demandOption: true, describe: 'output file (written atomically; never inside the store or the samples)' })
      .example('$0 data export --data coinbase:BTC/USD:1h --format csv --out btc.csv', 'the shipped sample as CSV')
      .example('$0 data export --data coinbase:BTC/USD:4h --since 2019-01-01 --out btc-4h.csv', '4h bars resampled from the stored 1h series') as never,
  handler: async (argv) => {
    const key = marketFrom(argv);
    const [{ loadCandles }, { writeCandlesCsv }] = await Promise.all([import('../../data/store/load-candles.js'), import('../../data/sources/export-csv.js')]);
    // Checked before reading, so a refused --out costs nothing.
    await checkOutputPath(argv.out, argv);
    const { candles, note } = await loadCandles(storeDir(argv), key, timeRange(argv));
    if (note) console.log(note);
    await writeCandlesCsv(candles, argv.out);
    console.log(`wrote ${candles.ts.length} rows to ${argv.out}`);
  },
};
