// The tfevents writer checked by an independent reader (tests/helpers/tfevents.ts): our own
// TFRecord parser that verifies both CRCs of every record with a separately written CRC32C, and
// protobufjs decoding the records against TensorFlow's .proto definitions.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SummaryWriter } from '../experiments/tensorboard/summary-writer.js';
import { crc32c, hparamsData, plainValue, readEvents, textOf } from './helpers/tfevents.js';

const dir = mkdtempSync(join(tmpdir(), 'tg-tb-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('tfevents writer', () => {
  it('writes records that an independent reader decodes with valid CRCs', () => {
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283); // the standard check value
    const w = new SummaryWriter(join(dir, 'run'), { now: () => 1_700_000_000_000 });
    for (let step = 0; step < 5; step++) w.scalar('charts/episodic_return', step * 1.5, step * 100);
    w.scalar('losses/value_loss', 0.25, 400);
    w.histogram('weights/layer0', Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i)), 400);
    w.text('config', 'agent:\n  algo: ppo\n');
    w.close();
    const files = readdirSync(join(dir, 'run'));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^events\.out\.tfevents\.1700000000\./);
    const events = readEvents(join(dir, 'run', files[0]));
    expect(events[0]).toMatchObject({ fileVersion: 'brain.Event:2', wallTime: 1_700_000_000 });
    const values = events.slice(1).map((e) => ({ step: e.step, value: e.values[0] }));
    const returns = values.filter((v) => v.value.tag === 'charts/episodic_return');
    expect(returns.map((v) => v.step)).toEqual([0, 100, 200, 300, 400]);
    expect(returns.map((v) => v.value.simpleValue)).toEqual([0, 1.5, 3, 4.5, 6]);
    const hist = values.find((v) => v.value.tag === 'weights/layer0')!.value.histo!;
    expect(hist.num).toBe(1000);
    expect(hist.bucket.reduce((a, b) => a + b, 0)).toBe(1000);
    expect(hist.min).toBeCloseTo(-1, 3);
    expect(hist.max).toBeCloseTo(1, 3);
    const text = values.find((v) => v.value.tag === 'config')!.value;
    expect(text.metadata?.pluginData?.pluginName).toBe('text');
    expect(textOf(text)).toBe('agent:\n  algo: ppo\n');
  });
});

describe('hparams plugin data', () => {
  it('encodes experiment and session so that zero, false and empty values survive (oneof presence)', async () => {
    const { writeExperiment, writeSession, DATA_TYPE, SESSION_STATUS } = await import('../experiments/tensorboard/hparams.js');
    const w = new SummaryWriter(join(dir, 'hp'), { now: () => 1_700_000_000_000 });
    writeExperiment(w, {
      timeCreatedSecs: 1_700_000_000,
      hparams: [
        { name: 'flag', type: DATA_TYPE.bool, discrete: [false, true] },
        { name: 'lr', type: DATA_TYPE.float64, interval: { min: 0, max: 1 } },
        { name: 'kind', type: DATA_TYPE.string, discrete: ['', 'b'] },
      ],
      metrics: [{ tag: 'sweep/score', displayName: 'score' }],
    });
    writeSession(w, { hparams: { flag: false, lr: 0, kind: '' }, groupName: 'g1', startTimeSecs: 10 }, { 'sweep/score': 0, 'sweep/bad': NaN }, { status: SESSION_STATUS.failure, endTimeSecs: 12 }, 7);
    w.close();
    const values = readEvents(w.path).flatMap((e) => e.values.map((v) => ({ step: e.step, v })));
    expect(values.map((x) => x.v.tag)).toEqual(['_hparams_/experiment', '_hparams_/session_start_info', 'sweep/score', '_hparams_/session_end_info']);
    for (const x of values.filter((x) => x.v.tag.startsWith('_hparams_/'))) expect(x.v.metadata?.pluginData?.pluginName).toBe('hparams');
    const exp = hparamsData(values[0].v).experiment as { hparamInfos: Record<string, unknown>[] };
    expect(plainValue({ listValue: exp.hparamInfos[0].domainDiscrete })).toEqual([false, true]);
    expect(exp.hparamInfos[1].domainInterval).toEqual({ minValue: 0, maxValue: 1 });
    expect(plainValue({ listValue: exp.hparamInfos[2].domainDiscrete })).toEqual(['', 'b']);
    const start = hparamsData(values[1].v).sessionStartInfo as { hparams: Record<string, Record<string, unknown>>; groupName: string };
    expect(Object.fromEntries(Object.entries(start.hparams).map(([k, v]) => [k, plainValue(v)]))).toEqual({ flag: false, lr: 0, kind: '' });
    expect(start.groupName).toBe('g1');
    expect(values[2]).toMatchObject({ step: 7, v: { simpleValue: 0 } });
    expect(hparamsData(values[3].v).sessionEndInfo).toEqual({ status: 2, endTimeSecs: 12 });
  });
});
