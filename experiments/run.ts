// `tradegym run <config>`: the main job. Train the agent (if the config has one), pick its best
// checkpoint on the validation split, then score it on the test split and on walk-forward folds
// next to buy-and-hold and the classic baselines, and write the run folder with its report.
//
// Everything that needs no run folder happens before the folder exists: the data, the splits,
// the execution model, every env the run builds, and the baselines (they do not depend on the
// agent), so a bad config fails in seconds and leaves nothing behind. What can still fail after
// the folder exists is training and the agent's scoring; discardFailedRun decides what stays.
import type { Range } from '../envs/splits.js';
import { BaselinesSchema, type ExperimentConfig } from './schema.js';
import { checkEnvs, prepareExperiment, type Prepared } from './prepare.js';
import { scoreBaselines, scorePredictors, walkForwardBaselines, walkForwardRanges, type ScoredPolicy } from './baselines-run.js';
import { discardFailedRun, openRunFolder } from './run-folder.js';
import { writeRunResults } from './run-output.js';
import { checkpointScorer } from './train-run.js';
import { trainAgent, type AgentUpdate, type TrainResult } from './train-agent.js';

export interface RunOutcome {
  dir: string;
  report: string;
  prepared: Prepared;
  scored: ScoredPolicy[];
  training?: TrainResult;
}

export interface RunOptions {
  runsDir: string;
  onStart?: (dir: string, p: Prepared) => void;
  onUpdate?: (r: AgentUpdate, validation?: { score: number; best: number }) => void;
}

export async function runExperiment(config: ExperimentConfig, opts: RunOptions): Promise<RunOutcome> {
  const started = new Date();
  const p = await prepareExperiment(config);
  checkEnvs(p);
  const baselines = config.baselines ?? BaselinesSchema.parse({});
  const test = p.splits.test;
  const baselineScores = [...scoreBaselines(p, baselines, test), ...(await scorePredictors(p, baselines, test))];
  const baselineFolds = baselines.walkForwardFolds > 0 ? walkForwardBaselines(p, baselines, baselines.walkForwardFolds) : [];
  const foldRanges = baselines.walkForwardFolds > 0 ? walkForwardRanges(p, baselines.walkForwardFolds) : [];

  const folder = await openRunFolder(config, 'run', { runsDir: opts.runsDir }, started);
  const { dir, tb } = folder;
  let failure: { err: unknown } | undefined;
  try {
    opts.onStart?.(dir, p);
    let training: TrainResult | undefined;
    const agentScores: ((range: Range) => ScoredPolicy)[] = [];
    if (config.agent) {
      training = await trainAgent(p, dir, tb, opts.onUpdate);
      agentScores.push(await checkpointScorer(p, training.bestDir, config.agent.algo));
    }
    const scored = [...agentScores.map((f) => f(test)), ...baselineScores];
    for (const s of scored) tb.scalar(`test/sharpe/${s.name}`, s.metrics.sharpe, training?.steps ?? 0);
    // The agent joins each fold after the baselines, as walkForwardBaselines' `extra` would add it.
    const walkForward = baselineFolds.map((fold, j) => ({
      ...fold,
      policies: { ...fold.policies, ...Object.fromEntries(agentScores.map((f) => f(foldRanges[j].range)).map((s) => [s.name, s.metrics])) },
    }));
    const report = await writeRunResults(folder, p, { name: 'test', range: test }, scored, { walkForward, best: config.agent ? config.agent.algo : undefined });
    return { dir, report, prepared: p, scored, training };
  } catch (err) {
    failure = { err };
    throw err;
  } finally {
    folder.close();
    if (failure) await discardFailedRun(folder, failure.err);
  }
}
