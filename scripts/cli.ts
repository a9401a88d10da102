// The `tradegym` command line. Each command lives in scripts/commands/ with its own --help example.
// Command modules import only yargs and small helpers; a command's handler imports what it needs
// when it runs, so `tradegym --help` and `tradegym data ls` start without loading TensorFlow.js,
// ccxt or DuckDB (`npm run bench -- cli` measures it).
import yargs, { type CommandModule } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { errorLine, exitCodeOf } from './exit-codes.js';
import { setMarketDefaults } from './commands/options.js';
import { dataCommand } from './commands/data.js';
import { backtestCommand } from './commands/backtest.js';
import { featuresCommand } from './commands/features.js';
import { checkCommand } from './commands/check.js';
import { compareCommand } from './commands/compare.js';
import { reportCommand } from './commands/report.js';
import { baselineCommand } from './commands/baseline.js';
import { runCommand } from './commands/run.js';
import { trainCommand } from './commands/train.js';
import { evalCommand } from './commands/eval.js';
import { sweepCommand } from './commands/sweep.js';
import { workerCommand } from './commands/worker.js';

/** `--defaults file.yaml`: read before yargs parses, so its market keys stay defaults, below any flag. */
async function loadDefaults(argv: string[]): Promise<Record<string, unknown>> {
  const i = argv.findIndex((a) => a === '--defaults' || a.startsWith('--defaults='));
  if (i < 0) return {};
  const path = argv[i].includes('=') ? argv[i].slice('--defaults='.length) : argv[i + 1];
  if (!path || path.startsWith('--')) return {};
  const { loadCliConfig } = await import('./cli-config.js');
  const { data, exchange, symbol, timeframe, ...rest } = loadCliConfig(path);
  setMarketDefaults({ data, exchange, symbol, timeframe });
  return rest;
}

export async function main(argv: string[]): Promise<void> {
  const defaults = await loadDefaults(argv);
  const cli = yargs(argv)
    .scriptName('tradegym')
    // Flags keep their one spelling (--total-steps, never also totalSteps): errors name them once.
    .parserConfiguration({ 'camel-case-expansion': false })
    .usage('$0 <command> [options]')
    .option('defaults', { type: 'string', describe: 'YAML file with defaults for the data flags (store, data, exchange-url, ...)' })
    .option('debug', { type: 'boolean', describe: 'print the stack trace of an expected failure too' })
    .config(defaults)
    .command(runCommand as CommandModule)
    .command(trainCommand as CommandModule)
    .command(evalCommand as CommandModule)
    .command(sweepCommand as CommandModule)
    .command(workerCommand as CommandModule)
    .command(dataCommand)
    .command(backtestCommand as CommandModule)
    .command(featuresCommand as CommandModule)
    .command(checkCommand)
    .command(compareCommand as CommandModule)
    .command(reportCommand as CommandModule)
    .command(baselineCommand as CommandModule)
    .demandCommand(1, 'name a command; see --help')
    .strict()
    .recommendCommands()
    .example('$0 run experiments/configs/quickstart.yaml', 'the main job on the shipped sample')
    .example('$0 data ls', 'list stored data and the shipped samples')
    .example('$0 data fetch --data binance:BTC/USDT:1h --since 2024-01-01', 'download candles')
    .epilog('Docs: README.md. Data lives in ./datastore unless --store or $TRADEGYM_STORE says otherwise.\n' +
      'Exit codes: 0 ok, 1 usage, 2 config error, 3 data errors found, 4 exchange unreachable or refused, ' +
      '5 file system refused (no space, read-only, no permission) or series locked by another writer.')
    .wrap(Math.min(110, process.stdout.columns || 110))
    .fail((msg, err) => {
      if (err) throw err;
      console.error(`error: ${msg}\nrun with --help for usage`);
      process.exit(1);
    });
  await cli.parseAsync();
}

/** The stack of an error and of the errors it wraps (a StorageError wraps DuckDB's or Node's). */
function stacks(err: unknown): string {
  const out: string[] = [];
  for (let e = err; e !== undefined && e !== null && out.length < 5; e = (e as { cause?: unknown }).cause) {
    out.push(e instanceof Error ? (e.stack ?? e.message) : String(e));
  }
  return out.join('\ncaused by: ');
}

// Read before parsing: an error in parsing itself (a bad --defaults file) honours it too.
const debug = hideBin(process.argv).includes('--debug');
try {
  await main(hideBin(process.argv));
} catch (err) {
  const code = exitCodeOf(err);
  // An expected failure is one line (`--debug` adds its stack); anything else is a bug and keeps its stack.
  if (code === undefined) throw err;
  console.error(`error: ${errorLine(err)}`);
  if (debug) console.error(stacks(err));
  process.exit(code);
}
