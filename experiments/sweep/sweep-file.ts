// The sweep file: which experiment to vary, how to search, how to stop bad trials early, where to
// run. YAML (with `extends:`), validated so that an error names the field and the allowed values.
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { ConfigError } from '../../data/errors.js';
import { readConfigTree, validateConfig } from '../config-file.js';
import type { JsonValue, SearchSpace } from './space.js';

/** A config path: dot-separated keys, e.g. agent.lr or env.reward.kind. */
const DOTTED = /^[A-Za-z_][\w-]*(\.[A-Za-z_][\w-]*)*$/;

const JsonSchema: z.ZodType<JsonValue> = z.json();

// One object with every field optional (rather than a union of two shapes), so that a mistake is
// reported on the field itself instead of as "invalid input" for the whole space.
const SpaceSchema = z
  .strictObject({
    /** Categorical: the values to choose from (any YAML/JSON value). */
    values: z.array(JsonSchema).min(1).optional(),
    /** Range: bounds, inclusive. */
    min: z.number().optional(),
    max: z.number().optional(),
    /** Search the range on a log scale (learning rates, penalties); needs min > 0. */
    log: z.boolean().optional(),
    /** Integers only. */
    int: z.boolean().optional(),
    /** Grid search over a continuous range: this many evenly spaced points (log-spaced if log). */
    steps: z.number().int().min(2).optional(),
  })
  .superRefine((s, ctx) => {
    const range = s.min !== undefined || s.max !== undefined || s.log !== undefined || s.int !== undefined || s.steps !== undefined;
    if (s.values !== undefined && range) ctx.addIssue({ code: 'custom', message: 'give either values: [...] or a range (min, max, log, int, steps), not both' });
    else if (s.values === undefined && (s.min === undefined || s.max === undefined)) ctx.addIssue({ code: 'custom', message: 'give values: [...] or both min and max' });
    else if (s.min !== undefined && s.max !== undefined) {
      if (!(s.min < s.max)) ctx.addIssue({ code: 'custom', path: ['max'], message: `must be greater than min (${s.min})` });
      if (s.log && s.min <= 0) ctx.addIssue({ code: 'custom', path: ['min'], message: 'must be > 0 for a log range' });
      if (s.int && (!Number.isInteger(s.min) || !Number.isInteger(s.max))) ctx.addIssue({ code: 'custom', path: ['min'], message: 'min and max must be integers when int: true' });
    }
  });

const EarlyStopSchema = z.preprocess(
  // `earlyStop: median` is short for `{ kind: median }` (with its defaults).
  (v) => (typeof v === 'string' ? { kind: v } : v),
  z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('none') }),
    z.strictObject({
      kind: z.literal('median'),
      /** No decision before this step (early curves are noisy). */
      warmup: z.number().min(0).default(0),
      /** Completed trials that must have reached a step before it is judged. */
      minTrials: z.number().int().min(1).default(3),
    }),
    z.strictObject({
      kind: z.literal('asha'),
      /** Step of the first rung. */
      minResource: z.number().positive(),
      /** eta: rungs sit at minResource * eta^k; the top 1/eta of a rung goes on. */
      reductionFactor: z.number().min(2).default(3),
      /** The step a trial runs to when never stopped; rungs lie below it. */
      maxResource: z.number().positive(),
    }),
  ]),
);

export const SweepSchema = z
  .strictObject({
    /** Sweep name: results go to <out>/<name>/ (and a restart with the same name resumes). */
    name: z.string().regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, dot, dash, underscore'),
    /** Experiment config every trial starts from (relative to this file). */
    base: z.string().optional(),
    /** Module exporting runTrial(config, ctx) (relative to this file); default experiments/run-trial.ts. */
    trial: z.string().optional(),
    /** Metric to optimise: a key of the metrics runTrial returns, also the value it reports. */
    metric: z.string().min(1),
    mode: z.enum(['max', 'min']).default('max'),
    method: z.enum(['grid', 'random', 'tpe']).default('random'),
    /** Dotted config path -> search space. */
    params: z.record(z.string(), SpaceSchema),
    /** Number of trials (random, tpe); grid runs every point. */
    trials: z.number().int().positive().optional(),
    /** Seeds the search (and, through the trial id, each trial's ctx.seed). */
    seed: z.number().int().default(0),
    earlyStop: EarlyStopSchema.default({ kind: 'none' }),
    /** Local worker processes; 0 runs trials inside the coordinator (debugging, tests). */
    workers: z.number().int().min(0).default(2),
    /** Trials in flight at once; default: workers (local), 4 (queue). TPE learns only from finished trials. */
    concurrency: z.number().int().positive().optional(),
    /** TPE: random trials before the model is used, the good-quantile gamma, candidates per suggestion. */
    tpe: z.strictObject({
      startup: z.number().int().min(1).default(10),
      gamma: z.number().gt(0).lt(1).default(0.25),
      candidates: z.number().int().min(1).default(24),
    }).default({ startup: 10, gamma: 0.25, candidates: 24 }),
    /** How many times a trial whose worker process died is run again before it counts as failed. */
    retries: z.number().int().min(0).default(2),
  })
  .superRefine((s, ctx) => {
    if (Object.keys(s.params).length === 0) ctx.addIssue({ code: 'custom', path: ['params'], message: 'give at least one parameter to search' });
    if (s.method !== 'grid' && s.trials === undefined) ctx.addIssue({ code: 'custom', path: ['trials'], message: `required for method ${s.method}` });
    const keys = Object.keys(s.params);
    for (const k of keys) {
      if (!DOTTED.test(k)) ctx.addIssue({ code: 'custom', path: ['params', k], message: 'not a config path; use dot-separated keys like agent.lr' });
      const parent = keys.find((p) => k.startsWith(`${p}.`));
      if (parent) ctx.addIssue({ code: 'custom', path: ['params', k], message: `overlaps ${parent}; a path cannot be searched together with its parent` });
    }
    if (s.earlyStop.kind === 'asha' && s.earlyStop.minResource >= s.earlyStop.maxResource) {
      ctx.addIssue({ code: 'custom', path: ['earlyStop', 'maxResource'], message: 'must be greater than minResource' });
    }
  });

type RawSweep = z.infer<typeof SweepSchema>;
export type EarlyStop = RawSweep['earlyStop'];
export type TpeOptions = RawSweep['tpe'];

export interface SweepSpec extends Omit<RawSweep, 'params' | 'base' | 'trial'> {
  /** Absolute path of the sweep file (undefined when built in code). */
  file?: string;
  /** Absolute path of the base experiment config, if any. */
  base?: string;
  /** Absolute path of the trial module. */
  trial: string;
  /** In the order written; grid order follows it. */
  params: Array<[string, SearchSpace]>;
}

/** The project's own trial (experiments/run-trial.ts, or its build in dist/). */
export const DEFAULT_TRIAL = fileURLToPath(new URL(`../run-trial${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url));

export type SweepOverrides = Partial<Pick<RawSweep, 'workers' | 'concurrency' | 'trials' | 'seed'>>;

/** Reads, merges `extends`, validates, resolves paths relative to the sweep file. */
export function loadSweep(path: string, overrides: SweepOverrides = {}): SweepSpec {
  const raw = readConfigTree(path);
  for (const [k, v] of Object.entries(overrides)) if (v !== undefined) raw[k] = v;
  return parseSweep(raw, path);
}

/** Validates a sweep given as an object; relative paths resolve against `source`'s folder. */
export function parseSweep(raw: unknown, source: string): SweepSpec {
  const s = validateConfig(SweepSchema, raw, source);
  const dir = dirname(resolve(source));
  const trial = s.trial ? resolve(dir, s.trial) : DEFAULT_TRIAL;
  if (!existsSync(trial)) {
    throw new ConfigError(`${source}: trial`, s.trial ? `module ${trial} not found` : `no trial module given, and the default ${DEFAULT_TRIAL} does not exist yet`);
  }
  const base = s.base ? resolve(dir, s.base) : undefined;
  if (base && !existsSync(base)) throw new ConfigError(`${source}: base`, `config ${base} not found`);
  const params = Object.entries(s.params).map(([key, p]): [string, SearchSpace] =>
    p.values !== undefined
      ? [key, { kind: 'categorical', values: p.values }]
      : [key, { kind: 'range', min: p.min!, max: p.max!, log: p.log ?? false, int: p.int ?? false, ...(p.steps !== undefined ? { steps: p.steps } : {}) }],
  );
  return { ...s, file: resolve(source), base, trial, params };
}
