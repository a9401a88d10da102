// The tradegym CLI as a user runs it (a child process): help, clear errors for bad flags and
// unknown symbols, the samples on a fresh checkout, and import / check / export end to end.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExchangeSim, type ExchangeSim } from './exchange-sim/server.js';
import { emptyCandles } from '../data/types.js';

const BIN = fileURLToPath(new URL('../bin/tradegym.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'tg-cli-'));
const run = promisify(execFile);

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  try {
    const r = await run(process.execPath, [BIN, ...args], { env: { ...process.env, TRADEGYM_STORE: join(dir, 'store') } });
    return { code: 0, out: r.stdout, err: r.stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, out: x.stdout, err: x.stderr };
  }
}

let sim: ExchangeSim;
beforeAll(async () => {
  const c = emptyCandles('binance', 'BTC/USDT', '1h', 48);
  for (let i = 0; i < 48; i++) {
    c.ts[i] = Date.UTC(2024, 0, 1) + i * 3_600_000;
    c.open[i] = c.low[i] = 100 + i;
    c.close[i] = c.high[i] = 101 + i;
    c.volume[i] = 5;
  }
  sim = await startExchangeSim({ candles: [c], syntheticLive: false });
});
afterAll(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('help', () => {
  it('lists the commands, and every data command shows an example', async () => {
    const top = await cli('--help');
    expect(top.code).toBe(0);
    expect(top.out).toMatch(/tradegym data <command>/);
    const data = await cli('data', '--help');
    for (const c of ['fetch', 'record', 'ls', 'check', 'import', 'export']) expect(data.out).toContain(`tradegym data ${c}`);
    const helps = await Promise.all(['fetch', 'record', 'ls', 'check', 'import', 'export'].map((c) => cli('data', c, '--help')));
    for (const h of helps) expect(h.out).toMatch(/Examples:\n\s+tradegym data /);
  });
});

describe('clear errors', () => {
  it('rejects an unknown flag and a missing required flag', async () => {
    const bad = await cli('data', 'fetch', '--symbol', 'BTC/USDT', '--since', '2024-01-01', '--timeframe', '1m', '--bogus', '1');
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/Unknown argument: bogus/);
    const missing = await cli('data', 'fetch', '--data', 'binance:BTC/USDT:1m');
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/Missing required argument: since/);
  });

  it('names the bad field', async () => {
    const tf = await cli('data', 'fetch', '--symbol', 'BTC/USDT', '--timeframe', '7x', '--since', '2024-01-01');
    expect(tf.code).toBe(2);
    expect(tf.err).toMatch(/timeframe: "7x" is not a timeframe/);
    const since = await cli('data', 'fetch', '--symbol', 'BTC/USDT', '--timeframe', '1m', '--since', 'yesterday-ish');
    expect(since.err).toMatch(/since: "yesterday-ish" is not a date/);
    const ex = await cli('data', 'fetch', '--exchange', 'notanexchange', '--symbol', 'BTC/USDT', '--timeframe', '1m', '--since', '2024-01-01');
    expect(ex.err).toMatch(/exchange: unknown exchange "notanexchange"/);
    const url = await cli('data', 'fetch', '--exchange-url', 'ftp://x', '--symbol', 'BTC/USDT', '--timeframe', '1m', '--since', '2024-01-01');
    expect(url.err).toMatch(/exchange-url: "ftp:\/\/x" must start with http/);
  });

  it('names an unknown symbol and lists what the exchange has', async () => {
    const r = await cli('data', 'fetch', '--exchange-url', sim.url, '--data', 'binance:BTC/EUR:1h', '--since', '2024-01-01');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/symbol: unknown symbol "BTC\/EUR" on binance; BTC markets there: BTC\/USDT/);
  });

  it('validates the defaults file and names the field', async () => {
    const cfg = join(dir, 'bad.yaml');
    writeFileSync(cfg, 'store: ./x\nexchangeUrl: http://127.0.0.1:1\nstroe: oops\n');
    const r = await cli('--defaults', cfg, 'data', 'ls');
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/stroe/);
    expect(r.err).toMatch(/stroe: unknown field; did you mean store\?/);
  });
});

describe('data commands end to end', () => {
  it('data ls shows the shipped samples on a fresh store', async () => {
    const r = await cli('data', 'ls');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/samples\s+ohlcv\s+coinbase\s+BTC\/USD\s+1h\s+2017-07-01T11:00:00Z\s+2019-10-17T09:00:00Z\s+20111\s+0 \(0 bars\)/);
    expect(r.out).toMatch(/samples\s+books\s+binance\s+BTC\/USDT\s+depth=20/);
  });

  it('fetch through the defaults file, then a second fetch resumes', async () => {
    const cfg = join(dir, 'ok.yaml');
    writeFileSync(cfg, `exchange-url: ${sim.url}\nstore: ${join(dir, 'cfgstore')}\ndata: binance:BTC/USDT:1h\n`);
    const a = await cli('--defaults', cfg, 'data', 'fetch', '--since', '2024-01-01', '--until', '2024-01-02');
    expect(a.code).toBe(0);
    expect(a.out).toMatch(/fetched 24 BTC\/USDT 1h candles/);
    const b = await cli('--defaults', cfg, 'data', 'fetch', '--symbol', 'BTC/USDT', '--since', '2024-01-01', '--until', '2024-01-03');
    expect(b.out).toMatch(/resumed after the last stored row: fetched 24 BTC\/USDT 1h candles/);
  });

  it('import refuses a bad file naming the row, repairs on request, exports back', async () => {
    const file = join(dir, 'dupes.json');
    const h = 3_600_000;
    const t0 = Date.UTC(2024, 0, 1);
    writeFileSync(file, JSON.stringify([[t0, 1, 2, 0.5, 1.5, 10], [t0 + h, 1.5, 2, 1, 1.8, 3], [t0 + h, 1.5, 2.1, 1, 1.9, 4], [t0 + 3 * h, 1.9, 2, 1.8, 2, 1]]));
    const refused = await cli('data', 'import', file, '--exchange', 'test', '--symbol', 'ABC/USDT', '--timeframe', '1h');
    expect(refused.code).toBe(3);
    // The file's own place: one line holds the whole array, the duplicate is its third element.
    expect(refused.err).toMatch(/dupes\.json, line 1, element 3, ts: 2024-01-01T01:00Z: duplicate of line 1, element 2/);
    expect(refused.err).toMatch(/duplicate/);
    const check = await cli('data', 'check', '--file', file, '--exchange', 'test', '--symbol', 'ABC/USDT', '--timeframe', '1h');
    expect(check.code).toBe(3);
    expect(check.out).toMatch(/duplicate\s+1/);
    expect(check.out).toMatch(/gap\s+1/);
    const ok = await cli('data', 'import', file, '--exchange', 'test', '--symbol', 'ABC/USDT', '--timeframe', '1h', '--duplicates', 'keep-last', '--gaps', 'ffill');
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/stored 4 ABC\/USDT 1h candles/);
    const out = join(dir, 'out.csv');
    const exp = await cli('data', 'export', '--exchange', 'test', '--symbol', 'ABC/USDT', '--timeframe', '1h', '--format', 'csv', '--out', out);
    expect(exp.code).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('ts,datetime,open,high,low,close,volume');
    expect(lines.slice(1)).toEqual([
      `${t0},2024-01-01T00:00:00.000Z,1,2,0.5,1.5,10`,
      `${t0 + h},2024-01-01T01:00:00.000Z,1.5,2.1,1,1.9,4`,
      `${t0 + 2 * h},2024-01-01T02:00:00.000Z,1.9,1.9,1.9,1.9,0`,
      `${t0 + 3 * h},2024-01-01T03:00:00.000Z,1.9,2,1.8,2,1`,
    ]);
  });
});

describe('tradegym baseline', () => {
  it('scores every baseline next to buy-and-hold and writes a run folder with a report', async () => {
    const cfg = join(dir, 'baselines.yaml');
    const configs = fileURLToPath(new URL('../experiments/configs/', import.meta.url));
    writeFileSync(cfg, `extends: ${join(configs, 'baselines.yaml')}\nname: smoke\nbaselines:\n  randomForest: { trees: 10, maxDepth: 4 }\n  walkForwardFolds: 2\n`);
    const r = await cli('baseline', '--config', cfg, '--runs', join(dir, 'runs'));
    expect(r.code).toBe(0);
    for (const name of ['buy-and-hold', 'ma-cross', 'rsi', 'logistic-regression', 'random-forest']) expect(r.out).toMatch(new RegExp(`^${name}\\s`, 'm'));
    expect(r.out).toMatch(/accuracy\s+precision\s+recall\s+F1\s+AUC/);
    const runDir = /run folder: (.*)/.exec(r.out)![1];
    const metrics = JSON.parse(readFileSync(join(runDir, 'metrics.json'), 'utf8'));
    expect(Object.keys(metrics.policies)).toEqual(['buy-and-hold', 'ma-cross', 'rsi', 'logistic-regression', 'random-forest']);
    expect(metrics.walkForward).toHaveLength(2);
    expect(metrics.policies['random-forest'].ml.auc).toBeGreaterThan(0);
    expect(readFileSync(join(runDir, 'report.html'), 'utf8')).toContain('random-forest');
    expect(readFileSync(join(runDir, 'config.yaml'), 'utf8')).toMatch(/trees: 10/);
  });
});
