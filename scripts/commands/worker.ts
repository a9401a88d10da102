import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CommandModule } from 'yargs';
import { runStandalone } from './sweep.js';

interface Args {
  queue: string;
  'queue-name'?: string;
  concurrency: number;
  'lock-duration': number;
}

export const workerCommand: CommandModule<object, Args> = {
  command: 'worker',
  describe: 'run sweep trials from a BullMQ queue (any number of workers, on any machine with this checkout)',
  builder: (y) =>
    y
      .option('queue', { type: 'string', demandOption: true, describe: 'redis://host:port of the queue the sweep coordinator fills' })
      .option('queue-name', { type: 'string', describe: 'BullMQ queue (as given to `tradegym sweep`; default tradegym-sweeps)' })
      .option('concurrency', { type: 'number', default: 1, describe: 'trials this process runs at once' })
      .option('lock-duration', { type: 'number', default: 30_000, describe: 'ms before a dead worker\'s trial is handed to another worker' })
      .example('$0 worker --queue redis://10.0.0.5:6379', 'serve the sweeps queued on that Redis; Ctrl-C finishes the running trial, twice abandons it') as never,
  handler: async (argv) => {
    const [{ DEFAULT_QUEUE_NAME, checkQueueName, checkQueueUrl }, { startQueueWorker }] = await Promise.all([
      import('../../experiments/sweep/redis-queue.js'), import('../../experiments/sweep/queue-worker.js'),
    ]);
    const queueName = argv['queue-name'] ?? DEFAULT_QUEUE_NAME;
    checkQueueUrl(argv.queue);
    checkQueueName(queueName);
    const w = await startQueueWorker({
      url: argv.queue,
      queueName,
      concurrency: Math.max(1, Math.floor(argv.concurrency)),
      lockDuration: Math.max(1000, argv['lock-duration']),
      log: (line) => console.log(line),
    });
    console.log(`worker ${w.id} waiting for trials on ${argv.queue} (queue ${queueName}, concurrency ${argv.concurrency})`);
    await new Promise<void>((done) => {
      let signals = 0;
      const onSignal = () => {
        signals++;
        console.log(signals === 1 ? `worker ${w.id}: finishing running trials (signal again to abandon them)` : `worker ${w.id}: abandoning running trials`);
        void w.close(signals > 1).then(done);
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
    });
  },
};

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await runStandalone(workerCommand as CommandModule<object, never>);
