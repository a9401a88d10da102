// A local sweep worker: forked by LocalProcessExecutor, runs the trials it is sent one at a time
// and relays reports over IPC. It exits when the coordinator goes away (nothing left to report to).
import { hostname } from 'node:os';
import type { Decision } from './early-stop.js';
import type { FromWorker, ToWorker } from './local-executor.js';
import { runTrialModule, type TrialJob } from './trial.js';

const pending = new Map<number, (d: Decision) => void>();
let seq = 0;
const send = (msg: FromWorker) => process.send?.(msg);

async function run(job: TrialJob): Promise<void> {
  const outcome = await runTrialModule(
    job,
    (step, value) =>
      new Promise<Decision>((resolve) => {
        const s = seq++;
        pending.set(s, resolve);
        send({ type: 'report', trialId: job.trialId, seq: s, step, value });
      }),
    `${hostname()}:${process.pid}`,
  );
  send({ type: 'result', trialId: job.trialId, outcome });
}

process.on('message', (msg: ToWorker) => {
  if (msg.type === 'decision') {
    pending.get(msg.seq)?.(msg.decision);
    pending.delete(msg.seq);
  } else if (msg.type === 'run') void run(msg.job);
});
process.on('disconnect', () => process.exit(0));
