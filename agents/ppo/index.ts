// The programmatic PPO API (what `tradegym train` and experiments build on).
export { PpoConfigSchema, resolvePpoConfig, type PpoConfig, type PpoConfigInput } from './config.js';
export { PpoTrainer, type PpoTrainerOptions, type PpoTrainerState } from './trainer.js';
export { trainPpo } from './train.js';
export { PpoPolicy, type PpoPolicyOptions } from './ppo-policy.js';
export { loadPolicy } from './load-policy.js';
export { loadPpoCheckpoint, readPpoCheckpointJson, savePpoCheckpoint, type PpoCheckpointContents, type PpoCheckpointJson } from './checkpoint.js';
export { TAGS, type PpoTimings, type PpoUpdateRecord } from './update-record.js';
export type { EngineKind, PpoEngine } from './engine.js';
export type { VecEnvLike } from '../common/vec-env-like.js';
