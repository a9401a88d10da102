// Parquet write and read of 2M one-minute candles: DuckDB (the store) against hyparquet (an
// independent pure-JS reader), reporting rows/s and file size.
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asyncBufferFromFile, parquetRead } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { emptyCandles } from '../../data/types.js';
import { candleFiles, readCandles, writeCandles } from '../../data/store/candle-store.js';
import { bestOf, type Benchmark, type BenchRow } from './harness.js';

const N = 2_000_000;

export const parquetBench: Benchmark = {
  name: 'parquet',
  async run(): Promise<BenchRow[]> {
    const c = emptyCandles('bench', 'BTC/USDT', '1m', N);
    let px = 30_000;
    for (let i = 0; i < N; i++) {
      c.ts[i] = Date.UTC(2020, 0, 1) + i * 60_000;
      const o = px;
      px *= Math.exp(0.0005 * Math.sin(i * 12.9898) * 1.7);
      c.open[i] = o; c.close[i] = px;
      c.high[i] = Math.max(o, px) * 1.0002; c.low[i] = Math.min(o, px) * 0.9998;
      c.volume[i] = 1 + (i % 97) / 10;
    }
    const rows: BenchRow[] = [];
    const dir = await mkdtemp(join(tmpdir(), 'tg-bench-parquet-'));
    try {
      let k = 0;
      const writeMs = await bestOf(2, async () => {
        await rm(join(dir, String(k)), { recursive: true, force: true });
        await writeCandles(join(dir, String(++k)), c);
      });
      const store = join(dir, String(k));
      const files = await candleFiles(store, c);
      const bytes = (await Promise.all(files.map((f) => stat(f)))).reduce((s, x) => s + x.size, 0);
      rows.push({ benchmark: 'parquet write 2M candles (DuckDB, zstd)', unit: 'rows', perSec: N / (writeMs / 1000), notes: `${files.length} month files, ${(bytes / 2 ** 20).toFixed(1)} MiB, ${(bytes / N).toFixed(1)} B/row` });

      const readMs = await bestOf(3, () => readCandles(store, c));
      rows.push({ benchmark: 'parquet read 2M candles -> typed arrays (DuckDB)', unit: 'rows', perSec: N / (readMs / 1000) });

      const oneMonth = { from: Date.UTC(2021, 5, 1), to: Date.UTC(2021, 6, 1) };
      const monthRows = (await readCandles(store, c, oneMonth)).ts.length;
      const rangeMs = await bestOf(3, () => readCandles(store, c, oneMonth));
      rows.push({ benchmark: 'parquet range read (1 month of 46) (DuckDB)', unit: 'rows', perSec: monthRows / (rangeMs / 1000), notes: `${monthRows} rows in ${rangeMs.toFixed(1)} ms` });

      const hyMs = await bestOf(1, async () => {
        for (const f of files) {
          const file = await asyncBufferFromFile(f);
          await parquetRead({ file, compressors, columns: ['ts', 'open', 'high', 'low', 'close', 'volume'], onComplete: () => undefined });
        }
      });
      rows.push({ benchmark: 'parquet read 2M candles (hyparquet, pure JS)', unit: 'rows', perSec: N / (hyMs / 1000), notes: 'alternative reader' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    return rows;
  },
};
