// TensorBoard's hparams plugin data (HPARAMS tab): the messages of tensorboard/plugins/hparams/
// api.proto and plugin_data.proto, encoded with our ProtoWriter. Field numbers are TensorBoard's:
//   HParamsPluginData { int32 version = 1; oneof data { Experiment experiment = 2;
//                       SessionStartInfo session_start_info = 3; SessionEndInfo session_end_info = 4; } }
//   Experiment { string description = 1; double time_created_secs = 3;
//                repeated HParamInfo hparam_infos = 4; repeated MetricInfo metric_infos = 5; }
//   HParamInfo { string name = 1; string display_name = 2; string description = 3; DataType type = 4;
//                oneof domain { ListValue domain_discrete = 5; Interval domain_interval = 6; } }
//   Interval { double min_value = 1; double max_value = 2; }
//   MetricInfo { MetricName name = 1; string display_name = 3; string description = 4; DatasetType dataset_type = 5; }
//   MetricName { string group = 1; string tag = 2; }
//   SessionStartInfo { map<string, Value> hparams = 1; string model_uri = 2; string group_name = 4; double start_time_secs = 5; }
//   SessionEndInfo { Status status = 1; double end_time_secs = 2; }
//   google.protobuf.Value { double number_value = 2; string string_value = 3; bool bool_value = 4; }
//   google.protobuf.ListValue { repeated Value values = 1; }
// The experiment goes in the logdir's root run, each session (trial) in its own run, and a
// session's metric values are ordinary scalars at the metric's tag in that run.
import { ProtoWriter } from './protobuf-encoder.js';
import type { SummaryWriter } from './summary-writer.js';

export const HPARAMS_PLUGIN = 'hparams';
/** Tags of tensorboard/plugins/hparams/metadata.py. */
export const HPARAMS_TAGS = {
  experiment: '_hparams_/experiment',
  sessionStart: '_hparams_/session_start_info',
  sessionEnd: '_hparams_/session_end_info',
} as const;

export type HparamValue = number | string | boolean;

export const DATA_TYPE = { unset: 0, string: 1, bool: 2, float64: 3 } as const;
export const DATASET_TYPE = { unknown: 0, training: 1, validation: 2 } as const;
export const SESSION_STATUS = { unknown: 0, success: 1, failure: 2, running: 3 } as const;

export interface HparamInfo {
  name: string;
  type: (typeof DATA_TYPE)[keyof typeof DATA_TYPE];
  description?: string;
  /** The values it takes (categorical)... */
  discrete?: HparamValue[];
  /** ...or the closed interval it is drawn from (ranges). */
  interval?: { min: number; max: number };
}

export interface MetricInfo {
  /** The scalar tag holding the metric in each session's run. */
  tag: string;
  displayName?: string;
  description?: string;
  datasetType?: (typeof DATASET_TYPE)[keyof typeof DATASET_TYPE];
}

export interface ExperimentInfo {
  description?: string;
  timeCreatedSecs: number;
  hparams: HparamInfo[];
  metrics: MetricInfo[];
}

export interface SessionStart {
  hparams: Record<string, HparamValue>;
  /** Sessions with the same group name are aggregated into one row. */
  groupName: string;
  startTimeSecs: number;
  /** Where the session's model lives (a checkpoint folder). */
  modelUri?: string;
}

export interface SessionEnd {
  status: (typeof SESSION_STATUS)[keyof typeof SESSION_STATUS];
  endTimeSecs: number;
}

function value(v: HparamValue): ProtoWriter {
  const w = new ProtoWriter();
  if (typeof v === 'number') return w.double(2, v);
  if (typeof v === 'string') return w.string(3, v);
  return w.int64(4, v ? 1 : 0);
}

/** HParamsPluginData with version 0 (the only one TensorBoard accepts) and one `data` field. */
function pluginData(field: 2 | 3 | 4, m: ProtoWriter): Uint8Array {
  return new ProtoWriter().int64(1, 0).message(field, m).finish();
}

export function experimentContent(e: ExperimentInfo): Uint8Array {
  const w = new ProtoWriter();
  if (e.description) w.string(1, e.description);
  w.double(3, e.timeCreatedSecs);
  for (const h of e.hparams) {
    const info = new ProtoWriter().string(1, h.name);
    if (h.description) info.string(3, h.description);
    info.int64(4, h.type);
    if (h.discrete) {
      const list = new ProtoWriter();
      for (const v of h.discrete) list.message(1, value(v));
      info.message(5, list);
    } else if (h.interval) {
      info.message(6, new ProtoWriter().double(1, h.interval.min).double(2, h.interval.max));
    }
    w.message(4, info);
  }
  for (const m of e.metrics) {
    const info = new ProtoWriter().message(1, new ProtoWriter().string(1, '').string(2, m.tag));
    if (m.displayName) info.string(3, m.displayName);
    if (m.description) info.string(4, m.description);
    if (m.datasetType) info.int64(5, m.datasetType);
    w.message(5, info);
  }
  return pluginData(2, w);
}

export function sessionStartContent(s: SessionStart): Uint8Array {
  const w = new ProtoWriter();
  // A map field is a repeated entry message { key = 1; value = 2 }.
  for (const [k, v] of Object.entries(s.hparams)) w.message(1, new ProtoWriter().string(1, k).message(2, value(v)));
  if (s.modelUri) w.string(2, s.modelUri);
  w.string(4, s.groupName);
  w.double(5, s.startTimeSecs);
  return pluginData(3, w);
}

export function sessionEndContent(e: SessionEnd): Uint8Array {
  return pluginData(4, new ProtoWriter().int64(1, e.status).double(2, e.endTimeSecs));
}

/** The experiment summary, for the logdir's root run. */
export function writeExperiment(tb: SummaryWriter, e: ExperimentInfo): void {
  tb.plugin(HPARAMS_TAGS.experiment, HPARAMS_PLUGIN, experimentContent(e));
}

/** One session in its own run: start info, the final metric values as scalars, end info. */
export function writeSession(tb: SummaryWriter, start: SessionStart, metrics: Record<string, number>, end: SessionEnd, step: number): void {
  tb.plugin(HPARAMS_TAGS.sessionStart, HPARAMS_PLUGIN, sessionStartContent(start));
  for (const [tag, v] of Object.entries(metrics)) if (Number.isFinite(v)) tb.scalar(tag, v, step);
  tb.plugin(HPARAMS_TAGS.sessionEnd, HPARAMS_PLUGIN, sessionEndContent(end));
}
