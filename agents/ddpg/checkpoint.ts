// The DDPG/TD3 checkpoint folder, PPO's format (DESIGN.md "Checkpoint") with algo 'ddpg' | 'td3':
//   policy.json    algo, action space, observation spec, networks, normaliser statistics,
//                  hyperparameters, counters, RNG and noise states, metrics, lineage, manifests
//   weights.bin    online actor and critic parameters (deploy reads only this and policy.json)
//   targets.bin    target networks          } what exact resume needs on top
//   optimizer.bin  Adam moments              }
//   replay.bin     the replay buffer's filled rows (optional: ~156 MB for 1e6 transitions of 18
//                  observations, so "best" checkpoints usually leave it out; without it a resumed
//                  run refills the buffer before it learns again, and does not continue exactly)
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DataError } from '../../data/errors.js';
import { restoreRng } from '../../data/random.js';
import type { Space } from '../../envs/spaces.js';
import { decodeNonFinite, encodeNonFinite, encodeTensors, readTensors, tensorsOf, unpackTensors, writeFolderAtomic, type TensorFileManifest } from '../nn/checkpoint-io.js';
import type { ActionNoiseState } from '../common/exploration-noise.js';
import type { ReplayContents } from '../common/replay-buffer.js';
import { CHECKPOINT_FORMAT, CHECKPOINT_VERSION, spaceFromJson, spaceToJson, type SpaceJson } from '../ppo/checkpoint.js';
import { resolveDdpgConfig, type DdpgConfig } from './config.js';
import type { DdpgOptimizerState } from './fused-engine.js';
import { ddpgLayout, type DdpgSpec } from './networks.js';
import type { DdpgTrainerState } from './trainer.js';

export interface DdpgCheckpointJson {
  format: typeof CHECKPOINT_FORMAT;
  version: typeof CHECKPOINT_VERSION;
  algo: 'ddpg' | 'td3';
  createdAt: string;
  engine: 'fused';
  actionSpace: SpaceJson;
  observation: { size: number; names?: string[]; space: SpaceJson };
  /** Actor: obs -> hidden (activation) -> tanh scaled to [actionLow, actionHigh]; critics: [obs, action] -> hidden -> 1. */
  network: DdpgSpec & { actorOutput: 'tanh-scaled' };
  normalizer: { observation: { mean: number[]; var: number[]; count: number; clip: number; epsilon: number } | null };
  hyperparameters: DdpgConfig;
  counters: { update: number; globalStep: number; episodes: number; criticUpdates: number };
  /** Rng.state() of the training stream (warm-up actions, replay sampling, target smoothing). */
  rng: object;
  noise: ActionNoiseState;
  metrics: Record<string, number>;
  lineage?: Record<string, unknown>;
  envState?: unknown;
  weights: TensorFileManifest;
  targets: TensorFileManifest;
  optimizer: { kind: 'adam'; beta1: number; beta2: number; eps: number; actorStep: number; criticStep: number; moments: TensorFileManifest };
  replayBuffer: { capacity: number; size: number; pos: number; tensors: TensorFileManifest } | null;
}

export interface DdpgCheckpointContents {
  config: DdpgConfig;
  spec: DdpgSpec;
  actionSpace: Space;
  observationSpace: Space;
  observationNames?: string[];
  params: Float32Array;
  targets: Float32Array;
  optimizer: DdpgOptimizerState;
  state: DdpgTrainerState;
  replay: ReplayContents | null;
  metrics?: Record<string, number>;
  lineage?: Record<string, unknown>;
  envState?: unknown;
}

const finiteMetrics = (m: Record<string, number>): Record<string, number> =>
  Object.fromEntries(Object.entries(m).filter(([, v]) => Number.isFinite(v)));

export async function saveDdpgCheckpoint(dir: string, c: DdpgCheckpointContents): Promise<void> {
  const layout = ddpgLayout(c.spec);
  const w = encodeTensors('weights.bin', tensorsOf(layout.entries, c.params));
  const t = encodeTensors('targets.bin', tensorsOf(layout.entries, c.targets));
  const o = encodeTensors('optimizer.bin', [...tensorsOf(layout.entries, c.optimizer.m, 'm/'), ...tensorsOf(layout.entries, c.optimizer.v, 'v/')]);
  const { obsSize: S, actionDim: D } = c.spec;
  const r = c.replay && encodeTensors('replay.bin', [
    { name: 'obs', shape: [c.replay.size, S], data: c.replay.obs },
    { name: 'actions', shape: [c.replay.size, D], data: c.replay.actions },
    { name: 'rewards', shape: [c.replay.size], data: c.replay.rewards },
    { name: 'next_obs', shape: [c.replay.size, S], data: c.replay.nextObs },
    { name: 'dones', shape: [c.replay.size], data: c.replay.dones },
  ]);
  const obsStats = c.state.obsStats;
  const json: DdpgCheckpointJson = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    algo: c.spec.twinCritics ? 'td3' : 'ddpg',
    createdAt: new Date().toISOString(),
    engine: 'fused',
    actionSpace: spaceToJson(c.actionSpace),
    observation: { size: S, names: c.observationNames, space: spaceToJson(c.observationSpace) },
    network: { ...c.spec, actorOutput: 'tanh-scaled' },
    // clip and epsilon are ObservationNormalizer's defaults, recorded so deploy does not assume them.
    normalizer: { observation: obsStats ? { ...obsStats, clip: 10, epsilon: 1e-8 } : null },
    hyperparameters: c.config,
    counters: { update: c.state.update, globalStep: c.state.globalStep, episodes: c.state.episodes, criticUpdates: c.state.criticUpdates },
    rng: encodeNonFinite(c.state.rng.state()),
    noise: encodeNonFinite(c.state.noise),
    metrics: finiteMetrics(c.metrics ?? {}),
    lineage: c.lineage,
    envState: encodeNonFinite(c.envState),
    weights: w.manifest,
    targets: t.manifest,
    optimizer: { kind: 'adam', beta1: c.config.adamBeta1, beta2: c.config.adamBeta2, eps: c.config.adamEps, actorStep: c.optimizer.actorStep, criticStep: c.optimizer.criticStep, moments: o.manifest },
    replayBuffer: c.replay && r ? { capacity: c.replay.capacity, size: c.replay.size, pos: c.replay.pos, tensors: r.manifest } : null,
  };
  await writeFolderAtomic(dir, [
    { name: 'weights.bin', data: w.bytes },
    { name: 'targets.bin', data: t.bytes },
    { name: 'optimizer.bin', data: o.bytes },
    ...(r ? [{ name: 'replay.bin', data: r.bytes }] : []),
    { name: 'policy.json', data: `${JSON.stringify(json, null, 2)}\n` },
  ]);
}

export async function readDdpgCheckpointJson(dir: string): Promise<DdpgCheckpointJson> {
  const path = join(dir, 'policy.json');
  let json: DdpgCheckpointJson;
  try {
    json = JSON.parse(await readFile(path, 'utf8')) as DdpgCheckpointJson;
  } catch (e) {
    throw new DataError(`cannot read the checkpoint: ${(e as Error).message}`, { file: path });
  }
  if (json.format !== CHECKPOINT_FORMAT || (json.algo !== 'ddpg' && json.algo !== 'td3')) throw new DataError(`not a DDPG/TD3 checkpoint (format ${json.format}, algo ${json.algo})`, { file: path });
  if (json.version !== CHECKPOINT_VERSION) throw new DataError(`checkpoint version ${json.version}; this build reads version ${CHECKPOINT_VERSION}`, { file: path });
  return json;
}

/**
 * The folder's contents, verified (sha256, sizes, names against the network spec). `training:
 * false` reads only what acting needs (weights and statistics), as deploy does.
 */
export async function loadDdpgCheckpoint(dir: string, opts: { training?: boolean } = {}): Promise<DdpgCheckpointContents> {
  const json = await readDdpgCheckpointJson(dir);
  const { actorOutput: _actorOutput, ...spec } = json.network;
  const layout = ddpgLayout(spec);
  const params = unpackTensors(layout.entries, layout.size, await readTensors(dir, json.weights), '', json.weights.file);
  const training = opts.training ?? true;
  let targets = params;
  let optimizer: DdpgOptimizerState = { actorStep: 0, criticStep: 0, m: new Float32Array(layout.size), v: new Float32Array(layout.size) };
  let replay: ReplayContents | null = null;
  if (training) {
    targets = unpackTensors(layout.entries, layout.size, await readTensors(dir, json.targets), '', json.targets.file);
    const moments = await readTensors(dir, json.optimizer.moments);
    const f = json.optimizer.moments.file;
    optimizer = { actorStep: json.optimizer.actorStep, criticStep: json.optimizer.criticStep, m: unpackTensors(layout.entries, layout.size, moments, 'm/', f), v: unpackTensors(layout.entries, layout.size, moments, 'v/', f) };
    const rb = json.replayBuffer;
    if (rb) {
      const t = await readTensors(dir, rb.tensors);
      const get = (name: string): Float32Array => {
        const a = t.get(name);
        if (!a) throw new DataError(`missing replay tensor ${name}`, { file: rb.tensors.file });
        return a;
      };
      replay = { capacity: rb.capacity, size: rb.size, pos: rb.pos, obs: get('obs'), actions: get('actions'), rewards: get('rewards'), nextObs: get('next_obs'), dones: get('dones') };
    }
  }
  const obs = json.normalizer.observation;
  return {
    config: resolveDdpgConfig(json.hyperparameters),
    spec,
    actionSpace: spaceFromJson(json.actionSpace),
    observationSpace: spaceFromJson(json.observation.space),
    observationNames: json.observation.names,
    params,
    targets,
    optimizer,
    state: {
      ...json.counters,
      rng: restoreRng(decodeNonFinite(json.rng)),
      noise: decodeNonFinite(json.noise),
      obsStats: obs ? { mean: obs.mean, var: obs.var, count: obs.count } : null,
    },
    replay,
    metrics: json.metrics,
    lineage: json.lineage,
    envState: decodeNonFinite(json.envState),
  };
}
