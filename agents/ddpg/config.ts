// DDPG / TD3 hyperparameters: CleanRL's ddpg_continuous_action.py and td3_continuous_action.py
// arguments (same defaults), where DDPG is TD3 with its tricks switched off (SB3): `td3` turns on
// twin critics and target policy smoothing; the delayed actor update (`policyFrequency`) applies
// to both, as in CleanRL's DDPG (set it to 1 for the textbook DDPG).
import { z } from 'zod';
import { ConfigError } from '../../data/errors.js';

const positiveInt = () => z.number().int().positive();

const fields = {
  /** Seed of every random draw: initial weights, exploration, replay sampling, env resets. */
  seed: z.number().int().default(1),
  /** Env steps (over all envs) to train for. */
  totalTimesteps: positiveInt().default(1_000_000),
  /** Adam step size of the actor and the critics. */
  learningRate: z.number().positive().default(3e-4),
  /** Replay capacity in transitions (allocated up to totalTimesteps only: a buffer that never wraps). */
  bufferSize: positiveInt().default(1_000_000),
  gamma: z.number().min(0).max(1).default(0.99),
  /** Polyak coefficient of the target networks: target <- tau * online + (1 - tau) * target. */
  tau: z.number().min(0).max(1).default(0.005),
  /** Transitions per gradient step. */
  batchSize: positiveInt().default(256),
  /** Env steps of uniformly random actions before learning starts. */
  learningStarts: z.number().int().min(0).default(25_000),
  /** TD3: std of the Gaussian noise on the target policy's actions (fraction of the half-range). */
  policyNoise: z.number().min(0).default(0.2),
  /** TD3: the target policy noise is clipped to +-noiseClip (fraction of the half-range). */
  noiseClip: z.number().min(0).default(0.5),
  /** One actor (and target network) update per this many critic updates. */
  policyFrequency: positiveInt().default(2),
  /** Std of the exploration noise (fraction of the action half-range). */
  explorationNoise: z.number().min(0).default(0.1),
  /** Exploration noise process: independent Gaussian draws or Ornstein-Uhlenbeck per env. */
  noise: z.enum(['gaussian', 'ou']).default('gaussian'),
  /** OU mean-reversion rate and time step (SB3's defaults). */
  ouTheta: z.number().positive().default(0.15),
  ouDt: z.number().positive().default(1e-2),
  /** Twin critics (min of two Q targets) and target policy smoothing: TD3 instead of DDPG. */
  td3: z.boolean().default(false),
  /** Hidden layer widths of the actor and each critic. */
  hidden: z.array(positiveInt()).min(1).default([256, 256]),
  /** Hidden activation (CleanRL: ReLU). The actor's output is tanh, scaled to the action bounds. */
  activation: z.enum(['relu', 'tanh']).default('relu'),
  /** Gradient steps per vector step (null: one per env step, i.e. the number of envs). */
  gradientSteps: positiveInt().nullable().default(null),
  /** Vector steps per reported record (CleanRL logs every 100 steps); the unit of learn({ updates }). */
  logEvery: positiveInt().default(100),
  /** Running mean/std observation normalisation (clipped to +-10), saved in checkpoints; replayed observations are normalised when sampled. */
  normalizeObservation: z.boolean().default(false),
  /** Constant reward multiplier before storage (a trading env's log returns are ~1e-3). */
  rewardScale: z.number().positive().default(1),
  /** Adam epsilon (PyTorch's default, CleanRL's DDPG: 1e-8). */
  adamEps: z.number().positive().default(1e-8),
  adamBeta1: z.number().min(0).max(1).default(0.9),
  adamBeta2: z.number().min(0).max(1).default(0.999),
};

export const DdpgConfigSchema = z.strictObject(fields);

export type DdpgConfig = z.infer<typeof DdpgConfigSchema>;
/** What callers pass: every field optional. */
export type DdpgConfigInput = z.input<typeof DdpgConfigSchema>;

/**
 * The experiment config's agent sections (for experiments/schema.ts's AgentSchema union):
 * `algo: ddpg` and `algo: td3` take the same fields; the algo picks `td3`, the run seed the seed.
 */
const { seed: _seed, td3: _td3, ...agentFields } = fields;
export const DdpgAgentSchema = z.strictObject({ algo: z.literal('ddpg'), ...agentFields });
export const Td3AgentSchema = z.strictObject({ algo: z.literal('td3'), ...agentFields });
export type DdpgAgentConfig = z.infer<typeof DdpgAgentSchema> | z.infer<typeof Td3AgentSchema>;

/** The trainer config of an experiment's `algo: ddpg | td3` agent section. */
export function ddpgConfigOfAgent(agent: DdpgAgentConfig, seed: number): DdpgConfigInput {
  const { algo, ...rest } = agent;
  return { ...rest, seed, td3: algo === 'td3' };
}

/** Defaults filled in and every field checked; unknown fields and bad values are ConfigErrors. */
export function resolveDdpgConfig(input: DdpgConfigInput = {}): DdpgConfig {
  const r = DdpgConfigSchema.safeParse(input);
  if (!r.success) {
    const issue = r.error.issues[0];
    const field = issue.path.join('.') || (issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : 'ddpg');
    throw new ConfigError(`ddpg.${field}`, issue.message);
  }
  return r.data;
}
