// The probability of backtest overfitting (PBO) by combinatorially symmetric cross-validation
// (CSCV): D. H. Bailey, J. M. Borwein, M. Lopez de Prado and Q. J. Zhu, "The Probability of Backtest
// Overfitting", Journal of Computational Finance 20(4), 2017 (SSRN 2326253, 2015), section 2:
//
//   1. M is the T x N matrix of per-period returns of N trials (same periods for all).
//   2. Split M by rows into S disjoint blocks of equal size T/S (S even).
//   3. For each of the C(S, S/2) sets J of S/2 blocks (in-sample) and its complement J' (out of
//      sample), compute each trial's performance (here the Sharpe ratio mean / std) on J and on J'.
//   4. n* = the trial best in-sample; w = (rank of n*'s out-of-sample performance among the N,
//      1 = worst) / (N + 1); the logit lambda = ln(w / (1 - w)).
//   5. PBO = the share of sets with lambda <= 0: how often the in-sample winner is at or below the
//      median out of sample.
//
// Choices the paper leaves open: T mod S rows are dropped from the start (the oldest) so blocks are
// equal; an in-sample tie goes to the first trial; out-of-sample ties share their mean rank; a
// constant series has Sharpe ratio 0. S is 16 (the paper's choice) unless the series is short:
// then the largest even S with at least `minRowsPerBlock` rows per block, and no fewer than 4.
import { ConfigError } from '../../data/errors.js';

export interface PboOptions {
  /** Largest number of blocks S (even; default 16, so C(16, 8) = 12870 splits). */
  blocks?: number;
  /** Fewest trials for a PBO (default 4: ranks among fewer say little). */
  minTrials?: number;
  /** Fewest rows per block (default 8). */
  minRowsPerBlock?: number;
}

export interface PboResult {
  /** Share of splits whose in-sample best trial is at or below the out-of-sample median. */
  pbo: number;
  /** lambda of every split (in the order of the split's bitmask). */
  logits: Float64Array;
  /** P(the in-sample best trial loses out of sample): its out-of-sample Sharpe ratio < 0. */
  pLoss: number;
  combinations: number;
  blocks: number;
  rowsPerBlock: number;
  trials: number;
  /** Periods given (T) and periods used (blocks x rowsPerBlock). */
  periods: number;
  usedPeriods: number;
}

const DEFAULTS = { blocks: 16, minTrials: 4, minRowsPerBlock: 8 };

/** The number of blocks CSCV would use, or why it cannot run on a T x N matrix. */
export function cscvBlocks(periods: number, trials: number, opts: PboOptions = {}): { blocks: number } | { reason: string } {
  const o = { ...DEFAULTS, ...opts };
  if (!(o.blocks >= 4 && o.blocks % 2 === 0)) throw new ConfigError('blocks', `must be an even number >= 4, got ${o.blocks}`);
  if (trials < o.minTrials) return { reason: `needs at least ${o.minTrials} trials with returns, has ${trials}` };
  const s = Math.min(o.blocks, 2 * Math.floor(periods / (2 * o.minRowsPerBlock)));
  if (s < 4) return { reason: `needs at least ${4 * o.minRowsPerBlock} periods (4 blocks of ${o.minRowsPerBlock}), has ${periods}` };
  return { blocks: s };
}

/**
 * PBO of N trials whose per-period returns are `returns`, row-major T x N (returns[t * N + n]).
 * Throws a ConfigError naming the reason when cscvBlocks says it cannot run.
 */
export function probabilityOfBacktestOverfitting(returns: Float64Array, periods: number, trials: number, opts: PboOptions = {}): PboResult {
  if (returns.length !== periods * trials) throw new ConfigError('returns', `has ${returns.length} values, not ${periods} x ${trials}`);
  const plan = cscvBlocks(periods, trials, opts);
  if ('reason' in plan) throw new ConfigError('returns', `no PBO: ${plan.reason}`);
  const S = plan.blocks;
  const N = trials;
  const m = Math.floor(periods / S);
  const skip = periods - S * m;

  // Per trial: its mean over the used rows (a shift that keeps sums of squares from cancelling),
  // then per block the sum and the sum of squares of the deviations from it.
  const center = new Float64Array(N);
  for (let t = skip; t < periods; t++) for (let j = 0; j < N; j++) center[j] += returns[t * N + j];
  for (let j = 0; j < N; j++) center[j] /= S * m;
  const sum = new Float64Array(S * N);
  const sq = new Float64Array(S * N);
  for (let b = 0; b < S; b++) {
    for (let t = skip + b * m; t < skip + (b + 1) * m; t++) {
      for (let j = 0; j < N; j++) {
        const d = returns[t * N + j] - center[j];
        sum[b * N + j] += d;
        sq[b * N + j] += d * d;
      }
    }
  }
  const totalSum = new Float64Array(N);
  const totalSq = new Float64Array(N);
  for (let b = 0; b < S; b++) for (let j = 0; j < N; j++) { totalSum[j] += sum[b * N + j]; totalSq[j] += sq[b * N + j]; }

  const rows = (S / 2) * m;
  const sharpe = (j: number, s: number, q: number) => {
    const md = s / rows;
    const std = Math.sqrt(Math.max(0, (q - rows * md * md) / (rows - 1)));
    return std > 0 ? (center[j] + md) / std : 0;
  };
  const inSum = new Float64Array(N);
  const inSq = new Float64Array(N);
  const oos = new Float64Array(N);
  const logits: number[] = [];
  let overfit = 0;
  let losses = 0;
  const half = S / 2;
  for (let mask = 0; mask < 1 << S; mask++) {
    if (popcount(mask) !== half) continue;
    inSum.fill(0);
    inSq.fill(0);
    for (let b = 0; b < S; b++) {
      if (!(mask & (1 << b))) continue;
      for (let j = 0; j < N; j++) { inSum[j] += sum[b * N + j]; inSq[j] += sq[b * N + j]; }
    }
    let best = 0;
    let bestIs = -Infinity;
    for (let j = 0; j < N; j++) {
      const is = sharpe(j, inSum[j], inSq[j]);
      if (is > bestIs) { bestIs = is; best = j; }
      oos[j] = sharpe(j, totalSum[j] - inSum[j], totalSq[j] - inSq[j]);
    }
    // Mean rank (1 = worst) of the in-sample best trial among the out-of-sample Sharpe ratios.
    let below = 0;
    let ties = 0;
    for (let j = 0; j < N; j++) {
      if (oos[j] < oos[best]) below++;
      else if (oos[j] === oos[best]) ties++;
    }
    const rank = below + (ties + 1) / 2;
    const w = rank / (N + 1);
    const lambda = Math.log(w / (1 - w));
    logits.push(lambda);
    if (lambda <= 0) overfit++;
    if (oos[best] < 0) losses++;
  }
  return {
    pbo: overfit / logits.length, logits: Float64Array.from(logits), pLoss: losses / logits.length,
    combinations: logits.length, blocks: S, rowsPerBlock: m, trials: N, periods, usedPeriods: S * m,
  };
}

function popcount(x: number): number {
  let c = 0;
  for (; x; x &= x - 1) c++;
  return c;
}
