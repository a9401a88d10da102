// The lookahead check of an experiment config: what `tradegym run` computes per bar, rebuilt on
// data cut after t with the run's own fit procedure, then compared with the full data
// (check-lookahead.ts). Checked: every feature of the pipeline (normalised, as the models see it),
// the baselines' decisions (rules, logistic regression, random forest, LSTM / GRU predictors and
// their P(up) column), and a trained agent's decisions when a checkpoint is given.
//
// The fits are the run's, in absolute bars: the normaliser on the train split, the classifiers on
// its purged rows. The cuts lie after the train split, so an honest fit sees the same rows at every
// cut; a fit that reads later rows (a normaliser fitted on all of them) sees fewer rows when the
// data is cut, and its values move. What the run selects on the valid split (the baselines'
// parameters, the predictors' early stopping) is chosen once, on the full data, as the run does,
// and held fixed, like a checkpoint: the check is about what a decision at t reads.
import { binaryLabels, scoreBaselines } from '../baselines-run.js';
import { maCrossPolicy, rsiPolicy } from '../../agents/baselines/rule-policies.js';
import { fitLogisticRegression } from '../../agents/baselines/logistic-regression.js';
import { fitRandomForest } from '../../agents/baselines/random-forest/forest.js';
import { signalPolicy, type ProbabilisticClassifier } from '../../agents/baselines/signal-policy.js';
import { loadAnyPolicy } from '../../agents/load-any-policy.js';
import type { Policy } from '../../agents/policy.js';
import { ConfigError } from '../../data/errors.js';
import { defineFeature } from '../../data/features/feature-catalog.js';
import { fitPipeline, transform, type FittedPipeline } from '../../data/features/pipeline.js';
import type { FeatureMatrix } from '../../data/features/log-return-window.js';
import { candleMarket } from '../../envs/candle-market.js';
import type { CandleEnv } from '../../envs/candle-env.js';
import type { CandleEnvConfig } from '../../envs/candle-core.js';
import type { ExecutionConfig } from '../../envs/execution/config.js';
import type { Range } from '../../envs/splits.js';
import { resolveCheckpoint } from '../checkpoint-path.js';
import { checkpointLineage } from '../evaluate-checkpoint.js';
import { envConfig, prepareExperiment, type Prepared } from '../prepare.js';
import { BaselinesSchema, type ExperimentConfig } from '../schema.js';
import { checkLookahead, type CheckOptions, type CutView, type LookaheadProbe, type LookaheadReport } from './check-lookahead.js';
import { checkCutCount, cutPoints } from './cut-points.js';
import { decisionTrace } from './decision-trace.js';

export interface ExperimentCheckOptions {
  /** Cut points over the valid and test splits (default 8). */
  cuts?: number;
  /** A checkpoint or run folder whose agent is checked too. */
  checkpoint?: string;
}

export interface LookaheadSetup {
  /** The run's own preparation of the full data. */
  prepared: Prepared;
  /** Rows the cuts and the policies' decisions cover: the valid and test splits. */
  region: Range;
  cuts: number[];
  probes: LookaheadProbe[];
  /** What is not checked, and why. */
  notes: string[];
  /** Frees what the probes hold (tfjs predictors). */
  dispose(): void;
}

export const DEFAULT_CUTS = 8;

/** The pipeline and feature matrix of a view: the run's fit (normaliser on the train split, in absolute bars). */
function featuresOf(p: Prepared, v: CutView): { pipeline: FittedPipeline; matrix: FeatureMatrix } {
  return v.memo('features', () => {
    const pipeline = fitPipeline(v.candles, p.config.features, p.splits.train);
    return { pipeline, matrix: transform(pipeline, v.candles) };
  });
}

/** What prepareExperiment would give on the view's bars with the full data's splits. */
function preparedFor(p: Prepared, v: CutView): Prepared {
  return v.memo('prepared', () => {
    const c = v.candles;
    const n = c.ts.length;
    const clip = (r: Range): Range => ({ from: Math.min(r.from, n), to: Math.min(r.to, n) });
    const { pipeline, matrix } = featuresOf(p, v);
    return { ...p, candles: c, splits: { train: p.splits.train, valid: clip(p.splits.valid), test: clip(p.splits.test) }, pipeline, market: candleMarket(c, matrix) };
  });
}

/** The decisions of a policy over the region, on the view's bars. */
function decisions(env: CandleEnvConfig, region: Range, make: (env: CandleEnv) => Policy): Float64Array {
  return decisionTrace({ ...env, range: { from: region.from, to: env.market.candles.ts.length } }, make);
}

/** Rows before `end` whose label is known before `end` (purged) and whose features are finite: the rows scoreBaselines fits on. */
function fitRows(p: Prepared, y: Int8Array, horizon: number, end: number): Int32Array {
  const F = p.market.features.names.length;
  const X = p.market.features.values;
  const rows: number[] = [];
  for (let i = p.market.firstValid; i + horizon < end; i++) {
    if (y[i] < 0) continue;
    let ok = true;
    for (let j = 0; j < F; j++) if (!Number.isFinite(X[i * F + j])) ok = false;
    if (ok) rows.push(i);
  }
  return Int32Array.from(rows);
}

function featureProbes(p: Prepared): LookaheadProbe[] {
  const names = p.pipeline.columns;
  let at = 0;
  const probes = p.config.features.features.map((spec): LookaheadProbe => {
    const from = at;
    const width = defineFeature(spec).columns.length;
    at += width;
    return {
      kind: 'feature', name: spec, columns: names.slice(from, from + width),
      compute(v) {
        const m = featuresOf(p, v).matrix;
        const F = m.names.length;
        const out = new Float32Array(m.rows * width);
        for (let t = 0; t < m.rows; t++) out.set(m.values.subarray(t * F + from, t * F + from + width), t * width);
        return out;
      },
    };
  });
  if (at !== names.length) throw new Error(`the feature specs give ${at} columns, the pipeline ${names.length}`);
  return probes;
}

type BaselinesConfig = NonNullable<ExperimentConfig['baselines']>;
/** A baseline's parameters as the run chose them (tuned on the valid split, or pinned by the config). */
type Params = Record<string, number | string>;

const num = (params: Params, key: string, fallback?: number): number => {
  const v = params[key] ?? fallback;
  if (v === undefined) throw new Error(`the run chose no ${key} for a baseline`);
  return Number(v);
};

function withParams(name: string, params: Params): string {
  const text = Object.entries(params).map(([k, v]) => `${k} ${v}`).join(', ');
  return text ? `${name} (${text})` : name;
}

function ruleProbe(p: Prepared, region: Range, name: string, features: string[], make: (env: CandleEnv, names: string[]) => Policy): LookaheadProbe {
  return {
    kind: 'policy', name, columns: ['action'],
    compute(v) {
      const q = preparedFor(p, v);
      // As the run's rule market: the rule's own columns, un-normalised, fitted on the train split.
      const pipe = fitPipeline(q.candles, { features, normalize: 'none', clip: 0 }, q.splits.train);
      const market = candleMarket(q.candles, transform(pipe, q.candles));
      return decisions({ ...envConfig(q, region, false), market }, region, (env) => make(env, pipe.columns));
    },
  };
}

function classifierProbe(p: Prepared, cfg: BaselinesConfig, region: Range, model: 'logistic-regression' | 'random-forest', params: Params): LookaheadProbe {
  return {
    kind: 'policy', name: withParams(model, params), columns: ['action'],
    compute(v) {
      const q = preparedFor(p, v);
      const { y, horizon } = binaryLabels(q, cfg.label);
      const rows = fitRows(q, y, horizon, region.from);
      const X = q.market.features.values;
      const F = q.market.features.names.length;
      const fitted: ProbabilisticClassifier = model === 'logistic-regression'
        ? fitLogisticRegression(X, F, y, { l2: cfg.logisticRegression.l2, rows })
        : fitRandomForest(X, F, y, {
          nTrees: cfg.randomForest.trees, maxDepth: cfg.randomForest.maxDepth, minSamplesLeaf: cfg.randomForest.minLeaf,
          maxSamples: cfg.randomForest.maxSamples, seed: q.config.seed, rows,
        });
      const signal = { threshold: num(params, 'threshold', 0.5), minHold: num(params, 'minHold', 1), longOnly: q.config.env.longOnly };
      return decisions(envConfig(q, region, false), region, (env) => signalPolicy(fitted, { ...signal, obsSize: env.core.obsSize }));
    },
  };
}

/** The rule and classifier baselines, with the parameters the run picks for the test split. */
function baselineProbes(p: Prepared, cfg: BaselinesConfig, region: Range): LookaheadProbe[] {
  const chosen = new Map(scoreBaselines(p, cfg, p.splits.test).map((s) => [s.name, s.params ?? {}]));
  const out: LookaheadProbe[] = [];
  for (const model of cfg.models) {
    const params = chosen.get(model) ?? {};
    if (model === 'ma-cross') {
      const fast = num(params, 'fast', cfg.maCross.fast);
      const slow = num(params, 'slow', cfg.maCross.slow);
      out.push(ruleProbe(p, region, withParams(model, params), [`sma:${fast}`, `sma:${slow}`], (env, names) => maCrossPolicy(env.actionSpace, names, fast, slow, env.core.obsSize)));
    } else if (model === 'rsi') {
      const period = num(params, 'period', cfg.rsi.period);
      const lower = num(params, 'lower', cfg.rsi.lower);
      const upper = num(params, 'upper', cfg.rsi.upper);
      out.push(ruleProbe(p, region, withParams(model, params), [`rsi:${period}`], (env, names) => rsiPolicy(env.actionSpace, names, period, lower, upper, env.core.obsSize)));
    } else if (model === 'logistic-regression' || model === 'random-forest') {
      out.push(classifierProbe(p, cfg, region, model, params));
    }
  }
  return out;
}

/**
 * LSTM / GRU predictors are fitted once, as the run fits them (train split, early stopping on the
 * valid split), and their outputs are checked: the P(up) column over the valid and test rows, and
 * the decisions of the signal policy trading it with the run's parameters. Refitting a tfjs model
 * per cut would cost minutes and prove nothing more about what its output at t reads.
 */
async function predictorProbes(p: Prepared, cfg: BaselinesConfig, region: Range, disposers: (() => void)[]): Promise<LookaheadProbe[]> {
  const cells = cfg.models.filter((m): m is 'lstm' | 'gru' => m === 'lstm' || m === 'gru');
  if (!cells.length) return [];
  const [{ fitPredictor, predictorTargets }, { scorePredictors }] = await Promise.all([import('../../agents/predictors/index.js'), import('../baselines-run.js')]);
  const chosen = new Map((await scorePredictors(p, cfg, p.splits.test)).map((s) => [s.name, s.params ?? {}]));
  const out: LookaheadProbe[] = [];
  for (const cell of cells) {
    const target = predictorTargets(p.candles.close, 'direction', cfg.predictor.horizon ?? 1);
    const predictor = await fitPredictor(
      { features: p.market.features, target, train: p.splits.train, valid: p.splits.valid },
      { ...cfg.predictor, cell, task: 'direction', seed: p.config.seed },
    );
    disposers.push(() => predictor.dispose());
    // As the run's column: P(up) from each bar's window of rows <= t, neutral (0.5) without a window.
    const column = (v: CutView): Float32Array => v.memo(`p_up_${cell}`, () => {
      const q = preparedFor(p, v);
      const T = v.candles.ts.length;
      const ends = Array.from({ length: Math.max(0, T - region.from) }, (_, k) => region.from + k);
      const proba = predictor.predictAt(q.market.features.values, ends);
      const out = new Float32Array(T);
      for (let t = 0; t < T; t++) out[t] = t < q.market.firstValid ? NaN : t < region.from || Number.isNaN(proba[t - region.from]) ? 0.5 : proba[t - region.from];
      return out;
    });
    const params = chosen.get(cell) ?? {};
    const model: ProbabilisticClassifier = {
      kind: cell, nFeatures: 1,
      predictProba(X, n, o) {
        for (let i = 0; i < n; i++) o[i] = X[i];
        return o;
      },
    };
    out.push({ kind: 'feature', name: `${cell} predictor`, columns: [`p_up_${cell}`], compute: column });
    out.push({
      kind: 'policy', name: withParams(cell, params), columns: ['action'],
      compute(v) {
        const q = preparedFor(p, v);
        const market = candleMarket(v.candles, { values: column(v), names: [`p_up_${cell}`], rows: v.candles.ts.length });
        const signal = { threshold: num(params, 'threshold', 0.5), minHold: num(params, 'minHold', 1), longOnly: q.config.env.longOnly, featureColumns: [0] };
        return decisions({ ...envConfig(q, region, false), market }, region, (env) => signalPolicy(model, { ...signal, obsSize: env.core.obsSize }));
      },
    });
  }
  return out;
}

/**
 * A trained agent: its greedy decisions on the features of its checkpoint's own pipeline (never
 * refitted, as eval and deploy use it), and that pipeline's fit replayed on the rows it records
 * (`fittedOn`): a normaliser fitted on rows past a cut sees fewer rows there and moves.
 */
async function agentProbes(p: Prepared, region: Range, path: string, notes: string[]): Promise<LookaheadProbe[]> {
  const dir = resolveCheckpoint(path);
  const { algo, config, pipeline } = await checkpointLineage(dir);
  if (config.data.timeframe !== p.config.data.timeframe) {
    throw new ConfigError('checkpoint', `${path} was trained on ${config.data.timeframe} bars; the config's data is ${p.config.data.timeframe}`);
  }
  const policy = await loadAnyPolicy(dir);
  const e = config.env;
  const name = `agent ${algo}`;
  const probes: LookaheadProbe[] = [];
  // Replaying the fit proves something only on the bars the checkpoint was fitted on.
  const refit = fitPipeline(p.candles, pipeline.config, pipeline.fittedOn);
  const same = (a: number[], b: number[]) => a.length === b.length && a.every((x, i) => Object.is(x, b[i]));
  if (same(refit.center, pipeline.center) && same(refit.scale, pipeline.scale)) {
    probes.push({
      kind: 'feature', name: `${name} features`, columns: pipeline.columns,
      compute: (v) => transform(fitPipeline(v.candles, pipeline.config, pipeline.fittedOn), v.candles).values,
    });
  } else {
    notes.push(`the fit of ${name}'s features is not replayed: its statistics do not come from this config's data (another range or market?)`);
  }
  probes.push({
    kind: 'policy', name, columns: ['action'],
    compute(v) {
      const market = candleMarket(v.candles, transform(pipeline, v.candles));
      const env: CandleEnvConfig = {
        market, actions: e.actions, longOnly: e.longOnly, execution: e.execution as Partial<ExecutionConfig>, reward: e.reward, initialCash: e.initialCash,
      };
      return decisions(env, region, () => policy);
    },
  });
  return probes;
}

/** Loads the data, fits what the run fits, and lists what to compare at which cuts. */
export async function lookaheadSetup(config: ExperimentConfig, opts: ExperimentCheckOptions = {}): Promise<LookaheadSetup> {
  checkCutCount(opts.cuts ?? DEFAULT_CUTS);
  const p = await prepareExperiment(config);
  const n = p.candles.ts.length;
  const region = { from: p.splits.valid.from, to: n };
  const cuts = cutPoints(region, opts.cuts ?? DEFAULT_CUTS);
  // The check rebuilds the run's features itself (it must, on cut data): on the full data they must
  // be the run's to the bit, or the check would be checking another procedure than the run's.
  const own = transform(fitPipeline(p.candles, config.features, p.splits.train), p.candles).values;
  const run = p.market.features.values;
  if (own.length !== run.length || own.some((x, i) => !Object.is(x, run[i]))) {
    throw new Error('the lookahead check no longer builds the features as prepareExperiment does (experiments/prepare.ts): update experiments/lookahead/experiment-probes.ts');
  }
  const cfg = config.baselines ?? BaselinesSchema.parse({});
  const probes = featureProbes(p);
  const disposers: (() => void)[] = [];
  const notes: string[] = [];
  try {
    probes.push(...baselineProbes(p, cfg, region));
    probes.push(...(await predictorProbes(p, cfg, region, disposers)));
    if (opts.checkpoint) probes.push(...(await agentProbes(p, region, opts.checkpoint, notes)));
    else if (config.agent) notes.push(`the agent (${config.agent.algo}) is not checked: give its checkpoint or run folder with --checkpoint`);
  } catch (err) {
    for (const d of disposers) d();
    throw err;
  }
  // Features first: a policy reading a peeking feature differs because of it.
  const ordered = [...probes.filter((x) => x.kind === 'feature'), ...probes.filter((x) => x.kind === 'policy')];
  return { prepared: p, region, cuts, probes: ordered, notes, dispose: () => disposers.forEach((d) => d()) };
}

/** The whole check of an experiment: the setup and the report (findings are in the report; see assertNoLookahead). */
export async function checkExperimentLookahead(config: ExperimentConfig, opts: ExperimentCheckOptions & CheckOptions = {}): Promise<{ setup: LookaheadSetup; report: LookaheadReport }> {
  const setup = await lookaheadSetup(config, opts);
  try {
    return { setup, report: checkLookahead(setup.prepared.candles, setup.probes, setup.cuts, opts) };
  } finally {
    setup.dispose();
  }
}
