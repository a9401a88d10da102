import type { CommandModule } from 'yargs';
import cliProgress from 'cli-progress';
import { fetchHistory } from '../../data/sources/fetch-history.js';
import { isoTime, parseTime } from '../../data/timeframe.js';
import { exchangeFromArgs, exchangeOptions, requireTimeframe, storeDir, storeOption, timeFlag } from './options.js';

interface Args {
  exchange: string;
  'exchange-url'?: string;
  symbol: string;
  timeframe?: string;
  since: string;
  until?: string;
  kind: 'ohlcv' | 'trades';
  store?: string;
  'page-size'?: number;
}

export const dataFetch: CommandModule<object, Args> = {
  command: 'fetch',
  describe: 'download OHLCV or trade history through ccxt into the store (resumable)',
  builder: (y) =>
    exchangeOptions(storeOption(y))
      .option('symbol', { type: 'string', demandOption: true, describe: 'unified symbol, e.g. BTC/USDT' })
      .option('timeframe', { type: 'string', describe: 'candle timeframe (ohlcv), e.g. 1m, 1h' })
      .option('since', { type: 'string', demandOption: true, describe: 'start, ISO date or epoch ms' })
      .option('until', { type: 'string', describe: 'end (exclusive), default now' })
      .option('kind', { choices: ['ohlcv', 'trades'] as const, default: 'ohlcv' as const })
      .option('page-size', { type: 'number', describe: 'rows per request (default 1000)' })
      .example('$0 data fetch --exchange binance --symbol BTC/USDT --timeframe 1m --since 2024-01-01', 'one-minute candles since 2024')
      .example('$0 data fetch --symbol ETH/USDT --kind trades --since 2024-08-08T00:00Z --until 2024-08-08T01:00Z', 'one hour of trades') as never,
  handler: async (argv) => {
    const since = parseTime(argv.since, 'since');
    const until = timeFlag(argv.until, 'until');
    const timeframe = argv.kind === 'ohlcv' ? requireTimeframe(argv.timeframe) : undefined;
    const ex = await exchangeFromArgs(argv);
    const bar = new cliProgress.SingleBar({
      format: '{bar} {percentage}% | {rows} rows | {requests} requests | ETA {eta_formatted}',
      etaBuffer: 20,
    }, cliProgress.Presets.shades_classic);
    let started = false;
    try {
      const r = await fetchHistory({
        exchange: ex, store: storeDir(argv), symbol: argv.symbol, kind: argv.kind, timeframe, since, until,
        pageSize: argv['page-size'],
        retry: { retries: 6, baseDelayMs: 500, maxDelayMs: 30_000, onRetry: ({ attempt, delayMs, error }) => {
          process.stderr.write(`\nretry ${attempt} in ${Math.round(delayMs)} ms: ${error.message}\n`);
        } },
        onProgress: (p) => {
          const total = Math.max(1, p.until - p.start);
          if (!started) {
            bar.start(total, 0, { rows: 0, requests: 0 });
            started = true;
          }
          bar.update(Math.min(total, p.cursor - p.start), { rows: p.rows, requests: p.requests });
        },
      });
      bar.stop();
      const what = argv.kind === 'ohlcv' ? `${argv.symbol} ${timeframe} candles` : `${argv.symbol} trades`;
      console.log(`${r.resumed ? 'resumed after the last stored row: ' : ''}fetched ${r.rows} ${what} from ${ex.id} in ${r.requests} requests (${r.retries} retries)` +
        (r.first !== undefined ? `, ${isoTime(r.first)} .. ${isoTime(r.last!)}` : ''));
      console.log(`store: ${storeDir(argv)}`);
    } finally {
      bar.stop();
      await ex.close();
    }
  },
};
