import type { CommandModule } from 'yargs';
import { rename, writeFile } from 'node:fs/promises';
import { computeFeatures } from '../../data/features/pipeline.js';
import { featureHelp } from '../../data/features/feature-catalog.js';
import { readCandles } from '../../data/store/candle-store.js';
import { findCandleStore } from '../../data/store/find-candles.js';
import { requireTimeframe, storeDir, storeOption, timeFlag } from './options.js';

interface Args {
  exchange: string;
  symbol: string;
  timeframe?: string;
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
    storeOption(y)
      .option('exchange', { type: 'string', default: 'coinbase' })
      .option('symbol', { type: 'string', default: 'BTC/USD' })
      .option('timeframe', { type: 'string', default: '1h' })
      .option('set', { type: 'string', default: 'sma:20,ema:20,rsi:14,macd:12:26:9,bb:20:2,atr:14', describe: `comma-separated specs: ${featureHelp().join('; ')}` })
      .option('model', { type: 'boolean', default: false, describe: 'the scale-free model features instead of raw indicator values' })
      .option('out', { type: 'string', demandOption: true, describe: 'CSV file (written atomically)' })
      .option('since', { type: 'string' })
      .option('until', { type: 'string' })
      .example('$0 features --exchange coinbase --symbol BTC/USD --timeframe 1h --set sma:20,ema:20,rsi:14,macd:12:26:9,bb:20:2,atr:14 --out f.csv', 'indicators of the shipped sample') as never,
  handler: async (argv) => {
    const key = { exchange: argv.exchange, symbol: argv.symbol, timeframe: requireTimeframe(argv.timeframe) };
    const { store } = await findCandleStore(storeDir(argv), key);
    const c = await readCandles(store, key, { from: timeFlag(argv.since, 'since'), to: timeFlag(argv.until, 'until') });
    const specs = argv.set.split(',').map((s) => s.trim()).filter(Boolean);
    const { values, columns } = computeFeatures(c, specs, !argv.model);
    const F = columns.length;
    const lines = [['ts', 'datetime', 'close', ...columns].join(',')];
    for (let t = 0; t < c.ts.length; t++) {
      const row = [String(c.ts[t]), new Date(c.ts[t]).toISOString(), String(c.close[t])];
      for (let j = 0; j < F; j++) row.push(Number.isNaN(values[t * F + j]) ? '' : String(values[t * F + j]));
      lines.push(row.join(','));
    }
    const tmp = `${argv.out}.tmp-${process.pid}`;
    await writeFile(tmp, `${lines.join('\n')}\n`);
    await rename(tmp, argv.out);
    console.log(`wrote ${c.ts.length} rows x ${F} columns (${columns.join(', ')}) to ${argv.out}`);
  },
};
