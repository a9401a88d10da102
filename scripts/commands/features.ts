import type { CommandModule } from 'yargs';
import { featureHelp } from '../../data/features/feature-catalog.js';
import { checkOutputPath, marketFrom, marketOptions, storeDir, storeOption, timeRange, timeRangeOptions, type MarketArgs } from './options.js';

interface Args extends MarketArgs {
  set: string;
  out: string;
  model: boolean;
  since?: string;
  until?: string;
  store?: string;
}

export const featuresCommand: CommandModule<object, Args> = {
  command: 'features',
  describe: 'compute indicator columns for a stored series and write them to CSV',
  builder: (y) =>
    timeRangeOptions(marketOptions(storeOption(y)))
      .option('set', { type: 'string', default: 'sma:20,ema:20,rsi:14,macd:12:26:9,bb:20:2,atr:14', describe: `comma-separated specs: ${featureHelp().join('; ')}` })
      .option('model', { type: 'boolean', default: false, describe: 'the scale-free model features instead of raw indicator values' })
      .option('out', { type: 'string', demandOption: true, describe: 'CSV file (written atomically)' })
      .example('$0 features --data coinbase:BTC/USD:1h --set sma:20,ema:20,rsi:14,macd:12:26:9,bb:20:2,atr:14 --out f.csv', 'indicators of the shipped sample') as never,
  handler: async (argv) => {
    const key = marketFrom(argv);
    await checkOutputPath(argv.out, argv);
    const [{ loadCandles }, { computeFeatures }, { writeFileAtomic }] = await Promise.all([
      import('../../data/store/load-candles.js'), import('../../data/features/pipeline.js'), import('../../data/atomic-write.js'),
    ]);
    const { candles: c, note } = await loadCandles(storeDir(argv), key, timeRange(argv));
    if (note) console.log(note);
    const specs = argv.set.split(',').map((s) => s.trim()).filter(Boolean);
    const { values, columns } = computeFeatures(c, specs, !argv.model);
    const F = columns.length;
    const lines = [['ts', 'datetime', 'close', ...columns].join(',')];
    for (let t = 0; t < c.ts.length; t++) {
      const row = [String(c.ts[t]), new Date(c.ts[t]).toISOString(), String(c.close[t])];
      for (let j = 0; j < F; j++) row.push(Number.isNaN(values[t * F + j]) ? '' : String(values[t * F + j]));
      lines.push(row.join(','));
    }
    await writeFileAtomic(argv.out, `${lines.join('\n')}\n`);
    console.log(`wrote ${c.ts.length} rows x ${F} columns (${columns.join(', ')}) to ${argv.out}`);
  },
};
