import type { CommandModule } from 'yargs';
import { ConfigError } from '../../data/errors.js';
import { isoTime } from '../../data/timeframe.js';
import { exchangeFromArgs, exchangeUrlOption, marketFrom, storeDir, storeOption } from './options.js';

interface Args {
  exchange?: string;
  'exchange-url'?: string;
  symbols?: string;
  depth: number;
  'flush-ms': number;
  trades: boolean;
  duration?: number;
  store?: string;
}

export const dataRecord: CommandModule<object, Args> = {
  command: 'record',
  describe: 'record live L2 books and trades through ccxt.pro websockets into the store',
  builder: (y) =>
    exchangeUrlOption(storeOption(y))
      .option('exchange', { type: 'string', describe: 'ccxt exchange id (default: the default market\'s)' })
      .option('symbols', { type: 'string', describe: 'comma-separated unified symbols (default: the default market\'s)' })
      .option('depth', { type: 'number', default: 20, describe: 'book levels kept per side' })
      .option('flush-ms', { type: 'number', default: 5000, describe: 'write a chunk file this often (what a crash can lose)' })
      .option('trades', { type: 'boolean', default: true, describe: 'record trades too (--no-trades to skip)' })
      .option('duration', { type: 'number', describe: 'stop after this many seconds (default: until Ctrl-C)' })
      .example('$0 data record --exchange binance --symbols BTC/USDT,ETH/USDT --depth 20', 'record until Ctrl-C') as never,
  handler: async (argv) => {
    const market = marketFrom({ exchange: argv.exchange }, { needTimeframe: false });
    const symbols = (argv.symbols ?? market.symbol).split(',').map((s) => s.trim()).filter(Boolean);
    if (!symbols.length) throw new ConfigError('symbols', 'give at least one symbol, e.g. BTC/USDT');
    if (!Number.isInteger(argv.depth) || argv.depth < 1 || argv.depth > 1000) throw new ConfigError('depth', 'must be an integer from 1 to 1000');
    if (!(argv['flush-ms'] >= 100)) throw new ConfigError('flush-ms', 'must be at least 100');
    const { recordLive } = await import('../../data/sources/record-live.js');
    const ex = await exchangeFromArgs(market.exchange, argv, true);
    const stop = new AbortController();
    const onSignal = () => stop.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    const timer = argv.duration ? setTimeout(onSignal, argv.duration * 1000) : undefined;
    console.log(`recording ${symbols.join(', ')} depth ${argv.depth} from ${ex.id} into ${storeDir(argv)} (Ctrl-C to stop)`);
    const stats = await recordLive({
      exchange: ex, store: storeDir(argv), symbols, depth: argv.depth, flushMs: argv['flush-ms'], trades: argv.trades,
      signal: stop.signal,
      onEvent: (e) => {
        if (e.type === 'flush') console.log(`flushed ${e.symbol}: ${e.books} books, ${e.trades} trades`);
        else if (e.type === 'disconnect') console.log(`${e.symbol} ${e.stream} disconnected (${e.error}); reconnect attempt ${e.attempt} in ${Math.round(e.retryInMs)} ms`);
        else if (e.type === 'reconnect') console.log(`${e.symbol} ${e.stream} reconnected after ${e.attempts} attempt${e.attempts === 1 ? '' : 's'}`);
        else if (e.type === 'backfill') console.log(`${e.symbol} trades ${e.fromId}..${e.toId} missed while away: ${e.trades} fetched over REST`);
        else if (e.type === 'gap') {
          const span = e.fromId !== undefined ? `ids ${e.fromId}..${e.toId}` : `${e.from !== undefined ? isoTime(e.from) : '?'} .. ${e.to !== undefined ? isoTime(e.to) : '?'}`;
          console.log(`${e.symbol} ${e.stream} gap ${span}: ${e.reason}`);
        } else console.error(`error: ${e.error}`);
      },
    });
    if (timer) clearTimeout(timer);
    console.log(`stopped: ${stats.books} book updates, ${stats.trades} trades (${stats.backfilled} backfilled over REST), ${stats.flushes} chunk writes, ${stats.reconnects} reconnects, ${stats.bookGaps} book gaps`);
  },
};
