// The experiment config: every section with defaults and a comment per field. `tradegym run`,
// `train`, `baseline` and `sweep` all read this one schema.
import { z } from 'zod';
import { AugmentationSchema } from '../data/augment/index.js';
import { DEFAULT_EXECUTION, REBALANCE_MODES, type RebalanceMode } from '../envs/execution/config.js';
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

// The fields of envs/execution/config.ts (its comments say what each one means); `rebalance` is
// 'on-change' (hold units while the target stays the same, the default) or 'band'.
const ExecutionSchema = z.strictObject(
  Object.fromEntries(Object.entries(DEFAULT_EXECUTION).map(([k, v]) => [
    k, k === 'rebalance' ? z.enum(REBALANCE_MODES as [RebalanceMode, ...RebalanceMode[]]).optional() : typeof v === 'boolean' ? z.boolean().optional() : z.number().optional(),
  ])),
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
  // Every baseline but buy-and-hold is tuned like the agent's checkpoint: each point of its grid is
  // backtested on the validation split and the best by training.selectBy is scored on the test
  // split (experiments/baselines-run.ts). A scalar field, when given, pins that parameter instead.
  /** Probability above which a classifier goes long (below 1 - threshold: short or flat). Pinned when given; else tuned over classifierGrid.threshold. */
  threshold: z.number().min(0.5).lt(1).optional(),
  /** Minimum holding period of a classifier's signal in bars (hysteresis against fee churn; 1 = none). Pinned when given; else tuned over classifierGrid.minHold. */
  minHold: z.number().int().positive().optional(),
  /** The classifiers' (logistic regression, random forest, LSTM, GRU) signal grid, tried on the validation split. */
  classifierGrid: z.strictObject({
    threshold: z.array(z.number().min(0.5).lt(1)).min(1).default([0.5, 0.52, 0.55]),
    minHold: z.array(z.number().int().positive()).min(1).default([1, 6, 24]),
  }).default({ threshold: [0.5, 0.52, 0.55], minHold: [1, 6, 24] }),
  /** MA-cross windows: `fast` / `slow` pin them; `grid` lists the windows tried (pairs with fast < slow). */
  maCross: z.strictObject({
    fast: z.number().int().positive().optional(),
    slow: z.number().int().positive().optional(),
    grid: z.strictObject({
      fast: z.array(z.number().int().positive()).min(1).default([5, 10, 20]),
      slow: z.array(z.number().int().positive()).min(1).default([50, 100, 200]),
    }).default({ fast: [5, 10, 20], slow: [50, 100, 200] }),
  }).default({ grid: { fast: [5, 10, 20], slow: [50, 100, 200] } }),
  /** RSI rule: `period` / `lower` / `upper` pin them; `grid` lists the values tried (levels with lower < upper). */
  rsi: z.strictObject({
    period: z.number().int().min(2).optional(),
    lower: z.number().min(0).max(100).optional(),
    upper: z.number().min(0).max(100).optional(),
    grid: z.strictObject({
      period: z.array(z.number().int().min(2)).min(1).default([7, 14, 21]),
      lower: z.array(z.number().min(0).max(100)).min(1).default([20, 30]),
      upper: z.array(z.number().min(0).max(100)).min(1).default([70, 80]),
    }).default({ period: [7, 14, 21], lower: [20, 30], upper: [70, 80] }),
  }).default({ grid: { period: [7, 14, 21], lower: [20, 30], upper: [70, 80] } }),
  randomForest: z.strictObject({ trees: z.number().int().positive().default(100), maxDepth: z.number().int().positive().default(8), minLeaf: z.number().int().positive().default(20), maxSamples: fraction().default(1) }).default({ trees: 100, maxDepth: 8, minLeaf: 20, maxSamples: 1 }),
  logisticRegression: z.strictObject({ l2: z.number().min(0).default(1) }).default({ l2: 1 }),
  /** LSTM / GRU direction predictors (models: lstm, gru): sequence length, units, epochs... */
  predictor: PredictorConfigSchema.omit({ cell: true, task: true, seed: true }).partial().default({}),
  /** Walk-forward folds over the test split: models refit and retuned on the rows before each fold. */
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

/**
 * Walk-forward folds over the whole series, each with its own train, valid and test windows in
 * time order (lengths in the proportions of `splits`); the K test windows are consecutive and end
 * at the last bar. With `retrain` each seed's agent is trained on every fold's train window,
 * selected on its valid window and scored on its test window, and the baselines are refit there:
 * no fold scores a bar it trained or selected on. Without it, one checkpoint per seed is scored on
 * K sub-windows of the test split (what `baselines.walkForwardFolds` does when this is absent).
 */
export const WalkForwardSchema = z.strictObject({
  /** 0: no walk-forward. */
  folds: z.number().int().min(0).max(20).default(3),
  /** rolling: a fixed-length train window that slides; anchored: every train window starts at the first bar. */
  mode: z.enum(['rolling', 'anchored']).default('rolling'),
  retrain: z.boolean().default(true),
});

/** How many agents a run trains (seed, seed + 1, ...) or the seeds themselves; each picks its own checkpoint on validation. */
export const SeedsSchema = z.union([
  z.number().int().min(1).max(100),
  z.array(z.number().int()).min(1).max(100).refine((xs) => new Set(xs).size === xs.length, 'seeds must differ'),
]);

export const ExperimentSchema = z.strictObject({
  /** Run name (runs/<name>-<utc stamp>/). */
  name: z.string().regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, dot, dash, underscore').default('experiment'),
  /** Every random draw flows from this seed. */
  seed: z.number().int().default(0),
  /** Agents trained per run (`run`, `train`), in parallel worker processes: a count or a list of seeds. */
  seeds: SeedsSchema.default(1),
  data: DataSchema,
  splits: SplitsSchema.default({ train: 0.7, valid: 0.15 }),
  features: FeaturesSchema.default({ features: ['logret:16'], normalize: 'zscore', clip: 5, missing: 'ffill' }),
  env: EnvSchema.default({ actions: 'discrete', longOnly: false, reward: { kind: 'log-return' }, execution: {}, augment: [], initialCash: 10_000 }),
  agent: AgentSchema.optional(),
  training: TrainingSchema.default({ numEnvs: 8, evalEvery: 0, selectBy: 'sharpe', checkpointEvery: 10 }),
  baselines: BaselinesSchema.optional(),
  walkForward: WalkForwardSchema.optional(),
});

export type ExperimentConfig = z.infer<typeof ExperimentSchema>;

/** Loads, merges `extends`, validates; then applies `--set path=value` overrides and validates again. */
export function loadExperiment(path: string, sets: readonly string[] = []): ExperimentConfig {
  return loadConfigWithSets(ExperimentSchema, path, sets);
}
