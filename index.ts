// tradegym as a library: `import { CandleEnv, readCandles, trainPpo } from 'tradegym'`. The public
// surface, layer by layer (data -> envs -> agents -> experiments); each name is documented where
// it is defined. The CLI (scripts/) is not part of it.

// ---- data: types, the Parquet store, cleaning, features, augmentation
export * from './data/types.js';
export { ConfigError, DataError, ExchangeError, TradegymError } from './data/errors.js';
export { timeframeMs, parseTime, isoTime } from './data/timeframe.js';
export { makeRng, type Rng } from './data/random.js';
export { SAMPLES_STORE, listSeries, type SeriesInfo } from './data/store/catalog.js';
export { readCandles, writeCandles, replaceCandles, type CandleKey, type TimeRange } from './data/store/candle-store.js';
export { readTrades, writeTrades, type TradeKey } from './data/store/trade-store.js';
export { readBooks, appendBooks, type BookKey } from './data/store/book-store.js';
export { checkCandles, repairCandles, checkTrades, formatCheckReport, type CheckReport, type RepairPolicy } from './data/clean/index.js';
export { computeFeatures, fitPipeline, transform, FeatureStream, DEFAULT_PIPELINE, type PipelineConfig, type FittedPipeline } from './data/features/pipeline.js';
export { logReturnWindow, type FeatureMatrix } from './data/features/log-return-window.js';
export { registerFeature, type CustomFeature, type CustomFeatureDef, type BarColumns, type FeatureState } from './data/features/feature-catalog.js';
export * as indicators from './data/features/indicators/index.js';
export * as augment from './data/augment/index.js';

// ---- envs: Gymnasium-shaped environments over the one execution model
export type { Env, ResetResult, StepResult } from './envs/env.js';
export { discrete, box, type Space, type Discrete, type Box } from './envs/spaces.js';
export { candleMarket, type CandleMarket } from './envs/candle-market.js';
export { CandleEnv } from './envs/candle-env.js';
export type { CandleEnvConfig } from './envs/candle-core.js';
export { VecEnv } from './envs/vec-env.js';
export { BookEnv, type BookEnvConfig } from './envs/book-env.js';
export { checkEnv } from './envs/check-env.js';
export { makeReward, type RewardConfig, type RewardModel } from './envs/rewards.js';
export { FrameStack } from './envs/wrappers/frame-stack.js';
export { NormalizeObservation } from './envs/wrappers/normalize-observation.js';
export { timeSplits, dateSplits, type Range, type Splits } from './envs/splits.js';
export { tradingMetrics, type TradingMetrics } from './envs/metrics.js';
export { DEFAULT_EXECUTION, executionConfig, type ExecutionConfig } from './envs/execution/config.js';

// ---- agents: one Policy interface for RL agents, rules and ML baselines
export type { Policy, PolicyOutput } from './agents/policy.js';
export { runBacktest, type BacktestResult } from './agents/backtest.js';
export { buyAndHold, flat, randomPolicy, constantPolicy } from './agents/simple-policies.js';
export { maCrossPolicy, rsiPolicy } from './agents/baselines/rule-policies.js';
export { loadAnyPolicy, readCheckpointInfo } from './agents/load-any-policy.js';
export { trainPpo, PpoTrainer, PpoPolicy, loadPolicy as loadPpoPolicy, type PpoConfigInput } from './agents/ppo/index.js';
export { trainRecurrentPpo, loadRecurrentPolicy, type RecurrentPpoConfigInput } from './agents/recurrent/index.js';
export { trainDdpg, loadDdpgPolicy, type DdpgConfigInput } from './agents/ddpg/index.js';

// ---- experiments: configs and the main job
export { ExperimentSchema, loadExperiment, type ExperimentConfig } from './experiments/schema.js';
export { runExperiment, type RunOptions, type RunOutcome } from './experiments/run.js';
export {
  checkLookahead, assertNoLookahead, featureBuilderProbe, cutCandles, LookaheadError,
  type CutView, type LookaheadProbe, type LookaheadReport, type LookaheadDifference,
} from './experiments/lookahead/check-lookahead.js';
export { checkExperimentLookahead } from './experiments/lookahead/experiment-probes.js';
export { decisionTrace } from './experiments/lookahead/decision-trace.js';
