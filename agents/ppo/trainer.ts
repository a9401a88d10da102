// PPO (Schulman et al. 2017) in CleanRL's shape: collect numSteps x envs transitions, GAE,
// then updateEpochs passes of shuffled minibatches through the clipped objective. The numeric
// work is behind PpoEngine (fused or tfjs); everything here is engine-agnostic float64 JS.
// Truncated episodes bootstrap from V(final observation) (SB3's handling); terminated ones do not.
import { ConfigError } from '../../data/errors.js';
import { makeRng, type Rng } from '../../data/random.js';
import { ObservationNormalizer } from '../../envs/wrappers/normalize-observation.js';
import { RunningMeanStd } from '../../envs/wrappers/running-stats.js';
import type { Space } from '../../envs/spaces.js';
import type { AdamConfig } from '../nn/adam.js';
import { headSize, paramLayout, type ActionHead, type ActorCriticSpec, type ParamLayout } from '../nn/actor-critic-layout.js';
import type { BackendChoice } from '../nn/backend.js';
import { initParams } from '../nn/orthogonal-init.js';
import { explainedVariance } from '../common/explained-variance.js';
import { computeGae } from '../common/gae.js';
import { RewardNormalizer } from '../common/reward-normalizer.js';
import { RolloutBuffer } from '../common/rollout-buffer.js';
import { constant, linear, type Schedule } from '../common/schedules.js';
import { shuffleIndices } from '../common/shuffle.js';
import type { VecEnvLike } from '../common/vec-env-like.js';
import { resolvePpoConfig, type PpoConfig, type PpoConfigInput } from './config.js';
import { actionDim, clipToBounds, sampleActions } from './distributions.js';
import { createEngine } from './create-engine.js';
import { loadPpoCheckpoint, savePpoCheckpoint } from './checkpoint.js';
import type { EngineKind, PpoEngine } from './engine.js';
import type { KernelChoice } from './fused-engine.js';
import { allocMinibatch, type LossStats, type Minibatch } from './minibatch.js';
import { PpoPolicy } from './ppo-policy.js';
import { TAGS, type PpoUpdateRecord } from './update-record.js';

export interface PpoTrainerOptions {
  /** Names of the observation columns, recorded in checkpoints (e.g. feature names + account features). */
  observationNames?: string[];
  /** Fused engine kernels: 'wasm-simd' (default) or the plain-JS reference (for comparisons). */
  kernels?: KernelChoice;
}

/** Everything a checkpoint restores besides the config and the networks. */
export interface PpoTrainerState {
  update: number;
  globalStep: number;
  episodes: number;
  rng: Rng;
  obsStats: { mean: number[]; var: number[]; count: number } | null;
  rewardNormalizer: ReturnType<RewardNormalizer['toJSON']> | null;
}

/** The action head the env's action space calls for. */
export function headFor(space: Space): ActionHead {
  if (space.kind === 'discrete') return { kind: 'categorical', n: space.n };
  return { kind: 'gaussian', dim: space.low.length };
}

export function specFor(config: PpoConfig, obsSize: number, actionSpace: Space): ActorCriticSpec {
  return { obsSize, actorHidden: config.actorHidden, criticHidden: config.criticHidden, head: headFor(actionSpace), initLogStd: config.initLogStd };
}

export function adamOf(config: PpoConfig): AdamConfig {
  return { beta1: config.adamBeta1, beta2: config.adamBeta2, eps: config.adamEps };
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

export class PpoTrainer {
  readonly layout: ParamLayout;
  readonly head: ActionHead;
  /** Updates in the whole run: floor(totalTimesteps / batch). */
  readonly numUpdates: number;
  readonly batchSize: number;
  readonly minibatchSize: number;
  /** Completed updates and env steps (restored from checkpoints). */
  update = 0;
  globalStep = 0;
  episodes = 0;
  readonly obsNormalizer: ObservationNormalizer | null;
  readonly rewardNormalizer: RewardNormalizer | null;
  readonly buffer: RolloutBuffer;

  private readonly actionDim: number;
  private readonly obsNorm: Float32Array;
  private readonly headOut: Float32Array;
  private readonly values32: Float32Array;
  private readonly logStd: Float32Array;
  private readonly envActions: Float32Array;
  private readonly stepRewards: Float64Array;
  private readonly finalRows: Float32Array;
  private readonly finalIndex: Int32Array;
  private readonly lastValues: Float64Array;
  private readonly indices: Int32Array;
  private readonly mb: Minibatch;
  /** Scalars of the last update (saved as the checkpoint's metrics). */
  lastScalars: PpoUpdateRecord['scalars'] = {};
  private readonly lrSchedule: Schedule;
  private sessionStart = performance.now();
  private sessionSteps = 0;

  private constructor(
    readonly env: VecEnvLike, readonly config: PpoConfig, readonly engine: PpoEngine, readonly backend: BackendChoice | null,
    public rng: Rng, readonly options: PpoTrainerOptions,
  ) {
    this.layout = engine.layout;
    this.head = this.layout.spec.head;
    this.actionDim = actionDim(this.head);
    const n = env.n;
    const S = env.obsSize;
    this.batchSize = config.numSteps * n;
    if (this.batchSize % config.numMinibatches !== 0) {
      throw new ConfigError('ppo.numMinibatches', `${config.numMinibatches} does not divide the rollout of ${config.numSteps} steps x ${n} envs = ${this.batchSize}`);
    }
    this.minibatchSize = this.batchSize / config.numMinibatches;
    this.numUpdates = Math.max(1, Math.floor(config.totalTimesteps / this.batchSize));
    this.lrSchedule = config.annealLr ? linear(config.learningRate, 0) : constant(config.learningRate);
    this.obsNormalizer = config.normalizeObservation ? new ObservationNormalizer(new RunningMeanStd(S)) : null;
    this.rewardNormalizer = config.normalizeReward ? new RewardNormalizer(n, config.gamma) : null;
    this.buffer = new RolloutBuffer(config.numSteps, n, S, this.actionDim);
    this.obsNorm = new Float32Array(n * S);
    this.headOut = new Float32Array(n * headSize(this.head));
    this.values32 = new Float32Array(n);
    this.logStd = new Float32Array(this.head.kind === 'gaussian' ? this.head.dim : 0);
    this.envActions = new Float32Array(n * this.actionDim);
    this.stepRewards = new Float64Array(n);
    this.finalRows = new Float32Array(n * S);
    this.finalIndex = new Int32Array(n);
    this.lastValues = new Float64Array(n);
    this.indices = new Int32Array(this.batchSize);
    this.mb = allocMinibatch(this.minibatchSize, S, this.actionDim);
  }

  /** A fresh run: seeded initial weights, env reset with the run seed. */
  static async create(env: VecEnvLike, config: PpoConfigInput = {}, options: PpoTrainerOptions = {}): Promise<PpoTrainer> {
    const cfg = resolvePpoConfig(config);
    const spec = specFor(cfg, env.obsSize, env.actionSpace);
    const root = makeRng(`ppo/${cfg.seed}`);
    const layout = paramLayout(spec);
    const params = initParams(layout, root.fork('init'));
    const { engine, backend } = await createEngine(cfg.engine, layout, params, adamOf(cfg), { backend: cfg.backend, kernels: options.kernels });
    const t = new PpoTrainer(env, cfg, engine, backend, root.fork('train'), options);
    env.reset(cfg.seed);
    t.observe(true);
    return t;
  }

  /**
   * A trainer around an existing engine and state (what checkpoint loading uses). The env is
   * restored from `envState` when it can be; else it is taken as is when `continueEnv` (the same
   * live env the checkpoint was taken from), or reset with a seed derived from the update count.
   */
  static fromState(
    env: VecEnvLike, config: PpoConfig, engine: PpoEngine, backend: BackendChoice | null, state: PpoTrainerState,
    opts: PpoTrainerOptions & { envState?: unknown; continueEnv?: boolean } = {},
  ): PpoTrainer {
    const t = new PpoTrainer(env, config, engine, backend, state.rng, opts);
    t.update = state.update;
    t.globalStep = state.globalStep;
    t.episodes = state.episodes;
    if (state.obsStats && t.obsNormalizer) {
      const s = t.obsNormalizer.stats;
      s.mean.set(state.obsStats.mean);
      s.var.set(state.obsStats.var);
      s.count = state.obsStats.count;
    }
    if (state.rewardNormalizer && t.rewardNormalizer) t.rewardNormalizer.restore(state.rewardNormalizer);
    if (opts.envState !== undefined && env.restoreState) {
      env.restoreState(opts.envState);
      t.observe(false);
    } else if (opts.continueEnv) {
      // The statistics already include env.obs (it was observed before the checkpoint).
      t.observe(false);
    } else {
      env.reset(config.seed + 7919 * (state.update + 1));
      t.rewardNormalizer?.clearReturns();
      t.observe(true);
    }
    return t;
  }

  /** Normalises env.obs into obsNorm (updating the running statistics when `learn`). */
  private observe(learn: boolean): void {
    const nz = this.obsNormalizer;
    if (!nz) {
      this.obsNorm.set(this.env.obs);
      return;
    }
    nz.training = learn;
    nz.apply(this.env.obs, this.obsNorm, this.env.n);
    nz.training = true;
  }

  /** CleanRL's annealing: lr0 * (1 - (update - 1) / updates) for the 1-based update about to run. */
  get learningRate(): number {
    return this.lrSchedule(this.update / this.numUpdates);
  }

  /** True once the configured totalTimesteps are done. */
  get done(): boolean {
    return this.update >= this.numUpdates;
  }

  /** One rollout + one update. */
  runUpdate(): PpoUpdateRecord {
    const lr = this.learningRate;
    const t0 = performance.now();
    const roll = this.collect();
    const t1 = performance.now();
    const ev = explainedVariance(this.buffer.values, this.buffer.returns);
    const { stats, epochs } = this.optimise(lr);
    const t2 = performance.now();
    this.update += 1;
    this.sessionSteps += this.batchSize;
    const scalars: PpoUpdateRecord['scalars'] = {
      [TAGS.sps]: this.sessionSteps / ((t2 - this.sessionStart) / 1000),
      [TAGS.learningRate]: lr,
      [TAGS.valueLoss]: stats.valueLoss,
      [TAGS.policyLoss]: stats.policyLoss,
      [TAGS.entropy]: stats.entropy,
      [TAGS.oldApproxKl]: stats.oldApproxKl,
      [TAGS.approxKl]: stats.approxKl,
      [TAGS.clipFrac]: stats.clipFrac,
      [TAGS.explainedVariance]: ev,
    };
    if (roll.returns.length) {
      scalars[TAGS.episodicReturn] = mean(roll.returns);
      scalars[TAGS.episodicLength] = mean(roll.lengths);
    }
    this.lastScalars = scalars;
    return {
      update: this.update, globalStep: this.globalStep, scalars, episodes: roll.returns.length, epochs,
      timings: { rolloutMs: t1 - t0, inferenceMs: roll.inferenceMs, envMs: roll.envMs, updateMs: t2 - t1 },
    };
  }

  /**
   * Runs updates until the configured totalTimesteps (or `updates` more), calling `onUpdate`
   * after each; it returns false to stop early. Yields to the event loop between updates.
   */
  async learn(opts: { updates?: number; onUpdate?: (r: PpoUpdateRecord) => boolean | void | Promise<boolean | void> } = {}): Promise<PpoUpdateRecord[]> {
    const history: PpoUpdateRecord[] = [];
    const stopAt = opts.updates === undefined ? this.numUpdates : Math.min(this.numUpdates, this.update + opts.updates);
    this.sessionStart = performance.now();
    this.sessionSteps = 0;
    while (this.update < stopAt) {
      const r = this.runUpdate();
      history.push(r);
      if ((await opts.onUpdate?.(r)) === false) break;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return history;
  }

  private collect(): { returns: number[]; lengths: number[]; inferenceMs: number; envMs: number } {
    const { env, buffer: buf, engine, config: c } = this;
    const n = env.n;
    const S = env.obsSize;
    const D = this.actionDim;
    const returns: number[] = [];
    const lengths: number[] = [];
    let inferenceMs = 0;
    let envMs = 0;
    const space = env.actionSpace;
    engine.readLogStd(this.logStd);
    for (let t = 0; t < c.numSteps; t++) {
      const row = t * n;
      const ta = performance.now();
      buf.obs.set(this.obsNorm, row * S);
      engine.evaluate(this.obsNorm, n, this.headOut, this.values32);
      for (let i = 0; i < n; i++) buf.values[row + i] = this.values32[i];
      sampleActions(this.head, this.headOut, this.logStd, n, this.rng, buf.actions, buf.logp, row);
      const acts = buf.actions.subarray(row * D, (row + n) * D);
      if (space.kind === 'box') clipToBounds(acts, this.envActions, n, space.low, space.high);
      else this.envActions.set(acts);
      const tb = performance.now();
      env.step(this.envActions);
      const tc = performance.now();
      this.globalStep += n;

      let truncatedCount = 0;
      for (let i = 0; i < n; i++) {
        const done = env.terminated[i] || env.truncated[i] ? 1 : 0;
        buf.dones[row + i] = done;
        this.stepRewards[i] = env.rewards[i] * c.rewardScale;
        if (done) {
          returns.push(env.episodeReturn[i]);
          lengths.push(env.episodeLength[i]);
          this.episodes++;
          if (!env.terminated[i]) {
            this.finalRows.set(env.finalObs.subarray(i * S, i * S + S), truncatedCount * S);
            this.finalIndex[truncatedCount++] = i;
          }
        }
      }
      if (this.rewardNormalizer) this.rewardNormalizer.apply(this.stepRewards, buf.dones.subarray(row, row + n), this.stepRewards);
      for (let i = 0; i < n; i++) buf.rewards[row + i] = this.stepRewards[i];
      if (truncatedCount > 0) {
        // The episode was cut, not ended: its return continues beyond, estimated by V(final obs).
        const rows = this.finalRows.subarray(0, truncatedCount * S);
        if (this.obsNormalizer) {
          this.obsNormalizer.training = false;
          this.obsNormalizer.apply(rows, rows, truncatedCount);
          this.obsNormalizer.training = true;
        }
        engine.critic(rows, truncatedCount, this.values32);
        for (let j = 0; j < truncatedCount; j++) buf.rewards[row + this.finalIndex[j]] += c.gamma * this.values32[j];
      }
      this.observe(true);
      const td = performance.now();
      inferenceMs += tb - ta + (td - tc);
      envMs += tc - tb;
    }
    const ta = performance.now();
    engine.critic(this.obsNorm, n, this.values32);
    for (let i = 0; i < n; i++) this.lastValues[i] = this.values32[i];
    inferenceMs += performance.now() - ta;
    computeGae({ steps: c.numSteps, envs: n, rewards: buf.rewards, values: buf.values, dones: buf.dones, lastValues: this.lastValues, gamma: c.gamma, lambda: c.gaeLambda }, buf.advantages, buf.returns);
    return { returns, lengths, inferenceMs, envMs };
  }

  private optimise(lr: number): { stats: LossStats; epochs: number } {
    const c = this.config;
    const coef = { clipCoef: c.clipCoef, clipValueLoss: c.clipVloss, valueCoef: c.vfCoef, entropyCoef: c.entCoef };
    const sum: LossStats = { loss: 0, policyLoss: 0, valueLoss: 0, entropy: 0, approxKl: 0, oldApproxKl: 0, clipFrac: 0 };
    const keys = Object.keys(sum) as (keyof LossStats)[];
    let count = 0;
    let epochs = 0;
    for (let epoch = 0; epoch < c.updateEpochs; epoch++) {
      shuffleIndices(this.indices, this.rng);
      let last: LossStats | null = null;
      for (let start = 0; start < this.batchSize; start += this.minibatchSize) {
        this.gather(start);
        last = this.engine.computeGradients(this.mb, coef);
        this.engine.applyGradients(lr, c.maxGradNorm);
        for (const k of keys) sum[k] += last[k];
        count++;
      }
      epochs++;
      // CleanRL's rule: the approximate KL of the epoch's last minibatch.
      if (c.targetKl !== null && last && last.approxKl > c.targetKl) break;
    }
    for (const k of keys) sum[k] /= count;
    return { stats: sum, epochs };
  }

  /** Copies minibatch rows indices[start .. start + size) and normalises its advantages. */
  private gather(start: number): void {
    const { buffer: b, mb } = this;
    const S = b.obsSize;
    const D = this.actionDim;
    const M = mb.size;
    for (let j = 0; j < M; j++) {
      const k = this.indices[start + j];
      for (let s = 0; s < S; s++) mb.obs[j * S + s] = b.obs[k * S + s];
      for (let d = 0; d < D; d++) mb.actions[j * D + d] = b.actions[k * D + d];
      mb.logp[j] = b.logp[k];
      mb.values[j] = b.values[k];
      mb.returns[j] = b.returns[k];
    }
    if (!this.config.normAdv) {
      for (let j = 0; j < M; j++) mb.advantages[j] = b.advantages[this.indices[start + j]];
      return;
    }
    let m = 0;
    for (let j = 0; j < M; j++) m += b.advantages[this.indices[start + j]];
    m /= M;
    let v = 0;
    for (let j = 0; j < M; j++) v += (b.advantages[this.indices[start + j]] - m) ** 2;
    // torch's std() is the unbiased one.
    const std = Math.sqrt(v / Math.max(1, M - 1));
    for (let j = 0; j < M; j++) mb.advantages[j] = (b.advantages[this.indices[start + j]] - m) / (std + 1e-8);
  }

  /** A Policy over the current networks (and frozen view of the current observation statistics). */
  policy(opts: { deterministic?: boolean; seed?: number } = {}): PpoPolicy {
    return new PpoPolicy(this.engine, this.env.actionSpace, this.obsNormalizer?.stats ?? null, { ...opts, ownsEngine: false });
  }

  /** Writes a checkpoint folder (atomically) that load() resumes exactly. */
  async save(dir: string, opts: { metrics?: Record<string, number>; lineage?: Record<string, unknown> } = {}): Promise<void> {
    const params = new Float32Array(this.layout.size);
    this.engine.readParams(params);
    await savePpoCheckpoint(dir, {
      engine: this.engine.kind, config: this.config, spec: this.layout.spec,
      actionSpace: this.env.actionSpace, observationSpace: this.env.observationSpace, observationNames: this.options.observationNames,
      params, optimizer: this.engine.readOptimizer(), state: this.state(),
      metrics: opts.metrics ?? (this.lastScalars as Record<string, number>), lineage: opts.lineage, envState: this.env.saveState?.(),
    });
  }

  /**
   * Resumes training from a checkpoint on `env` (same observation size and action space).
   * `engine` overrides the engine that wrote it; see fromState for how the env is brought back.
   */
  static async load(dir: string, env: VecEnvLike, opts: PpoTrainerOptions & { continueEnv?: boolean; engine?: EngineKind } = {}): Promise<PpoTrainer> {
    const ck = await loadPpoCheckpoint(dir);
    if (env.obsSize !== ck.spec.obsSize) throw new ConfigError('env', `observations have ${env.obsSize} values, the checkpoint's network takes ${ck.spec.obsSize}`);
    const want = headFor(env.actionSpace);
    if (JSON.stringify(want) !== JSON.stringify(ck.spec.head)) throw new ConfigError('env', `the action space needs a ${JSON.stringify(want)} head, the checkpoint has ${JSON.stringify(ck.spec.head)}`);
    const config = opts.engine ? { ...ck.config, engine: opts.engine } : ck.config;
    const { engine, backend } = await createEngine(config.engine, paramLayout(ck.spec), ck.params, adamOf(config), { backend: config.backend, kernels: opts.kernels });
    engine.writeOptimizer(ck.optimizer);
    return PpoTrainer.fromState(env, config, engine, backend, ck.state, {
      observationNames: opts.observationNames ?? ck.observationNames, kernels: opts.kernels, envState: ck.envState, continueEnv: opts.continueEnv,
    });
  }

  state(): PpoTrainerState {
    return {
      update: this.update, globalStep: this.globalStep, episodes: this.episodes, rng: this.rng,
      obsStats: this.obsNormalizer ? this.obsNormalizer.stats.toJSON() : null,
      rewardNormalizer: this.rewardNormalizer ? this.rewardNormalizer.toJSON() : null,
    };
  }

  dispose(): void {
    this.engine.dispose();
  }
}
