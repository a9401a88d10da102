// `tradegym run <config>`: the main job. Train the agent over its seeds (each picks its own best
// checkpoint on the validation split), score every seed on the test split next to buy-and-hold
// and the classic baselines (tuned on validation), with bootstrap intervals, then the walk-forward
// folds, and write the run folder with its report.
//
// Everything that needs no run folder happens before the folder exists: the data, the splits,
// the walk-forward windows, the execution model, every env the run builds, and the baselines (they
// do not depend on the agent), so a bad config fails in seconds and leaves nothing behind. What
// can still fail after the folder exists is training and the agent's scoring; discardFailedRun
// decides what stays.
//
// Layout: seeds/<seed>/ holds each seed's training (log.jsonl, TensorBoard events, checkpoints),
// folds/<k>/seeds/<seed>/ each retrained fold's; checkpoints/{best,last} at the top are a copy of
// the seed with the best validation score (picked on validation, like every checkpoint), for
// `tradegym eval <run>` and deploy. Tables never show that seed alone: the agent's row is the
// mean over seeds with its spread, and every seed has its own row.
import { BaselinesSchema, type ExperimentConfig } from './schema.js';
import { checkEnvs, prepareExperiment, type Prepared } from './prepare.js';
import { scoreBaselines, scoreTunedBaselines, scoreTunedPredictors, type BaselinesConfig, type ScoredPolicy, type TuningRanges } from './baselines-run.js';
import { discardFailedRun, openRunFolder } from './run-folder.js';
import { writeRun } from './run-output.js';
import type { RunMetrics, WalkForwardFold, WalkForwardSetup } from './run-dir.js';
import { checkpointScorer } from './checkpoint-scorer.js';
import type { AgentUpdate, TrainResult } from './train-agent.js';
import { jobDir, type SeedJob } from './seeds/seed-job.js';
import { seedList } from './seeds/seed-list.js';
import { poolSize, runSeedJobs } from './seeds/seed-pool.js';
import { adoptCheckpoints, agentMean, mergedLog, scoreSeeds, seedKey, seedsRecord, type SeedOutcome } from './seeds/seed-results.js';
import { baselinesBootstrap } from './uncertainty.js';
import { foldRanges, planWalkForward, rowRange } from './walk-forward/walk-forward-plan.js';

export interface RunPlan {
  seeds: number[];
  /** Every training: each seed on the run's splits, then each retrained fold x seed. */
  jobs: SeedJob[];
  /** Worker processes training them (1: in this process). */
  workers: number;
  walkForward: WalkForwardSetup;
}

export interface RunOutcome {
  dir: string;
  report: string;
  prepared: Prepared;
  plan: RunPlan;
  /** metrics.json as written. */
  metrics: RunMetrics;
  /** On the test split: the agent (its seeds' mean metrics and mean equity), then buy-and-hold and the baselines. */
  scored: ScoredPolicy[];
  seeds: SeedOutcome[];
}

export interface RunOptions {
  runsDir: string;
  /** Worker processes for the trainings; default: the cores there are (1: in this process). */
  workers?: number;
  onStart?: (dir: string, p: Prepared, plan: RunPlan) => void;
  onJobStart?: (job: SeedJob, pid: number | undefined) => void;
  onUpdate?: (job: SeedJob, r: AgentUpdate, validation?: { score: number; best: number }) => void;
  onJobDone?: (job: SeedJob, result: TrainResult) => void;
}

/** Buy-and-hold and every baseline: fitted on `ranges.train`, tuned on `ranges.valid`, scored on `ranges.test`. */
async function scoreAllBaselines(p: Prepared, cfg: BaselinesConfig, ranges: TuningRanges): Promise<ScoredPolicy[]> {
  const selectBy = p.config.training.selectBy;
  return [...scoreTunedBaselines(p, cfg, ranges, selectBy), ...(await scoreTunedPredictors(p, cfg, ranges, selectBy))];
}

const iso = (p: Prepared, i: number) => new Date(p.candles.ts[i]).toISOString();

export async function runExperiment(config: ExperimentConfig, opts: RunOptions): Promise<RunOutcome> {
  const started = new Date();
  const p = await prepareExperiment(config);
  checkEnvs(p);
  const wf = planWalkForward(p);
  const baselines = config.baselines ?? BaselinesSchema.parse({});
  const test = p.splits.test;
  const baselineScores = await scoreAllBaselines(p, baselines, p.splits);
  const foldBaselines: ScoredPolicy[][] = [];
  for (const f of wf.retrained) foldBaselines.push(await scoreAllBaselines(f.prepared, baselines, f.windows));
  for (const w of wf.subWindows) foldBaselines.push(scoreBaselines(p, baselines, w.range));

  const folder = await openRunFolder(config, 'run', { runsDir: opts.runsDir }, started);
  const { dir, tb } = folder;
  let failure: { err: unknown } | undefined;
  try {
    const seeds = config.agent ? seedList(config) : [];
    const jobs: SeedJob[] = [];
    for (const seed of seeds) jobs.push({ id: jobs.length, seed, config: { ...config, seed }, dir: jobDir(dir, seed) });
    for (const f of wf.retrained) {
      for (const seed of seeds) jobs.push({ id: jobs.length, seed, fold: f.windows.fold, config: { ...config, seed }, splits: f.windows, dir: jobDir(dir, seed, f.windows.fold) });
    }
    const plan: RunPlan = { seeds, jobs, workers: poolSize(jobs.length, opts.workers), walkForward: wf.setup };
    opts.onStart?.(dir, p, plan);
    const results = jobs.length ? await runSeedJobs(jobs, {
      workers: plan.workers,
      onJobStart: opts.onJobStart,
      onUpdate: opts.onUpdate,
      onJobDone: opts.onJobDone,
      prepared: (job) => (job.fold === undefined ? p : wf.retrained.find((f) => f.windows.fold === job.fold)?.prepared),
    }) : [];
    const resultOf = (seed: number, fold?: number) => results[jobs.findIndex((j) => j.seed === seed && j.fold === fold)];

    // The agent on the test split: every seed's best checkpoint, loaded from disk as eval would.
    const name = config.agent?.algo ?? 'agent';
    const seedOutcomes = await scoreSeeds(p, name, seeds.map((seed) => ({ seed, training: resultOf(seed) })), test);
    const scored = [...(seeds.length ? [agentMean(name, seedOutcomes.map((s) => s.scored))] : []), ...baselineScores];
    const steps = config.agent?.totalTimesteps ?? 0;
    for (const s of scored) tb.scalar(`test/sharpe/${s.name}`, s.metrics.sharpe, steps);
    for (const s of seedOutcomes) tb.scalar(`test/sharpe/${name}/seed_${s.seed}`, s.scored.metrics.sharpe, steps);

    // Bootstrap intervals against buy-and-hold (each seed, each baseline), every seed's row.
    const record = seeds.length ? seedsRecord(name, config.training.selectBy, seedOutcomes, baselineScores, config.seed) : undefined;
    const bootstrap = record?.bootstrap ?? baselinesBootstrap(baselineScores, config.seed);
    if (record) await adoptCheckpoints(dir, record.agent.checkpointSeed);

    // Walk-forward: each fold's agent (the mean of its seeds) next to the baselines of that fold.
    const folds: WalkForwardFold[] = [];
    for (let j = 0; j < foldBaselines.length; j++) {
      const retrained = wf.retrained[j];
      const range = retrained ? retrained.windows.test : wf.subWindows[j].range;
      const fold = retrained ? retrained.windows.fold : wf.subWindows[j].fold;
      const perSeed: { seed: number; scored: ScoredPolicy }[] = [];
      for (const seed of seeds) {
        const scorer = retrained ? await checkpointScorer(retrained.prepared, resultOf(seed, fold).bestDir, name) : seedOutcomes.find((s) => s.seed === seed)!.scorer;
        perSeed.push({ seed, scored: scorer(range) });
      }
      const agentFold = perSeed.length ? [agentMean(name, perSeed.map((s) => s.scored))] : [];
      folds.push({
        fold, from: iso(p, range.from), to: iso(p, range.to - 1),
        policies: Object.fromEntries([...agentFold, ...foldBaselines[j]].map((s) => [s.name, s.metrics])),
        ranges: retrained ? foldRanges(p.candles.ts, retrained.windows) : { test: rowRange(p.candles.ts, range) },
        ...(perSeed.length ? { seeds: { [name]: perSeed.map((s) => ({ seed: s.seed, metrics: s.scored.metrics })) } } : {}),
      });
    }

    const written = await writeRun(folder, p, { name: 'test', range: test }, scored, {
      best: config.agent ? name : undefined,
      walkForward: folds,
      walkForwardSetup: folds.length ? wf.setup : undefined,
      agent: record?.agent,
      bootstrap,
      seedCurves: seedOutcomes.map((s) => ({ ...s.scored, name: `${name} ${seedKey(s.seed)}` })),
      log: seeds.length ? await mergedLog(dir, seeds) : undefined,
    });
    return { dir, report: written.report, prepared: p, plan, metrics: written.metrics, scored, seeds: seedOutcomes };
  } catch (err) {
    failure = { err };
    throw err;
  } finally {
    folder.close();
    if (failure) await discardFailedRun(folder, failure.err);
  }
}
