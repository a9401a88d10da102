import type { CommandModule } from 'yargs';
import { loadExperiment, BaselinesSchema } from '../../experiments/schema.js';
import { prepareExperiment } from '../../experiments/prepare.js';
import { scoreBaselines, scorePredictors, walkForwardBaselines, type ScoredPolicy } from '../../experiments/baselines-run.js';
import { createRunDir } from '../../experiments/run-dir.js';
import { writeScoredRun } from '../../experiments/run-output.js';
import { isoTime } from '../../data/timeframe.js';
import { printTable } from '../table.js';
import { METRICS_HEADER, metricsRow } from './backtest.js';

interface Args {
  config: string;
  runs: string;
}

const f3 = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '-' : x.toFixed(3));

export function baselineTable(scored: ScoredPolicy[]): { header: string[]; rows: string[][] } {
  return {
    header: [...METRICS_HEADER, 'accuracy', 'precision', 'recall', 'F1', 'AUC'],
    rows: scored.map((s) => [...metricsRow(s.name, s.metrics), f3(s.metrics.ml?.accuracy), f3(s.metrics.ml?.precision), f3(s.metrics.ml?.recall), f3(s.metrics.ml?.f1), f3(s.metrics.ml?.auc)]),
  };
}

export const baselineCommand: CommandModule<object, Args> = {
  command: 'baseline',
  describe: 'train and score the classic baselines (MA-cross, RSI, logistic regression, random forest) on the test split',
  builder: (y) =>
    y
      .option('config', { type: 'string', demandOption: true, describe: 'experiment YAML (see experiments/configs/baselines.yaml)' })
      .option('runs', { type: 'string', default: 'runs', describe: 'folder for run outputs' })
      .example('$0 baseline --config experiments/configs/baselines.yaml', 'all baselines next to buy-and-hold') as never,
  handler: async (argv) => {
    const config = loadExperiment(argv.config);
    const cfg = config.baselines ?? BaselinesSchema.parse({});
    const started = new Date();
    const p = await prepareExperiment(config);
    const test = p.splits.test;
    console.log(`${config.data.exchange} ${config.data.symbol} ${config.data.timeframe}: ${p.candles.ts.length} bars; test split ${isoTime(p.candles.ts[test.from])} .. ${isoTime(p.candles.ts[test.to - 1])}; features ${p.pipeline.columns.length} (normalisation fitted on the train split)`);
    const scored = [...scoreBaselines(p, cfg, test), ...(await scorePredictors(p, cfg, test))];
    const { header, rows } = baselineTable(scored);
    printTable(header, rows);
    const walkForward = cfg.walkForwardFolds > 0 ? walkForwardBaselines(p, cfg, cfg.walkForwardFolds) : [];
    const dir = await createRunDir(argv.runs, config.name, started);
    const report = await writeScoredRun(dir, p, test, scored, { walkForward, createdAt: started });
    console.log(`\nrun folder: ${dir}\nreport: ${report}`);
  },
};
