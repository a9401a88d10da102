// The `tradegym` command line. Each command lives in scripts/commands/ with its own --help example.
import yargs, { type CommandModule } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { TradegymError } from '../data/errors.js';
import { loadCliConfig } from './cli-config.js';
import { dataCommand } from './commands/data.js';
import { backtestCommand } from './commands/backtest.js';
import { featuresCommand } from './commands/features.js';
import { compareCommand } from './commands/compare.js';
import { reportCommand } from './commands/report.js';
import { baselineCommand } from './commands/baseline.js';
import { runCommand } from './commands/run.js';
import { trainCommand } from './commands/train.js';
import { evalCommand } from './commands/eval.js';
import { sweepCommand } from './commands/sweep.js';
import { workerCommand } from './commands/worker.js';

export async function main(argv: string[]): Promise<void> {
  const cli = yargs(argv)
    .scriptName('tradegym')
    .usage('$0 <command> [options]')
    .config('defaults', 'YAML file with defaults for the data flags (store, exchange, exchange-url, ...)', (path) => loadCliConfig(path))
    .command(runCommand as CommandModule)
    .command(trainCommand as CommandModule)
    .command(evalCommand as CommandModule)
    .command(sweepCommand as CommandModule)
    .command(workerCommand as CommandModule)
    .command(dataCommand)
    .command(backtestCommand as CommandModule)
    .command(featuresCommand as CommandModule)
    .command(compareCommand as CommandModule)
    .command(reportCommand as CommandModule)
    .command(baselineCommand as CommandModule)
    .demandCommand(1, 'name a command; see --help')
    .strict()
    .recommendCommands()
    .example('$0 data ls', 'list stored data and the shipped samples')
    .example('$0 data fetch --symbol BTC/USDT --timeframe 1h --since 2024-01-01', 'download candles')
    .epilog('Docs: README.md. Data lives in ./datastore unless --store or $TRADEGYM_STORE says otherwise.')
    .wrap(Math.min(110, process.stdout.columns || 110))
    .fail((msg, err) => {
      if (err) throw err;
      console.error(`error: ${msg}\nrun with --help for usage`);
      process.exit(1);
    });
  await cli.parseAsync();
}

try {
  await main(hideBin(process.argv));
} catch (err) {
  if (err instanceof TradegymError || (err instanceof Error && err.name === 'YError')) {
    console.error(`error: ${err.message}`);
    process.exit(2);
  }
  throw err;
}
