import type { CommandModule } from 'yargs';
import { ConfigError, DataError } from '../../data/errors.js';
import { isoTime } from '../../data/timeframe.js';
import type { Candles, Trades } from '../../data/types.js';
import { explicitTimeframe, marketFrom, marketOptions, storeDir, storeOption, type Market, type MarketArgs } from './options.js';
import { cleanOptionsFrom, repairOptions, repairPolicyFrom, type RepairArgs } from './repair-flags.js';

interface Args extends RepairArgs, MarketArgs {
  file: string;
  kind: 'ohlcv' | 'trades';
  store?: string;
}

/** Findings printed with a report (the counts per rule are always complete). */
const SHOWN = 10;

export const dataImport: CommandModule<object, Args> = {
  command: 'import <file>',
  describe: 'import candles or trades from a file (freqtrade JSON, CSV with a header, Tardis/freqtrade trades); ' +
    'whatever `data check` calls an error is refused, and nothing stored, unless a repair flag says what to do',
  builder: (y) =>
    repairOptions(marketOptions(storeOption(y)))
      .positional('file', { type: 'string', demandOption: true, describe: 'a .json, .json.gz, .csv, .csv.gz or LEAN .zip file' })
      .option('kind', { choices: ['ohlcv', 'trades'] as const, default: 'ohlcv' as const })
      .example('$0 data import BTC_USDT-1m.json --data binance:BTC/USDT:1m', 'a freqtrade download')
      .example('$0 data import Coinbase_BTCUSD_1h.csv --exchange coinbase --symbol BTC/USD --timeframe 1h', 'a CryptoDataDownload CSV (long form)')
      .example('$0 data import dupes.json --data binance:BTC/USDT:1m --duplicates keep-last --order sort', 'repair while importing')
      .example('$0 data import ticks.csv --data binance:BTC/USDT:1m --spikes clip --misaligned drop', 'clip bad ticks, drop bars off the 1m grid') as never,
  handler: async (argv) => {
    // Never file data under the default market: the user names where it goes.
    if (!argv.data && (!argv.exchange || !argv.symbol)) throw new ConfigError('data', `say which market ${argv.file} holds: --data exchange:symbol:timeframe (or --exchange, --symbol${argv.kind === 'ohlcv' ? ', --timeframe' : ''})`);
    if (argv.kind === 'ohlcv' && !explicitTimeframe(argv)) throw new ConfigError('timeframe', `give the timeframe of ${argv.file}, e.g. --timeframe 1h`);
    const key = marketFrom(argv, { needTimeframe: argv.kind === 'ohlcv' });
    const store = storeDir(argv);
    // Every refusal happens in these, before the first write.
    if (argv.kind === 'trades') {
      const trades = await checkedTrades(argv, key);
      const { writeTrades } = await import('../../data/store/trade-store.js');
      const r = await writeTrades(store, trades);
      console.log(`stored ${r.rows} trades (${isoTime(trades.ts[0])} .. ${isoTime(trades.ts[trades.ts.length - 1])}) in ${r.files.length} files under ${store}`);
      return;
    }
    const c = await checkedCandles(argv, key);
    const { writeCandles } = await import('../../data/store/candle-store.js');
    const r = await writeCandles(store, c);
    console.log(`stored ${r.rows} ${key.symbol} ${key.timeframe} candles (${isoTime(c.ts[0])} .. ${isoTime(c.ts[c.ts.length - 1])}) in ${r.files.length} files under ${store}`);
  },
};

/** A refusal, with the one-line message saying that nothing was stored. */
async function nothingStored(err: unknown): Promise<unknown> {
  const { FileDataError } = await import('../../data/file-position.js');
  if (err instanceof FileDataError) return new FileDataError(`${err.detail}; nothing was stored`, err.position, { cause: err });
  return err instanceof DataError ? new DataError(`${err.message}; nothing was stored`, {}, { cause: err }) : err;
}

/**
 * Reads the file and returns the candles to store: repaired as the flags say, and passing the check
 * but for the errors the user chose to keep. Anything else throws (DataError: exit 3) with the file's
 * line, after printing the check report.
 */
async function checkedCandles(argv: Args, key: Market): Promise<Candles> {
  const [clean, { pickPositions }] = await Promise.all([import('../../data/clean/index.js'), import('../../data/file-position.js')]);
  const { repaired, positions, policy, opts } = await repairedCandles(argv, key);
  const after = clean.checkCandles(repaired.candles, { ...opts, positions: pickPositions(positions, repaired.rows) });
  const kept = clean.errorsKeptByPolicy(policy);
  const blocking = clean.CHECK_RULES.filter((r) => clean.RULE_SEVERITY[r] === 'error' && !kept.includes(r) && after.counts[r] > 0);
  if (blocking.length > 0) {
    console.log(clean.formatCheckReport(after, SHOWN));
    const first = after.findings.find((f) => blocking.includes(f.rule))!;
    throw new DataError(`${blocking.map((r) => `${after.counts[r]} ${r}`).join(', ')} left after the repair, the first: ${first.message}; nothing was stored`, { file: positions.file });
  }
  // Warnings (gaps, large moves) are listed, and stored: real markets have them.
  if (after.warnings + after.errors > 0) console.log(clean.formatCheckReport(after, 5));
  const keptNow = kept.filter((r) => after.counts[r] > 0);
  if (keptNow.length > 0) console.log(`kept as asked: ${keptNow.map((r) => `${after.counts[r]} ${r}`).join(', ')}`);
  if (repaired.candles.ts.length === 0) throw new DataError('no rows left after the repair; nothing was stored', { file: positions.file });
  return repaired.candles;
}

/**
 * Reads and repairs (a function of its own so that the series as read is garbage once it returns:
 * only the repaired copy is held through the check and the write).
 */
async function repairedCandles(argv: Args, key: Market) {
  const [clean, { importCandlesFile }] = await Promise.all([import('../../data/clean/index.js'), import('../../data/sources/import-candles.js')]);
  const { candles, notes, positions } = await importCandlesFile(argv.file, key).catch(async (err: unknown) => { throw await nothingStored(err); });
  for (const n of notes) console.log(`note: ${n}`);
  const policy = clean.resolveRepairPolicy(repairPolicyFrom(argv));
  const opts = { ...cleanOptionsFrom(argv), positions };
  // The default policy throws at every error of the check (duplicates, disorder, misaligned bars,
  // invalid rows and times, spikes): nothing is stored silently changed, or silently wrong.
  try {
    const repaired = clean.repairCandles(candles, policy, opts);
    for (const ch of repaired.changes.slice(0, 20)) console.log(`  [${ch.rule} ${ch.action}] ${ch.message}`);
    if (repaired.changes.length > 20) console.log(`  ... ${repaired.changes.length - 20} more changes`);
    return { repaired, positions, policy, opts };
  } catch (err) {
    if (!(err instanceof DataError)) throw err;
    // The whole picture (every rule's count, the first findings by line) before the one-line refusal.
    console.log(clean.formatCheckReport(clean.checkCandles(candles, opts), SHOWN));
    throw await nothingStored(err);
  }
}

/** Reads a trades file and returns the trades to store; any finding of the check is refused (exit 3). */
async function checkedTrades(argv: Args, key: Market): Promise<Trades> {
  const [clean, { importTradesFile }] = await Promise.all([import('../../data/clean/index.js'), import('../../data/sources/import-trades.js')]);
  const { trades, notes, positions } = await importTradesFile(argv.file, { exchange: key.exchange, symbol: key.symbol })
    .catch(async (err: unknown) => { throw await nothingStored(err); });
  for (const n of notes) console.log(`note: ${n}`);
  const report = clean.checkTrades(trades, { positions });
  if (!report.ok) {
    console.log(clean.formatTradesReport(report, SHOWN));
    const errors = clean.TRADE_RULES.reduce((s, r) => s + report.counts[r], 0);
    throw new DataError(`${errors} error(s) in the trades, the first: ${report.findings[0].message}; nothing was stored`, { file: positions.file });
  }
  return trades;
}
