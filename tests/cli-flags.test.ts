// The CLI's flags as users expect them, through the real binary: configs positional or --config,
// --set/--seed/--total-steps overrides saved in the resolved config, "did you mean" for typos, one
// --data market flag with its long form, backtest over any policy and time range, eval of a run
// folder, resampled exports, and exit codes 1 usage / 2 config / 3 data.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exitCodeOf } from '../scripts/exit-codes.js';
import { ConfigError, DataError, ExchangeError, UsageError } from '../data/errors.js';
import { readCandles } from '../data/store/candle-store.js';
import { SAMPLES_STORE } from '../data/store/catalog.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'tradegym.js');
const dir = mkdtempSync(join(tmpdir(), 'tg-flags-'));
const runs = join(dir, 'runs');
const exec = promisify(execFile);

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  try {
    const r = await exec(process.execPath, [BIN, ...args], { cwd: dir, env: { ...process.env, TRADEGYM_STORE: join(dir, 'store'), TRADEGYM_PROGRESS_EVERY: '60' }, maxBuffer: 16 << 20 });
    return { code: 0, out: r.stdout, err: r.stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, out: x.stdout, err: x.stderr };
  }
}

/** A small experiment over the shipped sample: a few thousand PPO steps, two cheap baselines. */
function writeConfig(name: string, extra: Record<string, unknown> = {}): string {
  const path = join(dir, `${name}.yaml`);
  writeFileSync(path, stringify({
    extends: join(ROOT, 'experiments', 'configs', 'quickstart.yaml'),
    name,
    seeds: 1,
    agent: { algo: 'ppo', totalTimesteps: 4096, numSteps: 64 },
    training: { numEnvs: 4, evalEvery: 2048 },
    baselines: { models: ['ma-cross'], walkForwardFolds: 0 },
    ...extra,
  }));
  return path;
}

const runFolders = (prefix: string) => readdirSync(runs).filter((d) => d.startsWith(`${prefix}-`)).map((d) => join(runs, d));
let trained: string;

beforeAll(async () => {
  // One trained run folder for the backtest / eval tests, through --set and the shorthands.
  const cfg = writeConfig('flags');
  const r = await cli('train', cfg, '--runs', runs, '--set', 'agent.learningRate=1e-4', '--set', 'env.reward={ kind: differential-sharpe }', '--seed', '3', '--total-steps', '2048');
  if (r.code !== 0) throw new Error(`train failed (${r.code}): ${r.err}`);
  trained = runFolders('flags')[0];
}, 300_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('config overrides', () => {
  it('--set values parse as YAML, the shorthands win, and the run saves the resolved config', () => {
    const saved = parse(readFileSync(join(trained, 'config.yaml'), 'utf8'));
    expect(saved.agent.learningRate).toBe(1e-4);
    expect(saved.env.reward).toEqual({ kind: 'differential-sharpe' });
    expect(saved.seed).toBe(3);
    expect(saved.agent.totalTimesteps).toBe(2048);
    expect(saved.agent.numSteps).toBe(64); // untouched fields keep the file's values
    // The checkpoint's lineage carries the same resolved experiment.
    const policy = JSON.parse(readFileSync(join(trained, 'checkpoints', 'best', 'policy.json'), 'utf8'));
    expect(policy.lineage.experiment.seed).toBe(3);
  });

  it('a bad override names itself; a typo gets "did you mean"', async () => {
    const cfg = writeConfig('typo');
    const typo = await cli('train', cfg, '--set', 'agent.lerningRate=0.001');
    expect(typo.code).toBe(2);
    expect(typo.err).toMatch(/--set agent\.lerningRate: agent\.lerningRate: unknown field; did you mean learningRate\?/);
    const bad = await cli('train', cfg, '--set', 'agent.learningRate=-1');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--set agent\.learningRate: agent\.learningRate: /);
    const form = await cli('train', cfg, '--set', 'agent.learningRate');
    expect(form.code).toBe(2);
    expect(form.err).toMatch(/must be path=value/);
    const fileTypo = writeConfig('filetypo', { trainig: { numEnvs: 2 } });
    const inFile = await cli('baseline', fileTypo);
    expect(inFile.code).toBe(2);
    expect(inFile.err).toMatch(/filetypo\.yaml: trainig: unknown field; did you mean training\?/);
    expect(inFile.err.trim().split('\n')).toHaveLength(1);
  });

  it('a config error found once training starts leaves no run folder behind', async () => {
    const cfg = writeConfig('refused');
    const r = await cli('train', cfg, '--runs', runs, '--set', 'agent.numMinibatches=7');
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(runFolders('refused')).toEqual([]);
  });

  it('the config is positional or --config, on run, train, baseline and sweep', async () => {
    const cfg = writeConfig('positional', { agent: undefined, baselines: { models: ['ma-cross'], walkForwardFolds: 0 } });
    const a = await cli('baseline', cfg, '--runs', runs);
    const b = await cli('baseline', '--config', cfg, '--runs', runs);
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(a.out.split('\n').filter((l) => /^ma-cross/.test(l))).toEqual(b.out.split('\n').filter((l) => /^ma-cross/.test(l)));
    for (const command of ['run', 'train', 'baseline', 'sweep']) {
      const none = await cli(command);
      expect(none.code, command).toBe(1);
      expect(none.err).toMatch(new RegExp(`name a config: tradegym ${command} <file\\.yaml> \\(or --config <file\\.yaml>\\)`));
      const help = await cli(command, '--help');
      expect(help.out).toMatch(/--config/);
      expect(help.out).toMatch(/--set/);
    }
    const steps = await cli('baseline', cfg, '--total-steps', '10');
    expect(steps.code).toBe(1); // baseline trains nothing: the shorthand is not one of its flags
    expect(steps.err).toMatch(/^error: Unknown argument: total-steps$/m);
  });
});

describe('one market flag', () => {
  it('--data and the long form select the same series; a conflict is refused', async () => {
    const short = await cli('backtest', '--data', 'coinbase:BTC/USD:1d', '--policy', 'buy-and-hold', '--split', 'test');
    const long = await cli('backtest', '--exchange', 'coinbase', '--symbol', 'BTC/USD', '--timeframe', '1d', '--policy', 'buy-and-hold', '--split', 'test');
    expect(short.code).toBe(0);
    expect(short.out).toBe(long.out);
    expect(short.out).toMatch(/coinbase BTC\/USD 1d, test split/);
    const clash = await cli('backtest', '--data', 'coinbase:BTC/USD:1d', '--timeframe', '1h');
    expect(clash.code).toBe(2);
    expect(clash.err).toMatch(/timeframe: --data says 1d but --timeframe says 1h/);
    const malformed = await cli('data', 'export', '--data', 'coinbase-BTC', '--out', join(dir, 'x.csv'));
    expect(malformed.code).toBe(2);
    expect(malformed.err).toMatch(/data: "coinbase-BTC" must be exchange:symbol:timeframe/);
  });

  it('every reading command defaults to the shipped sample', async () => {
    const out = join(dir, 'default.csv');
    const exp = await cli('data', 'export', '--out', out);
    expect(exp.code).toBe(0);
    expect(exp.out).toMatch(/wrote 20111 rows/);
    const bt = await cli('backtest', '--policy', 'flat');
    expect(bt.out).toMatch(/coinbase BTC\/USD 1h, all split/);
    const check = await cli('data', 'check');
    expect(check.code).toBe(0); // ordinary hourly BTC moves are reported, not errors
  });
});

describe('backtest any policy', () => {
  it('rules with parameters, a run folder and a checkpoint folder, over --since/--until', async () => {
    const r = await cli('backtest', '--policy', 'buy-and-hold', 'ma-cross:10:30', 'rsi:14:30:70', trained, join(trained, 'checkpoints', 'last'),
      '--since', '2019-06-01', '--until', '2019-09-01');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/all split within --since\/--until: 2019-06-01T00:00:00Z \.\. 2019-08-31T23:00:00Z/);
    for (const name of ['buy-and-hold', 'ma-cross:10:30', 'rsi:14:30:70', `ppo \\(${trained.replaceAll('/', '\\/')}\\)`]) expect(r.out).toMatch(new RegExp(`^${name}\\s`, 'm'));
    const rows = r.out.split('\n').filter((l) => /^(buy-and-hold|ma-cross|rsi|ppo)/.test(l));
    expect(rows).toHaveLength(5);
  });

  it('the run folder scores as `eval` scores its best checkpoint (same env, same numbers)', async () => {
    const ev = await cli('eval', trained, '--split', 'test');
    expect(ev.code, ev.err).toBe(0);
    const bt = await cli('backtest', '--policy', trained, '--split', 'test');
    const cell = (text: string, row: RegExp) => text.split('\n').find((l) => row.test(l))!.split(/\s{2,}/)[1];
    expect(cell(bt.out, /^ppo/)).toBe(cell(ev.out, /^ppo/));
    expect(ev.out).toMatch(/checkpoints\/best: coinbase BTC\/USD 1h, test split/);
  });

  it('an unknown policy gets "did you mean"; a checkpoint on the wrong timeframe is refused', async () => {
    const typo = await cli('backtest', '--policy', 'buy-and-hodl');
    expect(typo.code).toBe(2);
    expect(typo.err).toMatch(/policy: "buy-and-hodl" is not a policy or a checkpoint \/ run folder; did you mean buy-and-hold\?/);
    const rule = await cli('backtest', '--policy', 'ma-cross:30:10');
    expect(rule.err).toMatch(/want whole numbers FAST < SLOW/);
    const tf = await cli('backtest', '--data', 'coinbase:BTC/USD:1d', '--policy', trained);
    expect(tf.code).toBe(2);
    expect(tf.err).toMatch(/was trained on 1h bars; the backtest data is 1d/);
    const empty = await cli('backtest', '--since', '2030-01-01');
    expect(empty.code).toBe(2);
    expect(empty.err).toMatch(/no bars of the all split fall in the range given/);
  });
});

describe('resampling', () => {
  it('data export --timeframe 4h aggregates the stored 1h bars (first open, max high, min low, last close, summed volume)', async () => {
    const out = join(dir, '4h.csv');
    const r = await cli('data', 'export', '--data', 'coinbase:BTC/USD:4h', '--since', '2019-01-01', '--until', '2019-01-03', '--out', out);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/coinbase BTC\/USD 4h resampled from 1h \(shipped sample\)/);
    const rows = readFileSync(out, 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    expect(rows).toHaveLength(12);
    const h = await readCandles(SAMPLES_STORE, { exchange: 'coinbase', symbol: 'BTC/USD', timeframe: '1h' }, { from: Date.UTC(2019, 0, 1), to: Date.UTC(2019, 0, 3) });
    for (let k = 0; k < 12; k++) {
      const [ts, , open, high, low, close, volume] = rows[k].map(Number);
      const i = k * 4;
      expect(ts).toBe(h.ts[i]);
      expect(open).toBe(h.open[i]);
      expect(high).toBe(Math.max(...h.high.slice(i, i + 4)));
      expect(low).toBe(Math.min(...h.low.slice(i, i + 4)));
      expect(close).toBe(h.close[i + 3]);
      expect(volume).toBeCloseTo(h.volume.slice(i, i + 4).reduce((a, b) => a + b, 0), 9);
    }
  });

  it('run and backtest select a resampled series the same way', async () => {
    const bt = await cli('backtest', '--data', 'coinbase:BTC/USD:4h', '--policy', 'buy-and-hold', '--split', 'test');
    expect(bt.code, bt.err).toBe(0);
    expect(bt.out).toMatch(/resampled from 1h/);
    const cfg = writeConfig('four-hours', { agent: undefined, data: { exchange: 'coinbase', symbol: 'BTC/USD', timeframe: '4h' } });
    const base = await cli('baseline', cfg, '--runs', runs);
    expect(base.code, base.err).toBe(0);
    expect(base.out).toMatch(/coinbase BTC\/USD 4h: \d+ bars/);
  });
});

describe('exit codes', () => {
  it('1 usage, 2 config, 3 data errors; the same mapping for every command', async () => {
    expect((await cli('backtest', '--bogus')).code).toBe(1);
    expect((await cli('nosuchcommand')).code).toBe(1);
    expect((await cli('backtest', '--data', 'coinbase:BTC/USD:7x')).code).toBe(2);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify([[Date.UTC(2024, 0, 1), 1, 2, 0.5, 1.5, 10], [Date.UTC(2024, 0, 1), 1, 2, 0.5, 1.5, 10]]));
    expect((await cli('data', 'import', bad, '--data', 'test:ABC/USDT:1h')).code).toBe(3);
    expect((await cli('data', 'check', '--file', bad, '--timeframe', '1h')).code).toBe(3);
    const help = await cli('--help');
    expect(help.out).toMatch(/Exit codes: 0 ok, 1 usage, 2 config error, 3 data errors found, 4 exchange unreachable or refused/);
  });

  it('maps each error class once (4 for the exchange; a bug keeps its stack)', () => {
    expect(exitCodeOf(new UsageError('x'))).toBe(1);
    expect(exitCodeOf(new ConfigError('f', 'x'))).toBe(2);
    expect(exitCodeOf(new DataError('x'))).toBe(3);
    expect(exitCodeOf(new ExchangeError('x'))).toBe(4);
    expect(exitCodeOf(new TypeError('x'))).toBeUndefined();
  });
});
