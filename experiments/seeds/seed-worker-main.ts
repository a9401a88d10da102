// A seed worker: forked by the run's coordinator (seed-pool.ts), it trains the jobs it is sent,
// one at a time, relays each update for the progress display, and answers with the training's
// result or its error. It exits when the coordinator goes away.
import type { Prepared } from '../prepare.js';
import { prepareJob, runSeedJob, type SeedJob } from './seed-job.js';
import { toWireError, type FromSeedWorker, type ToSeedWorker } from './wire.js';

// The coordinator may already have stopped this worker (another job failed): a message it will
// never read is dropped, not an unhandled EPIPE.
const send = (msg: FromSeedWorker) => {
  if (process.connected) process.send?.(msg, undefined, undefined, () => {});
};

// The data of the last windows trained on: the next seed of the same fold reuses it (loading and
// featurising is the same for every seed).
let cached: { key: string; prepared: Prepared } | undefined;

async function prepared(job: SeedJob): Promise<Prepared> {
  const key = JSON.stringify({ config: { ...job.config, seed: 0 }, splits: job.splits ?? null });
  if (cached?.key !== key) cached = { key, prepared: await prepareJob(job) };
  return cached.prepared;
}

async function run(job: SeedJob): Promise<void> {
  try {
    const result = await runSeedJob(job, (update, validation) => send({ type: 'update', id: job.id, update: { update: update.update, globalStep: update.globalStep, scalars: update.scalars }, validation }), await prepared(job));
    send({ type: 'done', id: job.id, result });
  } catch (err) {
    send({ type: 'failed', id: job.id, error: toWireError(err) });
  }
}

process.on('message', (msg: ToSeedWorker) => {
  if (msg.type === 'job') void run(msg.job);
});
process.on('disconnect', () => process.exit(0));
