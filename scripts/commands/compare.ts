import type { CommandModule } from 'yargs';
import { dirname, resolve } from 'node:path';
import type { MetricColumn } from '../../experiments/report/columns.js';
import type { CompareEntry, LabelledRun } from '../../experiments/report/compare.js';
import { formatTable } from '../table.js';
import { METRICS_HEADER, metricsRow } from './metrics-table.js';
import { checkOutputPath } from './options.js';

export interface CompareRunsOptions {
  /** Metric to order rows by: a key (sharpe, maxDrawdown) or a table label (max DD); default sharpe. */
  sort?: string;
  /** Default: the metric's better direction first (highest Sharpe, lowest drawdown). */
  order?: 'asc' | 'desc';
  /** Only this policy of each run (and it is the one charted). */
  policy?: string;
  /** Write the comparison page here. */
  out?: string;
  generatedAt?: Date;
}

export interface CompareRunsResult {
  /** Sorted rows, one per run x policy. */
  entries: CompareEntry[];
  header: string[];
  rows: string[][];
  /** The table as printed. */
  text: string;
  sortedBy: MetricColumn;
  /** Path of the page written, when `out` was given. */
  out?: string;
}

/** Reads the run folders, sorts their policies by a metric, and optionally writes compare.html. */
export async function compareRuns(dirs: string[], opts: CompareRunsOptions = {}): Promise<CompareRunsResult> {
  const [{ readRun }, { ML_COLUMNS, metricValue, resolveMetric, sortByMetric }, { compareEntries, renderComparePage, runLabels }, { writeFileAtomic }] = await Promise.all([
    import('../../experiments/run-dir.js'), import('../../experiments/report/columns.js'), import('../../experiments/report/compare.js'), import('../../data/atomic-write.js'),
  ]);
  const sortedBy = resolveMetric(opts.sort ?? 'sharpe');
  const labels = runLabels(dirs);
  const runs: LabelledRun[] = [];
  for (let i = 0; i < dirs.length; i++) runs.push({ label: labels[i], run: await readRun(dirs[i]) });
  const entries = sortByMetric(compareEntries(runs, opts.policy), (e) => e.metrics, sortedBy, opts.order);
  const ml = entries.some((e) => e.metrics.ml);
  const header = ['run', ...METRICS_HEADER, ...(ml ? ML_COLUMNS.map((c) => c.label) : [])];
  const rows = entries.map((e) => [
    e.run,
    ...metricsRow(e.label, e.metrics),
    ...(ml ? ML_COLUMNS.map((c) => c.format(metricValue(e.metrics, c.key))) : []),
  ]);
  const result: CompareRunsResult = { entries, header, rows, text: formatTable(header, rows), sortedBy };
  if (opts.out) {
    await checkOutputPath(opts.out, {});
    const out = resolve(opts.out);
    const html = renderComparePage(runs, entries, { policy: opts.policy, sortedBy, order: opts.order, generatedAt: opts.generatedAt, pageDir: dirname(out) });
    await writeFileAtomic(out, html);
    result.out = opts.out;
  }
  return result;
}

interface Args {
  runs: string[];
  sort: string;
  order?: 'asc' | 'desc';
  policy?: string;
  out?: string;
}

export const compareCommand: CommandModule<object, Args> = {
  command: 'compare <runs..>',
  describe: 'compare the metrics of run folders (one row per run x policy), optionally as an HTML page',
  builder: (y) =>
    y
      .positional('runs', { type: 'string', array: true, demandOption: true, describe: 'run folders (runs/<name>-<stamp>)' })
      .option('sort', { type: 'string', default: 'sharpe', describe: 'metric to sort by: sharpe, sortino, calmar, totalReturn, cagr, maxDrawdown, winRate, turnover, exposure, fees, trades, accuracy, f1, auc, ...' })
      .option('order', { choices: ['asc', 'desc'] as const, describe: 'sort direction (default: better first, e.g. lowest maxDrawdown)' })
      .option('policy', { type: 'string', describe: 'only this policy of each run (default: all; the page charts each run\'s best)' })
      .option('out', { type: 'string', describe: 'write a comparison page (equity curves + table) to this HTML file' })
      .example('$0 compare runs/ppo-20240101T000000Z runs/ddpg-20240102T000000Z --sort sharpe --out compare.html', 'rank two runs by Sharpe and write a page')
      .example('$0 compare runs/* --policy ppo --sort maxDrawdown', 'one policy across many runs, smallest drawdown first') as never,
  handler: async (argv) => {
    const r = await compareRuns(argv.runs, { sort: argv.sort, order: argv.order, policy: argv.policy, out: argv.out });
    console.log(`sorted by ${r.sortedBy.key} (${(argv.order ?? (r.sortedBy.higherIsBetter ? 'desc' : 'asc')) === 'desc' ? 'highest' : 'lowest'} first)`);
    console.log(r.text);
    if (r.out) console.log(`comparison page: ${r.out}`);
  },
};
