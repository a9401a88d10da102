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
    seeds: 1,
    agent: { algo: 'ppo', totalTimesteps: 8192, numSteps: 64 },
    training: { numEnvs: 4, evalEvery: 2048 },
    baselines: { models: ['ma-cross', 'logistic-regression'] },
    walkForward: { folds: 2, retrain: false },
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

describe('run TensorBoard files', () => {
  it('each seed\'s holds the CleanRL tags, eval scalars, weight and action histograms and the config text; the run\'s the test scores', async () => {
    const out = await runExperiment(loadExperiment(tinyConfig({ baselines: { models: ['rsi'] }, walkForward: { folds: 0 } })), { runsDir: join(dir, 'runs-tb') });
    // Tags appear as plain UTF-8 inside the protobuf records (the decoding itself is tested in tensorboard.test.ts).
    const events = (d: string) => readFileSync(join(d, readdirSync(d).find((f) => f.startsWith('events.out.tfevents.'))!)).toString('latin1');
    const seed = events(join(out.dir, 'seeds', '1'));
    for (const tag of ['charts/episodic_return', 'charts/SPS', 'losses/value_loss', 'losses/policy_loss', 'losses/entropy', 'losses/approx_kl', 'losses/clipfrac', 'losses/explained_variance', 'eval/sharpe', 'weights/all', 'actions/valid', 'config']) {
      expect(seed).toContain(tag);
    }
    const run = events(out.dir);
    for (const tag of ['config', 'test/sharpe/ppo', 'test/sharpe/ppo/seed_1', 'test/sharpe/rsi']) expect(run).toContain(tag);
  });
});

describe('recurrent PPO through the experiment runner', () => {
  it('trains, checkpoints and evaluates an LSTM policy like any other agent', async () => {
    const out = await runExperiment(loadExperiment(tinyConfig({
      agent: { algo: 'recurrent-ppo', totalTimesteps: 4096, numSteps: 64, seqLen: 16, lstmHidden: 16 },
      baselines: { models: ['rsi'] }, walkForward: { folds: 0 },
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
      baselines: { models: ['ma-cross'] }, walkForward: { folds: 0 },
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

/** Every file and folder under `root` (none when it does not exist). */
const leftovers = (root: string) => (existsSync(root) ? readdirSync(root, { recursive: true }).map(String) : []);

describe('a run at the execution model\'s edges', () => {
  /** A config file on the shipped sample without an agent (baselines only), with these fields. */
  function edgeConfig(name: string, fields: Record<string, unknown>): string {
    const path = join(dir, `${name}.yaml`);
    writeFileSync(path, stringify({ extends: join(configs, 'base.yaml'), name, baselines: { models: ['ma-cross', 'rsi'], walkForwardFolds: 2 }, ...fields }));
    return path;
  }

  it('finishes when policies are liquidated: every policy against its own bars, flat after its liquidation', async () => {
    // Before: "curves.json, policies.rsi.equity: equity has 29 values, ts has 2" and a metrics.json.tmp-* left behind.
    const runs = join(dir, 'runs-liquidated');
    const out = await runExperiment(loadExperiment(edgeConfig('lev50', { env: { execution: { maxLeverage: 50, maintenanceMargin: 0.005 } } })), { runsDir: runs });
    expect(leftovers(runs).filter((f) => f.includes('.tmp'))).toEqual([]);
    const metrics = JSON.parse(readFileSync(join(out.dir, 'metrics.json'), 'utf8'));
    expect(Object.keys(metrics.policies)).toEqual(['buy-and-hold', 'ma-cross', 'rsi']);
    const test = out.prepared.splits.test;
    const raw = JSON.parse(readFileSync(join(out.dir, 'curves.json'), 'utf8'));
    for (const [name, p] of Object.entries(raw.policies as Record<string, { ts: number[]; equity: number[]; position: number[] }>)) {
      expect(p.ts.length, name).toBe(p.equity.length);
      expect(p.ts.length, name).toBe(p.position.length);
      expect(p.ts[p.ts.length - 1], name).toBe(out.prepared.candles.ts[test.to - 1]);
      expect(metrics.policies[name].steps).toBe(p.ts.length - 1);
    }
    // Buy-and-hold at 50x (its units held from the first bar: the liquidation price stays where it
    // opened) is liquidated before the split ends, then stays flat on what is left.
    const hold = raw.policies['buy-and-hold'] as { equity: number[]; position: number[] };
    let lastOpen = hold.position.length - 1;
    while (lastOpen >= 0 && hold.position[lastOpen] === 0) lastOpen--;
    expect(lastOpen).toBeLessThan(hold.position.length - 1);
    expect(metrics.policies['buy-and-hold'].trades).toBe(2); // the entry and the liquidation
    expect(new Set(hold.equity.slice(lastOpen + 1)).size).toBe(1);
    expect(Math.min(...hold.equity)).toBeGreaterThanOrEqual(0);
    expect(metrics.policies['buy-and-hold'].totalReturn).toBeGreaterThanOrEqual(-1);
    // What the report draws: read back aligned onto the split's bars, flat after the liquidation.
    const { readRun } = await import('../experiments/run-dir.js');
    const { curveCharts } = await import('../experiments/report/series.js');
    const run = await readRun(out.dir);
    const charts = curveCharts(run.curves!, { maxPoints: 100_000 });
    const position = charts.positions.find((c) => c.title === 'buy-and-hold')!.series.find((s) => s.label === 'position')!.values;
    expect(position.slice(lastOpen + 1).every((v) => v === 0)).toBe(true);
    expect(readFileSync(join(out.dir, 'report.html'), 'utf8')).toContain('buy-and-hold');
  });

  it('a config error leaves no run folder: refused before it exists, or removed when found after', async () => {
    const runs = join(dir, 'runs-refused');
    // The default 5 % maintenance margin at 50x (a 2 % margin): every position liquidated as it opens.
    await expect(runExperiment(loadExperiment(edgeConfig('lev50-mmr5', { env: { execution: { maxLeverage: 50 } } })), { runsDir: runs }))
      .rejects.toThrow(/^execution.maxLeverage: maxLeverage 50 posts an initial margin of 2 %/);
    // Four days of hourly bars: splits of 67, 14 and 15 bars.
    await expect(runExperiment(loadExperiment(edgeConfig('tiny-split', { data: { exchange: 'coinbase', symbol: 'BTC/USD', timeframe: '1h', from: '2019-01-01', to: '2019-01-05' } })), { runsDir: runs }))
      .rejects.toThrow(/^splits: the valid split has 14 bars, fewer than the 30 a split needs \(96 bars from 2019-01-01 00:00 to 2019-01-04 23:00/);
    // Found by building the training env (before the folder): episodes longer than the train split.
    await expect(runExperiment(loadExperiment(tinyConfig({ env: { episodeLength: 100_000 } })), { runsDir: runs }))
      .rejects.toThrow(/^episodeLength: 100000 steps do not fit/);
    // Found only when the trainer is built, inside the run folder: 4 envs x 64 steps in 7 minibatches.
    await expect(runExperiment(loadExperiment(tinyConfig({ agent: { numMinibatches: 7 }, training: { numEnvs: 4 } })), { runsDir: runs }))
      .rejects.toThrow(/ppo.numMinibatches: 7 does not divide/);
    expect(leftovers(runs)).toEqual([]);
  });

  it('the CLI answers a refused config with one line and exit code 2', async () => {
    const r = await promisify(execFile)(process.execPath, [BIN, 'run', edgeConfig('lev50-cli', { env: { execution: { maxLeverage: 50 } } }), '--runs', join(dir, 'runs-cli')]).catch((e: { code: number; stdout: string; stderr: string }) => e);
    expect('code' in r ? r.code : 0).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/execution.maxLeverage/);
    expect(leftovers(join(dir, 'runs-cli'))).toEqual([]);
  });
});

describe('run files', () => {
  it('curves that do not match are refused before anything is written: no file, no temp file', async () => {
    const { writeRunFiles } = await import('../experiments/run-dir.js');
    const d = join(dir, 'bad-curves');
    const metrics = { name: 'x', createdAt: new Date(0).toISOString(), seed: 0, data: { exchange: 'e', symbol: 's', timeframe: '1h' }, split: { from: 'a', to: 'b' }, policies: {} };
    await expect(writeRunFiles(d, { metrics, curves: { ts: [1, 2, 3], close: [1, 2, 3], policies: { a: { equity: [1, 2], position: [0, 0] } } } }))
      .rejects.toThrow(/policies.a.equity: equity has 2 values, ts has 3/);
    await expect(writeRunFiles(d, { metrics, curves: { ts: [1, 2, 3], close: [1, 2, 3], policies: { a: { ts: [2, 4], equity: [1, 2], position: [0, 0] } } } }))
      .rejects.toThrow(/policies.a.ts: item 1 \(4\) is not one of the bars in ts/);
    await new Promise((r) => setTimeout(r, 100)); // a write started before the check would have landed by now
    expect(leftovers(d)).toEqual([]);
  });

  it('a policy with its own bars is read back aligned onto the run\'s bars (older files: one ts for all)', async () => {
    const { readRun, writeRunFiles } = await import('../experiments/run-dir.js');
    const d = join(dir, 'own-bars');
    const metrics = { name: 'x', createdAt: new Date(0).toISOString(), seed: 0, data: { exchange: 'e', symbol: 's', timeframe: '1h' }, split: { from: 'a', to: 'b' }, policies: {} };
    await writeRunFiles(d, { metrics, curves: { ts: [1, 2, 3], close: [10, 20, 30], policies: { a: { equity: [1, 2, 3], position: [0, 1, 1] }, b: { ts: [2, 3], equity: [5, 6], position: [1, 0] } } } });
    const run = await readRun(d);
    expect(run.curves!.policies.a).toEqual({ equity: [1, 2, 3], position: [0, 1, 1] });
    expect(run.curves!.policies.b).toEqual({ equity: [NaN, 5, 6], position: [NaN, 1, 0] });
  });
});
