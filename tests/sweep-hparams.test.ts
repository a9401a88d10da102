// Sweeps as TensorBoard's HPARAMS tab sees them: the experiment in the sweep folder, one session
// per trial in <sweep>/trials/<id>/ with its params, status and final metrics. Checked with our
// own reader (protobufjs, tests/helpers/tfevents.ts) always, and with the real `tensorboard`
// Python package (its event multiplexer and the hparams plugin's own HTTP routes) where installed.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSweep, type SweepOutcome } from '../experiments/sweep/coordinator.js';
import { loadSweep, parseSweep, type SweepSpec } from '../experiments/sweep/sweep-file.js';
import type { TrialRecord } from '../experiments/sweep/sweep-store.js';
import { hparamsData, plainValue, readEvents, readRunEvents } from './helpers/tfevents.js';
import { describeIf, PY_TENSORBOARD, PYTHON } from './helpers/requirements.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const FIX = join(ROOT, 'tests/fixtures/sweep');
const dir = mkdtempSync(join(tmpdir(), 'tg-hparams-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const quiet = () => {};

const STATUS = { unknown: 0, success: 1, failure: 2 };
const statusOf = (t: TrialRecord) => (t.status === 'completed' ? STATUS.success : t.status === 'failed' ? STATUS.failure : STATUS.unknown);
const readTrials = (sweepDir: string): TrialRecord[] => readFileSync(join(sweepDir, 'trials.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as TrialRecord);
const hparamFiles = (d: string) => readdirSync(d).filter((f) => f.includes('tfevents') && f.endsWith('.sweep-hparams'));

let grid: SweepOutcome;
let gridSpec: SweepSpec;
/** Median stopping (stopped trials) and a schema that fails the last trial. */
let curve: SweepOutcome;

beforeAll(async () => {
  gridSpec = loadSweep(join(FIX, 'grid.yaml'));
  grid = await runSweep(gridSpec, { out: dir, log: quiet });
  const schema = z.looseObject({ quality: z.number().max(0.96) });
  curve = await runSweep(parseSweep({
    name: 'curve-statuses', base: 'curve-base.yaml', trial: 'curve-trial.ts', metric: 'score', method: 'grid', workers: 0, concurrency: 1,
    params: { quality: { values: [0.9, 0.8, 0.95, 0.2, 0.1, 0.99] }, flag: { values: [true] } },
    earlyStop: { kind: 'median', warmup: 2, minTrials: 2 },
  }, join(FIX, 'inline.yaml')), { out: dir, log: quiet, configSchema: schema });
});

describe('sweep hparams data (own reader)', () => {
  it('the experiment in the sweep folder lists every param with its domain and every metric', () => {
    const files = hparamFiles(grid.dir);
    expect(files).toHaveLength(1);
    const events = readEvents(join(grid.dir, files[0]));
    expect(events[0].fileVersion).toBe('brain.Event:2');
    const values = events.flatMap((e) => e.values);
    expect(values.map((v) => v.tag)).toEqual(['_hparams_/experiment']);
    expect(values[0].metadata?.pluginData?.pluginName).toBe('hparams');
    const data = hparamsData(values[0]);
    expect(data.version ?? 0).toBe(0);
    const exp = data.experiment as { hparamInfos: Record<string, unknown>[]; metricInfos: { name: { tag: string }; displayName: string }[]; timeCreatedSecs: number };
    const infos = Object.fromEntries(exp.hparamInfos.map((h) => [h.name, h]));
    expect(Object.keys(infos)).toEqual(['model.x', 'model.lr', 'model.kind']);
    expect(infos['model.x']).toMatchObject({ type: 3 }); // DATA_TYPE_FLOAT64, discrete numbers
    expect(plainValue({ listValue: infos['model.x'].domainDiscrete })).toEqual([0.1, 0.3, 0.6]);
    expect(infos['model.lr']).toMatchObject({ type: 3, domainInterval: { minValue: 0.0001, maxValue: 0.1 } });
    expect(infos['model.kind']).toMatchObject({ type: 1 }); // DATA_TYPE_STRING
    expect(plainValue({ listValue: infos['model.kind'].domainDiscrete })).toEqual(['a', 'b']);
    expect(exp.metricInfos.map((m) => m.name.tag)).toEqual(['sweep/score', 'sweep/loss']);
    expect(exp.metricInfos.map((m) => m.displayName)).toEqual(['score', 'loss']);
    expect(exp.timeCreatedSecs).toBeGreaterThan(1.5e9);
  });

  it('each trial folder holds its session: params, group, times, status and final metrics', () => {
    for (const r of [grid, curve]) {
      const trials = readTrials(r.dir);
      expect(readdirSync(join(r.dir, 'trials')).sort()).toEqual(trials.map((t) => t.id).sort());
      for (const t of trials) {
        const events = readRunEvents(join(r.dir, 'trials', t.id));
        const values = events.flatMap((e) => e.values.map((v) => ({ step: e.step, v })));
        const start = hparamsData(values.find((x) => x.v.tag === '_hparams_/session_start_info')!.v).sessionStartInfo as Record<string, unknown>;
        const end = hparamsData(values.find((x) => x.v.tag === '_hparams_/session_end_info')!.v).sessionEndInfo as Record<string, number>;
        const hp = Object.fromEntries(Object.entries(start.hparams as Record<string, Record<string, unknown>>).map(([k, v]) => [k, plainValue(v)]));
        expect(hp).toEqual(t.params);
        expect(start.groupName).toBe(t.id);
        const endSecs = Date.parse(t.finishedAt) / 1000;
        expect(end.endTimeSecs).toBeCloseTo(endSecs, 3);
        expect(start.startTimeSecs as number).toBeCloseTo(endSecs - t.durationMs / 1000, 3);
        expect(end.status ?? 0).toBe(statusOf(t));
        const scalars = Object.fromEntries(values.filter((x) => x.v.simpleValue !== undefined).map((x) => [x.v.tag, x.v.simpleValue]));
        expect(scalars).toEqual(Object.fromEntries(Object.entries(t.metrics).map(([k, v]) => [`sweep/${k}`, Math.fround(v)])));
      }
    }
    const statuses = readTrials(curve.dir).map((t) => t.status);
    expect(statuses).toEqual(expect.arrayContaining(['completed', 'stopped', 'failed']));
  });

  it('a resumed sweep writes no second session, and restores one that is missing', async () => {
    const first = readTrials(grid.dir)[0].id;
    const trialDir = join(grid.dir, 'trials', first);
    const [file] = hparamFiles(trialDir);
    unlinkSync(join(trialDir, file));
    const again = await runSweep(gridSpec, { out: dir, log: quiet });
    expect([again.resumed, again.ran]).toEqual([30, 0]);
    for (const t of readTrials(grid.dir)) expect(hparamFiles(join(grid.dir, 'trials', t.id)), t.id).toHaveLength(1);
    expect(hparamFiles(grid.dir)).toHaveLength(1);
    expect(existsSync(join(trialDir, file))).toBe(true);
  });
});

interface TbMetricValue { name: { tag: string }; value: number }
interface TbSessionGroup {
  name: string;
  hparams: Record<string, unknown>;
  metricValues: TbMetricValue[];
  sessions: { name: string; status: string; metricValues: TbMetricValue[] }[];
}
interface TbView {
  runs: string[];
  experiment: { hparamInfos: { name: string; type: string }[]; metricInfos: { name: { tag: string } }[] };
  sessionGroups: { sessionGroups: TbSessionGroup[]; totalSize: number };
}

describeIf([PY_TENSORBOARD], 'sweep hparams data in the real TensorBoard', () => {
  const view = async (logdir: string): Promise<TbView> => {
    const { stdout } = await promisify(execFile)(PYTHON, [join(ROOT, 'tests/helpers/tensorboard_hparams.py'), logdir], { maxBuffer: 64 << 20 });
    return JSON.parse(stdout) as TbView;
  };
  const TB_STATUS: Record<TrialRecord['status'], string> = { completed: 'STATUS_SUCCESS', failed: 'STATUS_FAILURE', stopped: 'STATUS_UNKNOWN' };

  it('the HPARAMS tab lists every trial with its params and final metrics', async () => {
    for (const r of [grid, curve]) {
      const tb = await view(r.dir);
      const trials = readTrials(r.dir);
      expect(tb.runs).toEqual(['.', ...trials.map((t) => `trials/${t.id}`).sort()]);
      const spec = r === grid ? gridSpec : undefined;
      if (spec) expect(tb.experiment.hparamInfos.map((h) => h.name).sort()).toEqual(spec.params.map(([k]) => k).sort());
      const groups = tb.sessionGroups.sessionGroups;
      expect(tb.sessionGroups.totalSize).toBe(trials.length);
      expect(groups.map((g) => g.name).sort()).toEqual(trials.map((t) => t.id).sort());
      for (const t of trials) {
        const g = groups.find((x) => x.name === t.id)!;
        expect(g.hparams).toEqual(t.params);
        expect(g.sessions.map((s) => s.name)).toEqual([`trials/${t.id}`]);
        expect(g.sessions[0].status).toBe(TB_STATUS[t.status]);
        const values = Object.fromEntries(g.metricValues.map((m) => [m.name.tag, m.value]));
        expect(values).toEqual(Object.fromEntries(Object.entries(t.metrics).map(([k, v]) => [`sweep/${k}`, Math.fround(v)])));
      }
    }
  });
});
