// `tradegym run <config>`: the main job. Train the agent (if the config has one), pick its best
// checkpoint on the validation split, then score it on the test split and on walk-forward folds
// next to buy-and-hold and the classic baselines, and write the run folder with its report.
import { stringify } from 'yaml';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadAnyPolicy } from '../agents/load-any-policy.js';
import { runBacktest } from '../agents/backtest.js';
import type { Range } from '../envs/splits.js';
import { BaselinesSchema, type ExperimentConfig } from './schema.js';
import { prepareExperiment, evalEnv, type Prepared } from './prepare.js';
import { scoreBaselines, scorePredictors, walkForwardBaselines, type ScoredPolicy } from './baselines-run.js';
import { createRunDir } from './run-dir.js';
import { writeScoredRun } from './run-output.js';
import { SummaryWriter } from './tensorboard/summary-writer.js';
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
  const dir = await createRunDir(opts.runsDir, config.name, started);
  await writeFile(join(dir, 'config.yaml'), stringify(config));
  opts.onStart?.(dir, p);
  const tb = new SummaryWriter(dir);
  tb.text('config', `\`\`\`yaml\n${stringify(config)}\n\`\`\``);
  let training: TrainResult | undefined;
  const agentScores: ((range: Range) => ScoredPolicy)[] = [];
  try {
    if (config.agent) {
      training = await trainAgent(p, dir, tb, opts.onUpdate);
      const policy = await loadAnyPolicy(training.bestDir);
      const name = config.agent.algo;
      agentScores.push((range) => {
        const curve = runBacktest(evalEnv(p, range), policy);
        return { name, metrics: curve.metrics, curve };
      });
    }
    const baselines = config.baselines ?? BaselinesSchema.parse({});
    const test = p.splits.test;
    const scored = [...agentScores.map((f) => f(test)), ...scoreBaselines(p, baselines, test), ...(await scorePredictors(p, baselines, test))];
    for (const s of scored) tb.scalar(`test/sharpe/${s.name}`, s.metrics.sharpe, training?.steps ?? 0);
    const walkForward = baselines.walkForwardFolds > 0
      ? walkForwardBaselines(p, baselines, baselines.walkForwardFolds, (range) => agentScores.map((f) => f(range)))
      : [];
    const report = await writeScoredRun(dir, p, test, scored, { walkForward, createdAt: started, best: config.agent ? config.agent.algo : undefined });
    return { dir, report, prepared: p, scored, training };
  } finally {
    tb.close();
  }
}
