import type { CommandModule } from 'yargs';
import { configOptions, loadExperimentArgs, type ConfigArgs } from './experiment-options.js';
import { withSeeds } from './run.js';

interface Args extends ConfigArgs {
  runs: string;
  seeds?: number;
  workers?: number;
}

export const trainCommand: CommandModule<object, Args> = {
  command: 'train [config]',
  describe: 'train the agent of an experiment config (over its seeds); keeps checkpoints/best (validation) and checkpoints/last, scores best on the validation split',
  builder: (y) =>
    configOptions(y, { what: 'experiment YAML with an agent section' })
      .option('runs', { type: 'string', default: 'runs', describe: 'folder for run outputs' })
      .option('seeds', { type: 'number', describe: 'agents to train, seeds seed, seed+1, ... (shorthand for --set seeds=N)' })
      .option('workers', { type: 'number', describe: 'worker processes training the seeds (default: the cores there are)' })
      .example('$0 train experiments/configs/ppo-btc.yaml', 'PPO on the shipped BTC/USD sample, over the config\'s seeds')
      .example('$0 train --config experiments/configs/ppo-btc.yaml --total-steps 100000 --seed 2 --seeds 1', 'shorter, one other seed') as never,
  handler: async (argv) => {
    const config = await loadExperimentArgs(withSeeds(argv), 'train');
    const [{ ConfigError }, { trainRun }, { trainingProgress, jobsProgress }, { printTable }, { baselineTable }, tables, { seedsLabel }] = await Promise.all([
      import('../../data/errors.js'), import('../../experiments/train-run.js'), import('./training-progress.js'), import('../table.js'), import('./metrics-table.js'),
      import('./run-tables.js'), import('../../experiments/seeds/seed-list.js'),
    ]);
    const agent = config.agent;
    if (!agent) throw new ConfigError(`${argv.config}: agent`, 'missing: add e.g. agent: { algo: ppo, totalTimesteps: 200000 }');
    if (argv.workers !== undefined && !(Number.isInteger(argv.workers) && argv.workers >= 1)) throw new ConfigError('workers', `${argv.workers} is not a whole number >= 1`);
    const single = trainingProgress(agent.totalTimesteps);
    let many: ReturnType<typeof jobsProgress> | undefined;
    let seedsRun = false;
    const out = await trainRun(config, {
      runsDir: argv.runs,
      workers: argv.workers,
      onStart: (dir) => console.log(`run ${dir}: training ${agent.algo} for ${agent.totalTimesteps} env steps`),
      onUpdate: (u, v) => single.update(u, v),
      onSeedsStart: (_dir, _p, jobs, workers) => {
        seedsRun = true;
        console.log(`${jobs.length} seeds (${seedsLabel(jobs.map((j) => j.seed))}) on ${workers} worker process${workers === 1 ? '' : 'es'}`);
        many = jobsProgress(jobs.length, agent.totalTimesteps);
      },
      onJobStart: (job) => many?.start(job),
      onJobUpdate: (job, r, v) => many?.update(job, r, v),
      onJobDone: (job, r) => many?.done(job, r),
    }).finally(() => (seedsRun ? many?.stop() : single.stop()));
    const r = out.training;
    console.log(`done: ${r.steps} steps on ${r.compute}`);
    const m = out.metrics;
    if (m?.agent) {
      for (const seed of m.agent.seeds) if (seed.training.warning) console.log(`warning: seed ${seed.seed}: ${seed.training.warning}`);
      console.log(`\n${agent.algo} over ${m.agent.seeds.length} seeds, each with its own checkpoint picked on validation ${config.training.selectBy}; valid split (${out.scored[0].metrics.steps} bars):`);
      const st = tables.seedsTable(m)!;
      printTable(st.header, st.rows);
      console.log(`\ncheckpoints/ hold seed ${m.agent.checkpointSeed}'s (the best validation ${config.training.selectBy}): ${r.bestDir}`);
      console.log(`\nvalid split (${out.scored[0].metrics.steps} bars): ${agent.algo} is the mean of its seeds (return ${tables.agentReturnPhrase(m)}):`);
      const pt = tables.policiesTable(m);
      printTable(pt.header, pt.rows);
      const it = tables.intervalsTable(m);
      if (it && m.bootstrap) {
        console.log(`\nagainst ${m.bootstrap.benchmark} on the same bars: ${m.bootstrap.method}:`);
        printTable(it.header, it.rows);
      }
    } else {
      console.log(`best validation ${config.training.selectBy} ${r.best.score.toFixed(3)} at step ${r.best.step}: ${r.bestDir}`);
      console.log(`\nvalid split (${out.scored[0].metrics.steps} bars):`);
      const { header, rows } = baselineTable(out.scored);
      printTable(header, rows);
    }
    console.log(`\nrun folder: ${out.dir}\nreport: ${out.report}\nlast: ${r.lastDir}\nevaluate on the test split: tradegym eval ${out.dir} --split test`);
  },
};
