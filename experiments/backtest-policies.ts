// `tradegym backtest`: any policy over the same rows and the same execution model. A policy is
// named on the command line as a reference policy (buy-and-hold, random, flat), a rule with its
// parameters (ma-cross:10:30, rsi:14:30:70), or a checkpoint / run folder. Each policy sees its
// own observation (rules: their indicator columns; checkpoints: the pipeline stored with them,
// never refitted), computed over all loaded bars so indicators are warm when the range starts.
import { loadAnyPolicy } from '../agents/load-any-policy.js';
import { runBacktest, type BacktestResult } from '../agents/backtest.js';
import { maCrossPolicy, rsiPolicy } from '../agents/baselines/rule-policies.js';
import type { Policy } from '../agents/policy.js';
import { buyAndHold, flat, randomPolicy } from '../agents/simple-policies.js';
import { ConfigError } from '../data/errors.js';
import { logReturnWindow } from '../data/features/log-return-window.js';
import { fitPipeline, transform } from '../data/features/pipeline.js';
import { didYouMean } from '../data/nearest-names.js';
import type { Candles } from '../data/types.js';
import { candleMarket, type CandleMarket } from '../envs/candle-market.js';
import { CandleEnv } from '../envs/candle-env.js';
import type { ExecutionConfig } from '../envs/execution/config.js';
import type { Range } from '../envs/splits.js';
import type { Space } from '../envs/spaces.js';
import { looksLikeCheckpoint, resolveCheckpoint } from './checkpoint-path.js';
import { checkpointLineage } from './evaluate-checkpoint.js';

export type PolicySpec =
  | { kind: 'buy-and-hold' | 'random' | 'flat' }
  | { kind: 'ma-cross'; fast: number; slow: number }
  | { kind: 'rsi'; period: number; lower: number; upper: number }
  | { kind: 'checkpoint'; path: string };

const REFERENCE = ['buy-and-hold', 'random', 'flat'] as const;
export const POLICY_HELP = 'buy-and-hold, random, flat, ma-cross[:FAST:SLOW], rsi[:PERIOD:LOWER:UPPER], or a checkpoint / run folder';

function numbers(spec: string, parts: string[], count: number, defaults: number[]): number[] {
  if (parts.length !== 0 && parts.length !== count) throw new ConfigError('policy', `"${spec}" needs ${count} numbers or none (defaults ${defaults.join(':')})`);
  const xs = parts.length ? parts.map(Number) : defaults;
  if (xs.some((x) => !Number.isFinite(x))) throw new ConfigError('policy', `"${spec}": parameters must be numbers`);
  return xs;
}

/** Parses one `--policy` value; an unknown name gets a "did you mean". */
export function parsePolicySpec(spec: string): PolicySpec {
  const [name, ...parts] = spec.split(':');
  if ((REFERENCE as readonly string[]).includes(spec)) return { kind: spec as (typeof REFERENCE)[number] };
  if (name === 'ma-cross') {
    const [fast, slow] = numbers(spec, parts, 2, [10, 50]);
    if (!(Number.isInteger(fast) && Number.isInteger(slow) && fast >= 1 && fast < slow)) throw new ConfigError('policy', `"${spec}": want whole numbers FAST < SLOW, e.g. ma-cross:10:30`);
    return { kind: 'ma-cross', fast, slow };
  }
  if (name === 'rsi') {
    const [period, lower, upper] = numbers(spec, parts, 3, [14, 30, 70]);
    if (!(Number.isInteger(period) && period >= 2 && lower >= 0 && lower < upper && upper <= 100)) throw new ConfigError('policy', `"${spec}": want PERIOD >= 2 and 0 <= LOWER < UPPER <= 100, e.g. rsi:14:30:70`);
    return { kind: 'rsi', period, lower, upper };
  }
  if (looksLikeCheckpoint(spec)) return { kind: 'checkpoint', path: spec };
  const hint = didYouMean(name, [...REFERENCE, 'ma-cross', 'rsi']);
  throw new ConfigError('policy', `"${spec}" is not a policy or a checkpoint / run folder${hint || `; use ${POLICY_HELP}`}`);
}

export interface BacktestSetup {
  candles: Candles;
  /** Rows scored. */
  range: Range;
  actions: 'discrete' | 'continuous';
  longOnly: boolean;
  execution: Partial<ExecutionConfig>;
  /** Log-return window of the reference policies' observation. */
  window: number;
  seed: number;
}

export interface PolicyBacktest {
  name: string;
  result: BacktestResult;
  /** Notes for the user, e.g. a checkpoint trained on another symbol. */
  notes: string[];
}

function envFor(setup: BacktestSetup, market: CandleMarket, overrides: { actions?: 'discrete' | 'continuous'; longOnly?: boolean; initialCash?: number } = {}): CandleEnv {
  return new CandleEnv({
    market, range: setup.range, actions: overrides.actions ?? setup.actions, longOnly: overrides.longOnly ?? setup.longOnly,
    execution: setup.execution, initialCash: overrides.initialCash,
  }, setup.seed);
}

/** A rule's market: its indicator columns, un-normalised (rules read raw indicator values). */
function ruleMarket(candles: Candles, features: string[]): { market: CandleMarket; names: string[] } {
  const all = { from: 0, to: candles.ts.length };
  const pipe = fitPipeline(candles, { features, normalize: 'none', clip: 0 }, all);
  return { market: candleMarket(candles, transform(pipe, candles)), names: pipe.columns };
}

export async function backtestPolicy(spec: PolicySpec, setup: BacktestSetup, label?: string): Promise<PolicyBacktest> {
  const notes: string[] = [];
  let env: CandleEnv;
  let policy: Policy;
  let name: string;
  if (spec.kind === 'ma-cross' || spec.kind === 'rsi') {
    const features = spec.kind === 'ma-cross' ? [`sma:${spec.fast}`, `sma:${spec.slow}`] : [`rsi:${spec.period}`];
    const { market, names } = ruleMarket(setup.candles, features);
    env = envFor(setup, market);
    policy = spec.kind === 'ma-cross'
      ? maCrossPolicy(env.actionSpace, names, spec.fast, spec.slow, env.core.obsSize)
      : rsiPolicy(env.actionSpace, names, spec.period, spec.lower, spec.upper, env.core.obsSize);
    name = spec.kind === 'ma-cross' ? `ma-cross:${spec.fast}:${spec.slow}` : `rsi:${spec.period}:${spec.lower}:${spec.upper}`;
  } else if (spec.kind === 'checkpoint') {
    const dir = resolveCheckpoint(spec.path, 'policy');
    const { algo, config, pipeline } = await checkpointLineage(dir);
    const c = setup.candles;
    if (config.data.timeframe !== c.timeframe) {
      throw new ConfigError('policy', `${spec.path} was trained on ${config.data.timeframe} bars; the backtest data is ${c.timeframe} (use --data ${c.exchange}:${c.symbol}:${config.data.timeframe})`);
    }
    if (config.data.symbol !== c.symbol || config.data.exchange !== c.exchange) {
      notes.push(`${spec.path} was trained on ${config.data.exchange} ${config.data.symbol}; scored here on ${c.exchange} ${c.symbol}`);
    }
    const market = candleMarket(c, transform(pipeline, c));
    // Its action space is part of the network: take it from the checkpoint's experiment.
    env = envFor(setup, market, { actions: config.env.actions, longOnly: config.env.longOnly, initialCash: config.env.initialCash });
    policy = await loadAnyPolicy(dir);
    name = label ?? `${algo} (${spec.path})`;
  } else {
    env = envFor(setup, candleMarket(setup.candles, logReturnWindow(setup.candles, setup.window)));
    policy = referencePolicy(spec.kind, env.actionSpace, setup.seed);
    name = spec.kind;
  }
  return { name: label ?? name, result: runBacktest(env, policy), notes };
}

function referencePolicy(kind: 'buy-and-hold' | 'random' | 'flat', space: Space, seed: number): Policy {
  if (kind === 'buy-and-hold') return buyAndHold(space);
  if (kind === 'flat') return flat(space);
  return randomPolicy(space, seed);
}

/** Rows of `ts` inside [from, to) (ms), intersected with `range`. */
export function rowsInTime(ts: Float64Array, range: Range, from?: number, to?: number): Range {
  let a = range.from;
  let b = range.to;
  if (from !== undefined) while (a < b && ts[a] < from) a++;
  if (to !== undefined) while (b > a && ts[b - 1] >= to) b--;
  return { from: a, to: b };
}
