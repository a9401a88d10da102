// Sweeps report how much of their best result is selection: the deflated Sharpe ratio of the best
// trial next to its raw Sharpe ratio, and the probability of backtest overfitting (CSCV) over the
// trials' per-period returns; in stats.json, best.yaml's comment and the printed summary. A fixture
// trial with known curves checks the numbers; the default trial on the shipped sample checks the
// whole path through `tradegym sweep`.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { runSweep } from '../experiments/sweep/coordinator.js';
import { parseSweep } from '../experiments/sweep/sweep-file.js';
import type { SweepStats } from '../experiments/sweep/selection-stats.js';
import { TSX_IMPORT } from '../experiments/sweep/local-executor.js';
import { probabilityOfBacktestOverfitting } from '../experiments/stats/backtest-overfitting.js';
import { deflatedSharpe } from '../experiments/stats/deflated-sharpe.js';
import { returnMoments, simpleReturns } from '../experiments/stats/returns.js';
import { syntheticCurve } from './fixtures/sweep/curves-trial.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const FIX = join(ROOT, 'tests/fixtures/sweep');
const dir = mkdtempSync(join(tmpdir(), 'tg-sweep-stats-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const quiet = () => {};

const DRIFTS = [0, 0.0002, 0.0004, 0.0006, 0.0008, 0.001];
const sweepOf = (name: string, model: Record<string, unknown>) => parseSweep({
  name, trial: 'curves-trial.ts', metric: 'sharpe', mode: 'max', method: 'grid', workers: 0,
  params: { 'model.drift': { values: DRIFTS }, 'model.seed': { values: [7] }, ...Object.fromEntries(Object.entries(model).map(([k, v]) => [`model.${k}`, { values: [v] }])) },
}, join(FIX, 'inline.yaml'));
const readStats = (d: string) => JSON.parse(readFileSync(join(d, 'stats.json'), 'utf8')) as SweepStats;

describe('sweep selection statistics', () => {
  it('from the trials\' curves: DSR of the best trial and PBO over all trials, as computed directly', async () => {
    const r = await runSweep(sweepOf('with-curves', {}), { out: dir, log: quiet });
    expect(r.ranked.every((t) => t.status === 'completed')).toBe(true);
    const stats = readStats(r.dir);
    expect(r.stats).toEqual(stats);
    expect(stats.trials).toBe(6);
    expect(stats.trialsWithCurves).toBe(6);
    // The best trial's Sharpe ratio from its curve equals the one in its metrics (envs/metrics.ts).
    expect(stats.best?.trial).toBe(r.best?.id);
    expect(stats.best?.sharpe).toBeCloseTo(r.best!.metrics.sharpe, 10);
    expect(stats.best).toMatchObject({ split: 'valid', observations: 799, source: 'curves' });
    expect(stats.best?.periodsPerYear).toBeCloseTo(8766, 8);

    // Directly: per-period Sharpe ratios of the six curves, their variance, the best one's moments.
    const curves = DRIFTS.map((d) => syntheticCurve(d, 7, 800).equity);
    const returns = curves.map((e) => simpleReturns(e));
    const sr = returns.map((x) => returnMoments(x).sharpe);
    const mean = sr.reduce((a, b) => a + b, 0) / 6;
    const variance = sr.reduce((a, b) => a + (b - mean) ** 2, 0) / 5;
    const best = sr.indexOf(Math.max(...sr));
    const m = returnMoments(returns[best]);
    const direct = deflatedSharpe({ sharpe: m.sharpe, trials: 6, variance, observations: 799, skewness: m.skewness, kurtosis: m.kurtosis });
    expect(stats.deflatedSharpe.value).toBeCloseTo(direct.dsr, 10);
    expect(stats.deflatedSharpe.expectedMaxSharpe).toBeCloseTo(direct.expectedMaxSharpe * Math.sqrt(8766), 8);
    expect(stats.deflatedSharpe.momentsAssumed).toBe(false);
    // Trials are ranked by the sweep (the best first); PBO does not depend on the order of trials.
    const order = r.ranked.map((t) => DRIFTS.indexOf(t.params['model.drift'] as number));
    const matrix = new Float64Array(799 * 6);
    for (let t = 0; t < 799; t++) order.forEach((k, j) => { matrix[t * 6 + j] = returns[k][t]; });
    const p = probabilityOfBacktestOverfitting(matrix, 799, 6);
    expect(stats.pbo).toMatchObject({ value: p.pbo, pLoss: p.pLoss, trials: 6, periods: 799, blocks: 16, rowsPerBlock: 49, combinations: 12870 });
    // Written next to the raw Sharpe ratio in best.yaml's comment.
    const head = readFileSync(join(r.dir, 'best.yaml'), 'utf8').split('\n').slice(0, 4);
    expect(head[1]).toMatch(/^# best trial \w+: Sharpe ratio [\d.]+ \(annualised, valid split; [\d.]+ per bar over 799 bars, skewness/);
    expect(head[2]).toMatch(/^# deflated Sharpe ratio [\d.]+ = P\(true Sharpe ratio > [\d.]+, what the best of 6 trials without skill would show; Bailey & Lopez de Prado 2014\)$/);
    expect(head[3]).toMatch(/^# probability of backtest overfitting [\d.]+ \(CSCV over 6 trials, 16 blocks of 49 bars, 12870 splits/);
  });

  it('from Sharpe ratios alone: DSR with normal moments when the trial reports its sample size; PBO says it needs curves', async () => {
    const r = await runSweep(sweepOf('metrics-only', { curves: false, observations: true }), { out: dir, log: quiet });
    const stats = readStats(r.dir);
    expect(stats).toMatchObject({ trials: 6, trialsWithCurves: 0, best: { source: 'metrics', observations: 799, periodsPerYear: 8766 } });
    const sharpes = r.ranked.map((t) => t.metrics.sharpe);
    const mean = sharpes.reduce((a, b) => a + b, 0) / 6;
    const variance = sharpes.reduce((a, b) => a + (b - mean) ** 2, 0) / 5; // annualised
    const direct = deflatedSharpe({ sharpe: r.best!.metrics.sharpe / Math.sqrt(8766), trials: 6, variance: variance / 8766, observations: 799 });
    expect(stats.deflatedSharpe).toMatchObject({ momentsAssumed: true, trials: 6 });
    expect(stats.deflatedSharpe.value).toBeCloseTo(direct.dsr, 10);
    expect(stats.deflatedSharpe.note).toMatch(/normal returns assumed/);
    expect(stats.pbo).toEqual({ value: null, reason: 'PBO needs each trial\'s per-period returns, from a curves.json in its run folder as the default trial writes; none of the 6 trials has one' });

    // Without the sample size only the expected maximum can be given.
    const bare = readStats((await runSweep(sweepOf('sharpe-only', { curves: false }), { out: dir, log: quiet })).dir);
    expect(bare.deflatedSharpe.value).toBeNull();
    expect(bare.deflatedSharpe.note).toMatch(/^needs the number of returns behind the best trial's Sharpe ratio/);
    expect(bare.deflatedSharpe.expectedMaxSharpe).toBeGreaterThan(0);
  });

  it('a sweep whose trials report no Sharpe ratio says so', async () => {
    const r = await runSweep(parseSweep({ name: 'no-sharpe', trial: 'quadratic-trial.ts', base: 'base.yaml', metric: 'score', method: 'grid', workers: 0, params: { 'model.x': { values: [0.1, 0.3] } } }, join(FIX, 'inline.yaml')), { out: dir, log: quiet });
    const stats = readStats(r.dir);
    expect(stats.trials).toBe(0);
    expect(stats.deflatedSharpe).toMatchObject({ value: null, note: `the best trial ${r.best!.id} has no Sharpe ratio (no curves.json and no sharpe metric)` });
    expect(stats.pbo.value).toBeNull();
  });
});

describe('tradegym sweep with the default trial', () => {
  it('prints the best trial\'s Sharpe ratio, its deflated Sharpe ratio and PBO', async () => {
    // Four trials of PPO on the shipped sample with a tiny budget, scored on the validation split.
    const base = join(dir, 'tiny.yaml');
    writeFileSync(base, stringify({
      extends: join(ROOT, 'experiments/configs/quickstart.yaml'), name: 'tiny',
      agent: { algo: 'ppo', totalTimesteps: 4096, numSteps: 64 }, training: { numEnvs: 4, evalEvery: 1024 },
    }));
    const sweepPath = join(dir, 'real.yaml');
    writeFileSync(sweepPath, stringify({ name: 'real', base, metric: 'sharpe', mode: 'max', method: 'grid', params: { 'agent.learningRate': { values: [0.0001, 0.0003, 0.001, 0.003] } }, workers: 0 }));
    const out = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const proc = spawn(process.execPath, ['--import', TSX_IMPORT!, join(ROOT, 'scripts/commands/sweep.ts'), sweepPath, '--out', join(dir, 'sweeps')], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      proc.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
      proc.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
      proc.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toMatch(/^best trial \w+: Sharpe ratio -?[\d.e-]+ \(annualised, valid split; -?[\d.e-]+ per bar over \d+ bars, skewness -?[\d.e-]+, kurtosis [\d.e-]+\)$/m);
    expect(out.stdout).toMatch(/^deflated Sharpe ratio [\d.e-]+ = P\(true Sharpe ratio > [\d.e-]+, what the best of 4 trials without skill would show; Bailey & Lopez de Prado 2014\)$/m);
    expect(out.stdout).toMatch(/^probability of backtest overfitting [\d.e-]+ \(CSCV over 4 trials, 16 blocks of \d+ bars, 12870 splits; P\(the in-sample best loses out of sample\) [\d.e-]+\)$/m);
    const sweepDir = join(dir, 'sweeps', 'real');
    expect(existsSync(join(sweepDir, 'stats.json'))).toBe(true);
    const stats = readStats(sweepDir);
    const best = JSON.parse(readFileSync(join(sweepDir, 'trials', stats.best!.trial, 'metrics.json'), 'utf8'));
    // The Sharpe ratio next to the DSR is the one in the trial's metrics.json (validation split).
    expect(stats.best!.sharpe).toBeCloseTo(best.policies.ppo.sharpe, 9);
    expect(stats.pbo.value).toBeGreaterThanOrEqual(0);
    expect(stats.pbo.value).toBeLessThanOrEqual(1);
  }, 300_000);
});
