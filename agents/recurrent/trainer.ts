// Recurrent PPO (SB3-contrib RecurrentPPO / CleanRL ppo_atari_lstm): PPO whose policy and value
// read an LSTM state carried through the rollout per env and zeroed where an episode starts.
// Each step stores the state it started from; the update cuts each env's rollout into chunks of
// seqLen steps, shuffles the chunks into sequence minibatches and runs BPTT over each chunk from
// its stored state (resets inside a chunk mask the state). Everything else is the MLP trainer's
// (agents/ppo/trainer.ts): GAE, truncation bootstrapping, normalisers, clipped loss, Adam, tags.
import { ConfigError } from '../../data/errors.js';
import { makeRng, type Rng } from '../../data/random.js';
import { ObservationNormalizer } from '../../envs/wrappers/normalize-observation.js';
import { RunningMeanStd } from '../../envs/wrappers/running-stats.js';
import type { BackendChoice } from '../nn/backend.js';
import { headSize, type ActionHead } from '../nn/actor-critic-layout.js';
import { explainedVariance } from '../common/explained-variance.js';
import { computeGae } from '../common/gae.js';
import { RewardNormalizer } from '../common/reward-normalizer.js';
import { constant, linear, type Schedule } from '../common/schedules.js';
import { shuffleIndices } from '../common/shuffle.js';
import type { VecEnvLike } from '../common/vec-env-like.js';
import { actionDim, clipToBounds, sampleActions } from '../ppo/distributions.js';
import type { EngineKind } from '../ppo/engine.js';
import type { KernelChoice } from '../ppo/fused-engine.js';
import type { LossStats } from '../ppo/minibatch.js';
import { adamOf, headFor, type PpoTrainerState } from '../ppo/trainer.js';
import { TAGS, type PpoUpdateRecord } from '../ppo/update-record.js';
import { loadRecurrentCheckpoint, saveRecurrentCheckpoint, type RolloutState } from './checkpoint.js';
import { resolveRecurrentPpoConfig, type RecurrentPpoConfig, type RecurrentPpoConfigInput } from './config.js';
import { createRecurrentEngine } from './create-engine.js';
import type { RecurrentEngine } from './engine.js';
import { initRecurrentParams, recurrentLayout, type RecurrentLayout, type RecurrentSpec } from './layout.js';
import { RecurrentPpoPolicy } from './policy.js';
import { RecurrentRolloutBuffer } from './rollout-buffer.js';
import { allocSequenceMinibatch, gatherSequences, type SequenceMinibatch } from './sequence-minibatch.js';

export interface RecurrentTrainerOptions {
  /** Names of the observation columns, recorded in checkpoints. */
  observationNames?: string[];
  /** Fused engine kernels: 'wasm-simd' (default) or the plain-JS reference. */
  kernels?: KernelChoice;
}

export function recurrentSpecFor(config: RecurrentPpoConfig, obsSize: number, head: ActionHead): RecurrentSpec {
  return { obsSize, lstmHidden: config.lstmHidden, actorHidden: config.actorHidden, criticHidden: config.criticHidden, head, initLogStd: config.initLogStd };
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

export class RecurrentPpoTrainer {
  readonly layout: RecurrentLayout;
  readonly head: ActionHead;
  readonly numUpdates: number;
  readonly batchSize: number;
  /** Chunks per rollout and per minibatch. */
  readonly sequences: number;
  readonly sequencesPerMinibatch: number;
  update = 0;
  globalStep = 0;
  episodes = 0;
  readonly obsNormalizer: ObservationNormalizer | null;
  readonly rewardNormalizer: RewardNormalizer | null;
  readonly buffer: RecurrentRolloutBuffer;
  lastScalars: PpoUpdateRecord['scalars'] = {};

  /** The LSTM state each env continues from, [n, H], and whether its next observation starts an episode. */
  private readonly h: Float32Array;
  private readonly c: Float32Array;
  private readonly starts: Uint8Array;
  private readonly actionDim: number;
  private readonly obsNorm: Float32Array;
  private readonly headOut: Float32Array;
  private readonly values32: Float32Array;
  private readonly logStd: Float32Array;
  private readonly envActions: Float32Array;
  private readonly stepRewards: Float64Array;
  private readonly finalRows: Float32Array;
  private readonly finalIndex: Int32Array;
  private readonly finalH: Float32Array;
  private readonly finalC: Float32Array;
  private readonly scratchH: Float32Array;
  private readonly scratchC: Float32Array;
  private readonly lastValues: Float64Array;
  private readonly seqIds: Int32Array;
  private readonly mb: SequenceMinibatch;
  private readonly lrSchedule: Schedule;
  private sessionStart = performance.now();
  private sessionSteps = 0;

  private constructor(
    readonly env: VecEnvLike, readonly config: RecurrentPpoConfig, readonly engine: RecurrentEngine, readonly backend: BackendChoice | null,
    public rng: Rng, readonly options: RecurrentTrainerOptions,
  ) {
    this.layout = engine.layout;
    this.head = this.layout.spec.head;
    this.actionDim = actionDim(this.head);
    const n = env.n;
    const S = env.obsSize;
    const H = config.lstmHidden;
    const T = config.numSteps;
    if (T % config.seqLen !== 0) throw new ConfigError('recurrentPpo.seqLen', `${config.seqLen} does not divide numSteps ${T}`);
    this.sequences = n * (T / config.seqLen);
    if (this.sequences % config.numMinibatches !== 0) {
      throw new ConfigError('recurrentPpo.numMinibatches', `${config.numMinibatches} does not divide the ${this.sequences} sequences (${n} envs x ${T / config.seqLen} chunks of ${config.seqLen} steps)`);
    }
    this.sequencesPerMinibatch = this.sequences / config.numMinibatches;
    this.batchSize = T * n;
    this.numUpdates = Math.max(1, Math.floor(config.totalTimesteps / this.batchSize));
    this.lrSchedule = config.annealLr ? linear(config.learningRate, 0) : constant(config.learningRate);
    this.obsNormalizer = config.normalizeObservation ? new ObservationNormalizer(new RunningMeanStd(S)) : null;
    this.rewardNormalizer = config.normalizeReward ? new RewardNormalizer(n, config.gamma) : null;
    this.buffer = new RecurrentRolloutBuffer(T, n, S, this.actionDim, H);
    this.h = new Float32Array(n * H);
    this.c = new Float32Array(n * H);
    this.starts = new Uint8Array(n).fill(1);
    this.obsNorm = new Float32Array(n * S);
    this.headOut = new Float32Array(n * headSize(this.head));
    this.values32 = new Float32Array(n);
    this.logStd = new Float32Array(this.head.kind === 'gaussian' ? this.head.dim : 0);
    this.envActions = new Float32Array(n * this.actionDim);
    this.stepRewards = new Float64Array(n);
    this.finalRows = new Float32Array(n * S);
    this.finalIndex = new Int32Array(n);
    this.finalH = new Float32Array(n * H);
    this.finalC = new Float32Array(n * H);
    this.scratchH = new Float32Array(n * H);
    this.scratchC = new Float32Array(n * H);
    this.lastValues = new Float64Array(n);
    this.seqIds = new Int32Array(this.sequences);
    this.mb = allocSequenceMinibatch(config.seqLen, this.sequencesPerMinibatch, S, this.actionDim, H);
  }

  static async create(env: VecEnvLike, config: RecurrentPpoConfigInput = {}, options: RecurrentTrainerOptions = {}): Promise<RecurrentPpoTrainer> {
    const cfg = resolveRecurrentPpoConfig(config);
    const layout = recurrentLayout(recurrentSpecFor(cfg, env.obsSize, headFor(env.actionSpace)));
    const root = makeRng(`recurrent-ppo/${cfg.seed}`);
    const params = initRecurrentParams(layout, root.fork('init'));
    const { engine, backend } = await createRecurrentEngine(cfg.engine, layout, params, adamOf(cfg), { backend: cfg.backend, kernels: options.kernels });
    const t = new RecurrentPpoTrainer(env, cfg, engine, backend, root.fork('train'), options);
    env.reset(cfg.seed);
    t.observe(true);
    return t;
  }

  /**
   * A trainer around an existing engine and state (checkpoint loading). With `envState` restored
   * or `continueEnv`, the LSTM states of the checkpoint's rollout continue too; otherwise the env
   * is reset and every env starts a fresh episode from a zero state.
   */
  static fromState(
    env: VecEnvLike, config: RecurrentPpoConfig, engine: RecurrentEngine, backend: BackendChoice | null, state: PpoTrainerState,
    opts: RecurrentTrainerOptions & { envState?: unknown; continueEnv?: boolean; rollout?: RolloutState | null } = {},
  ): RecurrentPpoTrainer {
    const t = new RecurrentPpoTrainer(env, config, engine, backend, state.rng, opts);
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
    const continues = (opts.envState !== undefined && env.restoreState !== undefined) || opts.continueEnv === true;
    if (continues && opts.rollout && opts.rollout.hidden.length === t.h.length) {
      t.h.set(opts.rollout.hidden);
      t.c.set(opts.rollout.cell);
      t.starts.set(opts.rollout.starts);
    }
    if (opts.envState !== undefined && env.restoreState) {
      env.restoreState(opts.envState);
      t.observe(false);
    } else if (opts.continueEnv) {
      t.observe(false);
    } else {
      env.reset(config.seed + 7919 * (state.update + 1));
      t.rewardNormalizer?.clearReturns();
      t.observe(true);
    }
    return t;
  }

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

  get learningRate(): number {
    return this.lrSchedule(this.update / this.numUpdates);
  }

  get done(): boolean {
    return this.update >= this.numUpdates;
  }

  /** One rollout + one update; the record has the MLP trainer's tags and timings. */
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

  /** Runs updates until totalTimesteps (or `updates` more); `onUpdate` returning false stops. */
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
    const H = c.lstmHidden;
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
      buf.hidden.set(this.h, row * H);
      buf.cell.set(this.c, row * H);
      buf.starts.set(this.starts, row);
      // In place: the state becomes the one after this step.
      engine.step(this.obsNorm, n, this.h, this.c, this.h, this.c, this.headOut, this.values32);
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
            const k = truncatedCount++;
            this.finalRows.set(env.finalObs.subarray(i * S, i * S + S), k * S);
            // V(final obs) continues the episode's memory: the state after this step, before the reset.
            this.finalH.set(this.h.subarray(i * H, i * H + H), k * H);
            this.finalC.set(this.c.subarray(i * H, i * H + H), k * H);
            this.finalIndex[k] = i;
          }
        }
      }
      if (this.rewardNormalizer) this.rewardNormalizer.apply(this.stepRewards, buf.dones.subarray(row, row + n), this.stepRewards);
      for (let i = 0; i < n; i++) buf.rewards[row + i] = this.stepRewards[i];
      if (truncatedCount > 0) {
        const rows = this.finalRows.subarray(0, truncatedCount * S);
        if (this.obsNormalizer) {
          this.obsNormalizer.training = false;
          this.obsNormalizer.apply(rows, rows, truncatedCount);
          this.obsNormalizer.training = true;
        }
        engine.step(rows, truncatedCount, this.finalH, this.finalC, this.scratchH, this.scratchC, null, this.values32);
        for (let j = 0; j < truncatedCount; j++) buf.rewards[row + this.finalIndex[j]] += c.gamma * this.values32[j];
      }
      for (let i = 0; i < n; i++) {
        const done = buf.dones[row + i];
        this.starts[i] = done;
        if (done) {
          this.h.fill(0, i * H, i * H + H);
          this.c.fill(0, i * H, i * H + H);
        }
      }
      this.observe(true);
      const td = performance.now();
      inferenceMs += tb - ta + (td - tc);
      envMs += tc - tb;
    }
    const ta = performance.now();
    // V(next observation) from the current states, without advancing them.
    engine.step(this.obsNorm, n, this.h, this.c, this.scratchH, this.scratchC, null, this.values32);
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
    const M = this.sequencesPerMinibatch;
    for (let epoch = 0; epoch < c.updateEpochs; epoch++) {
      shuffleIndices(this.seqIds, this.rng);
      let last: LossStats | null = null;
      for (let start = 0; start < this.sequences; start += M) {
        gatherSequences(this.buffer, this.seqIds, start, this.mb, c.normAdv);
        last = this.engine.computeGradients(this.mb, coef);
        this.engine.applyGradients(lr, c.maxGradNorm);
        for (const k of keys) sum[k] += last[k];
        count++;
      }
      epochs++;
      if (c.targetKl !== null && last && last.approxKl > c.targetKl) break;
    }
    for (const k of keys) sum[k] /= count;
    return { stats: sum, epochs };
  }

  /** A Policy over the current networks (frozen view of the observation statistics), with its own LSTM states. */
  policy(opts: { deterministic?: boolean; seed?: number } = {}): RecurrentPpoPolicy {
    return new RecurrentPpoPolicy(this.engine, this.env.actionSpace, this.obsNormalizer?.stats ?? null, { ...opts, ownsEngine: false });
  }

  /** Writes a checkpoint folder (atomically) that load() resumes exactly. */
  async save(dir: string, opts: { metrics?: Record<string, number>; lineage?: Record<string, unknown> } = {}): Promise<void> {
    const params = new Float32Array(this.layout.size);
    this.engine.readParams(params);
    await saveRecurrentCheckpoint(dir, {
      engine: this.engine.kind, config: this.config, spec: this.layout.spec,
      actionSpace: this.env.actionSpace, observationSpace: this.env.observationSpace, observationNames: this.options.observationNames,
      params, optimizer: this.engine.readOptimizer(), state: this.state(),
      metrics: opts.metrics ?? (this.lastScalars as Record<string, number>), lineage: opts.lineage, envState: this.env.saveState?.(),
      rollout: { hidden: this.h.slice(), cell: this.c.slice(), starts: this.starts.slice() },
    });
  }

  static async load(dir: string, env: VecEnvLike, opts: RecurrentTrainerOptions & { continueEnv?: boolean; engine?: EngineKind } = {}): Promise<RecurrentPpoTrainer> {
    const ck = await loadRecurrentCheckpoint(dir);
    if (env.obsSize !== ck.spec.obsSize) throw new ConfigError('env', `observations have ${env.obsSize} values, the checkpoint's network takes ${ck.spec.obsSize}`);
    const want = headFor(env.actionSpace);
    if (JSON.stringify(want) !== JSON.stringify(ck.spec.head)) throw new ConfigError('env', `the action space needs a ${JSON.stringify(want)} head, the checkpoint has ${JSON.stringify(ck.spec.head)}`);
    const config = opts.engine ? { ...ck.config, engine: opts.engine } : ck.config;
    const { engine, backend } = await createRecurrentEngine(config.engine, recurrentLayout(ck.spec), ck.params, adamOf(config), { backend: config.backend, kernels: opts.kernels });
    engine.writeOptimizer(ck.optimizer);
    return RecurrentPpoTrainer.fromState(env, config, engine, backend, ck.state, {
      observationNames: opts.observationNames ?? ck.observationNames, kernels: opts.kernels, envState: ck.envState, continueEnv: opts.continueEnv, rollout: ck.rollout,
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
