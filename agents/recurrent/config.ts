// Recurrent PPO hyperparameters: every PPO field (agents/ppo/config.ts, CleanRL's defaults) plus
// the LSTM size and the sequence length of the update's minibatches, validated the same way.
import { z } from 'zod';
import { ConfigError } from '../../data/errors.js';
import { PpoConfigSchema } from '../ppo/config.js';

export const RecurrentPpoConfigSchema = PpoConfigSchema.extend({
  /** LSTM units; the LSTM reads the observation and feeds both the policy and the value MLP (CleanRL's shared LSTM). */
  lstmHidden: z.number().int().positive().default(64),
  /**
   * Steps per training sequence: each env's rollout is cut into chunks of this many steps that
   * start from the stored LSTM state (BPTT over the chunk). Must divide numSteps; the chunks
   * (envs * numSteps / seqLen) must divide into numMinibatches.
   */
  seqLen: z.number().int().positive().default(32),
  /** tanh hidden layers of the policy and value MLPs on top of the LSTM (SB3's net_arch after the LSTM). */
  actorHidden: z.array(z.number().int().positive()).min(1).default([64]),
  criticHidden: z.array(z.number().int().positive()).min(1).default([64]),
});

export type RecurrentPpoConfig = z.infer<typeof RecurrentPpoConfigSchema>;
export type RecurrentPpoConfigInput = z.input<typeof RecurrentPpoConfigSchema>;

export function resolveRecurrentPpoConfig(input: RecurrentPpoConfigInput = {}): RecurrentPpoConfig {
  const r = RecurrentPpoConfigSchema.safeParse(input);
  if (!r.success) {
    const issue = r.error.issues[0];
    const field = issue.path.join('.') || (issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : 'recurrent-ppo');
    throw new ConfigError(`recurrentPpo.${field}`, issue.message);
  }
  return r.data;
}
