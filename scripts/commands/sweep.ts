import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import yargs, { type CommandModule } from 'yargs';
import { hideBin } from 'yargs/helpers';
import type { z } from 'zod';
import { TradegymError } from '../../data/errors.js';
import { DEFAULT_SWEEP_OUT, runSweep } from '../../experiments/sweep/coordinator.js';
import { DEFAULT_QUEUE_NAME, checkQueueName, checkQueueUrl } from '../../experiments/sweep/redis-queue.js';
import { loadSweep } from '../../experiments/sweep/sweep-file.js';
import { printTable } from '../table.js';

interface Args {
  file: string;
  queue?: string;
  'queue-name': string;
  workers?: number;
  concurrency?: number;
  trials?: number;
  out: string;
  schema: 'none' | 'experiment';
  top: number;
}

export const sweepCommand: CommandModule<object, Args> = {
  command: 'sweep <file>',
  describe: 'hyperparameter sweep (grid, random, TPE) on local worker processes or BullMQ workers; resumable',
  builder: (y) =>
    y
      .positional('file', { type: 'string', demandOption: true, describe: 'sweep YAML (name, base, trial, metric, mode, method, params, ...)' })
      .option('queue', { type: 'string', describe: 'redis://host:port: queue trials on BullMQ for `tradegym worker` processes instead of local workers' })
      .option('queue-name', { type: 'string', default: DEFAULT_QUEUE_NAME, describe: 'BullMQ queue (workers must use the same)' })
      .option('workers', { type: 'number', describe: 'local worker processes (overrides the file; 0 = in this process)' })
      .option('concurrency', { type: 'number', describe: 'trials in flight at once (overrides the file)' })
      .option('trials', { type: 'number', describe: 'trials for random/tpe (overrides the file; raise it to extend a finished sweep)' })
      .option('out', { type: 'string', default: DEFAULT_SWEEP_OUT, describe: 'parent folder; results go to <out>/<name>/ and a rerun resumes there' })
      .option('schema', { choices: ['none', 'experiment'] as const, default: 'none' as const, describe: 'validate each trial config (experiment = experiments/schema.ts)' })
      .option('top', { type: 'number', default: 20, describe: 'rows of the results table to print' })
      .example('$0 sweep experiments/configs/ppo-sweep.yaml --workers 4', 'run on 4 local processes; rerun the same line to resume')
      .example('$0 sweep ppo-sweep.yaml --queue redis://10.0.0.5:6379', 'distribute: start `tradegym worker --queue redis://10.0.0.5:6379` on any machines') as never,
  handler: async (argv) => {
    if (argv.queue) checkQueueUrl(argv.queue);
    checkQueueName(argv['queue-name']);
    const spec = loadSweep(argv.file, { workers: argv.workers, concurrency: argv.concurrency, trials: argv.trials });
    let configSchema: z.ZodType | undefined;
    if (argv.schema === 'experiment') configSchema = (await import('../../experiments/schema.js')).ExperimentSchema;
    const r = await runSweep(spec, { out: argv.out, queue: argv.queue ? { url: argv.queue, name: argv['queue-name'] } : undefined, configSchema });
    console.log('');
    printTable(r.table.header, r.table.rows.slice(0, argv.top));
    if (r.table.rows.length > argv.top) console.log(`... ${r.table.rows.length - argv.top} more in results.csv`);
    console.log(`\nresults: ${resolve(r.dir, 'results.csv')}`);
    if (r.best) console.log(`best (${spec.metric}=${r.best.metrics[spec.metric]}, trial ${r.best.id}): ${resolve(r.dir, 'best.yaml')}`);
    else console.log('no trial completed');
  },
};

/**
 * Runs one command module as a program, for machines and tests that start it without the full
 * CLI: `node --import tsx scripts/commands/sweep.ts <file>` (same for worker.ts).
 */
export async function runStandalone(command: CommandModule<object, never>): Promise<void> {
  try {
    await yargs(hideBin(process.argv))
      .command({ ...command, command: command.command!.toString().replace(/^\S+/, '$0') })
      .strict()
      .fail((msg, err) => {
        if (err) throw err;
        console.error(`error: ${msg}\nrun with --help for usage`);
        process.exit(1);
      })
      .parseAsync();
  } catch (err) {
    if (!(err instanceof TradegymError)) throw err;
    console.error(`error: ${err.message}`);
    process.exit(2);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await runStandalone(sweepCommand as CommandModule<object, never>);
