// `tradegym check lookahead <config>`: Freqtrade's lookahead analysis, built in. The data is cut
// after each of K bars, every feature and every policy decision of the experiment is rebuilt on the
// cut data with the run's own fits, and compared with the full data; a difference exits 3.
import type { CommandModule } from 'yargs';
import { configOptions, loadExperimentArgs, type ConfigArgs } from './experiment-options.js';

interface LookaheadArgs extends ConfigArgs {
  cuts: number;
  checkpoint?: string;
}

/** A run folder given as the config: its resolved config.yaml, and its best checkpoint unless one is named. */
async function runFolderArgs(argv: LookaheadArgs): Promise<LookaheadArgs> {
  const { existsSync, statSync } = await import('node:fs');
  const { join } = await import('node:path');
  if (!argv.config || !existsSync(argv.config) || !statSync(argv.config).isDirectory()) return argv;
  const config = join(argv.config, 'config.yaml');
  if (!existsSync(config)) {
    const { ConfigError } = await import('../../data/errors.js');
    throw new ConfigError('config', `${argv.config} is a folder without config.yaml; give an experiment YAML or a run folder`);
  }
  const hasBest = existsSync(join(argv.config, 'checkpoints', 'best', 'policy.json'));
  return { ...argv, config, checkpoint: argv.checkpoint ?? (hasBest ? argv.config : undefined) };
}

const lookaheadCommand: CommandModule<object, LookaheadArgs> = {
  command: 'lookahead [config]',
  describe: 'cut the data after K bars, rebuild every feature and policy decision on it, and compare with the full data (exit 3 on a difference)',
  builder: (y) =>
    configOptions(y, { what: 'experiment YAML or run folder (its config and best checkpoint)', totalSteps: false })
      .option('cuts', { type: 'number', default: 8, describe: 'cut points, spread evenly over the valid and test splits' })
      .option('checkpoint', { type: 'string', describe: 'a checkpoint or run folder whose agent is checked too' })
      .example('$0 check lookahead experiments/configs/quickstart.yaml', 'features, baselines: no lookahead found (exit 0)')
      .example('$0 check lookahead runs/quickstart-20261125T120000Z --cuts 20', 'a run: its config, features and trained agent')
      .example("NODE_OPTIONS='--import ./my-features.js' $0 check lookahead my.yaml", 'with custom features registered (registerFeature)') as never,
  handler: async (argv) => {
    const args = await runFolderArgs(argv);
    const config = await loadExperimentArgs(args, 'check lookahead');
    const [{ lookaheadSetup }, { checkLookahead, assertNoLookahead }, { isoTime }, { printTable }, { lookaheadTable }, { createProgress }] = await Promise.all([
      import('../../experiments/lookahead/experiment-probes.js'), import('../../experiments/lookahead/check-lookahead.js'), import('../../data/timeframe.js'),
      import('../table.js'), import('./lookahead-table.js'), import('../progress.js'),
    ]);
    const setup = await lookaheadSetup(config, { cuts: args.cuts, checkpoint: args.checkpoint });
    let report;
    const progress = createProgress({ label: 'check', unit: 'cuts', total: setup.cuts.length });
    try {
      report = checkLookahead(setup.prepared.candles, setup.probes, setup.cuts, { onCut: (done) => progress.update(done) });
      progress.finish();
    } catch (err) {
      progress.stop();
      throw err;
    } finally {
      setup.dispose();
    }
    const { candles: c, splits } = setup.prepared;
    const at = (i: number) => isoTime(c.ts[i]);
    console.log(`${config.data.exchange} ${config.data.symbol} ${config.data.timeframe}: ${c.ts.length} bars, cut after ${setup.cuts.length} of them (${at(setup.cuts[0])} .. ${at(setup.cuts[setup.cuts.length - 1])}, valid and test splits); fits on the train split (${at(splits.train.from)} .. ${at(splits.train.to - 1)})`);
    const { header, rows } = lookaheadTable(report);
    printTable(header, rows);
    for (const note of setup.notes) console.log(`note: ${note}`);
    assertNoLookahead(report);
    const of = (kind: string) => report.results.filter((r) => r.kind === kind);
    const columns = of('feature').reduce((n, r) => n + r.columns.length, 0);
    console.log(`no lookahead found: ${of('feature').length} features (${columns} columns) and ${of('policy').length} policies give the same values at every bar up to each cut as on the full data`);
  },
};

export const checkCommand: CommandModule = {
  command: 'check <command>',
  describe: 'honesty checks of an experiment (lookahead)',
  builder: (y) =>
    y
      .command(lookaheadCommand as CommandModule)
      .demandCommand(1, 'name a check: lookahead')
      .example('$0 check lookahead experiments/configs/quickstart.yaml', 'no feature or policy reads a later bar'),
  handler: () => undefined,
};
