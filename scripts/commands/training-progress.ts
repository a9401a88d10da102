// Training progress for `tradegym train` and `tradegym run`: steps, steps/s, mean episodic return,
// losses, validation score and ETA, through the shared reporter (a bar on a terminal, log lines
// on a pipe). A run of several trainings (seeds, walk-forward folds) shows one bar over all of
// them, with the jobs done and the ones training now by fold x seed.
import type { AgentUpdate, TrainResult } from '../../experiments/train-agent.js';
import type { SeedJob } from '../../experiments/seeds/seed-job.js';
import { jobLabel } from '../../experiments/seeds/seed-job.js';
import { createProgress } from '../progress.js';

const FIELDS = ['return', 'v_loss', 'entropy', 'valid'] as const;

export function trainingProgress(totalSteps: number): { update(r: AgentUpdate, v?: { score: number; best: number }): void; stop(): void } {
  const progress = createProgress({ label: 'train', unit: 'steps', total: totalSteps, fields: FIELDS });
  let last = { step: 0, delta: 0 };
  return {
    update(r, v) {
      last = { step: r.globalStep, delta: r.globalStep - last.step };
      // An update in which no episode ended has no return: the last known value stays on show.
      const fields: Partial<Record<(typeof FIELDS)[number], string>> = {};
      const put = (k: (typeof FIELDS)[number], x: number | undefined, digits: number) => {
        if (x !== undefined && Number.isFinite(x)) fields[k] = x.toFixed(digits);
      };
      put('return', r.scalars['charts/episodic_return'], 4);
      put('v_loss', r.scalars['losses/value_loss'], 4);
      put('entropy', r.scalars['losses/entropy'], 3);
      if (v) fields.valid = `${v.score.toFixed(2)} (best ${v.best.toFixed(2)})`;
      progress.update(r.globalStep, fields);
    },
    // Callers stop the bar on success and on failure alike. The trainers end once fewer steps are
    // left than one update takes (whole rollouts), so a last update that leaves less than its own
    // size undone means training completed: that is 100 %, out of the steps actually run.
    stop() {
      if (last.delta > 0 && last.step + last.delta > totalSteps) progress.finish({ total: last.step });
      else progress.stop();
    },
  };
}

const JOB_FIELDS = ['done', 'training', 'valid'] as const;

export interface JobsProgress {
  start(job: SeedJob): void;
  update(job: SeedJob, r: AgentUpdate, v?: { score: number; best: number }): void;
  done(job: SeedJob, result: TrainResult): void;
  /** On success (every job done: 100 %) and on failure alike. */
  stop(): void;
}

/** One bar over every job of a run: steps summed over jobs, the jobs done, the ones training (fold x seed), the latest validation score. */
export function jobsProgress(jobs: number, stepsPerJob: number): JobsProgress {
  const progress = createProgress({ label: 'train', unit: 'steps', total: jobs * stepsPerJob, fields: JOB_FIELDS });
  const steps = new Map<number, number>();
  const running = new Map<number, SeedJob>();
  let finished = 0;
  let valid: string | undefined;
  const draw = () => {
    let value = 0;
    for (const s of steps.values()) value += s;
    const names = [...running.values()].map(jobLabel);
    progress.update(value, { done: `${finished}/${jobs} jobs`, training: names.length ? names.join(', ') : '-', ...(valid ? { valid } : {}) });
    return value;
  };
  return {
    start(job) {
      running.set(job.id, job);
      draw();
    },
    update(job, r, v) {
      steps.set(job.id, r.globalStep);
      if (v) valid = `${jobLabel(job)} ${v.score.toFixed(2)} (best ${v.best.toFixed(2)})`;
      draw();
    },
    done(job, result) {
      running.delete(job.id);
      steps.set(job.id, result.steps);
      finished++;
      draw();
    },
    // The trainers run whole updates, so the steps done may differ a little from the plan: 100 % of what ran.
    stop() {
      let value = 0;
      for (const s of steps.values()) value += s;
      if (finished === jobs && jobs > 0) progress.finish({ total: value });
      else progress.stop();
    },
  };
}
