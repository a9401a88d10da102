// TensorBoard event files: scalars, histograms and text, one events.out.tfevents.* file per
// writer. Records are appended and flushed by the OS on each write (a crash loses at most the
// record being written; TensorBoard skips a torn last record).
import { closeSync, mkdirSync, openSync, writeSync, fsyncSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { ProtoWriter } from './protobuf-encoder.js';
import { tfrecord } from './tfrecord.js';

const DT_STRING = 7;

export class SummaryWriter {
  readonly path: string;
  private fd: number;

  /**
   * `fileName` replaces the usual events.out.tfevents.<seconds>.<host><suffix>, e.g. for a file
   * written under a temporary name and renamed into place whole.
   */
  constructor(dir: string, opts: { suffix?: string; fileName?: string; now?: () => number } = {}) {
    mkdirSync(dir, { recursive: true });
    const now = opts.now ?? Date.now;
    this.path = join(dir, opts.fileName ?? `events.out.tfevents.${Math.floor(now() / 1000)}.${hostname()}${opts.suffix ?? ''}`);
    this.fd = openSync(this.path, 'a');
    this.now = now;
    this.writeEvent(0, (e) => e.string(3, 'brain.Event:2'));
  }

  private readonly now: () => number;

  private writeEvent(step: number, fill: (e: ProtoWriter) => void): void {
    const e = new ProtoWriter().double(1, this.now() / 1000).int64(2, step);
    fill(e);
    writeSync(this.fd, tfrecord(e.finish()));
  }

  private summary(step: number, value: ProtoWriter): void {
    this.writeEvent(step, (e) => e.message(5, new ProtoWriter().message(1, value)));
  }

  scalar(tag: string, value: number, step: number): void {
    this.summary(step, new ProtoWriter().string(1, tag).float(2, value));
  }

  /** A histogram of `values` in `buckets` equal-width buckets (TensorBoard's HistogramProto). */
  histogram(tag: string, values: ArrayLike<number>, step: number, buckets = 30): void {
    let min = Infinity;
    let max = -Infinity;
    let sum = 0;
    let sumSq = 0;
    let n = 0;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (!Number.isFinite(v)) continue;
      min = Math.min(min, v);
      max = Math.max(max, v);
      sum += v;
      sumSq += v * v;
      n++;
    }
    if (n === 0) return;
    const width = max > min ? (max - min) / buckets : 1;
    const limits = new Float64Array(buckets);
    const counts = new Float64Array(buckets);
    for (let b = 0; b < buckets; b++) limits[b] = min + width * (b + 1);
    limits[buckets - 1] = max > min ? max : min + 1;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (!Number.isFinite(v)) continue;
      counts[Math.min(buckets - 1, Math.floor((v - min) / width))]++;
    }
    const h = new ProtoWriter().double(1, min).double(2, max).double(3, n).double(4, sum).double(5, sumSq)
      .packedDoubles(6, limits).packedDoubles(7, counts);
    this.summary(step, new ProtoWriter().string(1, tag).message(5, h));
  }

  /**
   * A summary that only a TensorBoard plugin understands: no value, its data in the metadata's
   * plugin content (how the hparams plugin stores experiments and sessions; TensorBoard gives such
   * a value its empty tensor when it reads it).
   */
  plugin(tag: string, pluginName: string, content: Uint8Array, step = 0): void {
    const meta = new ProtoWriter().message(1, new ProtoWriter().string(1, pluginName).bytes(2, content));
    this.summary(step, new ProtoWriter().string(1, tag).message(9, meta));
  }

  /** Text (e.g. the resolved config), shown by TensorBoard's text plugin. */
  text(tag: string, text: string, step = 0): void {
    const meta = new ProtoWriter().message(1, new ProtoWriter().string(1, 'text'));
    const tensor = new ProtoWriter().int64(1, DT_STRING).message(2, new ProtoWriter()).bytes(8, new TextEncoder().encode(text));
    this.summary(step, new ProtoWriter().string(1, tag).message(9, meta).message(8, tensor));
  }

  flush(): void {
    fsyncSync(this.fd);
  }

  close(): void {
    if (this.fd < 0) return;
    fsyncSync(this.fd);
    closeSync(this.fd);
    this.fd = -1;
  }
}
