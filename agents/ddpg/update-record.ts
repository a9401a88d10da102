// What each DDPG/TD3 record reports: PPO's chart tags where they apply (one TensorBoard view for
// every algorithm) and CleanRL's DDPG/TD3 loss tags, plus where the time went.
import { TAGS as PPO_TAGS } from '../ppo/update-record.js';

export const DDPG_TAGS = {
  episodicReturn: PPO_TAGS.episodicReturn,
  episodicLength: PPO_TAGS.episodicLength,
  sps: PPO_TAGS.sps,
  learningRate: PPO_TAGS.learningRate,
  qf1Values: 'losses/qf1_values',
  qf2Values: 'losses/qf2_values',
  qf1Loss: 'losses/qf1_loss',
  qf2Loss: 'losses/qf2_loss',
  /** TD3: (qf1_loss + qf2_loss) / 2, as CleanRL. */
  qfLoss: 'losses/qf_loss',
  actorLoss: 'losses/actor_loss',
} as const;

export type DdpgTag = (typeof DDPG_TAGS)[keyof typeof DDPG_TAGS];

export interface DdpgTimings {
  /** Env steps. */
  envMs: number;
  /** Acting: observation normalisation, actor forward, exploration noise (or random warm-up actions). */
  actMs: number;
  /** Storing transitions and replay sampling (with normalisation). */
  replayMs: number;
  /** TD targets, critic forward/backward and Adam. */
  criticMs: number;
  /** Actor forward/backward through Q1, Adam, and the Polyak target update. */
  actorMs: number;
}

export interface DdpgUpdateRecord {
  /** 1-based number of this record (a block of `logEvery` vector steps). */
  update: number;
  /** Env steps over all envs so far (TensorBoard's step axis). */
  globalStep: number;
  /**
   * Tag -> value. Losses and Q values are means over the block's gradient steps (absent before
   * learning starts); the episodic entries are means over the episodes that ended in the block.
   */
  scalars: Partial<Record<DdpgTag, number>>;
  /** Episodes that ended during this block. */
  episodes: number;
  /** Critic and actor gradient steps in this block. */
  criticUpdates: number;
  actorUpdates: number;
  timings: DdpgTimings;
}
