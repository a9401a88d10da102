// PPO hyperparameters: CleanRL's ppo.py arguments (same defaults) plus the engine choice and
// the normalisation switches, validated by a schema so a bad value names its field.
import { z } from 'zod';
import { ConfigError } from '../../data/errors.js';

const positiveInt = () => z.number().int().positive();
const widths = () => z.array(positiveInt()).min(1);

export const PpoConfigSchema = z.strictObject({
  /** Seed of every random draw: initial weights, action sampling, minibatch order, env resets. */
  seed: z.number().int().default(1),
  /** Env steps (over all envs) to train for; updates = floor(totalTimesteps / (numSteps * envs)). */
  totalTimesteps: positiveInt().default(500_000),
  /** Steps per env per rollout. */
  numSteps: positiveInt().default(128),
  learningRate: z.number().positive().default(2.5e-4),
  /** Anneal the learning rate linearly to 0 over the updates. */
  annealLr: z.boolean().default(true),
  gamma: z.number().min(0).max(1).default(0.99),
  /** GAE lambda. */
  gaeLambda: z.number().min(0).max(1).default(0.95),
  /** Minibatches per epoch; the rollout (numSteps * envs) must divide evenly. */
  numMinibatches: positiveInt().default(4),
  /** Passes over the rollout per update. */
  updateEpochs: positiveInt().default(4),
  /** Normalise advantages per minibatch (mean 0, std 1). */
  normAdv: z.boolean().default(true),
  /** Surrogate clipping range; also the value clipping range. */
  clipCoef: z.number().positive().default(0.2),
  /** Clip the value loss around the old values. */
  clipVloss: z.boolean().default(true),
  entCoef: z.number().min(0).default(0.01),
  vfCoef: z.number().min(0).default(0.5),
  /** Global gradient-norm clip. */
  maxGradNorm: z.number().positive().default(0.5),
  /** Stop the epochs of an update once the approximate KL of the epoch's last minibatch exceeds this (null: never). */
  targetKl: z.number().positive().nullable().default(null),
  /** Adam epsilon (CleanRL: 1e-5). */
  adamEps: z.number().positive().default(1e-5),
  adamBeta1: z.number().min(0).max(1).default(0.9),
  adamBeta2: z.number().min(0).max(1).default(0.999),
  /** tanh hidden layers of the policy and value networks. */
  actorHidden: widths().default([64, 64]),
  criticHidden: widths().default([64, 64]),
  /** Initial log std of Gaussian (continuous) actions. */
  initLogStd: z.number().default(0),
  /** Running mean/std observation normalisation (clipped to +-10), saved in checkpoints. */
  normalizeObservation: z.boolean().default(false),
  /** Divide rewards by the running std of the discounted return. */
  normalizeReward: z.boolean().default(false),
  /** Constant reward multiplier, applied before reward normalisation. */
  rewardScale: z.number().positive().default(1),
  /** 'fused' (WebAssembly SIMD, fast for small MLPs) or 'tfjs' (tfjs ops, any backend incl. CUDA). */
  engine: z.enum(['fused', 'tfjs']).default('fused'),
  /** tfjs backend for the tfjs engine. */
  backend: z.enum(['auto', 'tensorflow', 'wasm', 'cpu']).default('auto'),
});

export type PpoConfig = z.infer<typeof PpoConfigSchema>;
/** What callers pass: every field optional. */
export type PpoConfigInput = z.input<typeof PpoConfigSchema>;

/** Defaults filled in and every field checked; unknown fields and bad values are ConfigErrors. */
export function resolvePpoConfig(input: PpoConfigInput = {}): PpoConfig {
  const r = PpoConfigSchema.safeParse(input);
  if (!r.success) {
    const issue = r.error.issues[0];
    const field = issue.path.join('.') || (issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : 'ppo');
    throw new ConfigError(`ppo.${field}`, issue.message);
  }
  return r.data;
}
