import type { CommandModule } from 'yargs';
import { configOptions, loadExperimentArgs, type ConfigArgs } from './experiment-options.js';

interface Args extends ConfigArgs {
  runs: string;
}

export const baselineCommand: CommandModule<object, Args> = {
  command: 'baseline [config]',
  describe: 'train and score the classic baselines (MA-cross, RSI, logistic regression, random forest) on the test split',
  builder: (y) =>
    configOptions(y, { what: 'experiment YAML (see experiments/configs/baselines.yaml)', totalSteps: false })
      .option('runs', { type: 'string', default: 'runs', describe: 'folder for run outputs' })
      .example('$0 baseline experiments/configs/baselines.yaml', 'all baselines next to buy-and-hold')
      .example('$0 baseline --config experiments/configs/baselines.yaml --set baselines.rsi.period=21', 'with an override') as never,
  handler: async (argv) => {
    const config = await loadExperimentArgs(argv, 'baseline');
    const [{ BaselinesSchema }, { prepareExperiment }, { paramsText, scoreBaselines, scorePredictors, walkForwardBaselines }, { createRunDir }, { writeScoredRun }, { isoTime }, { printTable }, { baselineTable }] = await Promise.all([
      import('../../experiments/schema.js'), import('../../experiments/prepare.js'), import('../../experiments/baselines-run.js'),
      import('../../experiments/run-dir.js'), import('../../experiments/run-output.js'), import('../../data/timeframe.js'), import('../table.js'), import('./metrics-table.js'),
    ]);
    const cfg = config.baselines ?? BaselinesSchema.parse({});
    const started = new Date();
    const p = await prepareExperiment(config);
    const test = p.splits.test;
    console.log(`${config.data.exchange} ${config.data.symbol} ${config.data.timeframe}: ${p.candles.ts.length} bars; test split ${isoTime(p.candles.ts[test.from])} .. ${isoTime(p.candles.ts[test.to - 1])}; features ${p.pipeline.columns.length} (normalisation fitted on the train split)`);
    const scored = [...scoreBaselines(p, cfg, test), ...(await scorePredictors(p, cfg, test))];
    const { header, rows } = baselineTable(scored);
    printTable(header, rows);
    // The parameters each baseline was scored with: the best of its grid on the validation split, or pinned by the config.
    const tuned = scored.filter((s) => s.params);
    if (tuned.length) {
      console.log(`\nparameters (chosen on the validation split by ${config.training.selectBy}, unless pinned in the config):`);
      printTable(['policy', 'parameters', `valid ${config.training.selectBy}`, 'grid points'], tuned.map((s) => [s.name, paramsText(s), s.tuning ? s.tuning.score.toFixed(3) : 'pinned', String(s.tuning?.candidates ?? 1)]));
    }
    const walkForward = cfg.walkForwardFolds > 0 ? walkForwardBaselines(p, cfg, cfg.walkForwardFolds) : [];
    const dir = await createRunDir(argv.runs, config.name, started);
    const report = await writeScoredRun(dir, p, test, scored, { walkForward, createdAt: started });
    console.log(`\nrun folder: ${dir}\nreport: ${report}`);
  },
};
