import { mkdtempSync, rmSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCandles, writeCandles, lastCandleTs, candleFiles } from '../data/store/candle-store.js';
import { readTrades, writeTrades } from '../data/store/trade-store.js';
import { appendBooks, readBooks } from '../data/store/book-store.js';
import { emptyBooks, emptyCandles, emptyTrades, sliceCandles } from '../data/types.js';
import { DataError } from '../data/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'tg-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function synthCandles(n: number, start = Date.UTC(2024, 0, 31, 20, 0)) {
  const c = emptyCandles('binance', 'BTC/USDT', '1m', n);
  for (let i = 0; i < n; i++) {
    c.ts[i] = start + i * 60_000;
    c.open[i] = 100 + Math.sin(i / 10);
    c.close[i] = 100 + Math.sin((i + 1) / 10);
    c.high[i] = Math.max(c.open[i], c.close[i]) + 0.1 + i * 1e-7;
    c.low[i] = Math.min(c.open[i], c.close[i]) - 0.1;
    c.volume[i] = i % 7 === 0 ? 0 : 1 / (i + 1);
  }
  return c;
}

describe('candle store', () => {
  it('round-trips across month partitions exactly and reads ranges', async () => {
    const c = synthCandles(600); // crosses 2024-01 -> 2024-02
    await writeCandles(dir, c);
    const files = await candleFiles(dir, c);
    expect(files.map((f) => f.split('/').pop())).toEqual(['2024-01.parquet', '2024-02.parquet']);
    const back = await readCandles(dir, c);
    for (const k of ['ts', 'open', 'high', 'low', 'close', 'volume'] as const) expect(back[k]).toEqual(c[k]);
    const part = await readCandles(dir, c, { from: c.ts[100], to: c.ts[300] });
    expect(part.ts.length).toBe(200);
    expect(part.close).toEqual(c.close.slice(100, 300));
    expect(await lastCandleTs(dir, c)).toBe(c.ts[599]);
    // a range inside February opens only the February file
    expect(await candleFiles(dir, c, { from: Date.UTC(2024, 1, 1, 1) })).toHaveLength(1);
  });

  it('upsert replaces overlapping bars and never duplicates', async () => {
    const c = synthCandles(600);
    const overlap = sliceCandles(c, 550, 600);
    overlap.close.fill(42);
    await writeCandles(dir, overlap);
    const back = await readCandles(dir, c);
    expect(back.ts.length).toBe(600);
    expect(back.close[560]).toBe(42);
    expect(back.close[10]).toBe(c.close[10]);
  });

  it('refuses unsorted or duplicate timestamps, naming the row', async () => {
    const c = synthCandles(5);
    c.ts[3] = c.ts[2];
    await expect(writeCandles(dir, c)).rejects.toThrow(DataError);
    await expect(writeCandles(dir, c)).rejects.toThrow(/row 3/);
  });

  it('leaves no temp files behind', () => {
    const walk = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : [e.name]));
    expect(walk(dir).filter((n) => n.startsWith('.tmp-'))).toEqual([]);
  });
});

describe('trade store', () => {
  it('round-trips and dedupes by id', async () => {
    const t = emptyTrades('binance', 'ETH/USDT', 4);
    t.ts.set([1, 1, 2, 86_400_001]);
    t.price.set([10, 11, 12, 13]);
    t.amount.set([0.5, 1, 2, 3]);
    t.side.set([1, -1, 1, -1]);
    t.id = ['a', 'b', 'c', 'd'];
    await writeTrades(dir, t);
    await writeTrades(dir, t);
    const back = await readTrades(dir, t);
    expect(Array.from(back.ts)).toEqual([1, 1, 2, 86_400_001]);
    expect(back.id).toEqual(['a', 'b', 'c', 'd']);
    expect(Array.from(back.side)).toEqual([1, -1, 1, -1]);
  });
});

describe('book store', () => {
  it('appends chunks and reads them back row-major', async () => {
    const b = emptyBooks('binance', 'BTC/USDT', 3, 4);
    for (let i = 0; i < 4; i++) {
      b.ts[i] = Date.UTC(2024, 7, 8, 23, 59, 59) + i * 400;
      for (let k = 0; k < 3; k++) {
        b.bidPx[i * 3 + k] = 100 - k - i;
        b.bidSz[i * 3 + k] = 1 + k;
        b.askPx[i * 3 + k] = k === 2 && i === 1 ? NaN : 101 + k + i;
        b.askSz[i * 3 + k] = k === 2 && i === 1 ? 0 : 2 + k;
      }
    }
    const files = await appendBooks(dir, b);
    expect(files).toHaveLength(2); // crosses midnight
    const back = await readBooks(dir, b);
    expect(back.ts).toEqual(b.ts);
    expect(back.bidPx).toEqual(b.bidPx);
    expect(back.askPx).toEqual(b.askPx);
    expect(back.askSz).toEqual(b.askSz);
    const late = await readBooks(dir, b, { from: b.ts[2] });
    expect(late.ts.length).toBe(2);
    expect(late.bidPx).toEqual(b.bidPx.slice(6));
  });
});

describe('files are readable by an independent Parquet reader (hyparquet)', () => {
  it('every candle value matches', async () => {
    const { asyncBufferFromFile, parquetReadObjects, parquetMetadataAsync } = await import('hyparquet');
    const { compressors } = await import('hyparquet-compressors');
    const c = synthCandles(600);
    const other = join(dir, 'second-reader');
    await writeCandles(other, c);
    const files = await candleFiles(other, c);
    const rows: Record<string, unknown>[] = [];
    for (const f of files) {
      const file = await asyncBufferFromFile(f);
      const meta = await parquetMetadataAsync(file);
      const kv = Object.fromEntries((meta.key_value_metadata ?? []).map((e) => [e.key, e.value]));
      expect(kv).toMatchObject({ exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1m' });
      rows.push(...(await parquetReadObjects({ file, compressors })));
    }
    expect(rows).toHaveLength(600);
    rows.forEach((r, i) => {
      expect(Number(r.ts)).toBe(c.ts[i]);
      expect(r.open).toBe(c.open[i]);
      expect(r.high).toBe(c.high[i]);
      expect(r.low).toBe(c.low[i]);
      expect(r.close).toBe(c.close[i]);
      expect(r.volume).toBe(c.volume[i]);
    });
  });
});

describe('Arrow', () => {
  it('stored candles come back as an Arrow table sharing the typed arrays', async () => {
    const { readCandlesArrow, arrowToCandles, candlesToArrow, tradesToArrow } = await import('../data/store/arrow.js');
    const c = synthCandles(600);
    const store = join(dir, 'arrow');
    await writeCandles(store, c);
    const t = await readCandlesArrow(store, c, { from: c.ts[10], to: c.ts[20] });
    expect(t.numRows).toBe(10);
    expect(t.schema.metadata.get('symbol')).toBe('BTC/USDT');
    expect(t.getChild('close')!.toArray()).toEqual(c.close.slice(10, 20));
    const back = arrowToCandles(candlesToArrow(c));
    expect(back.open.buffer).toBe(c.open.buffer); // zero-copy both ways
    expect(back.open).toEqual(c.open);
    expect(back.timeframe).toBe('1m');
    const tr = emptyTrades('binance', 'BTC/USDT', 2);
    tr.ts.set([1, 2]); tr.price.set([10, 11]); tr.amount.set([1, 2]); tr.side.set([1, -1]); tr.id = ['a', 'b'];
    const tt = tradesToArrow(tr);
    expect(tt.getChild('id')!.toArray()).toEqual(['a', 'b']);
    expect(Array.from(tt.getChild('side')!.toArray() as Int8Array)).toEqual([1, -1]);
  });
});

describe('writes in flight together in one process', () => {
  it('to one series are serialised by its lock, to two series never mix their rows', async () => {
    const store = join(dir, 'in-process');
    const parts = [0, 1, 2, 3].map((k) => synthCandles(500, Date.UTC(2024, 2, 1 + k)));
    const other = { ...synthCandles(700, Date.UTC(2024, 2, 1)), symbol: 'ETH/USDT' };
    other.close = other.close.map((x) => x + 1000);
    await Promise.all([...parts.map((p) => writeCandles(store, p)), writeCandles(store, other)]);
    const btc = await readCandles(store, parts[0]);
    expect(btc.ts.length).toBe(4 * 500);
    expect(Math.max(...btc.close)).toBeLessThan(200);
    const eth = await readCandles(store, other);
    expect(eth.ts.length).toBe(700);
    expect(Math.min(...eth.close)).toBeGreaterThan(1000);
  });
});

describe('replacing a series (data check --write)', () => {
  const key = { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1m' };
  const names = async (store: string) => (await candleFiles(store, key)).map((f) => f.split('/').pop());
  const dotFiles = (store: string) => readdirSync(join(store, 'ohlcv', 'exchange=binance', 'symbol=BTC_USDT', 'timeframe=1m')).filter((n) => n.startsWith('.'));

  it('writes the new months and removes the ones no longer covered, in one commit', async () => {
    const { replaceCandles } = await import('../data/store/candle-store.js');
    const store = join(dir, 'replace');
    await writeCandles(store, synthCandles(3 * 1440, Date.UTC(2024, 0, 31)));
    expect(await names(store)).toEqual(['2024-01.parquet', '2024-02.parquet']);
    const r = await replaceCandles(store, synthCandles(60, Date.UTC(2024, 1, 1, 6)));
    expect(r.rows).toBe(60);
    expect(await names(store)).toEqual(['2024-02.parquet']);
    expect((await readCandles(store, key)).ts[0]).toBe(Date.UTC(2024, 1, 1, 6));
    expect(dotFiles(store)).toEqual([]);
  });

  it('updateCandles reads and replaces holding the lock, so a change is made to the latest rows', async () => {
    const { updateCandles } = await import('../data/store/candle-store.js');
    const store = join(dir, 'update');
    await writeCandles(store, synthCandles(100, Date.UTC(2024, 0, 10)));
    // Each update drops the last bar of what it reads: run together, each sees the other's result.
    await Promise.all([0, 1, 2].map(() => updateCandles(store, key, (c) => sliceCandles(c, 0, c.ts.length - 1))));
    expect((await readCandles(store, key)).ts.length).toBe(97);
    expect(dotFiles(store)).toEqual([]);
  });
});

describe('live trade chunks', () => {
  it('an append crossing midnight writes one chunk a day, read back with the day files', async () => {
    const { appendTradeChunk } = await import('../data/store/trade-store.js');
    const store = join(dir, 'chunks');
    const t = emptyTrades('binance', 'BTC/USDT', 4);
    const midnight = Date.UTC(2024, 7, 9);
    t.ts.set([midnight - 2, midnight - 1, midnight, midnight + 1]);
    t.price.set([10, 11, 12, 13]);
    t.amount.set([1, 1, 1, 1]);
    t.side.set([1, -1, 1, -1]);
    t.id = ['w', 'x', 'y', 'z'];
    const files = await appendTradeChunk(store, t);
    expect(files.map((f) => f.split('/').slice(-2)[0])).toEqual(['2024-08-08', '2024-08-09']);
    const back = await readTrades(store, t);
    expect(back.id).toEqual(['w', 'x', 'y', 'z']);
  });
});
