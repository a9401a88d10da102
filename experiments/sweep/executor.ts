// Where trials run. The coordinator hands an executor one trial at a time (up to its
// concurrency) and answers the trial's reports; the executor owns processes, queues and retries.
import type { Decision } from './early-stop.js';
import { runTrialModule, type TrialJob, type TrialOutcome } from './trial.js';

/** The coordinator's answer to an intermediate report. */
export type ReportHandler = (trialId: string, step: number, value: number) => Decision;

export interface Executor {
  /** Runs one trial to its end. Trial errors come back as a failed outcome, not a rejection. */
  run(job: TrialJob, onReport: ReportHandler): Promise<TrialOutcome>;
  close(): Promise<void>;
}

/** Trials run inside the coordinator process (`workers: 0`): no isolation, no start-up cost. */
export class InProcessExecutor implements Executor {
  async run(job: TrialJob, onReport: ReportHandler): Promise<TrialOutcome> {
    return { ...(await runTrialModule(job, async (step, value) => onReport(job.trialId, step, value), 'coordinator')), attempts: 1 };
  }

  async close(): Promise<void> {}
}
