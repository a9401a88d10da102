// The experiment config: every section with defaults and a comment per field. `tradegym run`,
// `train`, `baseline` and `sweep` all read this one schema.
import { z } from 'zod';
import { AugmentationSchema } from '../data/augment/index.js';
import { DEFAULT_EXECUTION } from '../envs/execution/config.js';
import { PpoConfigSchema } from '../agents/ppo/config.js';
import { RecurrentPpoConfigSchema } from '../agents/recurrent/config.js';
import { DdpgAgentSchema, Td3AgentSchema } from '../agents/ddpg/config.js';
import { PredictorConfigSchema } from '../agents/predictors/config.js';
import { loadConfigWithSets } from './config-file.js';

const positive = () => z.number().positive();
const fraction = () => z.number().min(0).max(1);

export const DataSchema = z.strictObject({
  /** ccxt exchange id of the stored series. */
  exchange: z.string().min(1),
  /** Unified symbol, e.g. BTC/USD. */
  symbol: z.string().min(1),
  timeframe: z.string().regex(/^\d+[smhdw]$/, 'a timeframe like 1m, 1h, 1d'),
  /** Store folder; default ./datastore, falling back to the shipped samples. */
  store: z.string().optional(),
  /** Optional ISO dates bounding the rows used. */
  from: z.string().optional(),
  to: z.string().optional(),
});

export const SplitsSchema = z.strictObject({
  /** Fractions of the rows, in time order: train, then valid, then test (the rest). */
  train: z.number().gt(0).lt(1).default(0.7),
  valid: z.number().min(0).lt(1).default(0.15),
});

export const FeaturesSchema = z.strictObject({
  /** Feature specs (see `tradegym features --help`), e.g. logret:16, rsi:14, macd:12:26:9. */
  features: z.array(z.string()).min(1).default(['logret:16']),
  /** Normalisation fitted on the train split only. */
  normalize: z.enum(['zscore', 'robust', 'none']).default('zscore'),
  /** Clip normalised values to +-clip (0 = off). */
  clip: z.number().min(0).default(5),
  /** Bars with missing values: treat as no-trade bars at the last close, or fail. */
  missing: z.enum(['ffill', 'error']).default('ffill'),
});

const ExecutionSchema = z.strictObject(
  Object.fromEntries(Object.entries(DEFAULT_EXECUTION).map(([k, v]) => [k, typeof v === 'boolean' ? z.boolean().optional() : z.number().optional()])),
);

export const RewardSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('log-return') }),
  z.strictObject({ kind: z.literal('differential-sharpe'), eta: positive().optional() }),
  z.strictObject({ kind: z.literal('drawdown-penalised'), penalty: z.number().min(0).optional() }),
  z.strictObject({ kind: z.literal('turnover-penalised'), penalty: z.number().min(0).optional() }),
]);

export const EnvSchema = z.strictObject({
  /** discrete {short, flat, long} ({flat, long} when longOnly) or a continuous target in [-1, 1]. */
  actions: z.enum(['discrete', 'continuous']).default('discrete'),
  longOnly: z.boolean().default(false),
  /** Steps per training episode (random starts); default: the whole split. */
  episodeLength: z.number().int().positive().optional(),
  reward: RewardSchema.default({ kind: 'log-return' }),
  /** Execution model overrides (fees, spread, slippage, latency, leverage...). */
  execution: ExecutionSchema.default({}),
  /** Seeded augmentations drawn per training episode. */
  augment: z.array(AugmentationSchema).default([]),
  initialCash: positive().default(10_000),
});

export const BaselinesSchema = z.strictObject({
  /** Which classic baselines to train and score next to buy-and-hold. */
  models: z.array(z.enum(['ma-cross', 'rsi', 'logistic-regression', 'random-forest', 'lstm', 'gru'])).default(['ma-cross', 'rsi', 'logistic-regression', 'random-forest']),
  /** Label the classifiers learn. */
  label: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('direction') }),
    z.strictObject({ kind: z.literal('forward-return'), horizon: z.number().int().positive(), threshold: z.number().default(0) }),
    z.strictObject({ kind: z.literal('triple-barrier'), horizon: z.number().int().positive(), upper: positive(), lower: positive(), volWindow: z.number().int().positive().default(20) }),
  ]).default({ kind: 'direction' }),
  /** Probability above which a classifier goes long (below 1 - threshold: short or flat). */
  threshold: z.number().min(0.5).max(1).default(0.55),
  maCross: z.strictObject({ fast: z.number().int().positive().default(10), slow: z.number().int().positive().default(50) }).default({ fast: 10, slow: 50 }),
  rsi: z.strictObject({ period: z.number().int().positive().default(14), lower: z.number().default(30), upper: z.number().default(70) }).default({ period: 14, lower: 30, upper: 70 }),
  randomForest: z.strictObject({ trees: z.number().int().positive().default(100), maxDepth: z.number().int().positive().default(8), minLeaf: z.number().int().positive().default(20), maxSamples: fraction().default(1) }).default({ trees: 100, maxDepth: 8, minLeaf: 20, maxSamples: 1 }),
  logisticRegression: z.strictObject({ l2: z.number().min(0).default(1) }).default({ l2: 1 }),
  /** LSTM / GRU direction predictors (models: lstm, gru): sequence length, units, epochs... */
  predictor: PredictorConfigSchema.omit({ cell: true, task: true, seed: true }).partial().default({}),
  /** Walk-forward folds over the test split: models refit on all rows before each fold. */
  walkForwardFolds: z.number().int().min(0).max(20).default(3),
});

/** The agent: `algo` picks the algorithm, the other fields are its hyperparameters (seeded by the run seed). */
export const AgentSchema = z.discriminatedUnion('algo', [
  PpoConfigSchema.omit({ seed: true }).extend({ algo: z.literal('ppo') }),
  RecurrentPpoConfigSchema.omit({ seed: true }).extend({ algo: z.literal('recurrent-ppo') }),
  DdpgAgentSchema,
  Td3AgentSchema,
]);

export const TrainingSchema = z.strictObject({
  /** Parallel envs of the training VecEnv. */
  numEnvs: z.number().int().positive().default(8),
  /** Evaluate greedily on the validation split every this many env steps (0: 10 times per run). */
  evalEvery: z.number().int().min(0).default(0),
  /** Validation metric that picks checkpoints/best. */
  selectBy: z.enum(['sharpe', 'totalReturn', 'sortino', 'calmar']).default('sharpe'),
  /** Write checkpoints/last every this many updates (0: only at the end). */
  checkpointEvery: z.number().int().min(0).default(10),
});

export const ExperimentSchema = z.strictObject({
  /** Run name (runs/<name>-<utc stamp>/). */
  name: z.string().regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, dot, dash, underscore').default('experiment'),
  /** Every random draw flows from this seed. */
  seed: z.number().int().default(0),
  data: DataSchema,
  splits: SplitsSchema.default({ train: 0.7, valid: 0.15 }),
  features: FeaturesSchema.default({ features: ['logret:16'], normalize: 'zscore', clip: 5, missing: 'ffill' }),
  env: EnvSchema.default({ actions: 'discrete', longOnly: false, reward: { kind: 'log-return' }, execution: {}, augment: [], initialCash: 10_000 }),
  agent: AgentSchema.optional(),
  training: TrainingSchema.default({ numEnvs: 8, evalEvery: 0, selectBy: 'sharpe', checkpointEvery: 10 }),
  baselines: BaselinesSchema.optional(),
});

export type ExperimentConfig = z.infer<typeof ExperimentSchema>;

/** Loads, merges `extends`, validates; then applies `--set path=value` overrides and validates again. */
export function loadExperiment(path: string, sets: readonly string[] = []): ExperimentConfig {
  return loadConfigWithSets(ExperimentSchema, path, sets);
}
