// Hyperparameter sweeps: search methods, early stopping, local worker processes, BullMQ workers on
// a real redis-server (REDIS_URL, or one started here; skipped without either), retries after a
// killed worker, and a coordinator killed mid-sweep that resumes without rerunning finished trials.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { parse } from 'yaml';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../data/errors.js';
import { runSweep } from '../experiments/sweep/coordinator.js';
import { stopProcess, TSX_IMPORT } from '../experiments/sweep/local-executor.js';
import { keyPrefix } from '../experiments/sweep/redis-queue.js';
import { makeSearch } from '../experiments/sweep/search.js';
import type { SearchSpace } from '../experiments/sweep/space.js';
import { loadSweep, parseSweep } from '../experiments/sweep/sweep-file.js';
import type { TrialRecord } from '../experiments/sweep/sweep-store.js';
import type { Observation } from '../experiments/sweep/tpe.js';
import { objective } from './fixtures/sweep/quadratic-trial.js';
import { describeIf, REDIS } from './helpers/requirements.js';
import { freePort, until } from './helpers/wait.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const FIX = join(ROOT, 'tests/fixtures/sweep');
const dir = mkdtempSync(join(tmpdir(), 'tg-sweep-'));
const quiet = () => {};
const readTrials = (sweepDir: string): TrialRecord[] =>
  readFileSync(join(sweepDir, 'trials.jsonl'), 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as TrialRecord);

/** A sweep given inline; paths resolve against the fixtures folder. */
const inline = (raw: Record<string, unknown>) => parseSweep(raw, join(FIX, 'inline.yaml'));

const QUAD_PARAMS = {
  'model.x': { min: 0, max: 1 },
  'model.lr': { min: 1e-5, max: 1e-1, log: true },
  'model.kind': { values: ['a', 'b', 'c'] },
};

describe('sweep file', () => {
  it('errors name the field', () => {
    const bad = (raw: Record<string, unknown>) => () => inline({ name: 'x', trial: 'quadratic-trial.ts', metric: 'score', params: { 'model.x': { min: 0, max: 1 } }, trials: 3, ...raw });
    expect(bad({ mode: 'maximum' })).toThrow(/mode: .*"max"/);
    expect(bad({ params: { 'model.lr': { min: 1, max: 0.1 } } })).toThrow(/params\.model\.lr\.max: must be greater than min/);
    expect(bad({ params: { 'model.lr': { min: 0, max: 1, log: true } } })).toThrow(/params\.model\.lr\.min: must be > 0/);
    expect(bad({ params: { 'model.kind': { values: [] } } })).toThrow(/params\.model\.kind\.values/);
    expect(bad({ method: 'tpe', trials: undefined })).toThrow(/trials: required for method tpe/);
    expect(bad({ earlyStop: { kind: 'hyperband' } })).toThrow(/earlyStop\.kind/);
    expect(bad({ bogus: 1 })).toThrow(/bogus: unknown field; allowed: name, base, trial/);
    expect(bad({ trial: 'missing.ts' })).toThrow(ConfigError);
    expect(() => inline({ name: 'g', trial: 'quadratic-trial.ts', metric: 'score', method: 'grid', params: { 'model.x': { min: 0, max: 1 } } }))
      .not.toThrow();
  });
});

describe('search', () => {
  it('grid runs every combination and finds the best; results.csv and best.yaml', async () => {
    const spec = loadSweep(join(FIX, 'grid.yaml'));
    const r = await runSweep(spec, { out: dir, log: quiet });
    expect(r.ranked).toHaveLength(3 * 5 * 2);
    const combos = new Set(r.ranked.map((t) => `${t.params['model.x']}|${t.params['model.lr']}|${t.params['model.kind']}`));
    expect(combos.size).toBe(30);
    expect(r.best?.params['model.x']).toBe(0.3);
    expect(r.best?.params['model.kind']).toBe('b');
    expect(Math.log10(r.best?.params['model.lr'] as number)).toBeCloseTo(-2.5, 9);
    const csv = readFileSync(join(r.dir, 'results.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('rank,trial,status,score,model.x,model.lr,model.kind,loss,steps,seconds,error');
    expect(csv).toHaveLength(31);
    const scores = csv.slice(1).map((l) => Number(l.split(',')[3]));
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    const best = parse(readFileSync(join(r.dir, 'best.yaml'), 'utf8')) as { model: Record<string, unknown>; other: unknown; seed: number };
    expect(best.model).toMatchObject({ x: 0.3, kind: 'b', depth: 2 });
    expect(best.other).toEqual({ keep: true });
    expect(best.seed).toBe(7);
  });

  it('random and TPE are deterministic under the seed', async () => {
    const sweep = (method: string, seed: number, name: string) =>
      runSweep(inline({ name, base: 'base.yaml', trial: 'quadratic-trial.ts', metric: 'score', method, trials: 14, seed, params: QUAD_PARAMS, workers: 0, concurrency: 1, tpe: { startup: 5 } }), { out: dir, log: quiet });
    const byIndex = (rs: TrialRecord[]) => [...rs].sort((a, b) => a.index - b.index).map((t) => t.params);
    const [r1, r2, r3] = await Promise.all([sweep('random', 1, 'rand-a'), sweep('random', 1, 'rand-b'), sweep('random', 2, 'rand-c')]);
    expect(byIndex(r1.ranked)).toEqual(byIndex(r2.ranked));
    expect(byIndex(r1.ranked)).not.toEqual(byIndex(r3.ranked));
    const [t1, t2, t3] = await Promise.all([sweep('tpe', 1, 'tpe-a'), sweep('tpe', 1, 'tpe-b'), sweep('tpe', 2, 'tpe-c')]);
    expect(byIndex(t1.ranked)).toEqual(byIndex(t2.ranked));
    expect(byIndex(t1.ranked)).not.toEqual(byIndex(t3.ranked));
    // TPE's first `startup` trials are random draws; afterwards it uses the history.
    expect(t1.ranked.length).toBe(14);
  });

  it('TPE finds a better optimum than random search on the same budget (mean over seeds)', () => {
    const params: Array<[string, SearchSpace]> = [
      ['model.x', { kind: 'range', min: 0, max: 1, log: false, int: false }],
      ['model.lr', { kind: 'range', min: 1e-5, max: 1e-1, log: true, int: false }],
      ['model.kind', { kind: 'categorical', values: ['a', 'b', 'c'] }],
    ];
    const budget = 30;
    const bestOf = (method: 'random' | 'tpe', seed: number) => {
      const search = makeSearch({ method, params, trials: budget, seed, mode: 'max', tpe: { startup: 8, gamma: 0.25, candidates: 24 } });
      const history: Observation[] = [];
      for (let i = 0; i < budget; i++) {
        const p = search.propose(i, history, 0)!;
        history.push({ index: i, params: p, value: objective(p['model.x'] as number, p['model.lr'] as number, p['model.kind'] as string) });
      }
      return Math.max(...history.map((h) => h.value));
    };
    const seeds = [1, 2, 3, 4, 5, 6];
    const mean = (m: 'random' | 'tpe') => seeds.reduce((a, s) => a + bestOf(m, s), 0) / seeds.length;
    const [random, tpe] = [mean('random'), mean('tpe')];
    // The optimum is 0.1; regret = 0.1 - best.
    expect(tpe).toBeGreaterThan(random);
    expect(0.1 - tpe).toBeLessThan(0.8 * (0.1 - random));
  });
});

describe('trial configs', () => {
  it('are the base deep-merged with the params, validated by the schema the caller passes', async () => {
    const schema = z.strictObject({
      name: z.string(), seed: z.number(), other: z.object({ keep: z.boolean() }),
      model: z.strictObject({ x: z.number().max(0.5), lr: z.number(), kind: z.enum(['a', 'b']), depth: z.number().int(), width: z.number().default(64) }),
    });
    const sweep = (values: number[], name: string) => runSweep(inline({
      name, base: 'base.yaml', trial: 'quadratic-trial.ts', metric: 'score', method: 'grid', workers: 0, params: { 'model.x': { values } },
    }), { out: dir, log: quiet, configSchema: schema });
    const ok = await sweep([0.1, 0.3], 'schema-ok');
    expect(ok.bestConfig?.model).toEqual({ x: 0.3, lr: 0.01, kind: 'a', depth: 2, width: 64 });
    // A config the schema rejects fails the sweep up front, naming the field...
    await expect(sweep([0.9, 0.3], 'schema-bad')).rejects.toThrow(/model\.x: Too big/);
    // ...and later trials that break it are recorded as failed, with the reason.
    const mixed = await sweep([0.3, 0.9], 'schema-mixed');
    expect(mixed.ranked.map((t) => t.status)).toEqual(['completed', 'failed']);
    expect(mixed.ranked[1].error).toMatch(/model\.x/);
  });
});

describe('early stopping', () => {
  it('the median rule stops trials below the median of completed ones', async () => {
    const r = await runSweep(loadSweep(join(FIX, 'curve.yaml')), { out: dir, log: quiet });
    const byQuality = new Map(r.ranked.map((t) => [t.params.quality as number, t]));
    for (const q of [0.9, 0.8, 0.95]) expect(byQuality.get(q)?.status).toBe('completed');
    for (const q of [0.7, 0.2, 0.1, 0.15]) {
      expect(byQuality.get(q)?.status).toBe('stopped');
      expect(byQuality.get(q)!.curve.length).toBe(2); // warmup 2: judged first at step 2
    }
    expect(r.best?.params.quality).toBe(0.95);
  });

  it('ASHA stops trials outside the top 1/eta of a rung', async () => {
    const spec = inline({
      name: 'asha', base: 'curve-base.yaml', trial: 'curve-trial.ts', metric: 'score', method: 'grid', workers: 0, concurrency: 1,
      params: { quality: { values: [0.5, 0.3, 0.9, 0.2, 0.4, 0.1, 0.8, 0.25, 0.35] } },
      earlyStop: { kind: 'asha', minResource: 1, reductionFactor: 3, maxResource: 9 },
    });
    const r = await runSweep(spec, { out: dir, log: quiet });
    const q = (t: TrialRecord) => t.params.quality as number;
    const completed = r.ranked.filter((t) => t.status === 'completed').map(q);
    const stopped = r.ranked.filter((t) => t.status === 'stopped');
    expect(stopped.length).toBeGreaterThanOrEqual(4);
    for (const t of stopped) expect(t.curve[t.curve.length - 1][0]).toBeLessThan(9);
    expect(completed).toContain(0.9);
    expect(stopped.map(q)).toEqual(expect.arrayContaining([0.2, 0.1, 0.25]));
    expect(r.best?.params.quality).toBe(0.9);
  });
});

describe('local worker processes', () => {
  it('two worker processes finish a sweep, reports relayed over IPC', async () => {
    const spec = inline({
      name: 'local', base: 'curve-base.yaml', trial: 'curve-trial.ts', metric: 'score', method: 'grid', workers: 2,
      params: { quality: { values: [0.9, 0.8, 0.1, 0.2] }, stepMs: { values: [20] }, steps: { values: [5] } },
      earlyStop: { kind: 'median', warmup: 3, minTrials: 2 }, concurrency: 2,
    });
    const r = await runSweep(spec, { out: dir, log: quiet });
    expect(r.ranked).toHaveLength(4);
    expect(r.ranked.every((t) => t.status !== 'failed')).toBe(true);
    expect(new Set(r.ranked.map((t) => t.worker)).size).toBe(2);
    expect(r.best?.params.quality).toBe(0.9);
    expect(r.ranked.find((t) => t.params.quality === 0.9)?.curve).toHaveLength(5);
  });
});

// ---------------------------------------------------------------- Redis + BullMQ + processes
let redisUrl = process.env.REDIS_URL ?? '';
let redisProc: ChildProcess | undefined;
const queueName = `sweep-test-${process.pid}-${Date.now().toString(36)}`;
const workers: ChildProcess[] = [];
/** Coordinators started by the resume test. */
const spawned: ChildProcess[] = [];
const workerOutput = new Map<number, string>();
const cliRegistersWorker = readFileSync(join(ROOT, 'scripts/cli.ts'), 'utf8').includes('workerCommand');

/** A `tradegym worker` process: through the CLI when registered there, else its command file. */
async function startWorker(): Promise<ChildProcess> {
  const args = cliRegistersWorker
    ? [join(ROOT, 'bin/tradegym.js'), 'worker']
    : ['--import', TSX_IMPORT!, join(ROOT, 'scripts/commands/worker.ts')];
  const proc = spawn(process.execPath, [...args, '--queue', redisUrl, '--queue-name', queueName, '--lock-duration', '3000'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  workers.push(proc);
  let out = '';
  const collect = (b: Buffer) => {
    out += b.toString();
    workerOutput.set(proc.pid!, out);
  };
  proc.stdout!.on('data', collect);
  proc.stderr!.on('data', collect);
  await until('a worker to start', () => out.includes('waiting for trials') || proc.exitCode !== null, 30_000);
  if (proc.exitCode !== null) throw new Error(`worker exited: ${out}`);
  return proc;
}

const stopChildren = () => Promise.all([...workers, ...spawned].map((w) => stopProcess(w, 3000)));

afterAll(async () => {
  await stopChildren();
  rmSync(dir, { recursive: true, force: true });
});

describeIf([REDIS], 'on Redis', () => {
  beforeAll(async () => {
    if (redisUrl) return;
    const port = await freePort();
    redisProc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    redisUrl = `redis://127.0.0.1:${port}`;
    const probe = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => {});
    await until('redis-server to accept connections', async () => {
      try {
        if (probe.status !== 'ready') await probe.connect();
        return (await probe.ping()) === 'PONG';
      } catch {
        return false;
      }
    });
    probe.disconnect();
  });

  afterAll(async () => {
    // Workers first: a live worker would write its keys again after the queue is gone.
    await stopChildren();
    const queue = new Queue(queueName, { connection: { url: redisUrl } });
    await queue.obliterate({ force: true });
    await queue.close();
    const redis = new Redis(redisUrl);
    const ours = [...(await redis.keys(`${keyPrefix(queueName)}*`)), ...(await redis.keys(`bull:${queueName}:*`))];
    if (ours.length) await redis.del(...ours);
    expect(await redis.keys(`*${queueName}*`)).toEqual([]);
    redis.disconnect();
    if (redisProc) await stopProcess(redisProc);
  });

  describe('BullMQ workers on Redis', () => {
    it('two `tradegym worker` processes finish a sweep; stop decisions travel through Redis', async () => {
      await Promise.all([startWorker(), startWorker()]);
      const spec = inline({
        name: 'queued', base: 'curve-base.yaml', trial: 'curve-trial.ts', metric: 'score', method: 'grid', concurrency: 2,
        params: { quality: { values: [0.9, 0.8, 0.1, 0.2, 0.85, 0.15] }, stepMs: { values: [10] }, steps: { values: [6] } },
        earlyStop: { kind: 'median', warmup: 3, minTrials: 2 },
      });
      const r = await runSweep(spec, { out: dir, queue: { url: redisUrl, name: queueName }, log: quiet });
      expect(r.ranked).toHaveLength(6);
      expect(r.ranked.every((t) => t.status !== 'failed')).toBe(true);
      expect(r.best?.params.quality).toBe(0.9);
      expect(r.ranked.some((t) => t.status === 'stopped')).toBe(true);
      expect(new Set(r.ranked.map((t) => t.worker)).size).toBe(2);
      expect(readTrials(r.dir)).toHaveLength(6);
    });

    it('a worker killed mid-trial: its job lock expires and the other worker runs the trial again', async () => {
      const markers = mkdtempSync(join(dir, 'markers-'));
      const spec = inline({
        name: 'killed', base: 'curve-base.yaml', trial: 'curve-trial.ts', metric: 'score', method: 'grid', concurrency: 2,
        params: { quality: { values: [0.9, 0.5, 0.7] }, stepMs: { values: [150] }, steps: { values: [8] }, markerDir: { values: [markers] } },
      });
      const log = join(markers, 'trials.log');
      const lines = () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').map((l) => l.split(' ')) : []);
      const sweep = runSweep(spec, { out: dir, queue: { url: redisUrl, name: queueName }, log: quiet });
      await until('a trial to start', () => lines().some((l) => l[0] === 'start'));
      const [, victimTrial, victimPid] = lines().find((l) => l[0] === 'start')!;
      const victim = workers.find((w) => w.pid === Number(victimPid))!;
      expect(victim).toBeDefined();
      victim.kill('SIGKILL');
      const r = await sweep;
      expect(r.ranked).toHaveLength(3);
      expect(r.ranked.every((t) => t.status === 'completed')).toBe(true);
      const retried = r.ranked.find((t) => t.id === victimTrial)!;
      expect(retried.attempts).toBeGreaterThanOrEqual(2);
      const starts = lines().filter((l) => l[0] === 'start' && l[1] === victimTrial).map((l) => l[2]);
      expect(starts.length).toBeGreaterThanOrEqual(2);
      expect(starts.at(-1)).not.toBe(victimPid);
      expect(new Set(readTrials(r.dir).map((t) => t.id)).size).toBe(3);
    });
  });

  describe('resuming', () => {
    it('distributed: a restarted coordinator takes trials that finished while it was down from Redis', async () => {
      if (!workers.some((w) => w.exitCode === null && w.signalCode === null)) await startWorker();
      const markers = mkdtempSync(join(dir, 'resume-q-'));
      const file = join(markers, 'resume-q.yaml');
      writeFileSync(file, [
        'name: resume-q',
        `base: ${join(FIX, 'curve-base.yaml')}`,
        `trial: ${join(FIX, 'curve-trial.ts')}`,
        'metric: score',
        'method: grid',
        'concurrency: 3',
        'params:',
        '  quality: { values: [0.2, 0.4, 0.6, 0.8, 0.9] }',
        '  stepMs: { values: [60] }',
        '  steps: { values: [5] }',
        `  markerDir: { values: [${JSON.stringify(markers)}] }`,
      ].join('\n'));
      const out = join(markers, 'out');
      const sweepDir = join(out, 'resume-q');
      const args = [file, '--out', out, '--queue', redisUrl, '--queue-name', queueName];
      const log = () => (existsSync(join(markers, 'trials.log')) ? readFileSync(join(markers, 'trials.log'), 'utf8').trim().split('\n').map((l) => l.split(' ')) : []);
      const first = startCoordinator(...args);
      await until('a trial to be recorded', () => existsSync(join(sweepDir, 'trials.jsonl')) && readTrials(sweepDir).length >= 1, 30_000);
      first.kill('SIGKILL');
      await new Promise((res) => first.once('exit', res));
      const recorded = readTrials(sweepDir).length;
      // While no coordinator runs, the worker finishes what was queued.
      await until('a queued trial to finish unobserved', () => log().filter((l) => l[0] === 'end').length > recorded, 15_000);
      const second = startCoordinator(...args);
      let secondOut = '';
      second.stdout!.on('data', (b: Buffer) => (secondOut += b.toString()));
      second.stderr!.on('data', (b: Buffer) => (secondOut += b.toString()));
      expect(await new Promise((res) => second.once('exit', res)), secondOut).toBe(0);
      const all = readTrials(sweepDir);
      expect(all).toHaveLength(5);
      expect(new Set(all.map((t) => t.id)).size).toBe(5);
      // No trial ran twice: the ones finished while the coordinator was down came from Redis.
      const starts = log().filter((l) => l[0] === 'start').map((l) => l[1]);
      expect(starts.sort()).toEqual(all.map((t) => t.id).sort());
    });
  });
});

describe('resuming', () => {
  it('a torn last line is cut off and only that trial runs again; more trials extend a sweep', async () => {
    const spec = (trials: number, seed = 0) => inline({ name: 'torn', base: 'base.yaml', trial: 'quadratic-trial.ts', metric: 'score', method: 'random', trials, seed, params: QUAD_PARAMS, workers: 0 });
    const first = await runSweep(spec(4), { out: dir, log: quiet });
    const path = join(first.dir, 'trials.jsonl');
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    writeFileSync(path, `${lines.slice(0, 3).join('\n')}\n${lines[3].slice(0, 20)}`);
    const again = await runSweep(spec(4), { out: dir, log: quiet });
    expect([again.resumed, again.ran]).toEqual([3, 1]);
    expect(readTrials(first.dir).map((t) => t.id).sort()).toEqual(first.ranked.map((t) => t.id).sort());
    const more = await runSweep(spec(6), { out: dir, log: quiet });
    expect([more.resumed, more.ran]).toEqual([4, 2]);
    expect(new Set(readTrials(first.dir).map((t) => t.id)).size).toBe(6);
    // A changed search in the same folder is refused rather than mixed in.
    await expect(runSweep(spec(6, 9), { out: dir, log: quiet })).rejects.toThrow(/holds a sweep with other params/);
  });

  it('a coordinator killed mid-sweep resumes without rerunning finished trials', async () => {
    const markers = mkdtempSync(join(dir, 'resume-'));
    const file = join(markers, 'resume.yaml');
    writeFileSync(file, [
      'name: resume',
      `base: ${join(FIX, 'curve-base.yaml')}`,
      `trial: ${join(FIX, 'curve-trial.ts')}`,
      'metric: score',
      'method: tpe',
      'trials: 8',
      'seed: 3',
      'tpe: { startup: 3 }',
      'params:',
      '  quality: { min: 0.1, max: 1 }',
      '  stepMs: { values: [30] }',
      '  steps: { values: [5] }',
      `  markerDir: { values: [${JSON.stringify(markers)}] }`,
      'workers: 1',
    ].join('\n'));
    const out = join(markers, 'out');
    const sweepDir = join(out, 'resume');
    const cli = () => startCoordinator(file, '--out', out);
    const first = cli();
    let firstOut = '';
    first.stdout!.on('data', (b: Buffer) => (firstOut += b.toString()));
    first.stderr!.on('data', (b: Buffer) => (firstOut += b.toString()));
    await until('three trials to finish', () => existsSync(join(sweepDir, 'trials.jsonl')) && readTrials(sweepDir).length >= 3, 30_000);
    first.kill('SIGKILL');
    await new Promise((res) => first.once('exit', res));
    const beforeKill = readTrials(sweepDir);
    // The local worker process notices its coordinator is gone and exits.
    const log = () => readFileSync(join(markers, 'trials.log'), 'utf8').trim().split('\n').map((l) => l.split(' '));
    const workerPids = new Set(log().map((l) => Number(l[2])));
    await until('the orphaned worker to exit', () => [...workerPids].every((pid) => !isAlive(pid)), 10_000);

    const second = cli();
    let secondOut = '';
    second.stdout!.on('data', (b: Buffer) => (secondOut += b.toString()));
    second.stderr!.on('data', (b: Buffer) => (secondOut += b.toString()));
    const code = await new Promise((res) => second.once('exit', res));
    expect(code, `${firstOut}\n---\n${secondOut}`).toBe(0);
    expect(secondOut).toMatch(/resuming in .*: \d+ trials done/);
    const all = readTrials(sweepDir);
    expect(all).toHaveLength(8);
    expect(new Set(all.map((t) => t.id)).size).toBe(8);
    expect(new Set(all.map((t) => t.index))).toEqual(new Set([0, 1, 2, 3, 4, 5, 6, 7]));
    for (const t of beforeKill) {
      expect(log().filter((l) => l[0] === 'start' && l[1] === t.id)).toHaveLength(1);
    }
    expect(secondOut).toContain('results: ');
    expect(existsSync(join(sweepDir, 'best.yaml'))).toBe(true);
  });
});

/** `tradegym sweep ...` as a process: through the CLI when registered there, else its command file. */
function startCoordinator(...argv: string[]): ChildProcess {
  const args = readFileSync(join(ROOT, 'scripts/cli.ts'), 'utf8').includes('sweepCommand')
    ? [join(ROOT, 'bin/tradegym.js'), 'sweep']
    : ['--import', TSX_IMPORT!, join(ROOT, 'scripts/commands/sweep.ts')];
  const proc = spawn(process.execPath, [...args, ...argv], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  spawned.push(proc);
  return proc;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
