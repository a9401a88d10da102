// Trains the experiment's agent on the train split, evaluates it greedily on the validation split
// every `evalEvery` env steps, keeps checkpoints/best (by the validation metric) and
// checkpoints/last, and logs every update to log.jsonl and TensorBoard (CleanRL tag names).
import { join } from 'node:path';
import { PpoTrainer, type PpoUpdateRecord } from '../agents/ppo/index.js';
import { RecurrentPpoTrainer } from '../agents/recurrent/index.js';
import { DdpgTrainer, ddpgConfigOfAgent, type DdpgUpdateRecord } from '../agents/ddpg/index.js';
import type { VecEnv } from '../envs/vec-env.js';
import type { ExperimentConfig } from './schema.js';
import { runBacktest } from '../agents/backtest.js';
import type { Policy } from '../agents/policy.js';
import { ConfigError } from '../data/errors.js';
import type { TradingMetrics } from '../envs/metrics.js';
import { evalEnv, trainVecEnv, type Prepared } from './prepare.js';
import { appendLog } from './run-dir.js';
import type { SummaryWriter } from './tensorboard/summary-writer.js';

export interface TrainResult {
  bestDir: string;
  lastDir: string;
  best: { step: number; score: number; metrics: TradingMetrics };
  steps: number;
  /** Which compute ran and why (the fused engine needs no tfjs backend). */
  compute: string;
  /** Every validation score (training.selectBy) in step order: the curve the best checkpoint was picked from. */
  validation: { step: number; score: number }[];
}

/** The trainer surface shared by PPO and recurrent PPO (same update records and checkpoints). */
type AgentTrainer = PpoTrainer | RecurrentPpoTrainer | DdpgTrainer;
type UpdateRecord = PpoUpdateRecord | DdpgUpdateRecord;

/** What progress displays read from any algorithm's update record. */
export interface AgentUpdate {
  update: number;
  globalStep: number;
  scalars: Partial<Record<string, number>>;
}

async function createTrainer(agent: NonNullable<ExperimentConfig['agent']>, env: VecEnv, seed: number, observationNames: string[]): Promise<AgentTrainer> {
  if (agent.algo === 'ddpg' || agent.algo === 'td3') return DdpgTrainer.create(env, ddpgConfigOfAgent(agent, seed), { observationNames });
  if (agent.algo === 'recurrent-ppo') {
    const { algo: _a, ...cfg } = agent;
    return RecurrentPpoTrainer.create(env, { ...cfg, seed }, { observationNames });
  }
  const { algo: _a, ...cfg } = agent;
  return PpoTrainer.create(env, { ...cfg, seed }, { observationNames });
}

/** What a checkpoint needs to rebuild the exact observation pipeline without the training config. */
export function lineageOf(p: Prepared): Record<string, unknown> {
  return { experiment: p.config, pipeline: p.pipeline, data: p.source, splits: p.splits };
}

export async function trainAgent(
  p: Prepared, runDir: string, tb: SummaryWriter,
  /** Called after every update; returning false stops training (e.g. a sweep's early stopping). */
  progress?: (r: AgentUpdate, validation?: { score: number; best: number }) => void | boolean | Promise<void | boolean>,
): Promise<TrainResult> {
  const agent = p.config.agent;
  if (!agent) throw new ConfigError('agent', 'the config has no agent section (e.g. agent: { algo: ppo })');
  const training = p.config.training;
  const env = trainVecEnv(p, training.numEnvs, p.config.seed);
  const observationNames = [...p.pipeline.columns, 'exposure', 'unrealised_pnl'];
  const trainer = await createTrainer(agent, env, p.config.seed, observationNames);
  const lineage = lineageOf(p);
  const dirs = { best: join(runDir, 'checkpoints', 'best'), last: join(runDir, 'checkpoints', 'last') };
  const total = trainer.numUpdates;
  // PPO updates after numSteps x envs; DDPG reports every stepsPerUpdate env steps.
  const stepsPerUpdate = trainer instanceof DdpgTrainer ? trainer.stepsPerUpdate : (agent as { numSteps: number }).numSteps * training.numEnvs;
  const evalEveryUpdates = Math.max(1, training.evalEvery > 0 ? Math.round(training.evalEvery / stepsPerUpdate) : Math.ceil(total / 10));
  const valid = evalEnv(p, p.splits.valid);
  let best = { step: -1, score: -Infinity, metrics: undefined as TradingMetrics | undefined };
  const curve: { step: number; score: number }[] = [];

  const params = new Float32Array(trainer.engine.layout.size);
  const validate = async (r: UpdateRecord): Promise<{ score: number; best: number }> => {
    const greedy: Policy = trainer.policy({ deterministic: true });
    // Record the actions the policy takes on the validation split for the TensorBoard histogram.
    const actions: number[] = [];
    const policy: Policy = { name: greedy.name, act: (obs, batch, state) => {
      const out = greedy.act(obs, batch, state);
      for (let i = 0; i < batch; i++) actions.push(out.actions[i]);
      return out;
    } };
    const m = runBacktest(valid, policy).metrics;
    trainer.engine.readParams(params);
    tb.histogram('weights/all', params, r.globalStep);
    tb.histogram('actions/valid', actions, r.globalStep);
    const score = m[training.selectBy];
    curve.push({ step: r.globalStep, score });
    for (const [k, v] of Object.entries({ sharpe: m.sharpe, total_return: m.totalReturn, max_drawdown: m.maxDrawdown })) tb.scalar(`eval/${k}`, v, r.globalStep);
    await appendLog(runDir, { step: r.globalStep, 'eval/sharpe': m.sharpe, 'eval/total_return': m.totalReturn, 'eval/max_drawdown': m.maxDrawdown });
    if (score > best.score || best.step < 0) {
      best = { step: r.globalStep, score, metrics: m };
      // The best checkpoint is for evaluation and deploy: no replay buffer (DDPG's can be ~150 MB).
      await trainer.save(dirs.best, { metrics: { [`valid/${training.selectBy}`]: score, step: r.globalStep }, lineage, replayBuffer: false });
    }
    return { score, best: best.score };
  };

  await trainer.learn({
    onUpdate: async (r) => {
      for (const [tag, v] of Object.entries(r.scalars)) if (typeof v === 'number' && Number.isFinite(v)) tb.scalar(tag, v, r.globalStep);
      await appendLog(runDir, { step: r.globalStep, update: r.update, ...r.scalars });
      let validation: { score: number; best: number } | undefined;
      if (r.update % evalEveryUpdates === 0 || r.update === total) validation = await validate(r);
      if (training.checkpointEvery > 0 && r.update % training.checkpointEvery === 0) await trainer.save(dirs.last, { lineage });
      return progress?.(r, validation);
    },
  });
  await trainer.save(dirs.last, { lineage });
  tb.flush();
  const result = { bestDir: dirs.best, lastDir: dirs.last, best: { step: best.step, score: best.score, metrics: best.metrics as TradingMetrics }, steps: trainer.globalStep,
    compute: trainer.backend ? `tfjs ${trainer.backend.backend} (${trainer.backend.reason})` : `fused engine (${trainer.engine.kind}, WebAssembly SIMD kernels)`, validation: curve };
  trainer.dispose();
  return result;
}
