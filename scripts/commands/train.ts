import type { CommandModule } from 'yargs';
import { configOptions, loadExperimentArgs, type ConfigArgs } from './experiment-options.js';

interface Args extends ConfigArgs {
  runs: string;
}

export const trainCommand: CommandModule<object, Args> = {
  command: 'train [config]',
  describe: 'train the agent of an experiment config; keeps checkpoints/best (validation) and checkpoints/last',
  builder: (y) =>
    configOptions(y, { what: 'experiment YAML with an agent section' })
      .option('runs', { type: 'string', default: 'runs', describe: 'folder for run outputs' })
      .example('$0 train experiments/configs/ppo-btc.yaml', 'PPO on the shipped BTC/USD sample')
      .example('$0 train --config experiments/configs/ppo-btc.yaml --total-steps 100000 --seed 2', 'shorter, another seed') as never,
  handler: async (argv) => {
    const config = await loadExperimentArgs(argv, 'train');
    const [{ ConfigError }, { stringify }, { writeFile }, { join }, { prepareExperiment }, { createRunDir }, { SummaryWriter }, { trainAgent }, { trainingProgress }] = await Promise.all([
      import('../../data/errors.js'), import('yaml'), import('node:fs/promises'), import('node:path'), import('../../experiments/prepare.js'),
      import('../../experiments/run-dir.js'), import('../../experiments/tensorboard/summary-writer.js'), import('../../experiments/train-agent.js'), import('./training-progress.js'),
    ]);
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
      console.log(`last: ${r.lastDir}\nevaluate: tradegym eval ${dir} --split test`);
    } finally {
      bar.stop();
      tb.close();
    }
  },
};
