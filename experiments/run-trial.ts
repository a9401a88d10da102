// The default sweep trial: train the experiment's agent and score it on the VALIDATION split
// (never the test split: a sweep that selects on test data overfits it). Each validation score is
// reported, so median stopping and ASHA can end weak trials early. The trial's folder
// (<sweep>/trials/<id>/) is a run folder like any other: `tradegym report` and `compare` read it.
import { ConfigError } from '../data/errors.js';
import { validateConfig } from './config-file.js';
import { ExperimentSchema } from './schema.js';
import { prepareExperiment } from './prepare.js';
import { openRunFolder } from './run-folder.js';
import { trainInFolder } from './train-run.js';
import type { RunTrial } from './sweep/trial.js';

export const runTrial: RunTrial = async (raw, ctx) => {
  const config = validateConfig(ExperimentSchema, raw, `trial ${ctx.trialId}`);
  if (!config.agent) throw new ConfigError('agent', 'a sweep trial trains the config\'s agent; add an agent section');
  const p = await prepareExperiment(config);
  const folder = await openRunFolder(config, 'trial', { dir: ctx.runDir });
  try {
    let stopped = false;
    const r = await trainInFolder(folder, p, async (u, v) => {
      if (ctx.signal.aborted) stopped = true;
      if (v && !stopped && (await ctx.report(u.globalStep, v.score)) === 'stop') stopped = true;
      return !stopped;
    });
    // The checkpoint as scored into metrics.json, so trials.jsonl and the trial's folder agree.
    const m = r.scored[0].metrics;
    return { metrics: { sharpe: m.sharpe, totalReturn: m.totalReturn, sortino: m.sortino, calmar: m.calmar, maxDrawdown: m.maxDrawdown, steps: r.training.steps, bestStep: r.training.best.step } };
  } finally {
    folder.close();
  }
};
