// Local execution: N child processes (child_process.fork), each running one trial at a
// time and relaying reports over IPC. A worker that dies mid-trial (crash, OOM, kill) is replaced
// and its trial runs again on another process, up to `retries` times.
import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Decision } from './early-stop.js';
import type { Executor, ReportHandler } from './executor.js';
import { failedOutcome, type TrialJob, type TrialOutcome } from './trial.js';

// The worker entry beside this module: .ts when running from the sources (tests, `npm run
// tradegym`), .js in the build (dist/) that the installed command runs.
export const LOCAL_WORKER_ENTRY = fileURLToPath(new URL(`./local-worker-main${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url));

/**
 * tsx's loader by absolute URL (so workers start whatever the current directory is), when it is
 * installed (a checkout: it is a devDependency). Workers load it to run the sources, or a trial
 * module a user wrote in TypeScript; the build runs without it.
 */
export const TSX_IMPORT: string | undefined = (() => {
  try {
    return pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  } catch {
    return undefined;
  }
})();

export type ToWorker = { type: 'run'; job: TrialJob } | { type: 'decision'; seq: number; decision: Decision };
export type FromWorker =
  | { type: 'report'; trialId: string; seq: number; step: number; value: number }
  | { type: 'result'; trialId: string; outcome: TrialOutcome };

interface Slot {
  proc: ChildProcess;
  busy: boolean;
  dead: boolean;
}

export interface LocalExecutorOptions {
  workers: number;
  /** Extra runs of a trial whose worker died. */
  retries: number;
  log?: (line: string) => void;
}

export class LocalProcessExecutor implements Executor {
  private readonly slots: Slot[] = [];
  private readonly waiting: Array<(slot: Slot) => void> = [];
  private closed = false;

  constructor(private readonly opts: LocalExecutorOptions) {
    if (opts.workers < 1) throw new RangeError('LocalProcessExecutor needs at least one worker');
  }

  /** Worker process ids (for tests and logs). */
  pids(): number[] {
    return this.slots.filter((s) => !s.dead).map((s) => s.proc.pid ?? -1);
  }

  async run(job: TrialJob, onReport: ReportHandler): Promise<TrialOutcome> {
    for (let attempt = 1; ; attempt++) {
      const slot = await this.acquire();
      const r = await this.runOn(slot, job, onReport);
      this.release(slot);
      if ('outcome' in r) return { ...r.outcome, attempts: attempt };
      if (this.closed) return failedOutcome(new Error(`sweep closed while the trial ran (${r.died})`));
      if (attempt > this.opts.retries) return { ...failedOutcome(new Error(`worker process died ${attempt} times (last: ${r.died})`)), attempts: attempt };
      this.opts.log?.(`trial ${job.trialId}: worker ${slot.proc.pid} died (${r.died}); running it again (attempt ${attempt + 1})`);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => stopProcess(s.proc)));
    this.slots.length = 0;
  }

  private spawn(): Slot {
    const proc = fork(LOCAL_WORKER_ENTRY, [], { execArgv: TSX_IMPORT ? ['--import', TSX_IMPORT] : [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const slot: Slot = { proc, busy: false, dead: false };
    proc.on('exit', () => {
      slot.dead = true;
    });
    proc.on('error', () => {
      slot.dead = true;
    });
    this.slots.push(slot);
    return slot;
  }

  private acquire(): Promise<Slot> {
    if (this.closed) return Promise.reject(new Error('executor closed'));
    const free = this.slots.find((s) => !s.busy && !s.dead);
    const slot = free ?? (this.slots.filter((s) => !s.dead).length < this.opts.workers ? this.spawn() : undefined);
    if (slot) {
      slot.busy = true;
      return Promise.resolve(slot);
    }
    return new Promise((res) => this.waiting.push(res));
  }

  private release(slot: Slot): void {
    slot.busy = false;
    if (slot.dead) this.slots.splice(this.slots.indexOf(slot), 1);
    const next = this.waiting.shift();
    if (!next) return;
    const s = slot.dead ? this.spawn() : slot;
    s.busy = true;
    next(s);
  }

  private runOn(slot: Slot, job: TrialJob, onReport: ReportHandler): Promise<{ outcome: TrialOutcome } | { died: string }> {
    const { proc } = slot;
    return new Promise((resolve) => {
      const send = (msg: ToWorker) => {
        if (proc.connected) proc.send(msg, (err) => err && proc.kill('SIGKILL'));
      };
      const onMessage = (msg: FromWorker) => {
        if (msg.trialId !== job.trialId) return;
        if (msg.type === 'report') send({ type: 'decision', seq: msg.seq, decision: onReport(job.trialId, msg.step, msg.value) });
        else if (msg.type === 'result') done({ outcome: msg.outcome });
      };
      const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
        slot.dead = true;
        done({ died: signal ? `killed by ${signal}` : `exit code ${code}` });
      };
      const done = (r: { outcome: TrialOutcome } | { died: string }) => {
        proc.off('message', onMessage);
        proc.off('exit', onExit);
        resolve(r);
      };
      proc.on('message', onMessage);
      proc.on('exit', onExit);
      if (proc.exitCode !== null || proc.signalCode !== null || slot.dead) onExit(proc.exitCode, proc.signalCode);
      else send({ type: 'run', job });
    });
  }
}

/** Disconnect (the worker exits on its own), then SIGTERM, then SIGKILL. */
export async function stopProcess(proc: ChildProcess, graceMs = 2000): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise<void>((res) => proc.once('exit', () => res()));
  if (proc.connected) proc.disconnect();
  else proc.kill('SIGTERM');
  const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
