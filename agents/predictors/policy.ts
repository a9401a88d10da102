// A sequence predictor as a trading Policy, through the baselines' signal policy: P(up) ->
// {short, flat, long} with its threshold and long-only options. The predictor needs a window of
// rows while a Policy sees one observation per env per call, so an adapter keeps the last seqLen
// feature rows per env (a ring buffer: the policy's recurrent state) and reports NaN (-> flat)
// until an env has a full window. Call act() once per bar; reset(envIndices) at episode starts.
import { ConfigError } from '../../data/errors.js';
import { signalPolicy, type ProbabilisticClassifier, type SignalPolicyOptions } from '../baselines/signal-policy.js';
import type { Policy } from '../policy.js';
import type { SequencePredictor } from './predictor.js';

export interface WindowClassifier extends ProbabilisticClassifier {
  /** Forgets the history of the given envs (all when omitted). */
  reset(envIndices?: number[]): void;
}

/**
 * The adapter: predictProba(rows, n) appends row i to env i's history and answers P(up) from
 * its last seqLen rows. A return predictor answers 1 above `minReturn`, 0 below -minReturn,
 * else 0.5 (flat at the signal policy's default threshold).
 */
export function windowClassifier(p: SequencePredictor, opts: { minReturn?: number } = {}): WindowClassifier {
  const L = p.seqLen;
  const F = p.nFeatures;
  const minReturn = opts.minReturn ?? 0;
  if (!(minReturn >= 0)) throw new ConfigError('minReturn', `must be >= 0, got ${minReturn}`);
  let envs = 0;
  /** [envs, L, F] rows in time order per env (shifted on push: L is small), and rows seen. */
  let history = new Float32Array(0);
  let seen = new Int32Array(0);
  const ends: number[] = [];
  const at: number[] = [];
  let z = new Float32Array(0);
  return {
    kind: `windowed(${p.kind})`,
    nFeatures: F,
    reset(envIndices) {
      if (!envIndices) seen.fill(0);
      else for (const i of envIndices) seen[i] = 0;
    },
    predictProba(X, n, out) {
      if (n !== envs) {
        history = new Float32Array(n * L * F);
        seen = new Int32Array(n);
        envs = n;
      }
      ends.length = 0;
      at.length = 0;
      for (let i = 0; i < n; i++) {
        const h = history.subarray(i * L * F, (i + 1) * L * F);
        h.copyWithin(0, F);
        h.set(X.subarray(i * F, i * F + F), (L - 1) * F);
        seen[i]++;
        out[i] = NaN;
        // A window is the env's last L rows: the env's slot of `history` read as rows 0..L-1.
        if (seen[i] >= L) {
          ends.push(i * L + L - 1);
          at.push(i);
        }
      }
      if (at.length === 0) return out;
      if (z.length < n) z = new Float32Array(n);
      p.raw(history, ends, z);
      for (let j = 0; j < at.length; j++) {
        const v = p.fromRaw(z[j]);
        out[at[j]] = p.meta.config.task === 'direction' ? v : v > minReturn ? 1 : v < -minReturn ? 0 : 0.5;
      }
      return out;
    },
  };
}

/** A Policy trading the predictor's signal; `featureColumns`/`obsSize` as signalPolicy's (default: the features first, then 2 account values). */
export function predictorPolicy(p: SequencePredictor, opts: SignalPolicyOptions & { minReturn?: number } = {}): Policy {
  const model = windowClassifier(p, opts);
  const inner = signalPolicy(model, opts);
  return {
    name: `predictor(${p.kind}, ${inner.name})`,
    act: (obs, batch) => inner.act(obs, batch),
    // The window history and the signal's holding period (minHold) both start over.
    reset: (idx) => { model.reset(idx); inner.reset?.(idx); },
  };
}
