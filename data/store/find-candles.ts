// Finds a stored candle series: the user's store first, then the shipped samples (read-only).
// With `resample`, a store that lacks the timeframe asked for but holds a finer one of the same
// exchange and symbol that divides it (the coarsest such) is a match too: the caller resamples
// (readCandlesResampled does). The user's store wins over the samples even then: it holds the
// user's own, usually newer, data, and the samples are there for a fresh checkout.
import { readdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import { timeframeMs } from '../timeframe.js';
import { candleFiles, type CandleKey } from './candle-store.js';
import { listSeries, SAMPLES_STORE } from './catalog.js';
import { seriesDir } from './layout.js';

export interface CandleLocation {
  store: string;
  isSample: boolean;
  /** The stored timeframe to read: the one asked for, or (only with `resample`) a finer one dividing it. */
  timeframe: string;
  /** `timeframe` is finer than the one asked for: the bars must be resampled. */
  resampled: boolean;
}

export interface FindCandleOptions {
  /** Accept a finer stored timeframe that divides the one asked for. Default false: exact only. */
  resample?: boolean;
}

/** Timeframes stored (with at least one file) for the exchange and symbol of `key`, finest first. */
export async function storedTimeframes(store: string, key: Omit<CandleKey, 'timeframe'>): Promise<string[]> {
  // Any valid timeframe names the series folder; its parent holds one folder per timeframe.
  const symbolDir = dirname(seriesDir(store, { kind: 'ohlcv', exchange: key.exchange, symbol: key.symbol, timeframe: '1m' }));
  let names: string[];
  try {
    names = (await readdir(symbolDir, { withFileTypes: true }))
      .filter((e) => e.isDirectory() && /^timeframe=[1-9]\d*[smhdw]$/.test(e.name))
      .map((e) => e.name.slice('timeframe='.length));
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const timeframe of names) {
    if ((await candleFiles(store, { ...key, timeframe })).length) out.push(timeframe);
  }
  return out.sort((a, b) => timeframeMs(a) - timeframeMs(b) || a.localeCompare(b));
}

/** The coarsest of `stored` that is finer than `target` and divides it; undefined when none does. */
export function finerDivisor(stored: string[], target: string): string | undefined {
  const t = timeframeMs(target);
  let best: string | undefined;
  for (const tf of stored) {
    const ms = timeframeMs(tf);
    if (ms < t && t % ms === 0 && (best === undefined || ms > timeframeMs(best))) best = tf;
  }
  return best;
}

/**
 * Where to read `key` from: the user's store, else the samples; the exact timeframe, else (with
 * `resample`) the coarsest finer timeframe that divides it. Throws ConfigError listing what is
 * stored when nothing fits.
 */
export async function findCandleStore(store: string, key: CandleKey, opts: FindCandleOptions = {}): Promise<CandleLocation> {
  timeframeMs(key.timeframe);
  // --store pointing at the samples still finds read-only samples.
  const stores = [[store, resolve(store) === resolve(SAMPLES_STORE)], [SAMPLES_STORE, true]] as const;
  for (const [dir, isSample] of stores) {
    if ((await candleFiles(dir, key)).length) return { store: dir, isSample, timeframe: key.timeframe, resampled: false };
    if (!opts.resample) continue;
    const finer = finerDivisor(await storedTimeframes(dir, key), key.timeframe);
    if (finer) return { store: dir, isSample, timeframe: finer, resampled: true };
  }
  throw await nothingFits(store, key, opts);
}

async function nothingFits(store: string, key: CandleKey, opts: FindCandleOptions): Promise<ConfigError> {
  const series = `${key.exchange} ${key.symbol}`;
  const where = `in ${store} or the samples`;
  const inStore = await storedTimeframes(store, key);
  const inSamples = await storedTimeframes(SAMPLES_STORE, key);
  const mine = [...inStore.map((tf) => `${tf} (${store})`), ...inSamples.map((tf) => `${tf} (samples)`)];
  if (mine.length) {
    const finer = finerDivisor([...inStore, ...inSamples], key.timeframe);
    const why = finer && !opts.resample
      ? `; ${finer} divides it: resample it (readCandlesResampled)`
      : `; none of the stored timeframes is finer than ${key.timeframe} and divides it`;
    return new ConfigError('timeframe', `no ${series} ${key.timeframe} candles ${where}${why}; stored ${series} candles: ${mine.join(', ')}`);
  }
  const have = [...(await listSeries(store)), ...(await listSeries(SAMPLES_STORE))]
    .filter((s) => s.kind === 'ohlcv')
    .map((s) => `${s.exchange} ${s.symbol} ${s.detail}${s.store === SAMPLES_STORE ? ' (samples)' : ''}`);
  return new ConfigError('symbol', `no ${series} ${key.timeframe} candles ${where}` +
    (have.length ? `; stored candles: ${[...new Set(have)].join('; ')}` : '; fetch some with `tradegym data fetch`'));
}
