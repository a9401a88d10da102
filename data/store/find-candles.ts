// Finds a stored candle series: the user's store first, then the shipped samples (read-only).
import { ConfigError } from '../errors.js';
import { candleFiles, type CandleKey } from './candle-store.js';
import { listSeries, SAMPLES_STORE } from './catalog.js';

export async function findCandleStore(store: string, key: CandleKey): Promise<{ store: string; isSample: boolean }> {
  if ((await candleFiles(store, key)).length) return { store, isSample: false };
  if ((await candleFiles(SAMPLES_STORE, key)).length) return { store: SAMPLES_STORE, isSample: true };
  const have = [...(await listSeries(store)), ...(await listSeries(SAMPLES_STORE))]
    .filter((s) => s.kind === 'ohlcv')
    .map((s) => `${s.exchange} ${s.symbol} ${s.detail}`);
  throw new ConfigError('symbol', `no ${key.exchange} ${key.symbol} ${key.timeframe} candles in ${store} or the samples` +
    (have.length ? `; stored candles: ${[...new Set(have)].join('; ')}` : '; fetch some with `tradegym data fetch`'));
}
