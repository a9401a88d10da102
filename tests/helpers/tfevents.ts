// An independent reader of TensorBoard event files for tests: TFRecord framing with both CRCs
// checked by a bitwise CRC32C written here, events decoded by protobufjs against message
// definitions written from TensorFlow's and TensorBoard's .proto files (event.proto, summary.proto,
// plugins/hparams/api.proto and plugin_data.proto, google/protobuf/struct.proto).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import protobuf from 'protobufjs';

// CRC32C (Castagnoli, reflected polynomial 0x82F63B78), bitwise: slow but obviously right.
export function crc32c(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (const b of data) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}
const masked = (d: Uint8Array) => ((((crc32c(d) >>> 15) | (crc32c(d) << 17)) >>> 0) + 0xa282ead8) >>> 0;

/** The records of a TFRecord file; throws on a bad CRC or a torn record. */
export function readRecords(path: string): Uint8Array[] {
  const buf = new Uint8Array(readFileSync(path));
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const out: Uint8Array[] = [];
  let off = 0;
  while (off < buf.length) {
    if (off + 12 > buf.length) throw new Error(`${path}: torn record header at byte ${off}`);
    const len = Number(dv.getBigUint64(off, true));
    if (dv.getUint32(off + 8, true) !== masked(buf.subarray(off, off + 8))) throw new Error(`${path}: bad length CRC at byte ${off}`);
    if (off + 16 + len > buf.length) throw new Error(`${path}: torn record at byte ${off}`);
    const data = buf.subarray(off + 12, off + 12 + len);
    if (dv.getUint32(off + 12 + len, true) !== masked(data)) throw new Error(`${path}: bad data CRC at byte ${off}`);
    out.push(data);
    off += 16 + len;
  }
  return out;
}

const PROTO = `
syntax = "proto3";
message Event { double wall_time = 1; int64 step = 2; oneof what { string file_version = 3; bytes graph_def = 4; Summary summary = 5; } }
message Summary { repeated Value value = 1;
  message Value { string node_name = 7; string tag = 1; SummaryMetadata metadata = 9;
    oneof value { float simple_value = 2; bytes obsolete_old_style_histogram = 3; HistogramProto histo = 5; TensorProto tensor = 8; } } }
message SummaryMetadata { message PluginData { string plugin_name = 1; bytes content = 2; } PluginData plugin_data = 1; string display_name = 2; }
message HistogramProto { double min = 1; double max = 2; double num = 3; double sum = 4; double sum_squares = 5;
  repeated double bucket_limit = 6 [packed = true]; repeated double bucket = 7 [packed = true]; }
message TensorShapeProto { message Dim { int64 size = 1; string name = 2; } repeated Dim dim = 2; }
message TensorProto { int32 dtype = 1; TensorShapeProto tensor_shape = 2; repeated bytes string_val = 8; }

message PbValue { oneof kind { int32 null_value = 1; double number_value = 2; string string_value = 3; bool bool_value = 4; PbListValue list_value = 6; } }
message PbListValue { repeated PbValue values = 1; }
message HParamsPluginData { int32 version = 1;
  oneof data { Experiment experiment = 2; SessionStartInfo session_start_info = 3; SessionEndInfo session_end_info = 4; } }
message Experiment { string name = 6; string description = 1; string user = 2; double time_created_secs = 3;
  repeated HParamInfo hparam_infos = 4; repeated MetricInfo metric_infos = 5; }
message HParamInfo { string name = 1; string display_name = 2; string description = 3; int32 type = 4;
  oneof domain { PbListValue domain_discrete = 5; Interval domain_interval = 6; } }
message Interval { double min_value = 1; double max_value = 2; }
message MetricName { string group = 1; string tag = 2; }
message MetricInfo { MetricName name = 1; string display_name = 3; string description = 4; int32 dataset_type = 5; }
message SessionStartInfo { map<string, PbValue> hparams = 1; string model_uri = 2; string monitor_url = 3; string group_name = 4; double start_time_secs = 5; }
message SessionEndInfo { int32 status = 1; double end_time_secs = 2; }
`;

const root = protobuf.parse(PROTO).root;
const Event = root.lookupType('Event');
const PluginData = root.lookupType('HParamsPluginData');
const asObject = (t: protobuf.Type, m: protobuf.Message) => t.toObject(m, { longs: Number, defaults: false, bytes: Array }) as Record<string, unknown>;

export interface SummaryValue {
  tag: string;
  simpleValue?: number;
  metadata?: { pluginData?: { pluginName?: string; content?: number[] } };
  tensor?: { stringVal?: number[][] };
  histo?: { min: number; max: number; num: number; sum: number; bucketLimit: number[]; bucket: number[] };
}

export interface DecodedEvent {
  step: number;
  wallTime: number;
  fileVersion?: string;
  values: SummaryValue[];
}

export function readEvents(path: string): DecodedEvent[] {
  return readRecords(path).map((r) => {
    const e = asObject(Event, Event.decode(r));
    return {
      step: (e.step as number | undefined) ?? 0,
      wallTime: e.wallTime as number,
      ...(e.fileVersion ? { fileVersion: e.fileVersion as string } : {}),
      values: ((e.summary as { value?: SummaryValue[] } | undefined)?.value ?? []),
    };
  });
}

/** Every event of every events.out.tfevents.* file in `dir` (not below it), files in name order. */
export function readRunEvents(dir: string): DecodedEvent[] {
  return readdirSync(dir).filter((f) => f.includes('tfevents')).sort().flatMap((f) => readEvents(join(dir, f)));
}

export function textOf(v: SummaryValue): string {
  return new TextDecoder().decode(Uint8Array.from(v.tensor!.stringVal![0]));
}

/** The HParamsPluginData in a value's plugin content, as a plain object (camelCase fields). */
export function hparamsData(v: SummaryValue): Record<string, unknown> {
  const content = v.metadata?.pluginData?.content ?? [];
  return asObject(PluginData, PluginData.decode(Uint8Array.from(content)));
}

/** A google.protobuf.Value as the plain value it holds. */
export function plainValue(v: Record<string, unknown>): unknown {
  for (const k of ['numberValue', 'stringValue', 'boolValue']) if (k in v) return v[k];
  if ('listValue' in v) return ((v.listValue as { values?: Record<string, unknown>[] }).values ?? []).map(plainValue);
  return null;
}
