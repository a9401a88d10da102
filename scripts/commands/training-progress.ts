// Training progress for `tradegym train` and `tradegym run`: steps, steps/s, mean episodic return,
// losses, validation score and ETA, through the shared reporter (a bar on a terminal, log lines
// on a pipe).
import type { AgentUpdate } from '../../experiments/train-agent.js';
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
