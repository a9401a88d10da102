// The programmatic DDPG/TD3 API (what `tradegym train` and experiments build on).
export {
  DdpgAgentSchema, DdpgConfigSchema, Td3AgentSchema, ddpgConfigOfAgent, resolveDdpgConfig,
  type DdpgAgentConfig, type DdpgConfig, type DdpgConfigInput,
} from './config.js';
export { DdpgTrainer, ddpgSpecFor, type DdpgTrainerOptions, type DdpgTrainerState } from './trainer.js';
export { trainDdpg, type TrainDdpgOptions } from './train.js';
export { DdpgPolicy, type DdpgPolicyOptions } from './ddpg-policy.js';
export { loadDdpgPolicy } from './load-policy.js';
export { loadDdpgCheckpoint, readDdpgCheckpointJson, saveDdpgCheckpoint, type DdpgCheckpointContents, type DdpgCheckpointJson } from './checkpoint.js';
export { DDPG_TAGS, type DdpgTag, type DdpgTimings, type DdpgUpdateRecord } from './update-record.js';
export { DdpgEngine, type CriticStats, type DdpgOptimizerState, type KernelChoice } from './fused-engine.js';
export { ddpgLayout, initDdpgParams, type DdpgLayout, type DdpgSpec } from './networks.js';
