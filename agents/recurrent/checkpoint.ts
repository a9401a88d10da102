// The recurrent PPO checkpoint folder: the PPO folder format (agents/ppo/checkpoint.ts) with
// algo 'recurrent-ppo' and the LSTM in the network spec:
//   policy.json    algo, spaces, network (LSTM + heads), normalisers, hyperparameters, counters,
//                  RNG state, metrics, lineage, tensor manifests
//   weights.bin    parameters (lstm/kernel, lstm/recurrent_kernel, lstm/bias, actor/..., critic/...)
//   optimizer.bin  Adam moments, plus the LSTM states the rollout continues from (exact resume)
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DataError } from '../../data/errors.js';
import { restoreRng } from '../../data/random.js';
import type { Space } from '../../envs/spaces.js';
import type { AdamState } from '../nn/adam.js';
import { decodeNonFinite, encodeNonFinite, encodeTensors, readTensors, tensorsOf, unpackTensors, writeFolderAtomic, type NamedTensor, type TensorFileManifest } from '../nn/checkpoint-io.js';
import type { RewardNormalizerState } from '../common/reward-normalizer.js';
import { CHECKPOINT_FORMAT, CHECKPOINT_VERSION, spaceFromJson, spaceToJson, type SpaceJson } from '../ppo/checkpoint.js';
import type { EngineKind } from '../ppo/engine.js';
import type { PpoTrainerState } from '../ppo/trainer.js';
import { resolveRecurrentPpoConfig, type RecurrentPpoConfig } from './config.js';
import { recurrentLayout, type RecurrentSpec } from './layout.js';

export const RECURRENT_ALGO = 'recurrent-ppo';

/** Where the training rollout stands: per-env LSTM state [n, H] and episode-start flags [n]. */
export interface RolloutState {
  hidden: Float32Array;
  cell: Float32Array;
  starts: Uint8Array;
}

export interface RecurrentCheckpointJson {
  format: typeof CHECKPOINT_FORMAT;
  version: typeof CHECKPOINT_VERSION;
  algo: typeof RECURRENT_ALGO;
  createdAt: string;
  engine: EngineKind;
  actionSpace: SpaceJson;
  observation: { size: number; names?: string[]; space: SpaceJson };
  /** Gate order i, f, c, o (Keras'); the state is zeroed at every episode start. */
  network: RecurrentSpec & { cell: 'lstm'; gateOrder: 'ifco'; activation: 'tanh' };
  normalizer: {
    observation: { mean: number[]; var: number[]; count: number; clip: number; epsilon: number } | null;
    reward: RewardNormalizerState | null;
  };
  hyperparameters: RecurrentPpoConfig;
  counters: { update: number; globalStep: number; episodes: number };
  rng: object;
  metrics: Record<string, number>;
  lineage?: Record<string, unknown>;
  envState?: unknown;
  /** Episode-start flags of the envs the rollout continues with (the states are in optimizer.bin). */
  rolloutStarts: number[] | null;
  weights: TensorFileManifest;
  optimizer: { kind: 'adam'; beta1: number; beta2: number; eps: number; step: number; moments: TensorFileManifest };
}

export interface RecurrentCheckpointContents {
  engine: EngineKind;
  config: RecurrentPpoConfig;
  spec: RecurrentSpec;
  actionSpace: Space;
  observationSpace: Space;
  observationNames?: string[];
  params: Float32Array;
  optimizer: AdamState;
  state: PpoTrainerState;
  metrics?: Record<string, number>;
  lineage?: Record<string, unknown>;
  envState?: unknown;
  rollout: RolloutState | null;
}

export async function saveRecurrentCheckpoint(dir: string, c: RecurrentCheckpointContents): Promise<void> {
  const layout = recurrentLayout(c.spec);
  const H = c.spec.lstmHidden;
  const w = encodeTensors('weights.bin', tensorsOf(layout.heads.entries, c.params));
  const roll = c.rollout;
  const rollTensors: NamedTensor[] = roll
    ? [{ name: 'rollout/hidden', shape: [roll.hidden.length / H, H], data: roll.hidden }, { name: 'rollout/cell', shape: [roll.cell.length / H, H], data: roll.cell }]
    : [];
  const o = encodeTensors('optimizer.bin', [...tensorsOf(layout.heads.entries, c.optimizer.m, 'm/'), ...tensorsOf(layout.heads.entries, c.optimizer.v, 'v/'), ...rollTensors]);
  const obsStats = c.state.obsStats;
  const json: RecurrentCheckpointJson = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    algo: RECURRENT_ALGO,
    createdAt: new Date().toISOString(),
    engine: c.engine,
    actionSpace: spaceToJson(c.actionSpace),
    observation: { size: c.spec.obsSize, names: c.observationNames, space: spaceToJson(c.observationSpace) },
    network: { ...c.spec, cell: 'lstm', gateOrder: 'ifco', activation: 'tanh' },
    normalizer: {
      observation: obsStats ? { ...obsStats, clip: 10, epsilon: 1e-8 } : null,
      reward: c.state.rewardNormalizer,
    },
    hyperparameters: c.config,
    counters: { update: c.state.update, globalStep: c.state.globalStep, episodes: c.state.episodes },
    rng: encodeNonFinite(c.state.rng.state()),
    metrics: Object.fromEntries(Object.entries(c.metrics ?? {}).filter(([, v]) => Number.isFinite(v))),
    lineage: c.lineage,
    envState: encodeNonFinite(c.envState),
    rolloutStarts: roll ? Array.from(roll.starts) : null,
    weights: w.manifest,
    optimizer: { kind: 'adam', beta1: c.config.adamBeta1, beta2: c.config.adamBeta2, eps: c.config.adamEps, step: c.optimizer.step, moments: o.manifest },
  };
  await writeFolderAtomic(dir, [
    { name: 'weights.bin', data: w.bytes },
    { name: 'optimizer.bin', data: o.bytes },
    { name: 'policy.json', data: `${JSON.stringify(json, null, 2)}\n` },
  ]);
}

export async function readRecurrentCheckpointJson(dir: string): Promise<RecurrentCheckpointJson> {
  const path = join(dir, 'policy.json');
  let json: RecurrentCheckpointJson;
  try {
    json = JSON.parse(await readFile(path, 'utf8')) as RecurrentCheckpointJson;
  } catch (e) {
    throw new DataError(`cannot read the checkpoint: ${(e as Error).message}`, { file: path });
  }
  if (json.format !== CHECKPOINT_FORMAT || json.algo !== RECURRENT_ALGO) throw new DataError(`not a recurrent PPO checkpoint (format ${json.format}, algo ${json.algo})`, { file: path });
  if (json.version !== CHECKPOINT_VERSION) throw new DataError(`checkpoint version ${json.version}; this build reads version ${CHECKPOINT_VERSION}`, { file: path });
  return json;
}

/** Everything in the folder, verified (sha256, sizes, names against the network spec). */
export async function loadRecurrentCheckpoint(dir: string, opts: { optimizer?: boolean } = {}): Promise<RecurrentCheckpointContents> {
  const json = await readRecurrentCheckpointJson(dir);
  const { cell: _cell, gateOrder: _gates, activation: _activation, ...spec } = json.network;
  const layout = recurrentLayout(spec);
  const params = unpackTensors(layout.heads.entries, layout.size, await readTensors(dir, json.weights), '', json.weights.file);
  let optimizer: AdamState = { step: 0, m: new Float32Array(layout.size), v: new Float32Array(layout.size) };
  let rollout: RolloutState | null = null;
  if (opts.optimizer ?? true) {
    const moments = await readTensors(dir, json.optimizer.moments);
    optimizer = { step: json.optimizer.step, m: unpackTensors(layout.heads.entries, layout.size, moments, 'm/', json.optimizer.moments.file), v: unpackTensors(layout.heads.entries, layout.size, moments, 'v/', json.optimizer.moments.file) };
    const hidden = moments.get('rollout/hidden');
    const cell = moments.get('rollout/cell');
    if (hidden && cell && json.rolloutStarts) rollout = { hidden, cell, starts: Uint8Array.from(json.rolloutStarts) };
  }
  const obs = json.normalizer.observation;
  return {
    engine: json.engine,
    config: resolveRecurrentPpoConfig(json.hyperparameters),
    spec,
    actionSpace: spaceFromJson(json.actionSpace),
    observationSpace: spaceFromJson(json.observation.space),
    observationNames: json.observation.names,
    params,
    optimizer,
    state: {
      ...json.counters,
      rng: restoreRng(decodeNonFinite(json.rng)),
      obsStats: obs ? { mean: obs.mean, var: obs.var, count: obs.count } : null,
      rewardNormalizer: json.normalizer.reward,
    },
    metrics: json.metrics,
    lineage: json.lineage,
    envState: decodeNonFinite(json.envState),
    rollout,
  };
}
