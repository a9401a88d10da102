import type { CommandModule } from 'yargs';
import { configOptions, loadExperimentArgs, type ConfigArgs } from './experiment-options.js';

interface Args extends ConfigArgs {
  runs: string;
}

export const trainCommand: CommandModule<object, Args> = {
  command: 'train [config]',
  describe: 'train the agent of an experiment config; keeps checkpoints/best (validation) and checkpoints/last, scores best on the validation split',
  builder: (y) =>
    configOptions(y, { what: 'experiment YAML with an agent section' })
      .option('runs', { type: 'string', default: 'runs', describe: 'folder for run outputs' })
      .example('$0 train experiments/configs/ppo-btc.yaml', 'PPO on the shipped BTC/USD sample')
      .example('$0 train --config experiments/configs/ppo-btc.yaml --total-steps 100000 --seed 2', 'shorter, another seed') as never,
  handler: async (argv) => {
    const config = await loadExperimentArgs(argv, 'train');
    const [{ ConfigError }, { trainRun }, { trainingProgress }, { printTable }, { baselineTable }] = await Promise.all([
      import('../../data/errors.js'), import('../../experiments/train-run.js'), import('./training-progress.js'), import('../table.js'), import('./metrics-table.js'),
    ]);
    const agent = config.agent;
    if (!agent) throw new ConfigError(`${argv.config}: agent`, 'missing: add e.g. agent: { algo: ppo, totalTimesteps: 200000 }');
    const bar = trainingProgress(agent.totalTimesteps);
    const out = await trainRun(config, {
      runsDir: argv.runs,
      onStart: (dir) => console.log(`run ${dir}: training ${agent.algo} for ${agent.totalTimesteps} env steps`),
      onUpdate: (u, v) => bar.update(u, v),
    }).finally(() => bar.stop());
    const r = out.training;
    console.log(`done: ${r.steps} steps on ${r.compute}`);
    console.log(`best validation ${config.training.selectBy} ${r.best.score.toFixed(3)} at step ${r.best.step}: ${r.bestDir}`);
    console.log(`\nvalid split (${out.scored[0].metrics.steps} bars):`);
    const { header, rows } = baselineTable(out.scored);
    printTable(header, rows);
    console.log(`\nrun folder: ${out.dir}\nreport: ${out.report}\nlast: ${r.lastDir}\nevaluate on the test split: tradegym eval ${out.dir} --split test`);
  },
};
