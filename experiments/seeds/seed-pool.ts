// Runs a run's training jobs (seed x fold) on a pool of worker processes, one job per worker at a
// time, as many workers as there are cores (or jobs, if fewer): trainings are single-threaded
// WebAssembly, so processes are what puts a second core to work. With one worker the jobs run in
// this process, one after the other (no fork: the same code, the same numbers).
//
// A job that fails fails the run, naming the job: its error as the worker raised it (a typed
// error keeps its exit code), or how its worker died (a crash, an out-of-memory kill, a signal).
// The other workers are stopped at once: a mean over the seeds that survived would flatter the
// config.
import { fork, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Prepared } from '../prepare.js';
import { stopProcess, TSX_IMPORT } from '../sweep/local-executor.js';
import type { AgentUpdate, TrainResult } from '../train-agent.js';
import { jobLabel, runSeedJob, type SeedJob } from './seed-job.js';
import { fromWireError, type FromSeedWorker, type ToSeedWorker } from './wire.js';

// .ts when running from the sources (tests, tsx), .js in the build (dist/) that `tradegym` runs.
export const SEED_WORKER_ENTRY = fileURLToPath(new URL(`./seed-worker-main${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url));

export interface SeedPoolOptions {
  /** Worker processes; default: the cores there are. 1 runs the jobs in this process. */
  workers?: number;
  onUpdate?: (job: SeedJob, r: AgentUpdate, validation?: { score: number; best: number }) => void;
  /** A job started; `pid` is its worker's (undefined in this process). */
  onJobStart?: (job: SeedJob, pid: number | undefined) => void;
  onJobDone?: (job: SeedJob, result: TrainResult) => void;
  /** The data of a job, for jobs run in this process (the coordinator has it already). */
  prepared?: (job: SeedJob) => Prepared | undefined;
  /** The worker module (tests give others); default the seed worker. */
  entry?: string;
}

/** Workers a pool of `jobs` jobs starts: the cores there are, no more than the jobs. */
export function poolSize(jobs: number, workers?: number): number {
  return Math.max(1, Math.min(jobs, workers ?? availableParallelism()));
}

/** Trains every job; results in job order. Rejects with the first failure (the other workers stopped). */
export async function runSeedJobs(jobs: SeedJob[], opts: SeedPoolOptions = {}): Promise<TrainResult[]> {
  const size = poolSize(jobs.length, opts.workers);
  if (size === 1 && opts.entry === undefined) return runHere(jobs, opts);
  return runForked(jobs, size, opts);
}

async function runHere(jobs: SeedJob[], opts: SeedPoolOptions): Promise<TrainResult[]> {
  const out: TrainResult[] = [];
  for (const job of jobs) {
    opts.onJobStart?.(job, undefined);
    const result = await runSeedJob(job, (r, v) => opts.onUpdate?.(job, r, v), opts.prepared?.(job));
    opts.onJobDone?.(job, result);
    out.push(result);
  }
  return out;
}

function runForked(jobs: SeedJob[], size: number, opts: SeedPoolOptions): Promise<TrainResult[]> {
  const entry = opts.entry ?? SEED_WORKER_ENTRY;
  const results = new Map<number, TrainResult>();
  const procs: ChildProcess[] = [];
  let next = 0;
  let finished = 0;
  let failed = false;
  return new Promise<TrainResult[]>((resolve, reject) => {
    const fail = (err: Error) => {
      if (failed) return;
      failed = true;
      // Workers are stopped before the run reports the failure: nothing keeps writing behind it.
      void Promise.all(procs.map((p) => stopProcess(p, 500))).then(() => reject(err));
    };
    const startWorker = () => {
      // tsx only for the sources (a .ts entry); the build's workers start without it.
      const proc = fork(entry, [], {
        execArgv: entry.endsWith('.ts') && TSX_IMPORT ? ['--import', TSX_IMPORT] : [],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        // Structured clone: NaN scores and typed arrays cross as they are (JSON would make NaN null).
        serialization: 'advanced',
      });
      procs.push(proc);
      let current: SeedJob | undefined;
      const give = () => {
        if (failed) return;
        if (next >= jobs.length) {
          current = undefined;
          if (proc.connected) proc.disconnect();
          return;
        }
        current = jobs[next++];
        opts.onJobStart?.(current, proc.pid);
        const msg: ToSeedWorker = { type: 'job', job: current };
        proc.send(msg, (err) => err && fail(new Error(`${jobLabel(current!)}: could not reach worker ${proc.pid}: ${err.message}`)));
      };
      proc.on('message', (msg: FromSeedWorker) => {
        if (failed || !current || msg.id !== current.id) return;
        if (msg.type === 'update') opts.onUpdate?.(current, msg.update, msg.validation);
        else if (msg.type === 'failed') fail(fromWireError(msg.error, jobLabel(current)));
        else {
          results.set(current.id, msg.result);
          opts.onJobDone?.(current, msg.result);
          if (++finished === jobs.length) resolve(jobs.map((j) => results.get(j.id)!));
          give();
        }
      });
      proc.on('exit', (code, signal) => {
        if (current && !failed) fail(new Error(`${jobLabel(current)}: its worker process (pid ${proc.pid}) died (${signal ? `killed by ${signal}` : `exit code ${code}`}) while training; no result for this seed, so the run stops`));
      });
      proc.on('error', (err) => fail(new Error(`${current ? jobLabel(current) : 'seed worker'}: ${err.message}`)));
      give();
    };
    for (let i = 0; i < size; i++) startWorker();
  });
}
