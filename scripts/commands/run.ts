import type { CommandModule } from 'yargs';
import { loadExperiment } from '../../experiments/schema.js';
import { runExperiment } from '../../experiments/run.js';
import { isoTime } from '../../data/timeframe.js';
import { printTable } from '../table.js';
import { baselineTable } from './baseline.js';
import { trainingProgress } from './training-progress.js';

interface Args {
  config: string;
  runs: string;
}

export const runCommand: CommandModule<object, Args> = {
  command: 'run <config>',
  describe: 'the main job: train the agent, evaluate on the test split and walk-forward folds against buy-and-hold and the baselines, write a report',
  builder: (y) =>
    y
      .positional('config', { type: 'string', demandOption: true, describe: 'experiment YAML' })
      .option('runs', { type: 'string', default: 'runs', describe: 'folder for run outputs' })
      .example('$0 run experiments/configs/quickstart.yaml', 'a few minutes on the shipped sample') as never,
  handler: async (argv) => {
    const config = loadExperiment(argv.config);
    const total = config.agent?.totalTimesteps ?? 0;
    const bar = trainingProgress(total);
    const out = await runExperiment(config, {
      runsDir: argv.runs,
      onStart: (dir, p) => {
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
