// `npm run exchange-sim [-- --port 8900 --store ./datastore --speed 1]`: the local exchange for
// demos without a network. Serves the shipped samples (and a store's candles/trades/books when
// given) over Binance's spot API; point tradegym at it with --exchange-url http://127.0.0.1:PORT.
// Fault flags (--fail-rate, --drop-every, --weight-per-minute, --latency) make it a bad venue on
// purpose, so retries, reconnects and rate limiting can be tried by hand, not only in tests.
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { listSeries, SAMPLES_STORE } from '../../data/store/catalog.js';
import { readCandles } from '../../data/store/candle-store.js';
import { readTrades } from '../../data/store/trade-store.js';
import { readBooks } from '../../data/store/book-store.js';
import type { Books, Candles, Trades } from '../../data/types.js';
import { startExchangeSim } from './server.js';
import { exitWithLauncher } from './exit-with-launcher.js';

const argv = await yargs(hideBin(process.argv))
  .option('port', { type: 'number', default: 8900 })
  .option('host', { type: 'string', default: '127.0.0.1', describe: 'interface to bind (keep loopback unless you know why)' })
  .option('store', { type: 'string', describe: 'also serve this store\'s series (the samples are always served)' })
  .option('speed', { type: 'number', default: 1, describe: 'live replay speed (1 = real time)' })
  .option('allow-remote', { type: 'boolean', default: false, describe: 'permit a non-loopback --host (the sim has no authentication)' })
  .option('fail-rate', { type: 'number', default: 0, describe: 'share of REST requests answered 503 at random (0..1)' })
  .option('drop-every', { type: 'number', describe: 'drop every websocket this often (seconds)' })
  .option('weight-per-minute', { type: 'number', default: 6000, describe: 'request weight per minute before 429 + Retry-After' })
  .option('latency', { type: 'number', default: 0, describe: 'delay before each REST answer (ms)' })
  .option('seed', { type: 'string', default: 'exchange-sim', describe: 'seed of the random failures' })
  .example('$0 --fail-rate 0.1 --drop-every 5 --weight-per-minute 600 --latency 200', 'a flaky, slow, strict venue')
  .strict()
  .parseAsync();

// Bad values are usage errors, named like tradegym's own: one line, exit 2.
const badFlag = (flag: string, why: string) => {
  console.error(`error: ${flag}: ${why}`);
  process.exit(2);
};
if (!(argv['fail-rate'] >= 0 && argv['fail-rate'] <= 1)) badFlag('fail-rate', `must be from 0 to 1, got ${argv['fail-rate']}`);
if (argv['drop-every'] !== undefined && !(argv['drop-every'] > 0)) badFlag('drop-every', `must be a number of seconds > 0, got ${argv['drop-every']}`);
if (!(argv['weight-per-minute'] >= 1)) badFlag('weight-per-minute', `must be at least 1, got ${argv['weight-per-minute']}`);
if (!(argv.latency >= 0)) badFlag('latency', `must be a number of ms >= 0, got ${argv.latency}`);

// The sim speaks an unauthenticated exchange API: it stays on loopback unless explicitly allowed.
if (!/^(127\.\d+\.\d+\.\d+|::1|localhost)$/.test(argv.host) && !argv['allow-remote']) {
  console.error(`error: host: ${argv.host} is not a loopback address; the exchange sim has no authentication (pass --allow-remote to expose it anyway)`);
  process.exit(2);
}

const candles: Candles[] = [];
const trades: Trades[] = [];
const books: Books[] = [];
const seen = new Set<string>();
for (const store of [argv.store, SAMPLES_STORE].filter((s): s is string => !!s)) {
  for (const s of await listSeries(store)) {
    // The sim speaks one exchange: a symbol's first series of each kind wins (user store first).
    const id = `${s.kind}:${s.symbol}:${s.kind === 'ohlcv' ? s.detail : ''}`;
    if (seen.has(id)) continue;
    seen.add(id);
    if (s.kind === 'ohlcv') candles.push(await readCandles(store, { exchange: s.exchange, symbol: s.symbol, timeframe: s.detail }));
    if (s.kind === 'trades') trades.push(await readTrades(store, s));
    if (s.kind === 'books') books.push(await readBooks(store, { exchange: s.exchange, symbol: s.symbol, depth: Number(s.detail.split('=')[1]) }));
  }
}
const sim = await startExchangeSim({
  host: argv.host, port: argv.port, candles, trades, books, replaySpeed: argv.speed,
  failRate: argv['fail-rate'], dropEveryMs: argv['drop-every'] === undefined ? undefined : argv['drop-every'] * 1000,
  weightPerMinute: argv['weight-per-minute'], latencyMs: argv.latency, seed: argv.seed,
});
console.log(`exchange-sim (Binance spot API) on ${sim.url} (pid ${process.pid})`);
const faults = [
  argv['fail-rate'] > 0 ? `${argv['fail-rate'] * 100}% of REST requests fail (503)` : '',
  argv['drop-every'] !== undefined ? `websockets dropped every ${argv['drop-every']} s` : '',
  argv['weight-per-minute'] !== 6000 ? `${argv['weight-per-minute']} request weight per minute` : '',
  argv.latency > 0 ? `${argv.latency} ms REST latency` : '',
].filter(Boolean);
if (faults.length) console.log(`  faults: ${faults.join(', ')}`);
for (const c of candles) console.log(`  klines  ${c.symbol} ${c.timeframe}: ${c.ts.length} bars`);
for (const t of trades) console.log(`  trades  ${t.symbol}: ${t.ts.length} (history + live replay)`);
for (const b of books) console.log(`  books   ${b.symbol}: ${b.ts.length} snapshots depth ${b.depth} (live replay)`);
console.log(`try: npx tradegym data fetch --exchange binance --exchange-url ${sim.url} --symbol BTC/USD --timeframe 1h --since 2019-01-01`);

// npm forwards SIGINT and SIGTERM only to its direct child, so the script line must `exec` the
// server (see package.json); a Ctrl-C reaches every process of the job, so one signal may arrive
// twice: stop once. After a clean close the signal is raised again with its default action, so the
// exit status (and npm's) says how the sim ended.
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
let stopping = false;
const stop = async (signal?: NodeJS.Signals) => {
  if (stopping) return;
  stopping = true;
  await sim.close();
  if (!signal) process.exit(0);
  for (const s of SIGNALS) process.removeAllListeners(s);
  process.kill(process.pid, signal);
};
for (const s of SIGNALS) process.on(s, () => void stop(s));
exitWithLauncher(() => {
  console.error('exchange-sim: the process that started it is gone; stopping');
  void stop();
});
