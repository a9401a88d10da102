// `npm run exchange-sim` with its fault flags, as a user tries them by hand (issue 11): a flaky
// (--fail-rate), slow (--latency), strict (--weight-per-minute) venue that drops its websockets
// (--drop-every), each fault seen through the real ccxt client. Bad flag values are one-line
// usage errors.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ccxt, { type Exchange } from 'ccxt';
import { createExchange, prepareExchange } from '../data/sources/exchange.js';
import { freePort } from './helpers/wait.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const LATENCY_MS = 500;
let npm: ChildProcess | undefined;
let url = '';
let out = '';

/** Calls `f` until it succeeds, riding out the random 503s that --fail-rate injects. */
async function through503<T>(f: () => Promise<T>): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await f();
    } catch (e) {
      if (!(e instanceof ccxt.ExchangeNotAvailable) || i >= 20) throw e;
    }
  }
}

beforeAll(async () => {
  const port = await freePort();
  // Its own process group (as a shell job), so afterAll can stop npm and everything it started.
  npm = spawn('npm', ['run', 'exchange-sim', '--', '--port', String(port),
    '--fail-rate', '0.3', '--drop-every', '2', '--weight-per-minute', '300', '--latency', String(LATENCY_MS)], { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  npm.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  npm.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const t0 = Date.now();
  while (!/faults: .*\n/.test(out)) {
    if (npm.exitCode !== null || Date.now() - t0 > 60_000) throw new Error(`the sim did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  url = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)![1];
}, 90_000);

afterAll(async () => {
  if (!npm?.pid) return;
  const exited = new Promise((r) => npm!.once('exit', r));
  try {
    process.kill(-npm.pid, 'SIGTERM');
  } catch {
    return; // already gone
  }
  await exited;
});

describe('exchange-sim fault flags, through ccxt', () => {
  it('says which faults it injects', () => {
    expect(out).toMatch(/faults: 30% of REST requests fail \(503\), websockets dropped every 2 s, 300 request weight per minute, 500 ms REST latency/);
  });

  it('--fail-rate: some requests fail with 503 (ccxt ExchangeNotAvailable), the others succeed', async () => {
    const ex = createExchange({ exchange: 'binance', exchangeUrl: url });
    let failed = 0;
    let ok = 0;
    for (let i = 0; i < 16; i++) {
      try {
        await ex.fetchTime();
        ok++;
      } catch (e) {
        expect(e).toBeInstanceOf(ccxt.ExchangeNotAvailable);
        failed++;
      }
    }
    expect(failed).toBeGreaterThan(0);
    expect(ok).toBeGreaterThan(0);
  }, 60_000);

  it('--latency: a client that waits less than the latency times out', async () => {
    const impatient = createExchange({ exchange: 'binance', exchangeUrl: url, timeoutMs: LATENCY_MS / 5 });
    await expect(impatient.fetchTime()).rejects.toBeInstanceOf(ccxt.RequestTimeout);
  });

  it('--drop-every: a pending watch is rejected as a network error, and the next one reconnects', async () => {
    const ex: Exchange = createExchange({ exchange: 'binance', exchangeUrl: url, pro: true });
    await prepareExchange(ex);
    await through503(() => ex.loadMarkets());
    let dropped: unknown;
    const t0 = Date.now();
    while (!dropped && Date.now() - t0 < 30_000) {
      try {
        await ex.watchTrades('BTC/USDT');
      } catch (e) {
        dropped = e;
      }
    }
    expect(dropped).toBeInstanceOf(ccxt.NetworkError);
    // The next drop may come before the first trade: keep watching until one arrives.
    let trades: unknown[] = [];
    while (!trades.length && Date.now() - t0 < 50_000) {
      try {
        trades = await ex.watchTrades('BTC/USDT');
      } catch (e) {
        expect(e).toBeInstanceOf(ccxt.NetworkError);
      }
    }
    expect(trades.length).toBeGreaterThan(0);
    await ex.close();
  }, 60_000);

  // Last of the sim's tests: it spends the minute's request weight.
  it('--weight-per-minute: heavy requests soon get 429 (ccxt DDoSProtection)', async () => {
    const ex = createExchange({ exchange: 'binance', exchangeUrl: url });
    await through503(() => ex.loadMarkets());
    let limited: unknown;
    // Depth of 1000 levels weighs 50: the sixth in a minute is over 300, with or without 503s between.
    for (let i = 0; i < 20 && !limited; i++) {
      try {
        await ex.fetchOrderBook('BTC/USDT', 1000);
      } catch (e) {
        if (!(e instanceof ccxt.ExchangeNotAvailable)) limited = e;
      }
    }
    expect(limited).toBeInstanceOf(ccxt.DDoSProtection);
  }, 90_000);

  it('rejects a bad flag value with one line and exit code 2', () => {
    const r = spawnSync(process.execPath, ['dist/tests/exchange-sim/main.js', '--fail-rate', '2'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe('error: fail-rate: must be from 0 to 1, got 2');
  });
});
