// An ML classifier as a trading Policy: the predicted probability that the price goes up becomes
// a discrete action of the candle env: {short, flat, long} = {0, 1, 2}, or {flat, long} = {0, 1}
// when long-only (envs/candle-core.ts). The model must have been fitted on the same feature
// columns the env puts at the head of each observation row (the env appends its account features
// after them), in the same order and scaling.
//
// A probability near the threshold flips the signal bar after bar, and at a taker fee of 0.1 % per
// fill the fees then decide the result (an untuned random forest made over 1,400 trades on the
// sample's test split): `minHold` is the hysteresis that keeps each action for a minimum number
// of bars.
import { ConfigError } from '../../data/errors.js';
import type { Policy, PolicyOutput } from '../policy.js';

/** What a signal policy needs from a model; LogisticRegression and RandomForest both fit. */
export interface ProbabilisticClassifier {
  readonly kind: string;
  readonly nFeatures: number;
  /** P(up) for `n` rows of X (row-major [n, nFeatures]) into `out`, allocating nothing. */
  predictProba(X: Float32Array, n: number, out: Float64Array): Float64Array;
}

export interface SignalPolicyOptions {
  /** Long when P(up) > threshold; short (flat when long-only) when P(up) < 1 - threshold. In [0.5, 1). Default 0.5. */
  threshold?: number;
  /**
   * Minimum holding period in bars (decisions): once the action changes, the new one is kept for
   * at least this many bars before the signal may change it again. 1 = none (the default).
   */
  minHold?: number;
  /** Actions {flat, long} instead of {short, flat, long}. Default false. */
  longOnly?: boolean;
  /** Observation columns holding the model's features, in the model's order. Default 0 .. nFeatures - 1. */
  featureColumns?: readonly number[];
  /** Floats per observation row. Default nFeatures + 2 (the candle env's two account features). */
  obsSize?: number;
}

/**
 * A Policy over a fitted classifier. Between calls it reuses its feature, probability, action and
 * holding buffers (grown only when a bigger batch arrives), so act() allocates nothing in a
 * backtest or rollout loop. A NaN probability (e.g. NaN features in warm-up rows) is flat. Its
 * only state is the holding period (minHold > 1) of each env of the batch; reset() clears it.
 */
export function signalPolicy(model: ProbabilisticClassifier, opts: SignalPolicyOptions = {}): Policy {
  const threshold = opts.threshold ?? 0.5;
  if (!(threshold >= 0.5 && threshold < 1)) throw new ConfigError('threshold', `must be in [0.5, 1), got ${threshold}`);
  const minHold = opts.minHold ?? 1;
  if (!(Number.isInteger(minHold) && minHold >= 1)) throw new ConfigError('minHold', `must be a whole number of bars >= 1, got ${minHold}`);
  const f = model.nFeatures;
  const cols = Int32Array.from(opts.featureColumns ?? Array.from({ length: f }, (_, j) => j));
  if (cols.length !== f) throw new ConfigError('featureColumns', `lists ${cols.length} columns, the model has ${f} features`);
  const obsSize = opts.obsSize ?? f + 2;
  for (const c of cols) {
    if (!(Number.isInteger(c) && c >= 0 && c < obsSize)) throw new ConfigError('featureColumns', `column ${c} is outside an observation of ${obsSize} floats`);
  }
  const longOnly = opts.longOnly ?? false;
  const [short, flat, long] = longOnly ? [0, 0, 1] : [0, 1, 2];
  let X = new Float32Array(64 * f);
  let p = new Float64Array(64);
  const out: PolicyOutput = { actions: new Float32Array(64) };
  // Per env: the action held (-1: none yet, so the first signal is taken at once) and the bars since it was taken.
  let held = new Float32Array(64).fill(-1);
  let age = new Int32Array(64);
  return {
    name: `signal(${model.kind}, ${threshold}${minHold > 1 ? `, hold ${minHold}` : ''}${longOnly ? ', long-only' : ''})`,
    reset(envs) {
      if (!envs) held.fill(-1);
      else for (const i of envs) held[i] = -1;
    },
    act(obs, batch) {
      if (out.actions.length < batch) {
        out.actions = new Float32Array(batch);
        X = new Float32Array(batch * f);
        p = new Float64Array(batch);
        const h = new Float32Array(batch).fill(-1);
        h.set(held);
        held = h;
        const a = new Int32Array(batch);
        a.set(age);
        age = a;
      }
      for (let b = 0; b < batch; b++) {
        const o = b * obsSize;
        for (let j = 0; j < f; j++) X[b * f + j] = obs[o + cols[j]];
      }
      model.predictProba(X, batch, p);
      for (let b = 0; b < batch; b++) {
        const q = p[b];
        const want = q > threshold ? long : q < 1 - threshold ? short : flat;
        age[b]++;
        if (want !== held[b] && (held[b] < 0 || age[b] >= minHold)) {
          held[b] = want;
          age[b] = 0;
        }
        out.actions[b] = held[b];
      }
      return out;
    },
  };
}
