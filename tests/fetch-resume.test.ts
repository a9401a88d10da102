// `tradegym data fetch` killed with SIGKILL mid-fetch (issue 11): what it fetched up to its last
// commit is in the store, and a rerun continues after the last stored row to a series equal to a
// clean full fetch (no duplicate, no hole). The local Binance-speaking server answers slowly
// (latency) so the fetch spans several commits; the fetcher is the real CLI process.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExchangeSim, type ExchangeSim } from './exchange-sim/server.js';
import { makeCandles, makeTrades } from './exchange-sim/fixtures.js';
import { readCandles } from '../data/store/candle-store.js';
import { readTrades } from '../data/store/trade-store.js';
import { until } from './helpers/wait.js';

const BIN = fileURLToPath(new URL('../bin/tradegym.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'tg-fetch-kill-'));
const T0 = Date.UTC(2024, 0, 1);
const N_BARS = 6000;
const N_TRADES = 12_000;
const candles = makeCandles({ symbol: 'BTC/USDT', start: T0, price: 42000, n: N_BARS });
const trades = makeTrades({ symbol: 'BTC/USDT', start: T0, price: 42000, n: N_TRADES, everyMs: 100 });
const KEY = { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1m' };
let sim: ExchangeSim;

beforeAll(async () => {
  // 150 ms per request and pages of 100 or 200 rows: each fetch needs 60 requests, about 10 s.
  sim = await startExchangeSim({ candles: [candles], trades: [trades], syntheticLive: false, latencyMs: 150 });
});
afterAll(async () => {
  await sim?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Child {
  out(): string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(): void;
}

function fetchCli(args: string[]): Child {
  const child = spawn(process.execPath, [BIN, 'data', 'fetch', '--exchange-url', sim.url, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (b) => (out += b));
  child.stderr.on('data', (b) => (out += b));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { out: () => out, exit, kill: () => child.kill('SIGKILL') };
}

/** Distinct stored row counts seen while polling: two or more means two or more commits landed. */
async function killAfterCommits(child: Child, rows: () => Promise<number>, total: number): Promise<number> {
  const seen = new Set<number>();
  await until('two commits are stored', async () => {
    const n = await rows();
    if (n > 0) seen.add(n);
    return seen.size >= 2;
  }, 60_000);
  child.kill();
  const { signal } = await child.exit;
  expect(signal, child.out()).toBe('SIGKILL');
  const stored = await rows();
  // Killed mid-fetch: some rows are stored, not all of them.
  expect(stored).toBeGreaterThan(0);
  expect(stored).toBeLessThan(total);
  return stored;
}

describe('data fetch killed with SIGKILL resumes where it was', () => {
  it('ohlcv: the stored prefix survives and a rerun completes it exactly', async () => {
    const store = join(dir, 'ohlcv');
    const args = ['--data', 'binance:BTC/USDT:1m', '--since', String(T0), '--until', String(T0 + N_BARS * 60_000), '--page-size', '100', '--flush-ms', '500', '--store', store];
    const stored = await killAfterCommits(fetchCli(args), async () => (await readCandles(store, KEY)).ts.length, N_BARS);

    // What survived is exactly the first `stored` bars, value for value.
    const part = await readCandles(store, KEY);
    for (const k of ['ts', 'open', 'high', 'low', 'close', 'volume'] as const) expect(part[k]).toEqual(candles[k].slice(0, stored));

    const before = sim.requests.length;
    const rerun = fetchCli(args);
    expect((await rerun.exit).code, rerun.out()).toBe(0);
    expect(rerun.out()).toMatch(new RegExp(`resumed after the last stored row: fetched ${N_BARS - stored} BTC/USDT 1m candles`));
    // The rerun's first page starts right after the last stored bar, not at --since.
    const first = sim.requests.slice(before).find((r) => r.path === '/api/v3/klines')!;
    expect(Number(first.query.startTime)).toBe(candles.ts[stored]);
    const full = await readCandles(store, KEY);
    for (const k of ['ts', 'open', 'high', 'low', 'close', 'volume'] as const) expect(full[k]).toEqual(candles[k]);
  }, 180_000);

  it('trades: the stored prefix survives and a rerun completes it exactly', async () => {
    const store = join(dir, 'trades');
    const args = ['--exchange', 'binance', '--symbol', 'BTC/USDT', '--kind', 'trades', '--since', String(T0), '--until', String(T0 + N_TRADES * 100), '--page-size', '200', '--flush-ms', '500', '--store', store];
    const stored = await killAfterCommits(fetchCli(args), async () => (await readTrades(store, KEY)).ts.length, N_TRADES);

    const part = await readTrades(store, KEY);
    expect(part.id).toEqual(trades.id.slice(0, stored));
    expect(part.price).toEqual(trades.price.slice(0, stored));

    const rerun = fetchCli(args);
    expect((await rerun.exit).code, rerun.out()).toBe(0);
    expect(rerun.out()).toMatch(/resumed after the last stored row/);
    const full = await readTrades(store, KEY);
    expect(full.id).toEqual(trades.id);
    for (const k of ['ts', 'price', 'amount', 'side'] as const) expect(full[k]).toEqual(trades[k]);
  }, 180_000);
});
