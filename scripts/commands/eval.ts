import type { CommandModule } from 'yargs';

interface Args {
  checkpoint: string;
  split: 'train' | 'valid' | 'test';
}

export const evalCommand: CommandModule<object, Args> = {
  command: 'eval <checkpoint>',
  describe: 'backtest a checkpoint (or a run folder\'s best checkpoint) on a split, with the features rebuilt from the checkpoint alone',
  builder: (y) =>
    y
      .positional('checkpoint', { type: 'string', demandOption: true, describe: 'a run folder (uses checkpoints/best) or a checkpoint folder (policy.json + weights)' })
      .option('split', { choices: ['train', 'valid', 'test'] as const, default: 'test' as const })
      .example('$0 eval runs/ppo-btc-20261125T120000Z --split test', 'score a run\'s best checkpoint')
      .example('$0 eval runs/ppo-btc-20261125T120000Z/checkpoints/last --split valid', 'a given checkpoint on the validation split') as never,
  handler: async (argv) => {
    const [{ evaluateCheckpoint }, { isoTime }, { printTable }, { METRICS_HEADER, metricsRow }] = await Promise.all([
      import('../../experiments/evaluate-checkpoint.js'), import('../../data/timeframe.js'), import('../table.js'), import('./metrics-table.js'),
    ]);
    const r = await evaluateCheckpoint(argv.checkpoint, argv.split);
    const c = r.config.data;
    console.log(`${r.checkpoint}: ${c.exchange} ${c.symbol} ${c.timeframe}, ${argv.split} split ${isoTime(r.first)} .. ${isoTime(r.last)} (${r.agent.steps} steps)`);
    printTable(METRICS_HEADER, [metricsRow(r.algo, r.agent), metricsRow('buy-and-hold', r.buyAndHold)]);
  },
};
