import type { CommandModule } from 'yargs';
import { checkOutputPath, marketFrom, marketOptions, storeDir, storeOption, timeRange, timeRangeOptions, type MarketArgs } from './options.js';

interface Args extends MarketArgs {
  policy: string[];
  split: 'all' | 'train' | 'valid' | 'test';
  since?: string;
  until?: string;
  window: number;
  fee: number;
  'long-only': boolean;
  actions: 'discrete' | 'continuous';
  seed: number;
  out?: string;
  store?: string;
}

export const backtestCommand: CommandModule<object, Args> = {
  command: 'backtest',
  describe: 'run policies (reference, rules with parameters, checkpoints or run folders) through the candle env and print trading metrics',
  builder: (y) =>
    timeRangeOptions(marketOptions(storeOption(y)))
      .option('policy', { type: 'array', string: true, default: ['buy-and-hold', 'random', 'flat'], describe: 'buy-and-hold, random, flat, ma-cross[:FAST:SLOW], rsi[:PERIOD:LOWER:UPPER], or a checkpoint / run folder' })
      .option('split', { choices: ['all', 'train', 'valid', 'test'] as const, default: 'all' as const, describe: 'time split (70/15/15 of the loaded bars); --since/--until narrow it' })
      .option('window', { type: 'number', default: 16, describe: 'log-return window of the reference policies\' observation' })
      .option('fee', { type: 'number', default: 0.001, describe: 'taker fee rate, for every policy' })
      .option('long-only', { type: 'boolean', default: false, describe: 'no short positions (reference policies and rules; a checkpoint keeps its own action space)' })
      .option('actions', { choices: ['discrete', 'continuous'] as const, default: 'discrete' as const })
      .option('seed', { type: 'number', default: 0 })
      .option('out', { type: 'string', describe: 'write the equity curve of the first policy to this CSV' })
      .example('$0 backtest --data coinbase:BTC/USD:1h --policy buy-and-hold ma-cross:10:30 rsi:14:30:70 --split test', 'rules with parameters next to buy-and-hold')
      .example('$0 backtest --policy runs/ppo-btc-20261125T120000Z buy-and-hold --since 2019-06-01 --until 2019-09-01', 'a run\'s best checkpoint over a time range')
      .example('$0 backtest --data coinbase:BTC/USD:4h --policy ma-cross:10:30 --out equity.csv', '4h bars resampled from the stored 1h series') as never,
  handler: async (argv) => {
    const market = marketFrom(argv);
    const { from, to } = timeRange(argv);
    if (argv.out) await checkOutputPath(argv.out, argv);
    const [{ loadCandles }, { parsePolicySpec, backtestPolicy, rowsInTime }, { timeSplits }, { ConfigError }, { isoTime }, { writeFileAtomic }, { printTable }, { METRICS_HEADER, metricsRow }] = await Promise.all([
      import('../../data/store/load-candles.js'), import('../../experiments/backtest-policies.js'), import('../../envs/splits.js'), import('../../data/errors.js'),
      import('../../data/timeframe.js'), import('../../data/atomic-write.js'), import('../table.js'), import('./metrics-table.js'),
    ]);
    const specs = argv.policy.map(parsePolicySpec);
    const { candles, note } = await loadCandles(storeDir(argv), market);
    if (note) console.log(note);
    const all = { from: 0, to: candles.ts.length };
    const range = rowsInTime(candles.ts, argv.split === 'all' ? all : timeSplits(candles.ts.length)[argv.split], from, to);
    if (range.to - range.from < 2) throw new ConfigError('since', `no bars of the ${argv.split} split fall in the range given (data: ${isoTime(candles.ts[0])} .. ${isoTime(candles.ts[candles.ts.length - 1])})`);
    const setup = { candles, range, actions: argv.actions, longOnly: argv['long-only'], execution: { takerFee: argv.fee }, window: argv.window, seed: argv.seed };
    const rows: string[][] = [];
    const results = [];
    for (const spec of specs) {
      const r = await backtestPolicy(spec, setup);
      for (const n of r.notes) console.log(`note: ${n}`);
      if (!results.length) console.log(`${market.exchange} ${market.symbol} ${market.timeframe}, ${argv.split} split${from !== undefined || to !== undefined ? ' within --since/--until' : ''}: ${isoTime(r.result.ts[0])} .. ${isoTime(r.result.ts[r.result.ts.length - 1])}, ${r.result.metrics.steps} steps, taker fee ${argv.fee}`);
      results.push(r);
      rows.push(metricsRow(r.name, r.result.metrics));
    }
    printTable(METRICS_HEADER, rows);
    if (argv.out) {
      const r = results[0].result;
      const lines = ['ts,datetime,equity,position,close'];
      for (let i = 0; i < r.ts.length; i++) lines.push(`${r.ts[i]},${new Date(r.ts[i]).toISOString()},${r.equity[i]},${r.position[i]},${r.close[i]}`);
      await writeFileAtomic(argv.out, `${lines.join('\n')}\n`);
      console.log(`equity curve of ${results[0].name}: ${argv.out}`);
    }
  },
};
