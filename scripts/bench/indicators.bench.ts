// Indicators over 1M synthetic bars: values/s of each batch form and of its streaming form fed one
// value (or one bar object) at a time. Each stream gets its own loop, so every call site stays
// monomorphic, as in real use where one loop drives one indicator.
import * as I from '../../data/features/indicators/index.js';
import { bestOf, type Benchmark, type BenchRow } from './harness.js';

const N = 1_000_000;

export const indicatorsBench: Benchmark = {
  name: 'indicators',
  async run(): Promise<BenchRow[]> {
    const close = new Float64Array(N);
    const high = new Float64Array(N);
    const low = new Float64Array(N);
    const volume = new Float64Array(N);
    let px = 30_000;
    for (let i = 0; i < N; i++) {
      px *= Math.exp(0.0005 * Math.sin(i * 12.9898) * 1.7);
      close[i] = px;
      high[i] = px * (1 + 0.001 * (1 + Math.sin(i * 7.1)));
      low[i] = px * (1 - 0.001 * (1 + Math.cos(i * 3.3)));
      volume[i] = 1 + (i % 97) / 10;
    }
    const bars = { high, low, close, volume };
    const out = new Float64Array(N);
    // Multi-output forms fill given arrays, so the timings exclude allocating 8-32 MB per call.
    const col = () => new Float64Array(N);
    const macdOut = { macd: col(), signal: col(), hist: col() };
    const bandsOut = { upper: col(), middle: col(), lower: col(), std: col() };
    const stochOut = { k: col(), d: col() };
    let sink = 0;
    const rows: BenchRow[] = [];
    const add = async (name: string, batch: () => unknown, stream: () => void) => {
      const b = await bestOf(5, batch);
      const s = await bestOf(5, stream);
      rows.push({ benchmark: `${name} batch`, unit: 'values', perSec: N / (b / 1000) });
      rows.push({ benchmark: `${name} stream`, unit: 'values', perSec: N / (s / 1000) });
    };
    await add('sma(20)', () => I.sma(close, 20, out), () => { const s = new I.SmaStream(20); for (let i = 0; i < N; i++) sink += s.update(close[i]); });
    await add('ema(20)', () => I.ema(close, 20, out), () => { const s = new I.EmaStream(20); for (let i = 0; i < N; i++) sink += s.update(close[i]); });
    await add('wma(20)', () => I.wma(close, 20, out), () => { const s = new I.WmaStream(20); for (let i = 0; i < N; i++) sink += s.update(close[i]); });
    await add('rsi(14)', () => I.rsi(close, 14, out), () => { const s = new I.RsiStream(14); for (let i = 0; i < N; i++) sink += s.update(close[i]); });
    await add('macd(12,26,9)', () => I.macd(close, {}, macdOut), () => { const s = new I.MacdStream(); for (let i = 0; i < N; i++) sink += s.update(close[i]).hist; });
    await add('bollinger(20,2)', () => I.bollinger(close, {}, bandsOut), () => { const s = new I.BollingerStream(); for (let i = 0; i < N; i++) sink += s.update(close[i]).upper; });
    await add('roc(10)', () => I.roc(close, 10, out), () => { const s = new I.RocStream(10); for (let i = 0; i < N; i++) sink += s.update(close[i]); });
    await add('rollingVolatility(20)', () => I.rollingVolatility(close, 20, out), () => { const s = new I.RollingVolatilityStream(20); for (let i = 0; i < N; i++) sink += s.update(close[i]); });
    await add('zscore(20)', () => I.zscore(close, 20, out), () => { const s = new I.ZscoreStream(20); for (let i = 0; i < N; i++) sink += s.update(close[i]); });
    // Streams of bars get a new bar object per update, as a live feed would hand them over.
    await add('atr(14)', () => I.atr(bars, 14, out), () => { const s = new I.AtrStream(14); for (let i = 0; i < N; i++) sink += s.update({ high: high[i], low: low[i], close: close[i] }); });
    await add('stochastic(14,3,3)', () => I.stochastic(bars, {}, stochOut), () => { const s = new I.StochasticStream(); for (let i = 0; i < N; i++) sink += s.update({ high: high[i], low: low[i], close: close[i] }).k; });
    await add('obv', () => I.obv(bars, out), () => { const s = new I.ObvStream(); for (let i = 0; i < N; i++) sink += s.update({ close: close[i], volume: volume[i] }); });
    await add('vwap', () => I.vwap(bars, out), () => { const s = new I.VwapStream(); for (let i = 0; i < N; i++) sink += s.update({ high: high[i], low: low[i], close: close[i], volume: volume[i] }); });
    await add('rollingVwap(20)', () => I.rollingVwap(bars, 20, out), () => { const s = new I.RollingVwapStream(20); for (let i = 0; i < N; i++) sink += s.update({ high: high[i], low: low[i], close: close[i], volume: volume[i] }); });
    await add('trueRange', () => I.trueRange(bars, out), () => { const s = new I.TrueRangeStream(); for (let i = 0; i < N; i++) sink += s.update({ high: high[i], low: low[i], close: close[i] }); });
    // Books: 1M snapshots of depth 5; trades: 1M at 10 ms spacing, 1 s window.
    const D = 5;
    const book = { depth: D, bidPx: new Float64Array(N * D), bidSz: new Float64Array(N * D), askPx: new Float64Array(N * D), askSz: new Float64Array(N * D) };
    for (let t = 0; t < N; t++) {
      for (let j = 0; j < D; j++) {
        book.bidPx[t * D + j] = close[t] - 0.5 - j;
        book.askPx[t * D + j] = close[t] + 0.5 + j;
        book.bidSz[t * D + j] = 1 + ((t + j) % 13) / 7;
        book.askSz[t * D + j] = 1 + ((t * 3 + j) % 11) / 5;
      }
    }
    await add('microprice (snapshots)', () => I.microprice(book, out), () => { for (let t = 0; t < N; t++) sink += I.micropriceAt(book, t); });
    await add('depthImbalance k=5 (snapshots)', () => I.depthImbalance(book, 5, out), () => { for (let t = 0; t < N; t++) sink += I.depthImbalanceAt(book, t, 5); });
    const trades = { ts: Float64Array.from({ length: N }, (_, i) => i * 10), amount: volume, side: Int8Array.from({ length: N }, (_, i) => (Math.sin(i * 5.3) > 0 ? 1 : -1)) };
    await add('tradeFlowImbalance 1s (trades)', () => I.tradeFlowImbalance(trades, 1000, out), () => {
      const s = new I.TradeFlowStream(1000);
      for (let i = 0; i < N; i++) sink += s.update({ ts: trades.ts[i], amount: trades.amount[i], side: trades.side[i] });
    });
    if (sink === 42) rows.push({ benchmark: 'unlikely', unit: '', perSec: 0 }); // keeps the loops alive
    return rows;
  },
};
