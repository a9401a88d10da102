import type { CommandModule } from 'yargs';
import { loadAnyPolicy, readCheckpointInfo } from '../../agents/load-any-policy.js';
import { runBacktest } from '../../agents/backtest.js';
import { buyAndHold } from '../../agents/simple-policies.js';
import { ConfigError } from '../../data/errors.js';
import type { FittedPipeline } from '../../data/features/pipeline.js';
import { isoTime } from '../../data/timeframe.js';
import { ExperimentSchema } from '../../experiments/schema.js';
import { validateConfig } from '../../experiments/config-file.js';
import { evalEnv, prepareExperiment } from '../../experiments/prepare.js';
import { printTable } from '../table.js';
import { METRICS_HEADER, metricsRow } from './backtest.js';

interface Args {
  checkpoint: string;
  split: 'train' | 'valid' | 'test';
}

export const evalCommand: CommandModule<object, Args> = {
  command: 'eval <checkpoint>',
  describe: 'backtest a checkpoint on a split, with the features rebuilt from the checkpoint alone',
  builder: (y) =>
    y
      .positional('checkpoint', { type: 'string', demandOption: true, describe: 'a checkpoint folder (policy.json + weights)' })
      .option('split', { choices: ['train', 'valid', 'test'] as const, default: 'test' as const })
      .example('$0 eval runs/ppo-btc-20261125T120000Z/checkpoints/best --split test', 'score the best checkpoint') as never,
  handler: async (argv) => {
    const json = await readCheckpointInfo(argv.checkpoint);
    const lineage = json.lineage as { experiment?: unknown; pipeline?: FittedPipeline } | undefined;
    if (!lineage?.experiment || !lineage.pipeline) throw new ConfigError('checkpoint', `${argv.checkpoint}/policy.json has no data lineage (experiment + pipeline); was it written by tradegym train?`);
    const config = validateConfig(ExperimentSchema, lineage.experiment, `${argv.checkpoint}/policy.json lineage.experiment`);
    const p = await prepareExperiment(config, lineage.pipeline);
    const range = p.splits[argv.split];
    const policy = await loadAnyPolicy(argv.checkpoint);
    const agent = runBacktest(evalEnv(p, range), policy).metrics;
    const env = evalEnv(p, range);
    const bh = runBacktest(env, buyAndHold(env.actionSpace)).metrics;
    console.log(`${config.data.exchange} ${config.data.symbol} ${config.data.timeframe}, ${argv.split} split ${isoTime(p.candles.ts[range.from])} .. ${isoTime(p.candles.ts[range.to - 1])} (${agent.steps} steps)`);
    printTable(METRICS_HEADER, [metricsRow(json.algo ?? 'agent', agent), metricsRow('buy-and-hold', bh)]);
  },
};
