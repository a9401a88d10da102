// Every kind of run folder in one form: `tradegym run`, `tradegym train` (trainRun) and a sweep
// trial each write the resolved config.yaml, the same config as TensorBoard text, metrics.json
// naming the split it was scored on, curves.json and report.html; `compare` and `report` read all
// three. Real training on the shipped sample with a tiny budget.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadExperiment, type ExperimentConfig } from '../experiments/schema.js';
import { runExperiment, type RunOutcome } from '../experiments/run.js';
import { trainRun, type TrainRunOutcome } from '../experiments/train-run.js';
import { configText, openRunFolder } from '../experiments/run-folder.js';
import { readRun, type RunMetrics } from '../experiments/run-dir.js';
import { runSweep, type SweepOutcome } from '../experiments/sweep/coordinator.js';
import { loadSweep } from '../experiments/sweep/sweep-file.js';
import { renderComparePage, runLabels } from '../experiments/report/compare.js';
import { renderReport, scoredBars, writeReport } from '../experiments/report/render-report.js';
import { compareRuns } from '../scripts/commands/compare.js';
import { hparamsData, readRunEvents, textOf } from './helpers/tfevents.js';

const dir = mkdtempSync(join(tmpdir(), 'tg-folders-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const configs = fileURLToPath(new URL('../experiments/configs/', import.meta.url));

const tinyPath = join(dir, 'tiny.yaml');
writeFileSync(tinyPath, stringify({
  extends: join(configs, 'quickstart.yaml'),
  name: 'tiny',
  seeds: 1,
  agent: { algo: 'ppo', totalTimesteps: 4096, numSteps: 64 },
  training: { numEnvs: 4, evalEvery: 1024, selectBy: 'sortino' },
  baselines: { models: ['ma-cross'] },
  walkForward: { folds: 2, retrain: false },
}));

let config: ExperimentConfig;
let run: RunOutcome;
let train: TrainRunOutcome;
let sweep: SweepOutcome;
let trialDirs: string[];

beforeAll(async () => {
  config = loadExperiment(tinyPath);
  run = await runExperiment(config, { runsDir: join(dir, 'runs') });
  let started = '';
  train = await trainRun(config, { runsDir: join(dir, 'runs'), onStart: (d) => { started = d; } });
  expect(started).toBe(train.dir);
  const sweepPath = join(dir, 'sweep.yaml');
  writeFileSync(sweepPath, stringify({ name: 'tiny-sweep', base: tinyPath, metric: 'sharpe', method: 'grid', params: { 'agent.learningRate': { values: [0.0003, 0.001] } }, workers: 0 }));
  sweep = await runSweep(loadSweep(sweepPath), { out: join(dir, 'sweeps'), log: () => {} });
  trialDirs = sweep.ranked.map((t) => join(sweep.dir, 'trials', t.id));
}, 600_000);

const metricsOf = (d: string): RunMetrics => JSON.parse(readFileSync(join(d, 'metrics.json'), 'utf8')) as RunMetrics;

describe('run folders of every kind', () => {
  it('hold the resolved config.yaml and the same config as TensorBoard text', () => {
    for (const d of [run.dir, train.dir, ...trialDirs]) {
      const files = readdirSync(d);
      for (const f of ['config.yaml', 'metrics.json', 'curves.json', 'report.html', 'log.jsonl', 'checkpoints']) expect(files, d).toContain(f);
      const yaml = readFileSync(join(d, 'config.yaml'), 'utf8');
      const resolved = parse(yaml) as ExperimentConfig;
      const texts = readRunEvents(d).flatMap((e) => e.values).filter((v) => v.tag === 'config' && v.metadata?.pluginData?.pluginName === 'text');
      expect(texts, d).toHaveLength(1);
      expect(textOf(texts[0])).toBe(configText(resolved));
      expect(textOf(texts[0])).toBe(`\`\`\`yaml\n${yaml}\`\`\``);
    }
    // The trial's config is the base with the trial's params.
    const lrs = trialDirs.map((d) => (parse(readFileSync(join(d, 'config.yaml'), 'utf8')) as { agent: { learningRate: number } }).agent.learningRate);
    expect(lrs.sort()).toEqual([0.0003, 0.001]);
  });

  it('`run` scores on the test split, `train` and trials on the validation split, next to buy-and-hold', () => {
    const p = run.prepared;
    const r = metricsOf(run.dir);
    expect(r).toMatchObject({ kind: 'run', split: { name: 'test' }, best: 'ppo', selectBy: 'sortino' });
    expect(Object.keys(r.policies)).toEqual(['ppo', 'buy-and-hold', 'ma-cross']);
    const iso = (i: number) => new Date(p.candles.ts[i]).toISOString();
    expect(r.split).toEqual({ name: 'test', from: iso(p.splits.test.from), to: iso(p.splits.test.to - 1) });
    for (const [d, kind] of [[train.dir, 'train'], ...trialDirs.map((t) => [t, 'trial'])] as const) {
      const m = metricsOf(d);
      expect(m, d).toMatchObject({ kind, split: { name: 'valid', from: iso(p.splits.valid.from), to: iso(p.splits.valid.to - 1) }, best: 'ppo', selectBy: 'sortino' });
      expect(Object.keys(m.policies)).toEqual(['ppo', 'buy-and-hold']);
      expect(m.policies.ppo.steps).toBe(p.splits.valid.to - p.splits.valid.from - 1);
    }
    // trainRun returns what it wrote; the checkpoint it scored is the one picked on validation.
    expect(metricsOf(train.dir).policies.ppo.sortino).toBe(train.scored[0].metrics.sortino);
    expect(train.training.best.score).toBeCloseTo(train.scored[0].metrics.sortino, 6);
  });

  it('a trial lives under its sweep: trials.jsonl, metrics.json and the HPARAMS session agree', () => {
    expect(readdirSync(join(sweep.dir, 'trials')).sort()).toEqual(sweep.ranked.map((t) => t.id).sort());
    for (const t of sweep.ranked) {
      const d = join(sweep.dir, 'trials', t.id);
      const m = metricsOf(d);
      expect(t.status).toBe('completed');
      expect(t.metrics.sharpe).toBe(m.policies.ppo.sharpe);
      expect(t.metrics.sortino).toBe(m.policies.ppo.sortino);
      const values = readRunEvents(d).flatMap((e) => e.values);
      const start = hparamsData(values.find((v) => v.tag === '_hparams_/session_start_info')!).sessionStartInfo as { hparams: Record<string, { numberValue: number }> };
      expect(start.hparams['agent.learningRate'].numberValue).toBe(t.params['agent.learningRate']);
      expect(values.find((v) => v.tag === 'sweep/sharpe')?.simpleValue).toBe(Math.fround(m.policies.ppo.sharpe));
      // the trial's own training curves are in the same TensorBoard run
      expect(values.some((v) => v.tag === 'eval/sharpe')).toBe(true);
    }
  });

  it('`report` and `compare` read all three kinds of folder', async () => {
    const dirs = [run.dir, train.dir, trialDirs[0]];
    for (const d of dirs) {
      const html = readFileSync(await writeReport(d), 'utf8');
      const m = metricsOf(d);
      expect(html).toContain(`${m.split.name} split (${scoredBars(m)} bars)`);
    }
    const r = await compareRuns(dirs, { sort: 'sortino', out: join(dir, 'compare.html') });
    // one row per run x policy: ppo, buy-and-hold, ma-cross for `run`; ppo, buy-and-hold for the others
    expect(r.entries.map((e) => e.dir).sort()).toEqual([run.dir, run.dir, run.dir, train.dir, train.dir, trialDirs[0], trialDirs[0]].sort());
    const page = readFileSync(join(dir, 'compare.html'), 'utf8');
    expect(page).toContain('scored on different splits (test, valid');
    for (const kind of ['<td>run</td>', '<td>train</td>', '<td>trial</td>']) expect(page).toContain(kind);
    // the page renders from the folders alone as well
    const runs = await Promise.all(dirs.map(async (d, i) => ({ label: runLabels(dirs)[i], run: await readRun(d) })));
    expect(renderComparePage(runs, [], {})).toContain('Compare 3 runs');
  });

  it('the report counts the bars the CLI prints (`test split (N bars)` from the scored curve)', async () => {
    const html = renderReport(await readRun(run.dir));
    const cliBars = run.scored[0].curve.metrics.steps;
    expect(html).toContain(`test split (${cliBars} bars)`);
    expect(html).not.toContain(`(${run.scored[0].curve.ts.length} bars)`);
  });
});

describe('a trial folder run again', () => {
  it('loses what a dead attempt left (events, checkpoints, results) and keeps the recorded session', async () => {
    const d = join(dir, 'again', 'trials', 'abc');
    mkdirSync(join(d, 'checkpoints', 'best'), { recursive: true });
    for (const f of ['events.out.tfevents.1.host', 'metrics.json', 'log.jsonl', 'events.out.tfevents.9.sweep-hparams', 'notes.txt']) writeFileSync(join(d, f), 'old');
    const folder = await openRunFolder(config, 'trial', { dir: d });
    folder.close();
    const left = readdirSync(d).sort();
    expect(left.filter((f) => f !== folder.tb.path.slice(d.length + 1))).toEqual(['config.yaml', 'events.out.tfevents.9.sweep-hparams', 'notes.txt']);
    expect(readFileSync(join(d, 'config.yaml'), 'utf8')).toBe(stringify(config));
  });
});
