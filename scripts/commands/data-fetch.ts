import type { CommandModule } from 'yargs';
import { ConfigError } from '../../data/errors.js';
import { isoTime, parseTime } from '../../data/timeframe.js';
import { createProgress, type Progress } from '../progress.js';
import { exchangeFromArgs, exchangeUrlOption, marketFrom, marketOptions, storeDir, storeOption, timeFlag, type MarketArgs } from './options.js';

interface Args extends MarketArgs {
  'exchange-url'?: string;
  since: string;
  until?: string;
  kind: 'ohlcv' | 'trades';
  store?: string;
  'page-size'?: number;
  'flush-ms': number;
}

export const dataFetch: CommandModule<object, Args> = {
  command: 'fetch',
  describe: 'download OHLCV or trade history through ccxt into the store (resumable)',
  builder: (y) =>
    exchangeUrlOption(marketOptions(storeOption(y)))
      .option('since', { type: 'string', demandOption: true, describe: 'start, ISO date or epoch ms' })
      .option('until', { type: 'string', describe: 'end (exclusive), default now' })
      .option('kind', { choices: ['ohlcv', 'trades'] as const, default: 'ohlcv' as const })
      .option('page-size', { type: 'number', describe: 'rows per request (default 1000)' })
      .option('flush-ms', { type: 'number', default: 2000, describe: 'commit to the store this often (what a kill -9 can lose; a rerun resumes after it)' })
      .example('$0 data fetch --data binance:BTC/USDT:1m --since 2024-01-01', 'one-minute candles since 2024')
      .example('$0 data fetch --exchange binance --symbol ETH/USDT --kind trades --since 2024-08-08T00:00Z --until 2024-08-08T01:00Z', 'one hour of trades') as never,
  handler: async (argv) => {
    const market = marketFrom(argv, { needTimeframe: argv.kind === 'ohlcv' });
    const since = parseTime(argv.since, 'since');
    const until = timeFlag(argv.until, 'until');
    const timeframe = argv.kind === 'ohlcv' ? market.timeframe : undefined;
    if (!(argv['flush-ms'] >= 100)) throw new ConfigError('flush-ms', 'must be at least 100');
    const { fetchHistory } = await import('../../data/sources/fetch-history.js');
    const ex = await exchangeFromArgs(market.exchange, argv);
    // Created at the first report, which is when the span to fetch is known (after a resume).
    let progress: Progress<'rows' | 'requests'> | undefined;
    try {
      const r = await fetchHistory({
        exchange: ex, store: storeDir(argv), symbol: market.symbol, kind: argv.kind, timeframe, since, until,
        pageSize: argv['page-size'], commitMs: argv['flush-ms'],
        retry: { retries: 6, baseDelayMs: 500, maxDelayMs: 30_000, onRetry: ({ attempt, delayMs, error }) => {
          const msg = `retry ${attempt} in ${Math.round(delayMs)} ms: ${error.message}`;
          if (progress) progress.log(msg);
          else process.stderr.write(`${msg}\n`);
        } },
        onProgress: (p) => {
          progress ??= createProgress({ label: 'fetch', total: p.until - p.start, fields: ['rows', 'requests'] });
          progress.update(p.cursor - p.start, { rows: String(p.rows), requests: String(p.requests) });
        },
      });
      progress?.finish();
      const what = argv.kind === 'ohlcv' ? `${market.symbol} ${timeframe} candles` : `${market.symbol} trades`;
      console.log(`${r.resumed ? 'resumed after the last stored row: ' : ''}fetched ${r.rows} ${what} from ${ex.id} in ${r.requests} requests (${r.retries} retries, ${r.commits} commits)` +
        (r.first !== undefined ? `, ${isoTime(r.first)} .. ${isoTime(r.last!)}` : ''));
      console.log(`store: ${storeDir(argv)}`);
    } finally {
      progress?.stop();
      await ex.close();
    }
  },
};
