// DDPG (Lillicrap et al. 2016) and TD3 (Fujimoto et al. 2018) in CleanRL's shape, with the
// trainer API of PpoTrainer (create / learn(onUpdate) / save / load / policy). Per vector step:
// act (uniformly random before learningStarts, then mu(s) + exploration noise, clipped), step
// the envs, store the transitions, then one gradient step per env step (or `gradientSteps`):
// critic(s) every step, actor and Polyak targets every `policyFrequency` critic steps.
// A truncated episode's transition keeps its real final observation and bootstraps from it; a
// terminated one does not bootstrap (SB3's and CleanRL's handling).
// Numerics live in DdpgEngine; everything here is plain JS over preallocated typed arrays.
import { ConfigError } from '../../data/errors.js';
import { makeRng, type Rng } from '../../data/random.js';
import { ObservationNormalizer } from '../../envs/wrappers/normalize-observation.js';
import { RunningMeanStd } from '../../envs/wrappers/running-stats.js';
import type { Space } from '../../envs/spaces.js';
import type { AdamConfig } from '../nn/adam.js';
import { makeActionNoise, type ActionNoise, type ActionNoiseState } from '../common/exploration-noise.js';
import { allocReplaySample, ReplayBuffer, type ReplayContents, type ReplaySample } from '../common/replay-buffer.js';
import type { VecEnvLike } from '../common/vec-env-like.js';
import { loadDdpgCheckpoint, saveDdpgCheckpoint } from './checkpoint.js';
import { resolveDdpgConfig, type DdpgConfig, type DdpgConfigInput } from './config.js';
import { DdpgPolicy } from './ddpg-policy.js';
import { DdpgEngine, type KernelChoice } from './fused-engine.js';
import { ddpgLayout, initDdpgParams, type DdpgLayout, type DdpgSpec } from './networks.js';
import { DDPG_TAGS, type DdpgTimings, type DdpgUpdateRecord } from './update-record.js';

export interface DdpgTrainerOptions {
  /** Names of the observation columns, recorded in checkpoints. */
  observationNames?: string[];
  /** 'wasm-simd' (default) or the plain-JS reference kernels (for comparisons). */
  kernels?: KernelChoice;
}

/** Everything a checkpoint restores besides the config, the networks and the optimizer. */
export interface DdpgTrainerState {
  update: number;
  globalStep: number;
  episodes: number;
  criticUpdates: number;
  rng: Rng;
  noise: ActionNoiseState;
  obsStats: { mean: number[]; var: number[]; count: number } | null;
}

/** The network spec for an env: DDPG needs a Box action space with finite bounds. */
export function ddpgSpecFor(config: DdpgConfig, obsSize: number, actionSpace: Space): DdpgSpec {
  if (actionSpace.kind !== 'box') throw new ConfigError('env.actions', 'DDPG and TD3 need continuous actions (a Box action space); use actions: continuous');
  return {
    obsSize, actionDim: actionSpace.low.length, hidden: config.hidden, activation: config.activation, twinCritics: config.td3,
    actionLow: Array.from(actionSpace.low), actionHigh: Array.from(actionSpace.high),
  };
}

export function ddpgAdamOf(config: DdpgConfig): AdamConfig {
  return { beta1: config.adamBeta1, beta2: config.adamBeta2, eps: config.adamEps };
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Per-record sums. */
interface Block {
  returns: number[];
  lengths: number[];
  timings: DdpgTimings;
  criticUpdates: number;
  actorUpdates: number;
  qf1Loss: number;
  qf1Values: number;
  qf2Loss: number;
  qf2Values: number;
  actorLoss: number;
}

export class DdpgTrainer {
  readonly layout: DdpgLayout;
  /** Vector steps in the whole run: floor(totalTimesteps / envs). */
  readonly totalVectorSteps: number;
  /** Records in the whole run: ceil(totalVectorSteps / logEvery). */
  readonly numUpdates: number;
  /** Env steps per record (logEvery x envs; the last record may be shorter). */
  readonly stepsPerUpdate: number;
  readonly gradientSteps: number;
  /** Completed records, env steps, episodes and critic updates (restored from checkpoints). */
  update = 0;
  globalStep = 0;
  episodes = 0;
  criticUpdates = 0;
  readonly obsNormalizer: ObservationNormalizer | null;
  readonly buffer: ReplayBuffer;
  /** Scalars of the last record (saved as the checkpoint's metrics). */
  lastScalars: DdpgUpdateRecord['scalars'] = {};
  /** No tfjs backend runs DDPG (the fused engine only); here so callers treat every trainer alike. */
  readonly backend = null;

  private readonly D: number;
  private readonly low: Float64Array;
  private readonly high: Float64Array;
  private readonly prevObs: Float32Array;
  private readonly obsNorm: Float32Array;
  private readonly actions: Float32Array;
  private readonly noiseOut: Float32Array;
  private readonly sample: ReplaySample;
  private readonly smoothing: Float32Array;
  private sessionStart = performance.now();
  private sessionSteps = 0;

  private constructor(
    readonly env: VecEnvLike, readonly config: DdpgConfig, readonly engine: DdpgEngine,
    public rng: Rng, readonly noise: ActionNoise, readonly options: DdpgTrainerOptions,
  ) {
    this.layout = engine.layout;
    const n = env.n;
    const S = env.obsSize;
    const D = this.layout.spec.actionDim;
    this.D = D;
    this.low = Float64Array.from(this.layout.spec.actionLow);
    this.high = Float64Array.from(this.layout.spec.actionHigh);
    this.totalVectorSteps = Math.max(1, Math.floor(config.totalTimesteps / n));
    this.numUpdates = Math.ceil(this.totalVectorSteps / config.logEvery);
    this.stepsPerUpdate = config.logEvery * n;
    this.gradientSteps = config.gradientSteps ?? n;
    // Never more rows than the run can fill: the same buffer semantics, without 1e6 rows for a short run.
    this.buffer = new ReplayBuffer(Math.min(config.bufferSize, this.totalVectorSteps * n), S, D);
    this.obsNormalizer = config.normalizeObservation ? new ObservationNormalizer(new RunningMeanStd(S)) : null;
    // Statistics are updated explicitly with each new observation; applying them never learns.
    if (this.obsNormalizer) this.obsNormalizer.training = false;
    this.prevObs = new Float32Array(n * S);
    this.obsNorm = new Float32Array(n * S);
    this.actions = new Float32Array(n * D);
    this.noiseOut = new Float32Array(n * D);
    this.sample = allocReplaySample(config.batchSize, S, D);
    this.smoothing = new Float32Array(config.batchSize * D);
  }

  private static noiseFor(config: DdpgConfig, n: number, spec: DdpgSpec, rng: Rng): ActionNoise {
    // CleanRL: N(0, action_scale * exploration_noise), action_scale = the half-range.
    const sigma = Float64Array.from(spec.actionHigh, (h, d) => ((h - spec.actionLow[d]) / 2) * config.explorationNoise);
    return makeActionNoise(config.noise, n, sigma, rng, { theta: config.ouTheta, dt: config.ouDt });
  }

  /** A fresh run: seeded initial weights (targets = copies), env reset with the run seed. */
  static async create(env: VecEnvLike, config: DdpgConfigInput = {}, options: DdpgTrainerOptions = {}): Promise<DdpgTrainer> {
    const cfg = resolveDdpgConfig(config);
    const spec = ddpgSpecFor(cfg, env.obsSize, env.actionSpace);
    const root = makeRng(`ddpg/${cfg.seed}`);
    const layout = ddpgLayout(spec);
    const engine = new DdpgEngine(layout, initDdpgParams(layout, root.fork('init')), ddpgAdamOf(cfg), { kernels: options.kernels });
    const t = new DdpgTrainer(env, cfg, engine, root.fork('train'), DdpgTrainer.noiseFor(cfg, env.n, spec, root.fork('noise')), options);
    env.reset(cfg.seed);
    t.obsNormalizer?.stats.update(env.obs, env.n);
    return t;
  }

  /**
   * A trainer around an existing engine and state (what checkpoint loading uses). The env is
   * restored from `envState` when it can be; else taken as is when `continueEnv` (the same live
   * env), or reset with a seed derived from the step count (then the noise restarts too).
   */
  static fromState(
    env: VecEnvLike, config: DdpgConfig, engine: DdpgEngine, state: DdpgTrainerState,
    opts: DdpgTrainerOptions & { envState?: unknown; continueEnv?: boolean; replay?: ReplayContents | null } = {},
  ): DdpgTrainer {
    const noise = DdpgTrainer.noiseFor(config, env.n, engine.layout.spec, makeRng('ddpg/unused'));
    noise.restore(state.noise);
    const t = new DdpgTrainer(env, config, engine, state.rng, noise, opts);
    t.update = state.update;
    t.globalStep = state.globalStep;
    t.episodes = state.episodes;
    t.criticUpdates = state.criticUpdates;
    if (state.obsStats && t.obsNormalizer) {
      const s = t.obsNormalizer.stats;
      s.mean.set(state.obsStats.mean);
      s.var.set(state.obsStats.var);
      s.count = state.obsStats.count;
    }
    if (opts.replay) t.buffer.restore(opts.replay);
    if (opts.envState !== undefined && env.restoreState) {
      env.restoreState(opts.envState);
    } else if (!opts.continueEnv) {
      env.reset(config.seed + 7919 * (state.update + 1));
      noise.reset();
      t.obsNormalizer?.stats.update(env.obs, env.n);
    }
    return t;
  }

  /** True once the configured totalTimesteps are done. */
  get done(): boolean {
    return this.vectorSteps >= this.totalVectorSteps;
  }

  private get vectorSteps(): number {
    return Math.floor(this.globalStep / this.env.n);
  }

  /** One record: up to `logEvery` vector steps with their gradient steps. */
  runUpdate(): DdpgUpdateRecord {
    const c = this.config;
    const steps = Math.min(c.logEvery, this.totalVectorSteps - this.vectorSteps);
    const b: Block = {
      returns: [], lengths: [], timings: { envMs: 0, actMs: 0, replayMs: 0, criticMs: 0, actorMs: 0 },
      criticUpdates: 0, actorUpdates: 0, qf1Loss: 0, qf1Values: 0, qf2Loss: 0, qf2Values: 0, actorLoss: 0,
    };
    for (let s = 0; s < steps; s++) this.vectorStep(b);
    this.update += 1;
    this.sessionSteps += steps * this.env.n;
    const scalars: DdpgUpdateRecord['scalars'] = {
      [DDPG_TAGS.sps]: this.sessionSteps / ((performance.now() - this.sessionStart) / 1000),
      [DDPG_TAGS.learningRate]: c.learningRate,
    };
    if (b.returns.length) {
      scalars[DDPG_TAGS.episodicReturn] = mean(b.returns);
      scalars[DDPG_TAGS.episodicLength] = mean(b.lengths);
    }
    if (b.criticUpdates) {
      const k = b.criticUpdates;
      scalars[DDPG_TAGS.qf1Loss] = b.qf1Loss / k;
      scalars[DDPG_TAGS.qf1Values] = b.qf1Values / k;
      if (c.td3) {
        scalars[DDPG_TAGS.qf2Loss] = b.qf2Loss / k;
        scalars[DDPG_TAGS.qf2Values] = b.qf2Values / k;
        scalars[DDPG_TAGS.qfLoss] = (b.qf1Loss + b.qf2Loss) / (2 * k);
      }
    }
    if (b.actorUpdates) scalars[DDPG_TAGS.actorLoss] = b.actorLoss / b.actorUpdates;
    this.lastScalars = scalars;
    return {
      update: this.update, globalStep: this.globalStep, scalars, episodes: b.returns.length,
      criticUpdates: b.criticUpdates, actorUpdates: b.actorUpdates, timings: b.timings,
    };
  }

  /**
   * Runs records until the configured totalTimesteps (or `updates` more), calling `onUpdate`
   * after each; it returns false to stop early. Yields to the event loop between records.
   */
  async learn(opts: { updates?: number; onUpdate?: (r: DdpgUpdateRecord) => boolean | void | Promise<boolean | void> } = {}): Promise<DdpgUpdateRecord[]> {
    const history: DdpgUpdateRecord[] = [];
    let left = opts.updates ?? Infinity;
    this.sessionStart = performance.now();
    this.sessionSteps = 0;
    while (!this.done && left-- > 0) {
      const r = this.runUpdate();
      history.push(r);
      if ((await opts.onUpdate?.(r)) === false) break;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return history;
  }

  private vectorStep(b: Block): void {
    const { env, config: c, D } = this;
    const n = env.n;
    const t0 = performance.now();
    const start = this.globalStep;
    this.prevObs.set(env.obs);
    const a = this.actions;
    if (start < c.learningStarts) {
      for (let i = 0; i < n; i++) for (let d = 0; d < D; d++) a[i * D + d] = this.low[d] + (this.high[d] - this.low[d]) * this.rng.next();
    } else {
      if (this.obsNormalizer) this.obsNormalizer.apply(env.obs, this.obsNorm, n);
      else this.obsNorm.set(env.obs);
      this.engine.act(this.obsNorm, n, a);
      this.noise.sample(this.noiseOut, n);
      for (let i = 0; i < n; i++) {
        for (let d = 0; d < D; d++) {
          const v = a[i * D + d] + this.noiseOut[i * D + d];
          a[i * D + d] = v < this.low[d] ? this.low[d] : v > this.high[d] ? this.high[d] : v;
        }
      }
    }
    const t1 = performance.now();
    env.step(a);
    const t2 = performance.now();
    this.globalStep += n;
    for (let i = 0; i < n; i++) {
      const terminated = env.terminated[i] ? true : false;
      const done = terminated || !!env.truncated[i];
      // After an autoreset env.obs already holds the next episode: the real next obs is finalObs.
      this.buffer.push(this.prevObs, i, a, i, env.rewards[i] * c.rewardScale, done ? env.finalObs : env.obs, i, terminated);
      if (done) {
        b.returns.push(env.episodeReturn[i]);
        b.lengths.push(env.episodeLength[i]);
        this.episodes++;
        this.noise.reset(i);
      }
    }
    this.obsNormalizer?.stats.update(env.obs, n);
    const t3 = performance.now();
    b.timings.actMs += t1 - t0;
    b.timings.envMs += t2 - t1;
    b.timings.replayMs += t3 - t2;
    // CleanRL trains once global_step > learning_starts; the size check makes a run resumed
    // without its saved buffer refill it first.
    if (start > c.learningStarts && this.buffer.size >= c.batchSize) {
      for (let g = 0; g < this.gradientSteps; g++) this.gradientStep(b);
    }
  }

  private gradientStep(b: Block): void {
    const c = this.config;
    const B = c.batchSize;
    const t0 = performance.now();
    const s = this.sample;
    this.buffer.sample(B, this.rng, s);
    if (this.obsNormalizer) {
      // The buffer keeps raw observations; they are normalised with the current statistics (SB3's VecNormalize).
      this.obsNormalizer.apply(s.obs, s.obs, B);
      this.obsNormalizer.apply(s.nextObs, s.nextObs, B);
    }
    this.engine.setBatch(s, B);
    if (c.td3) {
      const clip = c.noiseClip;
      for (let k = 0; k < B * this.D; k++) {
        const e = this.rng.normal() * c.policyNoise;
        this.smoothing[k] = e < -clip ? -clip : e > clip ? clip : e;
      }
    }
    const t1 = performance.now();
    const st = this.engine.criticGradients(c.gamma, c.td3 ? this.smoothing : null);
    this.engine.applyCritic(c.learningRate);
    const t2 = performance.now();
    b.qf1Loss += st.qf1Loss;
    b.qf1Values += st.qf1Values;
    b.qf2Loss += st.qf2Loss;
    b.qf2Values += st.qf2Values;
    b.criticUpdates++;
    if (this.criticUpdates % c.policyFrequency === 0) {
      b.actorLoss += this.engine.actorGradients();
      this.engine.applyActor(c.learningRate);
      this.engine.softUpdate(c.tau);
      b.actorUpdates++;
    }
    this.criticUpdates++;
    const t3 = performance.now();
    b.timings.replayMs += t1 - t0;
    b.timings.criticMs += t2 - t1;
    b.timings.actorMs += t3 - t2;
  }

  /**
   * A Policy over the current actor (and a live view of the observation statistics). The actor
   * is deterministic: exploration noise belongs to training, so `deterministic: false` is refused.
   */
  policy(opts: { deterministic?: boolean } = {}): DdpgPolicy {
    if (opts.deterministic === false) throw new ConfigError('deterministic', 'a DDPG/TD3 policy is deterministic');
    return new DdpgPolicy(this.engine, this.obsNormalizer?.stats ?? null, { ownsEngine: false });
  }

  /**
   * Writes a checkpoint folder (atomically). With `replayBuffer` (default true) it holds the
   * replay buffer too and load() resumes exactly; without, a resumed run refills the buffer.
   */
  async save(dir: string, opts: { metrics?: Record<string, number>; lineage?: Record<string, unknown>; replayBuffer?: boolean } = {}): Promise<void> {
    const params = new Float32Array(this.layout.size);
    const targets = new Float32Array(this.layout.size);
    this.engine.readParams(params);
    this.engine.readTargets(targets);
    await saveDdpgCheckpoint(dir, {
      config: this.config, spec: this.layout.spec, actionSpace: this.env.actionSpace, observationSpace: this.env.observationSpace,
      observationNames: this.options.observationNames, params, targets, optimizer: this.engine.readOptimizer(), state: this.state(),
      replay: (opts.replayBuffer ?? true) ? this.buffer.contents() : null,
      metrics: opts.metrics ?? (this.lastScalars as Record<string, number>), lineage: opts.lineage, envState: this.env.saveState?.(),
    });
  }

  /** Resumes training from a checkpoint on `env` (same observation size and action space). */
  static async load(dir: string, env: VecEnvLike, opts: DdpgTrainerOptions & { continueEnv?: boolean } = {}): Promise<DdpgTrainer> {
    const ck = await loadDdpgCheckpoint(dir);
    if (env.obsSize !== ck.spec.obsSize) throw new ConfigError('env', `observations have ${env.obsSize} values, the checkpoint's networks take ${ck.spec.obsSize}`);
    const want = ddpgSpecFor(ck.config, env.obsSize, env.actionSpace);
    if (JSON.stringify([want.actionLow, want.actionHigh]) !== JSON.stringify([ck.spec.actionLow, ck.spec.actionHigh])) {
      throw new ConfigError('env', `the action space is [${want.actionLow}, ${want.actionHigh}], the checkpoint's actor was trained for [${ck.spec.actionLow}, ${ck.spec.actionHigh}]`);
    }
    const engine = new DdpgEngine(ddpgLayout(ck.spec), ck.params, ddpgAdamOf(ck.config), { kernels: opts.kernels, targets: ck.targets });
    engine.writeOptimizer(ck.optimizer);
    return DdpgTrainer.fromState(env, ck.config, engine, ck.state, {
      observationNames: opts.observationNames ?? ck.observationNames, kernels: opts.kernels, envState: ck.envState, continueEnv: opts.continueEnv, replay: ck.replay,
    });
  }

  state(): DdpgTrainerState {
    return {
      update: this.update, globalStep: this.globalStep, episodes: this.episodes, criticUpdates: this.criticUpdates, rng: this.rng,
      noise: this.noise.state(), obsStats: this.obsNormalizer ? this.obsNormalizer.stats.toJSON() : null,
    };
  }

  dispose(): void {
    this.engine.dispose();
  }
}
