import type { CommandModule } from 'yargs';
import { configOptions, loadExperimentArgs, type ConfigArgs } from './experiment-options.js';

interface Args extends ConfigArgs {
  runs: string;
  seeds?: number;
  workers?: number;
}

/** `--seeds N` as the override it stands for (after the config's own --set overrides). */
export function withSeeds<T extends ConfigArgs & { seeds?: number }>(argv: T): T {
  return argv.seeds === undefined ? argv : { ...argv, set: [...(argv.set ?? []), `seeds=${argv.seeds}`] };
}

export const runCommand: CommandModule<object, Args> = {
  command: 'run [config]',
  describe: 'the main job: train the agent over its seeds, evaluate on the test split and walk-forward folds against buy-and-hold and the baselines, with bootstrap intervals, and write a report',
  builder: (y) =>
    configOptions(y)
      .option('runs', { type: 'string', default: 'runs', describe: 'folder for run outputs' })
      .option('seeds', { type: 'number', describe: 'agents to train, seeds seed, seed+1, ... (shorthand for --set seeds=N)' })
      .option('workers', { type: 'number', describe: 'worker processes training the seeds (default: the cores there are)' })
      .example('$0 run experiments/configs/quickstart.yaml', 'the quick start on the shipped sample')
      .example('$0 run experiments/configs/quickstart.yaml --seeds 10', 'ten seeds instead of the config\'s five')
      .example('$0 run experiments/configs/ppo-btc.yaml --seed 3 --set agent.learningRate=1e-4', 'override fields without editing the file') as never,
  handler: async (argv) => {
    const config = await loadExperimentArgs(withSeeds(argv), 'run');
    const [{ ConfigError }, { runExperiment }, { isoTime }, { printTable }, { jobsProgress }, tables, { seedsLabel }] = await Promise.all([
      import('../../data/errors.js'), import('../../experiments/run.js'), import('../../data/timeframe.js'), import('../table.js'), import('./training-progress.js'),
      import('./run-tables.js'), import('../../experiments/seeds/seed-list.js'),
    ]);
    if (argv.workers !== undefined && !(Number.isInteger(argv.workers) && argv.workers >= 1)) throw new ConfigError('workers', `${argv.workers} is not a whole number >= 1`);
    let bar: ReturnType<typeof jobsProgress> | undefined;
    const out = await runExperiment(config, {
      runsDir: argv.runs,
      workers: argv.workers,
      onStart: (dir, p, plan) => {
        if (p.source.note) console.log(p.source.note);
        const t = p.splits;
        const at = (i: number) => isoTime(p.candles.ts[i]);
        console.log(`run ${dir}\n${config.data.exchange} ${config.data.symbol} ${config.data.timeframe} (${p.source.isSample ? 'shipped sample' : p.source.store}): train ${at(t.train.from)}..${at(t.train.to - 1)}, valid ..${at(t.valid.to - 1)}, test ..${at(t.test.to - 1)}; ${p.pipeline.columns.length} features`);
        if (plan.walkForward.folds > 0) console.log(`walk-forward: ${plan.walkForward.label}`);
        if (config.agent) {
          const n = plan.seeds.length;
          const folds = plan.jobs.length / Math.max(1, n) - 1;
          console.log(`training ${config.agent.algo} on ${n} seed${n === 1 ? '' : 's'} (${seedsLabel(plan.seeds)})${folds > 0 ? ` x (test split + ${folds} folds)` : ''}: ${plan.jobs.length} trainings of ${config.agent.totalTimesteps} env steps on ${config.training.numEnvs} envs (engine ${'engine' in config.agent ? config.agent.engine : 'fused'}), ${plan.workers} worker process${plan.workers === 1 ? '' : 'es'}`);
          bar = jobsProgress(plan.jobs.length, config.agent.totalTimesteps);
        }
      },
      onJobStart: (job) => bar?.start(job),
      onUpdate: (job, r, v) => bar?.update(job, r, v),
      onJobDone: (job, r) => bar?.done(job, r),
    }).finally(() => bar?.stop());
    const m = out.metrics;
    const bars = out.scored[0]?.metrics.steps;
    if (m.agent) {
      const s = out.seeds[0]?.training;
      if (s) console.log(`trained on ${s.compute}`);
      for (const seed of m.agent.seeds) if (seed.training.warning) console.log(`warning: seed ${seed.seed}: ${seed.training.warning}`);
      const st = tables.seedsTable(m)!;
      console.log(`\n${m.agent.policy} over ${m.agent.seeds.length} seed${m.agent.seeds.length === 1 ? '' : 's'}, each with its own checkpoint picked on validation ${m.agent.selectBy}; test split (${bars} bars):`);
      printTable(st.header, st.rows);
    }
    console.log(`\ntest split (${bars} bars)${m.agent ? `: ${m.agent.policy} is the mean of its seeds (return ${tables.agentReturnPhrase(m)}); baselines tuned on the validation split` : ''}:`);
    const pt = tables.policiesTable(m);
    printTable(pt.header, pt.rows);
    const it = tables.intervalsTable(m);
    if (it && m.bootstrap) {
      const block = Object.values(m.bootstrap.policies)[0]?.blockLength ?? m.agent?.seeds[0]?.bootstrap?.blockLength;
      console.log(`\nagainst ${m.bootstrap.benchmark} on the same bars: ${m.bootstrap.method}${block !== undefined ? `, mean block ${+block.toFixed(1)} bars` : ''}:`);
      printTable(it.header, it.rows);
      if (m.agent && m.agent.seeds.length > 1) {
        console.log(`"any of ${m.agent.seeds.length} seeds": from the lowest seed's lower bound to the highest seed's upper bound (holds at least that share of a seed drawn from these, on a resampled period); P is the seeds' mean.`);
      }
    }
    const wt = tables.walkForwardTable(m);
    if (wt && m.walkForwardSetup) {
      console.log(`\nwalk-forward: ${m.walkForwardSetup.label}:`);
      printTable(wt.header, wt.rows);
    }
    console.log(`\nrun folder: ${out.dir}\nreport: ${out.report}\ntensorboard --logdir ${argv.runs}`);
  },
};
