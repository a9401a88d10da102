// The sweep as TensorBoard's HPARAMS tab sees it: `tensorboard --logdir <out>/<name>` lists every
// trial with its params and final metrics. The coordinator writes this (not the trials), so trials
// on other machines, failed trials and any trial module show up alike:
//  - <sweepDir>/events.out.tfevents.<created>.sweep-hparams: the experiment (each param's domain,
//    each metric), rewritten whole (temp file + rename) when a trial brings a metric not seen yet;
//  - <sweepDir>/trials/<id>/events.out.tfevents.<end>.sweep-hparams: the trial's session (params,
//    status, times) and its final metrics as scalars `sweep/<metric>`, written once when it ends.
import { existsSync, mkdirSync, readdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import {
  DATA_TYPE, SESSION_STATUS, writeExperiment, writeSession,
  type HparamInfo, type HparamValue, type MetricInfo, type SessionEnd,
} from '../tensorboard/hparams.js';
import { SummaryWriter } from '../tensorboard/summary-writer.js';
import { canonicalJson, type JsonValue, type SearchSpace } from './space.js';
import type { SweepSpec } from './sweep-file.js';
import type { TrialRecord } from './sweep-store.js';
import type { TrialStatus } from './trial.js';

const SUFFIX = '.sweep-hparams';
export const TRIALS_DIR = 'trials';
/** The scalar tag of a trial's final metric. */
export const metricTag = (metric: string): string => `sweep/${metric}`;

/** The folder of one trial's run: <sweepDir>/trials/<trial id>. */
export const trialDir = (sweepDir: string, id: string): string => join(sweepDir, TRIALS_DIR, id);

/** TensorBoard's types are number, string and bool; a space mixing them (or holding lists) becomes text. */
function typeOf(space: SearchSpace): HparamInfo['type'] {
  if (space.kind === 'range') return DATA_TYPE.float64;
  const kinds = new Set(space.values.map((v) => typeof v));
  if (kinds.size === 1 && kinds.has('number')) return DATA_TYPE.float64;
  if (kinds.size === 1 && kinds.has('boolean')) return DATA_TYPE.bool;
  return DATA_TYPE.string;
}

function asHparam(type: HparamInfo['type'], v: JsonValue): HparamValue {
  if (type === DATA_TYPE.float64 && typeof v === 'number') return v;
  if (type === DATA_TYPE.bool && typeof v === 'boolean') return v;
  return typeof v === 'string' ? v : canonicalJson(v);
}

export function hparamInfos(spec: Pick<SweepSpec, 'params'>): HparamInfo[] {
  return spec.params.map(([name, space]) => {
    const type = typeOf(space);
    return space.kind === 'range'
      ? { name, type, interval: { min: space.min, max: space.max }, description: `${space.int ? 'integer ' : ''}range${space.log ? ' (log scale)' : ''}` }
      : { name, type, discrete: space.values.map((v) => asHparam(type, v)) };
  });
}

/** The metric names of these trials, the optimised one first, the rest sorted. */
export function metricNames(metric: string, records: readonly TrialRecord[]): string[] {
  const others = new Set<string>();
  for (const r of records) for (const k of Object.keys(r.metrics)) if (k !== metric) others.add(k);
  return [metric, ...[...others].sort()];
}

/** completed: success; failed: failure; stopped early by the sweep: unknown (neither, its metrics are partial). */
const STATUS: Record<TrialStatus, SessionEnd['status']> = { completed: SESSION_STATUS.success, failed: SESSION_STATUS.failure, stopped: SESSION_STATUS.unknown };

/** Writes an event file under a temporary name (not matching *tfevents*) and renames it into place. */
function writeWhole(dir: string, name: string, fill: (tb: SummaryWriter) => void, now?: () => number): void {
  const tmp = `.sweep-hparams.tmp-${process.pid}`;
  const tb = new SummaryWriter(dir, { fileName: tmp, now });
  try {
    fill(tb);
  } finally {
    tb.close();
  }
  renameSync(join(dir, tmp), join(dir, name));
}

const secs = (iso: string): number => Date.parse(iso) / 1000;

export class SweepHparams {
  private metrics: string[] = [];

  constructor(readonly dir: string, private readonly spec: SweepSpec, private readonly createdAt: string) {}

  /** (Re)writes the experiment when these records name a metric it does not list yet. */
  experiment(records: readonly TrialRecord[]): void {
    const names = metricNames(this.spec.metric, records);
    if (names.length === this.metrics.length && names.every((n, i) => n === this.metrics[i]) && existsSync(this.experimentPath())) return;
    this.metrics = names;
    const metrics: MetricInfo[] = names.map((m) => ({
      tag: metricTag(m), displayName: m,
      ...(m === this.spec.metric ? { description: `the optimised metric (${this.spec.mode})` } : {}),
    }));
    mkdirSync(this.dir, { recursive: true });
    writeWhole(this.dir, this.experimentName(), (tb) => writeExperiment(tb, {
      description: `sweep ${this.spec.name}: ${this.spec.method} search, ${this.spec.mode} ${this.spec.metric}`,
      timeCreatedSecs: secs(this.createdAt),
      hparams: hparamInfos(this.spec),
      metrics,
    }));
  }

  /** Writes a finished trial's session once; a trial that already has one is left alone (resume). */
  trial(rec: TrialRecord): void {
    const dir = trialDir(this.dir, rec.id);
    if (existsSync(dir) && readdirSync(dir).some((f) => f.includes('tfevents') && f.endsWith(SUFFIX))) return;
    mkdirSync(dir, { recursive: true });
    const end = secs(rec.finishedAt);
    const types = new Map(hparamInfos(this.spec).map((h) => [h.name, h.type]));
    const hparams: Record<string, HparamValue> = {};
    for (const [k, v] of Object.entries(rec.params)) hparams[k] = asHparam(types.get(k) ?? DATA_TYPE.string, v);
    const metrics = Object.fromEntries(Object.entries(rec.metrics).map(([k, v]) => [metricTag(k), v]));
    const step = rec.curve.length ? rec.curve[rec.curve.length - 1][0] : 0;
    // Named by the end time, so it sorts after the trial's own event files (TensorBoard reads a
    // run's files in name order and does not go back to an earlier one).
    writeWhole(dir, `events.out.tfevents.${Math.floor(end)}${SUFFIX}`, (tb) => writeSession(
      tb,
      { hparams, groupName: rec.id, startTimeSecs: end - rec.durationMs / 1000, modelUri: dir },
      metrics,
      { status: STATUS[rec.status], endTimeSecs: end },
      step,
    ), () => end * 1000);
  }

  private experimentName(): string {
    return `events.out.tfevents.${Math.floor(secs(this.createdAt))}${SUFFIX}`;
  }

  private experimentPath(): string {
    return join(this.dir, this.experimentName());
  }
}
