// The PPO checkpoint folder (DESIGN.md "Checkpoint"):
//   policy.json    algo, action space, observation spec, network, normaliser statistics,
//                  hyperparameters, counters, RNG state, metrics, lineage, tensor manifests
//   weights.bin    network parameters, float32 little-endian (what deploy needs)
//   optimizer.bin  Adam first and second moments (what exact resume needs)
// Both engines read and write it; nothing here needs tfjs.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DataError } from '../../data/errors.js';
import { restoreRng } from '../../data/random.js';
import { box, discrete, type Space } from '../../envs/spaces.js';
import { paramLayout, type ActorCriticSpec } from '../nn/actor-critic-layout.js';
import type { AdamState } from '../nn/adam.js';
import { decodeNonFinite, encodeNonFinite, encodeTensors, readTensors, tensorsOf, unpackTensors, writeFolderAtomic, type TensorFileManifest } from '../nn/checkpoint-io.js';
import type { RewardNormalizerState } from '../common/reward-normalizer.js';
import { resolvePpoConfig, type PpoConfig } from './config.js';
import type { EngineKind } from './engine.js';
import type { PpoTrainerState } from './trainer.js';

export const CHECKPOINT_FORMAT = 'tradegym-checkpoint';
export const CHECKPOINT_VERSION = 1;

/** Spaces as JSON (infinite Box bounds as strings: JSON has no Infinity). */
export type SpaceJson = { kind: 'discrete'; n: number } | { kind: 'box'; shape: number[]; low: (number | string)[]; high: (number | string)[] };

const num = (x: number): number | string => (Number.isFinite(x) ? x : String(x));
const unnum = (x: number | string): number => (typeof x === 'number' ? x : Number(x));

export function spaceToJson(s: Space): SpaceJson {
  return s.kind === 'discrete' ? { kind: 'discrete', n: s.n } : { kind: 'box', shape: [...s.shape], low: Array.from(s.low, num), high: Array.from(s.high, num) };
}

export function spaceFromJson(s: SpaceJson): Space {
  return s.kind === 'discrete' ? discrete(s.n) : box(s.shape, Float32Array.from(s.low, unnum), Float32Array.from(s.high, unnum));
}

export interface PpoCheckpointJson {
  format: typeof CHECKPOINT_FORMAT;
  version: typeof CHECKPOINT_VERSION;
  algo: 'ppo';
  createdAt: string;
  /** The engine that wrote it (either engine loads it). */
  engine: EngineKind;
  actionSpace: SpaceJson;
  observation: { size: number; names?: string[]; space: SpaceJson };
  network: ActorCriticSpec & { activation: 'tanh' };
  normalizer: {
    observation: { mean: number[]; var: number[]; count: number; clip: number; epsilon: number } | null;
    reward: RewardNormalizerState | null;
  };
  hyperparameters: PpoConfig;
  counters: { update: number; globalStep: number; episodes: number };
  /** Rng.state() of the training stream (action sampling, minibatch order). */
  rng: object;
  metrics: Record<string, number>;
  /** Free-form provenance: data version, feature pipeline config, git commit, parent run. */
  lineage?: Record<string, unknown>;
  /** VecEnvLike.saveState() when the env supports it. */
  envState?: unknown;
  weights: TensorFileManifest;
  optimizer: { kind: 'adam'; beta1: number; beta2: number; eps: number; step: number; moments: TensorFileManifest };
}

export interface PpoCheckpointContents {
  engine: EngineKind;
  config: PpoConfig;
  spec: ActorCriticSpec;
  actionSpace: Space;
  observationSpace: Space;
  observationNames?: string[];
  params: Float32Array;
  optimizer: AdamState;
  state: PpoTrainerState;
  metrics?: Record<string, number>;
  lineage?: Record<string, unknown>;
  envState?: unknown;
}

// Metrics can hold NaN (explained variance of constant returns); JSON would turn it into null.
const finiteMetrics = (m: Record<string, number>): Record<string, number> =>
  Object.fromEntries(Object.entries(m).filter(([, v]) => Number.isFinite(v)));

export async function savePpoCheckpoint(dir: string, c: PpoCheckpointContents): Promise<void> {
  const layout = paramLayout(c.spec);
  const w = encodeTensors('weights.bin', tensorsOf(layout.entries, c.params));
  const o = encodeTensors('optimizer.bin', [...tensorsOf(layout.entries, c.optimizer.m, 'm/'), ...tensorsOf(layout.entries, c.optimizer.v, 'v/')]);
  const obsStats = c.state.obsStats;
  const json: PpoCheckpointJson = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    algo: 'ppo',
    createdAt: new Date().toISOString(),
    engine: c.engine,
    actionSpace: spaceToJson(c.actionSpace),
    observation: { size: c.spec.obsSize, names: c.observationNames, space: spaceToJson(c.observationSpace) },
    network: { ...c.spec, activation: 'tanh' },
    normalizer: {
      // clip and epsilon are ObservationNormalizer's defaults, recorded so deploy does not assume them.
      observation: obsStats ? { ...obsStats, clip: 10, epsilon: 1e-8 } : null,
      reward: c.state.rewardNormalizer,
    },
    hyperparameters: c.config,
    counters: { update: c.state.update, globalStep: c.state.globalStep, episodes: c.state.episodes },
    rng: encodeNonFinite(c.state.rng.state()),
    metrics: finiteMetrics(c.metrics ?? {}),
    lineage: c.lineage,
    envState: encodeNonFinite(c.envState),
    weights: w.manifest,
    optimizer: { kind: 'adam', beta1: c.config.adamBeta1, beta2: c.config.adamBeta2, eps: c.config.adamEps, step: c.optimizer.step, moments: o.manifest },
  };
  await writeFolderAtomic(dir, [
    { name: 'weights.bin', data: w.bytes },
    { name: 'optimizer.bin', data: o.bytes },
    { name: 'policy.json', data: `${JSON.stringify(json, null, 2)}\n` },
  ]);
}

export async function readPpoCheckpointJson(dir: string): Promise<PpoCheckpointJson> {
  const path = join(dir, 'policy.json');
  let json: PpoCheckpointJson;
  try {
    json = JSON.parse(await readFile(path, 'utf8')) as PpoCheckpointJson;
  } catch (e) {
    throw new DataError(`cannot read the checkpoint: ${(e as Error).message}`, { file: path });
  }
  if (json.format !== CHECKPOINT_FORMAT || json.algo !== 'ppo') throw new DataError(`not a PPO checkpoint (format ${json.format}, algo ${json.algo})`, { file: path });
  if (json.version !== CHECKPOINT_VERSION) throw new DataError(`checkpoint version ${json.version}; this build reads version ${CHECKPOINT_VERSION}`, { file: path });
  return json;
}

/** Everything in the folder, verified (sha256, sizes, names against the network spec). */
export async function loadPpoCheckpoint(dir: string, opts: { optimizer?: boolean } = {}): Promise<PpoCheckpointContents> {
  const json = await readPpoCheckpointJson(dir);
  const { activation: _activation, ...spec } = json.network;
  const layout = paramLayout(spec);
  const params = unpackTensors(layout.entries, layout.size, await readTensors(dir, json.weights), '', json.weights.file);
  let optimizer: AdamState = { step: 0, m: new Float32Array(layout.size), v: new Float32Array(layout.size) };
  if (opts.optimizer ?? true) {
    const moments = await readTensors(dir, json.optimizer.moments);
    optimizer = { step: json.optimizer.step, m: unpackTensors(layout.entries, layout.size, moments, 'm/', json.optimizer.moments.file), v: unpackTensors(layout.entries, layout.size, moments, 'v/', json.optimizer.moments.file) };
  }
  const obs = json.normalizer.observation;
  return {
    engine: json.engine,
    config: resolvePpoConfig(json.hyperparameters),
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
  };
}
