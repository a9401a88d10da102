// Distributed execution through BullMQ: the coordinator enqueues one job per trial (job id =
// sweep run id + trial id, so a restarted coordinator finds the jobs it had enqueued), workers on
// any machine run them, publish intermediate values as job progress, and read the coordinator's
// decision from a short-lived Redis key. Results come back as the job's return value.
import { Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Executor, ReportHandler } from './executor.js';
import { assertReachable, connectionOptions, decisionKey, isProgressReport, redisClient } from './redis-queue.js';
import { failedOutcome, type TrialJob, type TrialOutcome } from './trial.js';

export interface QueueExecutorOptions {
  url: string;
  queueName: string;
  /** Unique per sweep (state.json's runId): keeps two sweeps' jobs apart in one queue. */
  runId: string;
  log?: (line: string) => void;
  /** Safety net behind the completion events (ms). */
  pollMs?: number;
}

/** Decision keys outlive a slow worker's poll but not the sweep. */
const DECISION_TTL_MS = 120_000;

interface Running {
  trialId: string;
  onReport: ReportHandler;
  finish: (o: TrialOutcome) => void;
}

export class QueueExecutor implements Executor {
  private readonly running = new Map<string, Running>();
  private readonly timer: NodeJS.Timeout;
  private polling = false;

  private constructor(
    private readonly opts: QueueExecutorOptions,
    private readonly queue: Queue<TrialJob, TrialOutcome>,
    private readonly events: QueueEvents,
    private readonly redis: Redis,
  ) {
    events.on('progress', ({ jobId, data }) => this.onProgress(jobId, data));
    events.on('completed', ({ jobId, returnvalue }) => this.running.get(jobId)?.finish(returnvalue as unknown as TrialOutcome));
    events.on('failed', ({ jobId, failedReason }) => this.running.get(jobId)?.finish(failedOutcome(new Error(failedReason))));
    this.timer = setInterval(() => void this.pollFinished(), opts.pollMs ?? 1000);
  }

  static async open(opts: QueueExecutorOptions): Promise<QueueExecutor> {
    await assertReachable(opts.url);
    const connection = connectionOptions(opts.url);
    const queue = new Queue<TrialJob, TrialOutcome>(opts.queueName, { connection });
    const events = new QueueEvents(opts.queueName, { connection });
    await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
    return new QueueExecutor(opts, queue, events, redisClient(opts.url));
  }

  jobId(trialId: string): string {
    return `${this.opts.runId}-${trialId}`;
  }

  run(job: TrialJob, onReport: ReportHandler): Promise<TrialOutcome> {
    const jobId = this.jobId(job.trialId);
    return new Promise<TrialOutcome>((resolve, reject) => {
      const finish = (o: TrialOutcome) => {
        if (this.running.get(jobId)?.finish !== finish) return;
        this.running.delete(jobId);
        // Our record (trials.jsonl) is written next; the job in Redis is no longer needed.
        this.queue.remove(jobId).catch(() => {});
        resolve(o);
      };
      this.running.set(jobId, { trialId: job.trialId, onReport, finish });
      this.submit(jobId, job).catch((err: unknown) => {
        this.running.delete(jobId);
        reject(err);
      });
    });
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    // Jobs still running stay in the queue: a restarted coordinator picks them up by id.
    this.running.clear();
    await this.events.close();
    await this.queue.close();
    await this.redis.quit();
  }

  /** Enqueues, unless a previous coordinator of this sweep already did. */
  private async submit(jobId: string, job: TrialJob): Promise<void> {
    const existing = await this.queue.getJob(jobId);
    if (existing) {
      const state = await existing.getState();
      if (state === 'completed') return this.running.get(jobId)?.finish(existing.returnvalue);
      if (state !== 'failed') return; // waiting, active or delayed: wait for it
      await existing.remove(); // failed (stalled too often): try again
    }
    // Results stay in Redis until the coordinator has recorded them (it removes the job then), or
    // a week if it never comes back.
    const keep = { age: 7 * 24 * 3600 };
    await this.queue.add('trial', job, { jobId, attempts: 1, removeOnComplete: keep, removeOnFail: keep });
  }

  private onProgress(jobId: string, data: unknown): void {
    const t = this.running.get(jobId);
    if (!t || !isProgressReport(data)) return;
    const decision = t.onReport(t.trialId, data.step, data.value);
    this.redis.set(decisionKey(this.opts.queueName, jobId, data.token, data.seq), decision, 'PX', DECISION_TTL_MS).catch((err: unknown) => {
      this.opts.log?.(`could not publish a decision for ${jobId}: ${(err as Error).message}`);
    });
  }

  /** Catches completions whose event was missed (e.g. the job finished while we reconnected). */
  private async pollFinished(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      for (const [jobId, t] of [...this.running]) {
        const job = await this.queue.getJob(jobId);
        if (!job) continue;
        const state = await job.getState();
        if (state === 'completed') t.finish(job.returnvalue);
        else if (state === 'failed') t.finish(failedOutcome(new Error(job.failedReason)));
      }
    } catch {
      /* Redis hiccup: the next tick tries again */
    } finally {
      this.polling = false;
    }
  }
}
