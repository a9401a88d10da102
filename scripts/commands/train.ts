import type { CommandModule } from 'yargs';
import { stringify } from 'yaml';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../../data/errors.js';
import { loadExperiment } from '../../experiments/schema.js';
import { prepareExperiment } from '../../experiments/prepare.js';
import { createRunDir } from '../../experiments/run-dir.js';
import { SummaryWriter } from '../../experiments/tensorboard/summary-writer.js';
import { trainAgent } from '../../experiments/train-agent.js';
import { trainingProgress } from './training-progress.js';

interface Args {
  config: string;
  runs: string;
}

export const trainCommand: CommandModule<object, Args> = {
  command: 'train',
  describe: 'train the agent of an experiment config; keeps checkpoints/best (validation) and checkpoints/last',
  builder: (y) =>
    y
      .option('config', { type: 'string', demandOption: true, describe: 'experiment YAML with an agent section' })
      .option('runs', { type: 'string', default: 'runs' })
      .example('$0 train --config experiments/configs/ppo-btc.yaml', 'PPO on the shipped BTC/USD sample') as never,
  handler: async (argv) => {
    const config = loadExperiment(argv.config);
    if (!config.agent) throw new ConfigError(`${argv.config}: agent`, 'missing: add e.g. agent: { algo: ppo, totalTimesteps: 200000 }');
    const p = await prepareExperiment(config);
    const dir = await createRunDir(argv.runs, config.name);
    await writeFile(join(dir, 'config.yaml'), stringify(config));
    const tb = new SummaryWriter(dir);
    tb.text('config', stringify(config));
    console.log(`run ${dir}: training ${config.agent.algo} for ${config.agent.totalTimesteps} env steps`);
    const bar = trainingProgress(config.agent.totalTimesteps);
    try {
      const r = await trainAgent(p, dir, tb, (u, v) => bar.update(u, v));
      bar.stop();
      console.log(`done: ${r.steps} steps on ${r.compute}`);
      console.log(`best validation ${config.training.selectBy} ${r.best.score.toFixed(3)} at step ${r.best.step}: ${r.bestDir}`);
      console.log(`last: ${r.lastDir}\nevaluate: tradegym eval ${r.bestDir} --split test`);
    } finally {
      bar.stop();
      tb.close();
    }
  },
};
