// The programmatic recurrent PPO API.
export { RecurrentPpoConfigSchema, resolveRecurrentPpoConfig, type RecurrentPpoConfig, type RecurrentPpoConfigInput } from './config.js';
export { RecurrentPpoTrainer, recurrentSpecFor, type RecurrentTrainerOptions } from './trainer.js';
export { trainRecurrentPpo, type TrainRecurrentPpoOptions } from './train.js';
export { RecurrentPpoPolicy, type RecurrentPolicyOptions, type RecurrentState } from './policy.js';
export { loadRecurrentPolicy } from './load-policy.js';
export {
  RECURRENT_ALGO, loadRecurrentCheckpoint, readRecurrentCheckpointJson, saveRecurrentCheckpoint,
  type RecurrentCheckpointContents, type RecurrentCheckpointJson, type RolloutState,
} from './checkpoint.js';
export { recurrentLayout, initRecurrentParams, type RecurrentLayout, type RecurrentSpec, type LstmEntries } from './layout.js';
export type { RecurrentEngine } from './engine.js';
export { FusedRecurrentEngine } from './fused-engine.js';
