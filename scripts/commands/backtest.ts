import type { CommandModule } from 'yargs';
import { writeFile, rename } from 'node:fs/promises';
import { ConfigError } from '../../data/errors.js';
import { readCandles } from '../../data/store/candle-store.js';
import { logReturnWindow } from '../../data/features/log-return-window.js';
import { isoTime } from '../../data/timeframe.js';
import { candleMarket } from '../../envs/candle-market.js';
import { CandleEnv } from '../../envs/candle-env.js';
import { timeSplits } from '../../envs/splits.js';
import type { TradingMetrics } from '../../envs/metrics.js';
import { runBacktest } from '../../agents/backtest.js';
import { buyAndHold, flat, randomPolicy } from '../../agents/simple-policies.js';
import { printTable } from '../table.js';
import { findCandleStore } from '../../data/store/find-candles.js';
import { storeDir, storeOption } from './options.js';

interface Args {
  data: string;
  policy: string[];
  split: 'all' | 'train' | 'valid' | 'test';
  window: number;
  fee: number;
  'long-only': boolean;
  actions: 'discrete' | 'continuous';
  seed: number;
  out?: string;
  store?: string;
}

/** "exchange:symbol:timeframe", e.g. coinbase:BTC/USD:1h. */
export function parseDataKey(s: string): { exchange: string; symbol: string; timeframe: string } {
  const parts = s.split(':');
  if (parts.length !== 3 || parts.some((p) => !p)) throw new ConfigError('data', `"${s}" must be exchange:symbol:timeframe, e.g. coinbase:BTC/USD:1h`);
  return { exchange: parts[0], symbol: parts[1], timeframe: parts[2] };
}

const pct = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(2)}%` : '-');
const num = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : '-');

export function metricsRow(name: string, m: TradingMetrics): string[] {
  return [name, pct(m.totalReturn), pct(m.cagr), num(m.sharpe), num(m.sortino), num(m.calmar), pct(m.maxDrawdown),
    pct(m.winRate), num(m.turnover), pct(m.exposure), m.fees.toFixed(2), String(m.trades)];
}
export const METRICS_HEADER = ['policy', 'return', 'CAGR', 'Sharpe', 'Sortino', 'Calmar', 'max DD', 'win rate', 'turnover/yr', 'exposure', 'fees', 'trades'];

export const backtestCommand: CommandModule<object, Args> = {
  command: 'backtest',
  describe: 'run reference policies through the candle env and print trading metrics',
  builder: (y) =>
    storeOption(y)
      .option('data', { type: 'string', default: 'coinbase:BTC/USD:1h', describe: 'exchange:symbol:timeframe (store, else samples)' })
      .option('policy', { type: 'array', string: true, choices: ['buy-and-hold', 'random', 'flat'], default: ['buy-and-hold', 'random', 'flat'] })
      .option('split', { choices: ['all', 'train', 'valid', 'test'] as const, default: 'all' as const, describe: 'time split (70/15/15)' })
      .option('window', { type: 'number', default: 16, describe: 'log-return window of the observation' })
      .option('fee', { type: 'number', default: 0.001, describe: 'taker fee rate' })
      .option('long-only', { type: 'boolean', default: false })
      .option('actions', { choices: ['discrete', 'continuous'] as const, default: 'discrete' as const })
      .option('seed', { type: 'number', default: 0 })
      .option('out', { type: 'string', describe: 'write the equity curve of the first policy to this CSV' })
      .example('$0 backtest --data coinbase:BTC/USD:1h --policy buy-and-hold random --split test --out equity.csv', 'reference policies on the test split') as never,
  handler: async (argv) => {
    const key = parseDataKey(argv.data);
    const { store } = await findCandleStore(storeDir(argv), key);
    const candles = await readCandles(store, key);
    const market = candleMarket(candles, logReturnWindow(candles, argv.window));
    const range = argv.split === 'all' ? undefined : timeSplits(candles.ts.length)[argv.split];
    const rows: string[][] = [];
    let first = true;
    for (const name of argv.policy) {
      const env = new CandleEnv({ market, range, longOnly: argv['long-only'], actions: argv.actions, execution: { takerFee: argv.fee } }, argv.seed);
      const policy = name === 'buy-and-hold' ? buyAndHold(env.actionSpace) : name === 'flat' ? flat(env.actionSpace) : randomPolicy(env.actionSpace, argv.seed);
      const r = runBacktest(env, policy);
      rows.push(metricsRow(name, r.metrics));
      if (first && argv.out) {
        const lines = ['ts,datetime,equity,position,close'];
        for (let i = 0; i < r.ts.length; i++) lines.push(`${r.ts[i]},${new Date(r.ts[i]).toISOString()},${r.equity[i]},${r.position[i]},${r.close[i]}`);
        const tmp = `${argv.out}.tmp-${process.pid}`;
        await writeFile(tmp, `${lines.join('\n')}\n`);
        await rename(tmp, argv.out);
      }
      if (first) console.log(`${key.exchange} ${key.symbol} ${key.timeframe}, ${argv.split} split: ${isoTime(r.ts[0])} .. ${isoTime(r.ts[r.ts.length - 1])}, ${r.metrics.steps} steps, taker fee ${argv.fee}`);
      first = false;
    }
    printTable(METRICS_HEADER, rows);
    if (argv.out) console.log(`equity curve of ${argv.policy[0]}: ${argv.out}`);
  },
};
