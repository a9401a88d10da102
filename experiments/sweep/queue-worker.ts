// `tradegym worker`: takes trials from the BullMQ queue and runs them, any number per machine.
// A worker that dies mid-trial stops renewing its job lock; after lockDuration another worker's
// stalled-job check puts the job back in the queue and someone runs it again.
import { hostname } from 'node:os';
import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Decision } from './early-stop.js';
import { assertReachable, connectionOptions, decisionKey, redisClient, sleep, type ProgressReport } from './redis-queue.js';
import { runTrialModule, type TrialJob, type TrialOutcome } from './trial.js';

export interface QueueWorkerOptions {
  url: string;
  queueName: string;
  /** Trials this process runs at once. */
  concurrency: number;
  /** Job lock (ms): how long a dead worker's trial waits before another worker takes it. */
  lockDuration: number;
  /** Times a job may be recovered from a dead worker before it fails. */
  maxStalledCount?: number;
  /** A report waits this long (default 5 s) for the coordinator's decision, then goes on; after a miss, 250 ms. */
  decisionTimeoutMs?: number;
  log?: (line: string) => void;
}

export interface QueueWorkerHandle {
  readonly id: string;
  /** Finishes running trials (force: abandons them to the stalled-job check) and disconnects. */
  close(force?: boolean): Promise<void>;
}

export async function startQueueWorker(opts: QueueWorkerOptions): Promise<QueueWorkerHandle> {
  await assertReachable(opts.url);
  const log = opts.log ?? (() => {});
  const redis = redisClient(opts.url);
  const id = `${hostname()}:${process.pid}`;
  let attemptCounter = 0;
  const worker = new Worker<TrialJob, TrialOutcome>(
    opts.queueName,
    async (job) => {
      const token = `${id}:${++attemptCounter}`;
      let seq = 0;
      // After one unanswered report (coordinator down or restarting) the next ones wait only briefly.
      let patience = opts.decisionTimeoutMs ?? 5000;
      log(`worker ${id}: trial ${job.data.trialId} of sweep ${job.data.sweep} (attempt ${job.attemptsStarted})`);
      const outcome = await runTrialModule(
        job.data,
        async (step, value) => {
          const report: ProgressReport = { token, seq: seq++, step, value };
          await job.updateProgress(report);
          if (!job.data.earlyStop) return 'continue';
          const d = await waitForDecision(redis, decisionKey(opts.queueName, job.id!, token, report.seq), patience);
          patience = d ? (opts.decisionTimeoutMs ?? 5000) : 250;
          return d ?? 'continue';
        },
        id,
      );
      log(`worker ${id}: trial ${job.data.trialId} ${outcome.status}${outcome.error ? `: ${outcome.error}` : ''}`);
      return { ...outcome, attempts: job.attemptsStarted };
    },
    {
      connection: connectionOptions(opts.url),
      concurrency: opts.concurrency,
      lockDuration: opts.lockDuration,
      stalledInterval: Math.max(500, Math.round(opts.lockDuration / 2)),
      maxStalledCount: opts.maxStalledCount ?? 2,
    },
  );
  worker.on('error', (err) => log(`worker ${id}: ${err.message}`));
  await worker.waitUntilReady();
  return {
    id,
    close: async (force = false) => {
      await worker.close(force);
      await redis.quit();
    },
  };
}

/** Polls (GETDEL) for the coordinator's answer; undefined when none came in time (the trial goes on). */
async function waitForDecision(redis: Redis, key: string, timeoutMs: number): Promise<Decision | undefined> {
  const until = Date.now() + timeoutMs;
  for (let wait = 5; Date.now() < until; wait = Math.min(50, wait * 2)) {
    const v = await redis.getdel(key);
    if (v === 'stop' || v === 'continue') return v;
    await sleep(wait);
  }
  return undefined;
}
