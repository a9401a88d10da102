// From a validated experiment config to what every command needs: the candles, the time splits,
// the feature pipeline fitted on the train split only, the market, and env factories.
import { resolveStoreDir } from '../data/store/layout.js';
import { parseTime } from '../data/timeframe.js';
import { fitPipeline, transform, type FittedPipeline } from '../data/features/pipeline.js';
import type { Candles } from '../data/types.js';
import { candleMarket, type CandleMarket } from '../envs/candle-market.js';
import { CandleEnv } from '../envs/candle-env.js';
import { CandleCore, type CandleEnvConfig } from '../envs/candle-core.js';
import { VecEnv } from '../envs/vec-env.js';
import { timeSplits, type Range, type Splits } from '../envs/splits.js';
import { augmentedEpisodes } from '../envs/augmented-market.js';
import { executionConfig, type ExecutionConfig } from '../envs/execution/config.js';
import { ConfigError } from '../data/errors.js';
import { loadCandles } from '../data/store/load-candles.js';
import type { ExperimentConfig } from './schema.js';

export interface Prepared {
  config: ExperimentConfig;
  candles: Candles;
  splits: Splits;
  pipeline: FittedPipeline;
  market: CandleMarket;
  /** Where the data came from (lineage for checkpoints): `timeframe` is the stored series read, resampled when coarser bars were asked for. */
  source: { store: string; isSample: boolean; timeframe: string; resampled: boolean; rows: number; first: number; last: number; note?: string };
}

/**
 * Loads the data of `config`. With `fitted` (from a checkpoint) the stored pipeline statistics
 * are used as they are, never refitted, so evaluation sees exactly the training observations.
 */
export async function prepareExperiment(config: ExperimentConfig, fitted?: FittedPipeline): Promise<Prepared> {
  // An impossible execution model (e.g. a margin below the maintenance margin) is refused before any data is read.
  executionConfig(config.env.execution as Partial<ExecutionConfig>);
  const key = { exchange: config.data.exchange, symbol: config.data.symbol, timeframe: config.data.timeframe };
  // A timeframe that is not stored is resampled from a finer stored series (noted in the lineage).
  const { candles, source: found, note } = await loadCandles(resolveStoreDir(config.data.store), key, {
    from: config.data.from ? parseTime(config.data.from, 'data.from') : undefined,
    to: config.data.to ? parseTime(config.data.to, 'data.to') : undefined,
  });
  const splits = timeSplits(candles.ts.length, config.splits);
  checkSplitSizes(config, splits, candles.ts);
  const pipeline = fitted ?? fitPipeline(candles, config.features, splits.train);
  const market = candleMarket(candles, transform(pipeline, candles));
  return {
    config, candles, splits, pipeline, market,
    source: { ...found, rows: candles.ts.length, first: candles.ts[0], last: candles.ts[candles.ts.length - 1], ...(note ? { note } : {}) },
  };
}

/**
 * The same data on other windows (a walk-forward fold's): the feature pipeline is refit on the
 * new train window alone, so no normalisation statistic comes from a bar the fold scores.
 */
export function prepareSplits(p: Prepared, splits: Splits): Prepared {
  const pipeline = fitPipeline(p.candles, p.config.features, splits.train);
  return { ...p, splits, pipeline, market: candleMarket(p.candles, transform(pipeline, p.candles)) };
}

/**
 * Fewer bars than this in a split leave nothing to measure (a 1-bar test split has no return at
 * all, 10 bars a Sharpe of noise): such a split is refused, not scored.
 */
export const MIN_SPLIT_BARS = 30;

/** Every split the experiment uses holds at least MIN_SPLIT_BARS bars; an error names the split and its count. */
export function checkSplitSizes(config: ExperimentConfig, splits: Splits, ts: Float64Array): void {
  const day = (i: number) => new Date(ts[i]).toISOString().slice(0, 16).replace('T', ' ');
  const span = `${ts.length} bars${ts.length ? ` from ${day(0)} to ${day(ts.length - 1)}` : ''}`;
  // valid: 0 asks for no validation split; only training (and the LSTM / GRU baselines) needs one.
  const usesValid = config.splits.valid > 0 || config.agent !== undefined || (config.baselines?.models ?? []).some((m) => m === 'lstm' || m === 'gru');
  for (const name of ['train', 'valid', 'test'] as const) {
    if (name === 'valid' && !usesValid) continue;
    const r = splits[name];
    const n = r.to - r.from;
    if (n >= MIN_SPLIT_BARS) continue;
    const fractions = `train ${config.splits.train}, valid ${config.splits.valid}, test ${+(1 - config.splits.train - config.splits.valid).toFixed(6)}`;
    throw new ConfigError('splits', `the ${name} split has ${n} bar${n === 1 ? '' : 's'}, fewer than the ${MIN_SPLIT_BARS} a split needs (${span}; ${fractions}): widen data.from / data.to or change the split fractions`);
  }
}

/**
 * Builds (and drops) every env a run will build, so that what only an env checks (feature
 * warm-up against a split, episodeLength, augmented episodes) fails before a run folder exists.
 */
export function checkEnvs(p: Prepared): void {
  const ranges: Range[] = [p.splits.test];
  if (p.config.agent) {
    ranges.push(p.splits.valid);
    const train = new CandleCore(1, envConfig(p, p.splits.train, true), p.config.seed);
    // An augmented market is drawn (and its episode checked) only at a reset.
    if (train.config.episodeMarket) train.reset(0);
  }
  for (const r of ranges) new CandleCore(1, envConfig(p, r, false));
}

/** Env settings shared by training and evaluation (evaluation: whole split, no augmentation). */
export function envConfig(p: Prepared, range: Range, training: boolean): CandleEnvConfig {
  const e = p.config.env;
  const cfg: CandleEnvConfig = {
    market: p.market,
    range,
    actions: e.actions,
    longOnly: e.longOnly,
    execution: e.execution as Partial<ExecutionConfig>,
    reward: e.reward,
    initialCash: e.initialCash,
    episodeLength: training ? e.episodeLength : undefined,
  };
  if (training && e.augment.length) {
    // Augment the training rows only; features are rebuilt with the train-fitted pipeline.
    const train = sliceRows(p.candles, range);
    cfg.episodeMarket = augmentedEpisodes(train, e.augment, (c) => transform(p.pipeline, c));
    cfg.range = undefined;
  }
  return cfg;
}

export function trainVecEnv(p: Prepared, n: number, seed: number): VecEnv {
  return new VecEnv(n, envConfig(p, p.splits.train, true), seed);
}

export function evalEnv(p: Prepared, range: Range, seed = 0): CandleEnv {
  return new CandleEnv(envConfig(p, range, false), seed);
}

export function sliceRows(c: Candles, r: Range): Candles {
  return {
    exchange: c.exchange, symbol: c.symbol, timeframe: c.timeframe,
    ts: c.ts.slice(r.from, r.to), open: c.open.slice(r.from, r.to), high: c.high.slice(r.from, r.to),
    low: c.low.slice(r.from, r.to), close: c.close.slice(r.from, r.to), volume: c.volume.slice(r.from, r.to),
  };
}
