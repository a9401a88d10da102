import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import yargs, { type CommandModule } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { exitCodeOf } from '../exit-codes.js';
import { configOptions, configSource, type ConfigArgs } from './experiment-options.js';

interface Args extends ConfigArgs {
  queue?: string;
  'queue-name'?: string;
  workers?: number;
  concurrency?: number;
  trials?: number;
  out?: string;
  schema: 'none' | 'experiment';
  top: number;
}

export const sweepCommand: CommandModule<object, Args> = {
  command: 'sweep [config]',
  describe: 'hyperparameter sweep (grid, random, TPE) on local worker processes or BullMQ workers; resumable',
  builder: (y) =>
    configOptions(y, { what: 'sweep YAML (name, base, trial, metric, mode, method, params, ...); --set, --seed and --total-steps change its base experiment', totalSteps: true })
      .option('queue', { type: 'string', describe: 'redis://host:port: queue trials on BullMQ for `tradegym worker` processes instead of local workers' })
      .option('queue-name', { type: 'string', describe: 'BullMQ queue (workers must use the same; default tradegym-sweeps)' })
      .option('workers', { type: 'number', describe: 'local worker processes (overrides the file; 0 = in this process)' })
      .option('concurrency', { type: 'number', describe: 'trials in flight at once (overrides the file)' })
      .option('trials', { type: 'number', describe: 'trials for random/tpe (overrides the file; raise it to extend a finished sweep)' })
      .option('out', { type: 'string', describe: 'parent folder (default runs/sweeps); results go to <out>/<name>/ and a rerun resumes there' })
      .option('schema', { choices: ['none', 'experiment'] as const, default: 'none' as const, describe: 'validate each trial config (experiment = experiments/schema.ts)' })
      .option('top', { type: 'number', default: 20, describe: 'rows of the results table to print' })
      .example('$0 sweep experiments/configs/sweeps/ppo-lr.yaml --workers 2', 'run on 2 local processes; rerun the same line to resume')
      .example('$0 sweep ppo-lr.yaml --queue redis://10.0.0.5:6379', 'distribute: start `tradegym worker --queue redis://10.0.0.5:6379` on any machines')
      .example('$0 sweep ppo-lr.yaml --total-steps 50000 --set training.numEnvs=4', 'a shorter base experiment for every trial') as never,
  handler: async (argv) => {
    const { path, sets } = configSource(argv, 'sweep');
    const [{ runSweep }, { DEFAULT_QUEUE_NAME, checkQueueName, checkQueueUrl }, { loadSweep }, { printTable }, { selectionLines }] = await Promise.all([
      import('../../experiments/sweep/coordinator.js'), import('../../experiments/sweep/redis-queue.js'), import('../../experiments/sweep/sweep-file.js'), import('../table.js'),
      import('../../experiments/sweep/results.js'),
    ]);
    const queueName = argv['queue-name'] ?? DEFAULT_QUEUE_NAME;
    if (argv.queue) checkQueueUrl(argv.queue);
    checkQueueName(queueName);
    const spec = loadSweep(path, { workers: argv.workers, concurrency: argv.concurrency, trials: argv.trials });
    const configSchema = argv.schema === 'experiment' ? (await import('../../experiments/schema.js')).ExperimentSchema : undefined;
    const r = await runSweep(spec, { out: argv.out, baseSets: sets, queue: argv.queue ? { url: argv.queue, name: queueName } : undefined, configSchema });
    console.log('');
    printTable(r.table.header, r.table.rows.slice(0, argv.top));
    if (r.table.rows.length > argv.top) console.log(`... ${r.table.rows.length - argv.top} more in results.csv`);
    if (r.stats) console.log(`\n${selectionLines(r.stats).join('\n')}`);
    console.log(`\nresults: ${resolve(r.dir, 'results.csv')}${r.stats ? ` (deflated Sharpe ratio and PBO: ${resolve(r.dir, 'stats.json')})` : ''}\ntrials: ${resolve(r.dir, 'trials')} (tensorboard --logdir ${r.dir} shows them in the HPARAMS tab)`);
    if (r.best) console.log(`best (${spec.metric}=${r.best.metrics[spec.metric]}, trial ${r.best.id}): ${resolve(r.dir, 'best.yaml')}`);
    else console.log('no trial completed');
  },
};

/**
 * Runs one command module as a program, for machines and tests that start it without the full
 * CLI: `node dist/scripts/commands/sweep.js <file>` (same for worker.js).
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
    const code = exitCodeOf(err);
    if (code === undefined) throw err;
    console.error(`error: ${(err as Error).message}`);
    process.exit(code);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await runStandalone(sweepCommand as CommandModule<object, never>);
