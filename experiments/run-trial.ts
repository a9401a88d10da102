// The default sweep trial: train the experiment's agent and score it on the VALIDATION split
// (never the test split: a sweep that selects on test data overfits it). Each validation score is
// reported, so median stopping and ASHA can end weak trials early.
import { join } from 'node:path';
import { stringify } from 'yaml';
import { writeFile } from 'node:fs/promises';
import { ConfigError } from '../data/errors.js';
import { validateConfig } from './config-file.js';
import { ExperimentSchema } from './schema.js';
import { prepareExperiment } from './prepare.js';
import { createRunDir } from './run-dir.js';
import { SummaryWriter } from './tensorboard/summary-writer.js';
import { trainAgent } from './train-agent.js';
import type { RunTrial } from './sweep/trial.js';

export const runTrial: RunTrial = async (raw, ctx) => {
  const config = validateConfig(ExperimentSchema, raw, `trial ${ctx.trialId}`);
  if (!config.agent) throw new ConfigError('agent', 'a sweep trial trains the config\'s agent; add an agent section');
  const p = await prepareExperiment(config);
  const dir = await createRunDir(process.env.TRADEGYM_TRIAL_RUNS ?? join('runs', 'trials'), `${config.name}-${ctx.trialId.slice(0, 8)}`);
  await writeFile(join(dir, 'config.yaml'), stringify(config));
  const tb = new SummaryWriter(dir);
  try {
    let stopped = false;
    const r = await trainAgent(p, dir, tb, async (u, v) => {
      if (ctx.signal.aborted) stopped = true;
      if (v && !stopped && (await ctx.report(u.globalStep, v.score)) === 'stop') stopped = true;
      return !stopped;
    });
    const m = r.best.metrics;
    return { metrics: { sharpe: m.sharpe, totalReturn: m.totalReturn, sortino: m.sortino, maxDrawdown: m.maxDrawdown, steps: r.steps, bestStep: r.best.step } };
  } finally {
    tb.close();
  }
};
