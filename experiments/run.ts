// `tradegym run <config>`: the main job. Train the agent (if the config has one), pick its best
// checkpoint on the validation split, then score it on the test split and on walk-forward folds
// next to buy-and-hold and the classic baselines, and write the run folder with its report.
import type { Range } from '../envs/splits.js';
import { BaselinesSchema, type ExperimentConfig } from './schema.js';
import { prepareExperiment, type Prepared } from './prepare.js';
import { scoreBaselines, scorePredictors, walkForwardBaselines, type ScoredPolicy } from './baselines-run.js';
import { openRunFolder } from './run-folder.js';
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
  const folder = await openRunFolder(config, 'run', { runsDir: opts.runsDir }, started);
  const { dir, tb } = folder;
  opts.onStart?.(dir, p);
  let training: TrainResult | undefined;
  const agentScores: ((range: Range) => ScoredPolicy)[] = [];
  try {
    if (config.agent) {
      training = await trainAgent(p, dir, tb, opts.onUpdate);
      agentScores.push(await checkpointScorer(p, training.bestDir, config.agent.algo));
    }
    const baselines = config.baselines ?? BaselinesSchema.parse({});
    const test = p.splits.test;
    const scored = [...agentScores.map((f) => f(test)), ...scoreBaselines(p, baselines, test), ...(await scorePredictors(p, baselines, test))];
    for (const s of scored) tb.scalar(`test/sharpe/${s.name}`, s.metrics.sharpe, training?.steps ?? 0);
    const walkForward = baselines.walkForwardFolds > 0
      ? walkForwardBaselines(p, baselines, baselines.walkForwardFolds, (range) => agentScores.map((f) => f(range)))
      : [];
    const report = await writeRunResults(folder, p, { name: 'test', range: test }, scored, { walkForward, best: config.agent ? config.agent.algo : undefined });
    return { dir, report, prepared: p, scored, training };
  } finally {
    folder.close();
  }
}
