// Feature pipeline throughput: the base experiment's 19 columns (returns, RSI, MACD, Bollinger,
// ATR, volatility, SMAs) computed bar by bar and normalised, on a 1M-bar series.
import { emptyCandles } from '../../data/types.js';
import { fitPipeline, transform } from '../../data/features/pipeline.js';
import { bestOf, type Benchmark, type BenchRow } from './harness.js';

const N = 1_000_000;
const FEATURES = ['logret:8', 'rsi:14', 'macd:12:26:9', 'bb:20:2', 'atr:14', 'vol:24', 'sma:10', 'sma:50'];

export const pipelineBench: Benchmark = {
  name: 'pipeline',
  async run(): Promise<BenchRow[]> {
    const c = emptyCandles('bench', 'BTC/USDT', '1m', N);
    let px = 100;
    for (let i = 0; i < N; i++) {
      c.ts[i] = i * 60_000;
      c.open[i] = px;
      px *= Math.exp(0.001 * Math.sin(i * 0.7) + 0.0005 * Math.cos(i * 1.3));
      c.close[i] = px;
      c.high[i] = Math.max(c.open[i], px) * 1.0005;
      c.low[i] = Math.min(c.open[i], px) * 0.9995;
      c.volume[i] = 1 + (i % 11);
    }
    const p = fitPipeline(c, { features: FEATURES, normalize: 'zscore', clip: 5 }, { from: 0, to: N * 0.7 });
    const ms = await bestOf(2, () => transform(p, c));
    return [{ benchmark: `feature pipeline transform (${p.columns.length} columns, normalised)`, unit: 'rows', perSec: N / (ms / 1000), notes: `${((N * p.columns.length) / (ms / 1000) / 1e6).toFixed(0)} M values/s` }];
  },
};
