// The main job end to end on the shipped sample with a tiny budget: run folder contents,
// TensorBoard events, checkpoints that `tradegym eval` scores from the checkpoint alone, bad
// configs naming the field.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { loadExperiment } from '../experiments/schema.js';
import { runExperiment } from '../experiments/run.js';
import { deepMerge } from '../experiments/config-file.js';
import { stringify } from 'yaml';

const dir = mkdtempSync(join(tmpdir(), 'tg-run-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const configs = fileURLToPath(new URL('../experiments/configs/', import.meta.url));
const BIN = fileURLToPath(new URL('../bin/tradegym.js', import.meta.url));

function tinyConfig(override: Record<string, unknown> = {}): string {
  const path = join(dir, `tiny-${Math.random().toString(36).slice(2)}.yaml`);
  const tiny = {
    extends: join(configs, 'quickstart.yaml'),
    name: 'tiny',
    agent: { algo: 'ppo', totalTimesteps: 8192, numSteps: 64 },
    training: { numEnvs: 4, evalEvery: 2048 },
    baselines: { models: ['ma-cross', 'logistic-regression'], walkForwardFolds: 2 },
  };
  writeFileSync(path, stringify(deepMerge(tiny, override, { switchReplaces: true })));
  return path;
}

describe('tradegym run', () => {
  it('trains, picks the best checkpoint, scores it with the baselines and writes the run folder', async () => {
    const out = await runExperiment(loadExperiment(tinyConfig()), { runsDir: join(dir, 'runs') });
    const files = readdirSync(out.dir);
    for (const f of ['config.yaml', 'metrics.json', 'curves.json', 'report.html', 'log.jsonl', 'checkpoints']) expect(files).toContain(f);
    expect(files.some((f) => f.startsWith('events.out.tfevents.'))).toBe(true);
    for (const c of ['best', 'last']) expect(existsSync(join(out.dir, 'checkpoints', c, 'policy.json'))).toBe(true);
    const metrics = JSON.parse(readFileSync(join(out.dir, 'metrics.json'), 'utf8'));
    expect(Object.keys(metrics.policies)).toEqual(['ppo', 'buy-and-hold', 'ma-cross', 'logistic-regression']);
    expect(metrics.best).toBe('ppo');
    expect(metrics.walkForward).toHaveLength(2);
    expect(Object.keys(metrics.walkForward[0].policies)).toContain('ppo');
    const log = readFileSync(join(out.dir, 'log.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(log.some((r) => 'losses/value_loss' in r)).toBe(true);
    expect(log.some((r) => 'eval/sharpe' in r)).toBe(true);
    // The checkpoint carries the pipeline and data lineage; eval rebuilds features from it alone.
    const policy = JSON.parse(readFileSync(join(out.dir, 'checkpoints', 'best', 'policy.json'), 'utf8'));
    expect(policy.lineage.pipeline.fittedOn.to).toBe(out.prepared.splits.train.to);
    const ev = await promisify(execFile)(process.execPath, [BIN, 'eval', join(out.dir, 'checkpoints', 'best'), '--split', 'test']);
    expect(ev.stdout).toMatch(/^ppo\s/m);
    expect(ev.stdout).toMatch(/^buy-and-hold\s/m);
    const ppoReturn = metrics.policies.ppo.totalReturn;
    expect(ev.stdout).toContain(`${(ppoReturn * 100).toFixed(2)}%`); // same number as the run's test scoring
  });

  it('bad configs name the field and the allowed values', () => {
    expect(() => loadExperiment(tinyConfig({ env: { reward: { kind: 'sharpe' } } }))).toThrow(/env.reward.kind.*'log-return' \| 'differential-sharpe'/);
    expect(() => loadExperiment(tinyConfig({ agent: { learningRat: 0.1 } }))).toThrow(/agent.learningRat: unknown field; did you mean learningRate\?$/);
    // The algorithm's own fields, not every algorithm's: TD3's bufferSize is unknown to PPO.
    expect(() => loadExperiment(tinyConfig({ agent: { bufferSize: 1000 } }))).toThrow(/agent.bufferSize: unknown field; allowed: (?!.*bufferSize).*learningRate/);
    expect(() => loadExperiment(tinyConfig({ training: { numEnvs: 0 } }))).toThrow(/training.numEnvs/);
    expect(() => loadExperiment(tinyConfig({ agent: { algo: 'a2c' } }))).toThrow(/agent.algo/);
  });
});

describe('sweeps of the real experiment', () => {
  it('the default trial trains the agent and reports validation scores (never the test split)', async () => {
    const { runSweep } = await import('../experiments/sweep/coordinator.js');
    const { loadSweep } = await import('../experiments/sweep/sweep-file.js');
    const base = tinyConfig();
    const sweepPath = join(dir, 'sweep.yaml');
    writeFileSync(sweepPath, stringify({ name: 'tiny-sweep', base, metric: 'sharpe', mode: 'max', method: 'grid', params: { 'agent.learningRate': { values: [0.0003, 0.001] } }, workers: 0 }));
    const outcome = await runSweep(loadSweep(sweepPath), { out: join(dir, 'sweeps'), log: () => undefined });
    const lines = readFileSync(join(dir, 'sweeps', 'tiny-sweep', 'trials.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(2);
    for (const t of lines) {
      expect(t.status).toBe('completed');
      expect(Number.isFinite(t.metrics.sharpe)).toBe(true);
      expect(t.curve.length).toBeGreaterThan(1); // validation scores were reported during training
    }
    // Each trial is a run folder inside the sweep's own folder.
    for (const t of lines) expect(existsSync(join(dir, 'sweeps', 'tiny-sweep', 'trials', t.id, 'metrics.json'))).toBe(true);
    expect(outcome).toBeDefined();
  });
});

describe('run TensorBoard file', () => {
  it('holds the CleanRL tags, eval scalars, weight and action histograms and the config text', async () => {
    const out = await runExperiment(loadExperiment(tinyConfig({ baselines: { models: ['rsi'], walkForwardFolds: 0 } })), { runsDir: join(dir, 'runs-tb') });
    const file = readdirSync(out.dir).find((f) => f.startsWith('events.out.tfevents.'))!;
    // Tags appear as plain UTF-8 inside the protobuf records (the decoding itself is tested in tensorboard.test.ts).
    const text = readFileSync(join(out.dir, file)).toString('latin1');
    for (const tag of ['charts/episodic_return', 'charts/SPS', 'losses/value_loss', 'losses/policy_loss', 'losses/entropy', 'losses/approx_kl', 'losses/clipfrac', 'losses/explained_variance', 'eval/sharpe', 'weights/all', 'actions/valid', 'config', 'test/sharpe/ppo']) {
      expect(text).toContain(tag);
    }
  });
});

describe('recurrent PPO through the experiment runner', () => {
  it('trains, checkpoints and evaluates an LSTM policy like any other agent', async () => {
    const out = await runExperiment(loadExperiment(tinyConfig({
      agent: { algo: 'recurrent-ppo', totalTimesteps: 4096, numSteps: 64, seqLen: 16, lstmHidden: 16 },
      baselines: { models: ['rsi'], walkForwardFolds: 0 },
    })), { runsDir: join(dir, 'runs-lstm') });
    const policy = JSON.parse(readFileSync(join(out.dir, 'checkpoints', 'best', 'policy.json'), 'utf8'));
    expect(policy.algo).toBe('recurrent-ppo');
    expect(Object.keys(JSON.parse(readFileSync(join(out.dir, 'metrics.json'), 'utf8')).policies)).toEqual(['recurrent-ppo', 'buy-and-hold', 'rsi']);
    const ev = await promisify(execFile)(process.execPath, [BIN, 'eval', join(out.dir, 'checkpoints', 'best'), '--split', 'test']);
    expect(ev.stdout).toMatch(/^recurrent-ppo\s/m);
  });
});

describe('DDPG / TD3 through the experiment runner', () => {
  it('trains a continuous-action agent, keeps a best checkpoint without the replay buffer, evaluates it', async () => {
    const out = await runExperiment(loadExperiment(tinyConfig({
      env: { actions: 'continuous' },
      agent: { algo: 'td3', totalTimesteps: 3000, learningStarts: 500, batchSize: 32, hidden: [32, 32], rewardScale: 100, logEvery: 250 },
      training: { numEnvs: 2, evalEvery: 1000 },
      baselines: { models: ['ma-cross'], walkForwardFolds: 0 },
    })), { runsDir: join(dir, 'runs-td3') });
    const best = join(out.dir, 'checkpoints', 'best');
    expect(JSON.parse(readFileSync(join(best, 'policy.json'), 'utf8')).algo).toBe('td3');
    expect(existsSync(join(best, 'replay.bin'))).toBe(false);
    expect(Object.keys(JSON.parse(readFileSync(join(out.dir, 'metrics.json'), 'utf8')).policies)).toEqual(['td3', 'buy-and-hold', 'ma-cross']);
    const ev = await promisify(execFile)(process.execPath, [BIN, 'eval', best, '--split', 'test']);
    expect(ev.stdout).toMatch(/^td3\s/m);
  });
});

describe('config extends', () => {
  it('extends merges sections, replaces arrays, and replaces a section whose algo or kind switches', () => {
    const base = { agent: { algo: 'ppo', learningRate: 1, numSteps: 64 }, env: { reward: { kind: 'drawdown-penalised', penalty: 2 }, augment: [1, 2] }, seed: 1 };
    const ext = { switchReplaces: true };
    expect(deepMerge(base, { agent: { learningRate: 2 } }, ext).agent).toEqual({ algo: 'ppo', learningRate: 2, numSteps: 64 });
    expect(deepMerge(base, { agent: { algo: 'td3', hidden: [8] } }, ext).agent).toEqual({ algo: 'td3', hidden: [8] });
    expect(deepMerge(base, { env: { reward: { kind: 'log-return' }, augment: [3] } }, ext).env).toEqual({ reward: { kind: 'log-return' }, augment: [3] });
    // plain merge (sweep parameters): a kind field is just a field
    expect(deepMerge(base, { env: { reward: { kind: 'log-return' } } }).env).toMatchObject({ reward: { kind: 'log-return', penalty: 2 } });
  });
});

describe('LSTM / GRU predictors as baselines', () => {
  it('are fitted on the train split and scored with ML and trading metrics', async () => {
    const { scorePredictors } = await import('../experiments/baselines-run.js');
    const { prepareExperiment } = await import('../experiments/prepare.js');
    const config = loadExperiment(tinyConfig({ baselines: { models: ['gru'], predictor: { seqLen: 8, units: 8, epochs: 2, patience: 1 } } }));
    const p = await prepareExperiment(config);
    const [gru] = await scorePredictors(p, config.baselines!, p.splits.test);
    expect(gru.name).toBe('gru');
    expect(gru.metrics.ml!.auc).toBeGreaterThan(0.3);
    expect(gru.metrics.steps).toBe(p.splits.test.to - p.splits.test.from - 1);
  });
});
