// A progress bar for training: steps, steps/s, mean episodic return, losses, validation score.
import cliProgress from 'cli-progress';
import type { AgentUpdate } from '../../experiments/train-agent.js';

export function trainingProgress(totalSteps: number): { update(r: AgentUpdate, v?: { score: number; best: number }): void; stop(): void } {
  const bar = new cliProgress.SingleBar({
    format: '{bar} {value}/{total} steps | {sps} steps/s | return {ret} | v_loss {vloss} | entropy {ent} | valid {valid} | ETA {eta_formatted}',
    noTTYOutput: false,
  }, cliProgress.Presets.shades_classic);
  let started = false;
  let valid = '-';
  const fmt = (x: number | undefined, d = 4) => (x === undefined || !Number.isFinite(x) ? '-' : x.toFixed(d));
  return {
    update(r, v) {
      if (!started) {
        bar.start(totalSteps, 0, {});
        started = true;
      }
      if (v) valid = `${v.score.toFixed(2)} (best ${v.best.toFixed(2)})`;
      bar.update(Math.min(totalSteps, r.globalStep), {
        sps: Math.round(r.scalars['charts/SPS'] ?? 0), ret: fmt(r.scalars['charts/episodic_return']),
        vloss: fmt(r.scalars['losses/value_loss']), ent: fmt(r.scalars['losses/entropy'], 3), valid,
      });
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
