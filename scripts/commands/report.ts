import type { CommandModule } from 'yargs';

interface Args {
  runDir: string;
  out?: string;
  'max-points': number;
}

export const reportCommand: CommandModule<object, Args> = {
  command: 'report <runDir>',
  describe: 'regenerate report.html of a run folder from its metrics.json, curves.json, log.jsonl and config.yaml',
  builder: (y) =>
    y
      .positional('runDir', { type: 'string', demandOption: true, describe: 'run folder (runs/<name>-<stamp>)' })
      .option('out', { type: 'string', describe: 'write here instead of <runDir>/report.html' })
      .option('max-points', { type: 'number', default: 5000, describe: 'points per chart line (longer series are downsampled)' })
      .example('$0 report runs/ppo-20240101T000000Z', 'rewrite the run\'s report.html') as never,
  handler: async (argv) => {
    const { writeReport } = await import('../../experiments/report/render-report.js');
    const path = await writeReport(argv.runDir, { out: argv.out, maxPoints: argv['max-points'] });
    console.log(`report: ${path}`);
  },
};
