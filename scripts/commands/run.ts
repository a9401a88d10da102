import type { CommandModule } from 'yargs';
import { configOptions, loadExperimentArgs, type ConfigArgs } from './experiment-options.js';

interface Args extends ConfigArgs {
  runs: string;
}

export const runCommand: CommandModule<object, Args> = {
  command: 'run [config]',
  describe: 'the main job: train the agent, evaluate on the test split and walk-forward folds against buy-and-hold and the baselines, write a report',
  builder: (y) =>
    configOptions(y)
      .option('runs', { type: 'string', default: 'runs', describe: 'folder for run outputs' })
      .example('$0 run experiments/configs/quickstart.yaml', 'the quick start on the shipped sample')
      .example('$0 run experiments/configs/ppo-btc.yaml --seed 3 --set agent.learningRate=1e-4', 'override fields without editing the file') as never,
  handler: async (argv) => {
    const config = await loadExperimentArgs(argv, 'run');
    const [{ runExperiment }, { isoTime }, { printTable }, { baselineTable }, { trainingProgress }] = await Promise.all([
      import('../../experiments/run.js'), import('../../data/timeframe.js'), import('../table.js'), import('./metrics-table.js'), import('./training-progress.js'),
    ]);
    const total = config.agent?.totalTimesteps ?? 0;
    const bar = trainingProgress(total);
    const out = await runExperiment(config, {
      runsDir: argv.runs,
      onStart: (dir, p) => {
        if (p.source.note) console.log(p.source.note);
        const t = p.splits;
        const at = (i: number) => isoTime(p.candles.ts[i]);
        console.log(`run ${dir}\n${config.data.exchange} ${config.data.symbol} ${config.data.timeframe} (${p.source.isSample ? 'shipped sample' : p.source.store}): train ${at(t.train.from)}..${at(t.train.to - 1)}, valid ..${at(t.valid.to - 1)}, test ..${at(t.test.to - 1)}; ${p.pipeline.columns.length} features`);
        if (config.agent) console.log(`training ${config.agent.algo} for ${total} env steps on ${config.training.numEnvs} envs (engine ${'engine' in config.agent ? config.agent.engine : 'fused'})`);
      },
      onUpdate: (r, v) => bar.update(r, v),
    }).finally(() => bar.stop());
    if (out.training) console.log(`trained ${out.training.steps} steps on ${out.training.compute}; best validation ${config.training.selectBy} ${out.training.best.score.toFixed(3)} at step ${out.training.best.step}`);
    console.log(`\ntest split (${out.scored[0].curve.metrics.steps} bars):`);
    const { header, rows } = baselineTable(out.scored);
    printTable(header, rows);
    console.log(`\nrun folder: ${out.dir}\nreport: ${out.report}\ntensorboard --logdir ${argv.runs}`);
  },
};
