// Seeds, walk-forward folds and the uncertainty `tradegym run` reports. Real training on the
// shipped sample with tiny budgets: seeds are independent (their own weights and episode draws)
// and reproducible (the same run twice, in worker processes or in this one, gives the same
// numbers); a retrained walk-forward never trains or selects on a bar it scores, checked from the
// ranges its checkpoints were trained with; a worker that dies fails its seed by name; the CLI
// and the report show every seed, the mean +- sd and the bootstrap intervals.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadExperiment } from '../experiments/schema.js';
import { runExperiment, type RunOutcome } from '../experiments/run.js';
import { prepareExperiment, trainVecEnv } from '../experiments/prepare.js';
import { readRun, type BootstrapRecord, type RunMetrics } from '../experiments/run-dir.js';
import { foldWindows } from '../experiments/walk-forward/fold-windows.js';
import { checkValidationCurve, isFarBelowPeak } from '../experiments/overfitting.js';
import { poolSeeds } from '../experiments/uncertainty.js';
import { seedList } from '../experiments/seeds/seed-list.js';
import { renderReport } from '../experiments/report/render-report.js';
import { compareRuns } from '../scripts/commands/compare.js';

const dir = mkdtempSync(join(tmpdir(), 'tg-seeds-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const QUICKSTART = fileURLToPath(new URL('../experiments/configs/quickstart.yaml', import.meta.url));
const BIN = fileURLToPath(new URL('../bin/tradegym.js', import.meta.url));

/** Two seeds, two retrained rolling folds: six trainings of a few PPO updates each. */
function tinyConfig(name: string, extra: Record<string, unknown> = {}): string {
  const path = join(dir, `${name}.yaml`);
  writeFileSync(path, stringify({
    extends: QUICKSTART,
    name,
    seeds: 2,
    agent: { algo: 'ppo', totalTimesteps: 4096, numSteps: 64 },
    training: { numEnvs: 4, evalEvery: 1024 },
    baselines: { models: ['ma-cross', 'logistic-regression'] },
    walkForward: { folds: 2, mode: 'rolling', retrain: true },
    ...extra,
  }));
  return path;
}

/** True when the half-open row ranges share a row (written here, not imported: the test checks the code). */
const share = (a: { from: number; to: number }, b: { from: number; to: number }) => Math.max(a.from, b.from) < Math.min(a.to, b.to);

describe('walk-forward windows', () => {
  it('rolling: fixed train windows sliding by one test window; the test windows tile the end of the series', () => {
    const rows = 20_111;
    const folds = foldWindows(rows, { train: 0.7, valid: 0.15 }, 3, 'rolling');
    expect(folds.map((f) => f.fold)).toEqual([0, 1, 2]);
    expect(folds[2].test.to).toBe(rows);
    for (const f of folds) {
      expect(f.train.from).toBeGreaterThanOrEqual(0);
      expect(f.train.to).toBe(f.valid.from);
      expect(f.valid.to).toBe(f.test.from);
      expect(f.train.to - f.train.from).toBe(folds[0].train.to - folds[0].train.from);
      // the proportions of the splits: train : valid : test = 70 : 15 : 15
      expect((f.train.to - f.train.from) / (f.test.to - f.test.from)).toBeCloseTo(70 / 15, 2);
      expect(share(f.train, f.test) || share(f.valid, f.test) || share(f.train, f.valid)).toBe(false);
    }
    for (let k = 1; k < folds.length; k++) {
      expect(folds[k].test.from).toBe(folds[k - 1].test.to);
      expect(folds[k].train.from - folds[k - 1].train.from).toBe(folds[0].test.to - folds[0].test.from);
    }
  });

  it('anchored: every train window starts at the first bar, on the same valid and test windows as rolling', () => {
    const rolling = foldWindows(5000, { train: 0.6, valid: 0.2 }, 4, 'rolling');
    const anchored = foldWindows(5000, { train: 0.6, valid: 0.2 }, 4, 'anchored');
    anchored.forEach((f, k) => {
      expect(f.train).toEqual({ from: 0, to: rolling[k].train.to });
      expect(f.valid).toEqual(rolling[k].valid);
      expect(f.test).toEqual(rolling[k].test);
    });
    expect(() => foldWindows(5000, { train: 0.8, valid: 0.2 }, 2, 'rolling')).toThrow(/^walkForward: the splits leave no test fraction/);
  });
});

describe('validation curves', () => {
  it('warns when validation ends below half its peak (the quick start\'s case), not otherwise', () => {
    const steps = [50_000, 100_000, 150_000, 200_000, 500_000];
    const curve = (scores: number[]) => scores.map((score, i) => ({ step: steps[i], score }));
    const overfit = curve([1.2, 2.06, 1.1, 0.4, 0.03]);
    const check = checkValidationCurve(overfit, overfit[1], 'sharpe')!;
    expect(check.peak).toEqual({ step: 100_000, score: 2.06 });
    expect(check.final).toEqual({ step: 500_000, score: 0.03 });
    expect(check.warning).toMatch(/^validation sharpe peaked at 2\.06 \(step 100,000\) and ended at 0\.03 \(step 500,000\), below half its peak/);
    expect(check.warning).toMatch(/checkpoint scored is the one of step 100,000/);
    // Still above half the peak: no warning. Never positive: nothing to have lost.
    expect(checkValidationCurve(curve([1.2, 2.06, 1.9, 1.5, 1.1]), overfit[1], 'sharpe')!.warning).toBeUndefined();
    expect(checkValidationCurve(curve([-3, -1, -2, -4, -5]), { step: 100_000, score: -1 }, 'sharpe')!.warning).toBeUndefined();
    expect([isFarBelowPeak(2, 0.99), isFarBelowPeak(2, 1), isFarBelowPeak(0, -5), isFarBelowPeak(NaN, 0), isFarBelowPeak(1, NaN)]).toEqual([true, false, false, false, false]);
    expect(checkValidationCurve([], { step: 0, score: 0 }, 'sharpe')).toBeUndefined();
  });
});

describe('seeds pooled', () => {
  it('the interval runs from the lowest seed\'s lower bound to the highest upper bound; P(beat) is the mean', () => {
    const rec = (lo: number, est: number, hi: number, p: number): BootstrapRecord => ({
      blockLength: 10, samples: 2000, level: 0.95, bars: 100, pBeatBenchmark: p,
      totalReturn: { estimate: est, lo, hi }, sharpe: { estimate: est * 10, lo: lo * 10, hi: hi * 10 }, excessReturn: { estimate: est - 0.1, lo: lo - 0.1, hi: hi - 0.1 },
    });
    const pooled = poolSeeds([rec(-0.3, 0.1, 0.5, 0.6), rec(-0.5, -0.2, 0.1, 0.2), rec(-0.1, 0.4, 0.9, 0.9)]);
    expect(pooled.totalReturn.lo).toBe(-0.5);
    expect(pooled.totalReturn.hi).toBe(0.9);
    expect(pooled.totalReturn.estimate).toBeCloseTo(0.1, 12);
    expect(pooled.sharpe).toEqual({ estimate: expect.closeTo(1, 12), lo: -5, hi: 9 });
    expect(pooled.pBeatBenchmark).toBeCloseTo((0.6 + 0.2 + 0.9) / 3, 12);
  });

  it('seeds count up from the run seed or are listed; a repeated seed is refused', () => {
    expect(seedList({ seed: 3, seeds: 4 })).toEqual([3, 4, 5, 6]);
    expect(seedList({ seed: 3, seeds: [7, 1] })).toEqual([7, 1]);
    expect(() => loadExperiment(tinyConfig('dupes', { seeds: [1, 1] }))).toThrow(/seeds.*seeds must differ/);
    expect(() => loadExperiment(tinyConfig('zero', { seeds: 0 }))).toThrow(/seeds/);
  });
});

describe('a run over seeds with a retrained walk-forward', () => {
  let forked: RunOutcome;
  let here: RunOutcome;
  let pids: (number | undefined)[] = [];

  beforeAll(async () => {
    const config = loadExperiment(tinyConfig('seeds'));
    forked = await runExperiment(config, { runsDir: join(dir, 'runs-a'), workers: 2, onJobStart: (_job, pid) => { pids.push(pid); } });
    here = await runExperiment(config, { runsDir: join(dir, 'runs-b'), workers: 1 });
  }, 300_000);

  it('trains every seed x fold in worker processes, or all in this process with one worker', () => {
    expect(forked.plan.jobs.map((j) => [j.fold ?? 'test', j.seed])).toEqual([['test', 1], ['test', 2], [0, 1], [0, 2], [1, 1], [1, 2]]);
    expect(forked.plan.workers).toBe(2);
    expect(pids.every((p) => typeof p === 'number' && p !== process.pid)).toBe(true);
    expect(new Set(pids).size).toBe(2);
    pids = [];
    expect(here.plan.workers).toBe(1);
  });

  it('is reproducible: the same config gives the same numbers, forked or not', () => {
    const strip = (m: RunMetrics) => ({ ...m, createdAt: '' });
    expect(strip(here.metrics)).toEqual(strip(forked.metrics));
    expect(forked.metrics.agent!.seeds.map((s) => s.seed)).toEqual([1, 2]);
    // The same seed, the same weights.
    for (const seed of ['1', '2']) {
      const weights = (d: string) => readFileSync(join(d, 'seeds', seed, 'checkpoints', 'last', 'weights.bin'));
      expect(weights(here.dir).equals(weights(forked.dir))).toBe(true);
    }
  });

  it('seeds are independent: their own weights, their own episode draws, their own results', async () => {
    const m = forked.metrics.agent!;
    const w = (seed: number) => readFileSync(join(forked.dir, 'seeds', String(seed), 'checkpoints', 'last', 'weights.bin'));
    expect(w(1).equals(w(2))).toBe(false);
    for (const seed of [1, 2]) {
      const lineage = JSON.parse(readFileSync(join(forked.dir, 'seeds', String(seed), 'checkpoints', 'best', 'policy.json'), 'utf8')).lineage;
      expect(lineage.experiment.seed).toBe(seed);
    }
    // The training envs of each seed start their episodes on other bars.
    const p = await prepareExperiment(loadExperiment(tinyConfig('seeds')));
    const starts = (seed: number) => { const env = trainVecEnv(p, 4, seed); env.reset(); return Array.from(env.core.t); };
    expect(starts(1)).not.toEqual(starts(2));
    expect(starts(1)).toEqual(starts(1));
    expect(m.seeds[0].metrics.totalReturn).not.toBe(m.seeds[1].metrics.totalReturn);
  });

  it('reports every seed, the mean, sd, min and max across seeds, and never one seed as the agent', () => {
    const m = forked.metrics;
    const a = m.agent!;
    const returns = a.seeds.map((s) => s.metrics.totalReturn);
    const mean = (returns[0] + returns[1]) / 2;
    expect(m.policies.ppo.totalReturn).toBeCloseTo(mean, 12);
    expect(a.spread.totalReturn).toEqual({ mean: expect.closeTo(mean, 12), sd: expect.closeTo(Math.abs(returns[0] - returns[1]) / Math.SQRT2, 12), min: Math.min(...returns), max: Math.max(...returns), n: 2 });
    expect(Object.keys(m.policies)).toEqual(['ppo', 'buy-and-hold', 'ma-cross', 'logistic-regression']);
    // Every seed's interval, the pooled row of the agent, every baseline's; the run's checkpoints are one seed's.
    for (const s of a.seeds) expect(s.bootstrap!.totalReturn.estimate).toBeCloseTo(s.metrics.totalReturn, 9);
    expect(Object.keys(m.bootstrap!.policies)).toEqual(['ppo', 'ma-cross', 'logistic-regression']);
    expect(m.bootstrap!.policies.ppo.totalReturn.lo).toBe(Math.min(...a.seeds.map((s) => s.bootstrap!.totalReturn.lo)));
    expect(m.bootstrap!.policies['ma-cross'].totalReturn.estimate).toBeCloseTo(m.policies['ma-cross'].totalReturn, 9);
    const adopted = a.seeds.find((s) => s.seed === a.checkpointSeed)!;
    expect(adopted.training.selected.score).toBe(Math.max(...a.seeds.map((s) => s.training.selected.score)));
    expect(readFileSync(join(forked.dir, 'checkpoints', 'best', 'weights.bin')).equals(readFileSync(join(forked.dir, 'seeds', String(a.checkpointSeed), 'checkpoints', 'best', 'weights.bin')))).toBe(true);
    // Each seed's validation curve, with the selected checkpoint its best point.
    for (const s of a.seeds) {
      expect(s.training.validation.length).toBeGreaterThan(1);
      expect(s.training.selected.score).toBe(Math.max(...s.training.validation.map((v) => v.score)));
    }
  });

  it('a retrained fold never trains or selects on a bar it scores (from the ranges its checkpoints were trained with)', () => {
    const m = forked.metrics;
    expect(m.walkForwardSetup).toMatchObject({ folds: 2, mode: 'rolling', retrain: true });
    const folds = m.walkForward!;
    expect(folds).toHaveLength(2);
    const ts = forked.prepared.candles.ts;
    for (const f of folds) {
      const r = f.ranges!;
      expect(r.test.start).toBe(new Date(ts[r.test.from]).toISOString());
      expect(r.test.end).toBe(new Date(ts[r.test.to - 1]).toISOString());
      expect(f.from).toBe(r.test.start);
      for (const seed of [1, 2]) {
        // What the trainer actually used: the splits and the pipeline written into the checkpoint.
        const policy = JSON.parse(readFileSync(join(forked.dir, 'folds', String(f.fold), 'seeds', String(seed), 'checkpoints', 'best', 'policy.json'), 'utf8'));
        const { splits, pipeline } = policy.lineage;
        expect(splits.train).toEqual({ from: r.train!.from, to: r.train!.to });
        expect(splits.valid).toEqual({ from: r.valid!.from, to: r.valid!.to });
        expect(splits.test).toEqual({ from: r.test.from, to: r.test.to });
        expect(pipeline.fittedOn).toMatchObject({ from: r.train!.from, to: r.train!.to });
        for (const used of [splits.train, splits.valid, pipeline.fittedOn]) expect(share(used, r.test), `fold ${f.fold} seed ${seed}`).toBe(false);
        expect(splits.valid.to).toBeLessThanOrEqual(r.test.from);
      }
      // Every policy was scored on exactly the test window's bars.
      for (const [name, pm] of Object.entries(f.policies)) expect(pm.steps, name).toBe(r.test.to - r.test.from - 1);
      expect(f.seeds!.ppo.map((s) => s.seed)).toEqual([1, 2]);
    }
    expect(share(folds[0].ranges!.test, folds[1].ranges!.test)).toBe(false);
    expect(folds[1].ranges!.test.to).toBe(ts.length);
  });

  it('the report shows the seeds, the spread, the intervals and the validation curves; compare reads the folder', async () => {
    const run = await readRun(forked.dir);
    const html = renderReport(run);
    for (const id of ['seeds', 'uncertainty', 'validation', 'walk-forward']) expect(html).toContain(`<section id="${id}">`);
    expect(html).toContain('return (mean ± sd)');
    expect(html).toContain('ppo (any of 2 seeds)');
    expect(html).toContain('ppo (mean of 2 seeds)');
    expect(html).toContain('2 rolling folds, retrained');
    expect(html).toContain('seed 1 selected (step');
    expect(html).not.toContain('one checkpoint scored on sub-windows');
    const cmp = await compareRuns([forked.dir], { out: join(dir, 'compare.html') });
    expect(cmp.entries.map((e) => e.policy).sort()).toEqual(['buy-and-hold', 'logistic-regression', 'ma-cross', 'ppo']);
    expect(cmp.entries.find((e) => e.policy === 'ppo')!.metrics.sharpe).toBe(forked.metrics.policies.ppo.sharpe);
    expect(readFileSync(join(dir, 'compare.html'), 'utf8')).toContain('ppo (mean of 2 seeds)');
  });
});

describe('without retraining', () => {
  it('the walk-forward is labelled as one checkpoint scored on sub-windows of the test split', async () => {
    const out = await runExperiment(loadExperiment(tinyConfig('subwindows', { seeds: 1, walkForward: { folds: 2, retrain: false } })), { runsDir: join(dir, 'runs-sub') });
    expect(out.metrics.walkForwardSetup).toMatchObject({ folds: 2, mode: 'test-split', retrain: false });
    expect(out.metrics.walkForwardSetup!.label).toMatch(/^one checkpoint scored on sub-windows/);
    expect(existsSync(join(out.dir, 'folds'))).toBe(false);
    const test = out.prepared.splits.test;
    expect(out.metrics.walkForward!.map((f) => f.ranges!.test.from)).toEqual([test.from, test.from + Math.floor((test.to - test.from) / 2)]);
    expect(renderReport(await readRun(out.dir))).toContain('one checkpoint scored on sub-windows');
  }, 120_000);
});

describe('tradegym train over seeds', () => {
  it('scores every seed on the validation split (never the test split); checkpoints/ hold the best-validation seed', async () => {
    const { trainRun } = await import('../experiments/train-run.js');
    const out = await trainRun(loadExperiment(tinyConfig('train-seeds', { walkForward: { folds: 0 } })), { runsDir: join(dir, 'runs-train'), workers: 2 });
    const m = out.metrics!;
    expect(m).toMatchObject({ kind: 'train', split: { name: 'valid' }, best: 'ppo' });
    expect(Object.keys(m.policies)).toEqual(['ppo', 'buy-and-hold']);
    const valid = out.prepared.splits.valid;
    for (const s of m.agent!.seeds) expect(s.metrics.steps).toBe(valid.to - valid.from - 1);
    expect(m.walkForward).toBeUndefined();
    const adopted = m.agent!.checkpointSeed;
    expect(JSON.parse(readFileSync(join(out.dir, 'checkpoints', 'best', 'policy.json'), 'utf8')).lineage.experiment.seed).toBe(adopted);
    expect(out.training.bestDir).toBe(join(out.dir, 'checkpoints', 'best'));
  }, 120_000);
});

describe('a worker that dies', () => {
  it('fails its seed by name and stops the other workers', async () => {
    const workers = new Map<number, number | undefined>();
    const run = runExperiment(loadExperiment(tinyConfig('crash', { agent: { algo: 'ppo', totalTimesteps: 200_000, numSteps: 64 }, walkForward: { folds: 0 } })), {
      runsDir: join(dir, 'runs-crash'), workers: 2,
      onJobStart: (job, pid) => workers.set(job.seed, pid),
      // Killed once it has trained a little: a crash mid-training, not at start-up.
      onUpdate: (job, r) => { if (job.seed === 2 && r.update === 3) process.kill(workers.get(2)!, 'SIGKILL'); },
    });
    await expect(run).rejects.toThrow(/^seed 2: its worker process \(pid \d+\) died \(killed by SIGKILL\) while training; no result for this seed, so the run stops$/);
    const alive = (pid: number) => { try { process.kill(pid, 0); return true; } catch { return false; } };
    expect(alive(workers.get(1)!)).toBe(false);
    // A crash is not the user's input: the folder stays to be looked at.
    expect(readdirSync(join(dir, 'runs-crash'))).toHaveLength(1);
  }, 120_000);

  it('a config error raised in a worker arrives as the same typed error, and the run folder goes', async () => {
    const { ConfigError } = await import('../data/errors.js');
    const runs = join(dir, 'runs-refused');
    const err = await runExperiment(loadExperiment(tinyConfig('refused', { agent: { algo: 'ppo', totalTimesteps: 4096, numSteps: 64, numMinibatches: 7 } })), { runsDir: runs, workers: 2 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/^ppo.numMinibatches: 7 does not divide/);
    expect(existsSync(runs) ? readdirSync(runs) : []).toEqual([]);
  }, 120_000);
});

describe('tradegym run over seeds', () => {
  it('prints each seed, mean and sd, the intervals and P(beat buy-and-hold), with progress by fold x seed', async () => {
    const r = await promisify(execFile)(process.execPath, [BIN, 'run', tinyConfig('cli', { seeds: 5 }), '--seeds', '2', '--runs', join(dir, 'runs-cli')], {
      env: { ...process.env, TRADEGYM_PROGRESS_EVERY: '0' }, maxBuffer: 16 << 20,
    });
    const out = r.stdout;
    expect(out).toMatch(/^training ppo on 2 seeds \(1, 2\) x \(test split \+ 2 folds\): 6 trainings of 4096 env steps/m);
    expect(out).toMatch(/^ppo over 2 seeds, each with its own checkpoint picked on validation sharpe; test split \(\d+ bars\):$/m);
    for (const row of ['1', '2', 'mean', 'sd', 'min', 'max']) expect(out).toMatch(new RegExp(`^${row}\\s+.*%`, 'm'));
    expect(out).toMatch(/^ppo \(mean of 2 seeds\)\s+-?\d+\.\d\d%/m);
    expect(out).toMatch(/ppo is the mean of its seeds \(return -?\d+\.\d\d% \+- \d+\.\d\d% \(min -?\d+\.\d\d%, max -?\d+\.\d\d%\)\)/);
    expect(out).toMatch(/P\(beat buy-and-hold\)/);
    expect(out).toMatch(/^ppo seed 1\s+-?\d+\.\d\d% \[-?\d+\.\d\d%, -?\d+\.\d\d%\]/m);
    expect(out).toMatch(/^ppo \(any of 2 seeds\)\s+.*\d+\.\d\d%$/m);
    expect(out).toMatch(/^walk-forward: 2 rolling folds, retrained/m);
    expect(r.stderr).toMatch(/fold 1 x seed 2/);
    const saved = readFileSync(join(out.match(/^run folder: (.*)$/m)![1], 'config.yaml'), 'utf8');
    expect(saved).toMatch(/^seeds: 2$/m);
    const bad = await promisify(execFile)(process.execPath, [BIN, 'run', tinyConfig('cli-bad'), '--seeds', '0', '--runs', join(dir, 'runs-cli')]).catch((e: { code: number; stderr: string }) => e);
    expect('code' in bad ? bad.code : 0).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/seeds/);
  }, 180_000);
});
