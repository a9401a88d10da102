// data record through ccxt.pro against the local server replaying the real Binance L2 sample:
// the recorded books equal the replayed ones, a dropped socket is survived, and a kill -9 loses
// at most the unflushed chunk without corrupting any file already written; the restart fetches
// back the trades it missed (ids stay contiguous) and marks the books it missed as a gap.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { startExchangeSim, type ExchangeSim } from './exchange-sim/server.js';
import { createExchange, prepareExchange } from '../data/sources/exchange.js';
import { isBookGap, recordLive, type RecorderEvent } from '../data/sources/record-live.js';
import { bookFiles, readBooks } from '../data/store/book-store.js';
import { readTrades } from '../data/store/trade-store.js';
import { SAMPLES_STORE } from '../data/store/catalog.js';
import { emptyCandles, type Books } from '../data/types.js';
import { until } from './helpers/wait.js';

const BIN = fileURLToPath(new URL('../bin/tradegym.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'tg-record-'));
let sim: ExchangeSim;
let sample: Books;

beforeAll(async () => {
  sample = await readBooks(SAMPLES_STORE, { exchange: 'binance', symbol: 'BTC/USDT', depth: 20 });
  const trades = await readTrades(SAMPLES_STORE, { exchange: 'binance', symbol: 'BTC/USDT' });
  // ETH/USDT has only candles: the server streams a seeded synthetic book for it.
  const eth = emptyCandles('binance', 'ETH/USDT', '1m', 10);
  for (let i = 0; i < 10; i++) {
    eth.ts[i] = Date.UTC(2024, 7, 8) + i * 60_000;
    eth.open[i] = eth.high[i] = eth.low[i] = eth.close[i] = 2500 + i;
    eth.volume[i] = 10;
  }
  sim = await startExchangeSim({ books: [sample], trades: [trades], candles: [eth], replaySpeed: 5 });
});
afterAll(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

const levelsKey = (b: Books, i: number) => {
  const d = b.depth;
  return [b.bidPx, b.bidSz, b.askPx, b.askSz].map((a) => Array.from(a.subarray(i * d, i * d + d)).join(',')).join('|');
};

describe('live recorder', () => {
  it('records books equal to the replayed ones and survives a dropped socket', async () => {
    const store = join(dir, 'live');
    const ex = createExchange({ exchange: 'binance', exchangeUrl: sim.url, pro: true });
    await prepareExchange(ex);
    const stop = new AbortController();
    const events: RecorderEvent[] = [];
    const run = recordLive({
      exchange: ex, store, symbols: ['BTC/USDT', 'ETH/USDT'], depth: 20, flushMs: 300, signal: stop.signal,
      reconnectBaseMs: 50, onEvent: (e) => events.push(e),
    });
    const btcBookFlushes = () => events.filter((e) => e.type === 'flush' && e.symbol === 'BTC/USDT' && e.books > 0).length;
    await until('two BTC book flushes', () => btcBookFlushes() >= 2, 20_000);
    sim.dropConnections();
    // ccxt.pro throttles re-subscriptions (Binance's websocket limits), so a reconnect takes ~1-3 s.
    await until('the BTC book stream to reconnect', () => events.some((e) => e.type === 'reconnect' && e.symbol === 'BTC/USDT' && e.stream === 'books'), 30_000);
    const afterReconnect = btcBookFlushes();
    await until('two BTC book flushes after the reconnect', () => btcBookFlushes() >= afterReconnect + 2, 20_000);
    // Under load the second symbol's stream may lag: wait until it has written books too.
    await until('two ETH books flushed', () => events.filter((e) => e.type === 'flush' && e.symbol === 'ETH/USDT' && e.books > 0).reduce((s, e) => s + (e.type === 'flush' ? e.books : 0), 0) >= 2, 30_000);
    stop.abort();
    const stats = await run;

    expect(events.some((e) => e.type === 'disconnect')).toBe(true);
    expect(stats.reconnects).toBeGreaterThanOrEqual(1);
    const btc = await readBooks(store, { exchange: 'binance', symbol: 'BTC/USDT', depth: 20 });
    const eth = await readBooks(store, { exchange: 'binance', symbol: 'ETH/USDT', depth: 20 });
    expect(btc.ts.length).toBeGreaterThan(5);
    expect(eth.ts.length).toBeGreaterThan(1);
    // Every recorded BTC book is, level for level, one of the snapshots the server replayed.
    const replayed = new Set(Array.from({ length: sample.ts.length }, (_, i) => levelsKey(sample, i)));
    // The drop left a gap row (every level empty) before the books of the new connection.
    const gaps = (b: Books) => Array.from({ length: b.ts.length }, (_, i) => i).filter((i) => isBookGap(b, i));
    expect(gaps(btc).length).toBeGreaterThanOrEqual(1);
    for (let i = 0; i < btc.ts.length; i++) if (!isBookGap(btc, i)) expect(replayed.has(levelsKey(btc, i))).toBe(true);
    for (let i = 0; i < eth.ts.length; i++) if (!isBookGap(eth, i)) expect(eth.bidPx[i * 20]).toBeLessThan(eth.askPx[i * 20]);
    // Books were recorded after the drop too (the recorder reconnected and kept going).
    const dropped = events.findIndex((x) => x.type === 'disconnect');
    expect(events.filter((e, k) => k > dropped && e.type === 'flush' && e.symbol === 'BTC/USDT' && e.books > 0).length).toBeGreaterThanOrEqual(2);
    const trades = await readTrades(store, { exchange: 'binance', symbol: 'BTC/USDT' });
    expect(trades.ts.length).toBeGreaterThan(0);
    expect(new Set(trades.id).size).toBe(trades.ts.length);
    // The trades missed during the drop were fetched back by id: no hole in the ids.
    const ids = trades.id.map(Number);
    expect(Math.max(...ids) - Math.min(...ids) + 1).toBe(ids.length);
  });

  it('a kill -9 loses at most the unflushed chunk and corrupts no file', async () => {
    const store = join(dir, 'killed');
    const args = [BIN, 'data', 'record', '--exchange-url', sim.url, '--exchange', 'binance', '--symbols', 'BTC/USDT', '--depth', '20', '--flush-ms', '200', '--store', store];
    const key = { exchange: 'binance', symbol: 'BTC/USDT', depth: 20 };
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (b) => (out += b));
    child.stderr.on('data', (b) => (out += b));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    await until('four BTC book flushes from the CLI', () => (out.match(/flushed BTC\/USDT: [1-9]\d* books/g) ?? []).length >= 4, 30_000);
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    const files = await bookFiles(store, key);
    expect(files.length).toBeGreaterThanOrEqual(4);
    // Each finished file reads completely with an independent reader.
    for (const f of files) {
      const rows = await parquetReadObjects({ file: await asyncBufferFromFile(f), compressors });
      expect(rows.length).toBeGreaterThan(0);
      expect((rows[0].bidPx as number[]).length).toBe(20);
    }
    const first = await readBooks(store, key);
    expect(Array.from({ length: first.ts.length }, (_, i) => isBookGap(first, i)).some(Boolean)).toBe(false);

    // A restart continues: more chunks, still one strictly increasing series, with a gap row
    // between the two runs' books, and the trades missed while down fetched back by id.
    const again = spawn(process.execPath, [...args, '--duration', '3'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let againOut = '';
    again.stdout.on('data', (b) => (againOut += b));
    again.stderr.on('data', (b) => (againOut += b));
    const code = await new Promise<number | null>((resolve) => again.on('exit', (c) => resolve(c)));
    expect(code, againOut).toBe(0);
    const second = await readBooks(store, key);
    expect(second.ts.length).toBeGreaterThan(first.ts.length);
    for (let i = 1; i < second.ts.length; i++) expect(second.ts[i]).toBeGreaterThan(second.ts[i - 1]);
    expect(isBookGap(second, first.ts.length)).toBe(true);
    expect(againOut).toMatch(/BTC\/USDT trades \d+\.\.\d+ missed while away: [1-9]\d* fetched over REST/);
    const ids = (await readTrades(store, { exchange: 'binance', symbol: 'BTC/USDT' })).id.map(Number);
    expect(new Set(ids).size).toBe(ids.length);
    expect(Math.max(...ids) - Math.min(...ids) + 1).toBe(ids.length);
    const walk = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : [e.name]));
    expect(walk(store).every((n) => n.endsWith('.parquet') || n.startsWith('.tmp-'))).toBe(true);
  });
});
