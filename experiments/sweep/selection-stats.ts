// How much of a sweep's best result is selection: the deflated Sharpe ratio of the best trial
// (experiments/stats/deflated-sharpe.ts) and the probability of backtest overfitting of the whole
// search (experiments/stats/backtest-overfitting.ts), from the trials' own run folders.
//
// Per-period returns come from each trial's curves.json (the default trial writes one, scored on
// the validation split: the equity of metrics.json's `best` policy). A trial without one (another
// trial module, or a worker on another machine) counts only through its reported `sharpe` metric:
//   - DSR: the variance across trials uses every counted trial's annualised Sharpe ratio; the best
//     trial needs the number of returns T and periods per year, from its curves or from metrics
//     `observations` and `periodsPerYear` that a trial module may report; without curves its
//     skewness and kurtosis are unknown and taken as normal (0 and 3), which is said.
//   - PBO needs the per-period returns of every trial: only trials with curves take part.
// Counted trials are the completed and the stopped ones with a finite Sharpe ratio (all were tried:
// the selection ran over them); failed trials are not.
import { join } from 'node:path';
import { readRun } from '../run-dir.js';
import { cscvBlocks, probabilityOfBacktestOverfitting } from '../stats/backtest-overfitting.js';
import { deflatedSharpe, expectedMaxSharpe, sampleVariance } from '../stats/deflated-sharpe.js';
import { barsPerYear, returnMoments, simpleReturns } from '../stats/returns.js';
import { trialDir } from './sweep-hparams.js';
import type { TrialRecord } from './sweep-store.js';

export const STATS_FILE = 'stats.json';

export interface SweepStats {
  /** Trials counted (completed or stopped with a finite Sharpe ratio) and how many have curves. */
  trials: number;
  trialsWithCurves: number;
  best?: {
    trial: string;
    /** Annualised, as in metrics.json and results.csv. */
    sharpe: number;
    /** The split its curve was scored on (the default trial: valid). */
    split?: string;
    sharpePerPeriod?: number;
    observations?: number;
    periodsPerYear?: number;
    skewness?: number;
    /** Not excess: 3 for normal returns. */
    kurtosis?: number;
    source: 'curves' | 'metrics';
  };
  deflatedSharpe: {
    /** P(the best trial's true Sharpe ratio > expectedMaxSharpe); null when it cannot be computed (see note). */
    value: number | null;
    /** SR0, annualised: the best Sharpe ratio `trials` trials without skill are expected to show. */
    expectedMaxSharpe: number | null;
    /** Variance of the counted trials' annualised Sharpe ratios. */
    sharpeVariance: number | null;
    trials: number;
    /** True when skewness and kurtosis were not known and normal ones were used. */
    momentsAssumed: boolean;
    note?: string;
  };
  pbo: {
    value: number | null;
    /** P(the in-sample best trial's out-of-sample Sharpe ratio < 0). */
    pLoss?: number;
    trials?: number;
    periods?: number;
    blocks?: number;
    rowsPerBlock?: number;
    combinations?: number;
    reason?: string;
  };
}

interface TrialCurve {
  ts: number[];
  equity: number[];
  split?: string;
}

/** The scored policy's curve in a trial's run folder (metrics.json's best, else the first that is not buy-and-hold). */
async function readTrialCurve(dir: string): Promise<TrialCurve | undefined> {
  let run;
  try {
    run = await readRun(dir);
  } catch {
    return undefined; // no run folder (another trial module) or an unreadable one: counted by its metrics
  }
  if (!run.curves) return undefined;
  const name = run.metrics.best ?? Object.keys(run.curves.policies).find((k) => k !== 'buy-and-hold');
  const policy = name === undefined ? undefined : run.curves.policies[name];
  if (!policy) return undefined;
  const ts: number[] = [];
  const equity: number[] = [];
  run.curves.ts.forEach((t, i) => {
    if (Number.isFinite(policy.equity[i])) {
      ts.push(t);
      equity.push(policy.equity[i]);
    }
  });
  return ts.length >= 3 ? { ts, equity, split: run.metrics.split.name } : undefined;
}

const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/** DSR and PBO of a finished sweep; `best` is the trial the sweep picked (bestTrial). */
export async function sweepSelectionStats(sweepDir: string, records: readonly TrialRecord[], best: TrialRecord | undefined): Promise<SweepStats> {
  const counted: { rec: TrialRecord; sharpe: number; curve?: TrialCurve }[] = [];
  for (const rec of records) {
    if (rec.status === 'failed') continue;
    const curve = await readTrialCurve(trialDir(sweepDir, rec.id));
    const sharpe = curve ? returnMoments(simpleReturns(curve.equity)).sharpe * Math.sqrt(barsPerYear(curve.ts)) : rec.metrics.sharpe;
    if (finite(sharpe)) counted.push({ rec, sharpe, ...(curve ? { curve } : {}) });
  }
  const withCurves = counted.filter((c) => c.curve);
  return {
    trials: counted.length,
    trialsWithCurves: withCurves.length,
    ...deflated(counted, best),
    pbo: pbo(withCurves.map((c) => c.curve!), counted.length),
  };
}

function deflated(counted: { rec: TrialRecord; sharpe: number; curve?: TrialCurve }[], best: TrialRecord | undefined): Pick<SweepStats, 'best' | 'deflatedSharpe'> {
  const N = counted.length;
  const variance = N >= 2 ? sampleVariance(counted.map((c) => c.sharpe)) : null;
  const sr0Annual = N === 1 ? 0 : variance !== null ? expectedMaxSharpe(N, variance) : null;
  const none = (note: string) => ({ deflatedSharpe: { value: null, expectedMaxSharpe: sr0Annual, sharpeVariance: variance, trials: N, momentsAssumed: false, note } });
  if (!best) return none('no trial completed');
  const b = counted.find((c) => c.rec.id === best.id);
  if (!b) return none(`the best trial ${best.id} has no Sharpe ratio (no curves.json and no sharpe metric)`);
  let bestInfo: NonNullable<SweepStats['best']>;
  if (b.curve) {
    const m = returnMoments(simpleReturns(b.curve.equity));
    bestInfo = {
      trial: best.id, sharpe: b.sharpe, ...(b.curve.split ? { split: b.curve.split } : {}), sharpePerPeriod: m.sharpe, observations: m.n,
      periodsPerYear: barsPerYear(b.curve.ts), skewness: m.skewness, kurtosis: m.kurtosis, source: 'curves',
    };
  } else {
    const T = best.metrics.observations;
    const q = best.metrics.periodsPerYear;
    bestInfo = { trial: best.id, sharpe: b.sharpe, source: 'metrics', ...(finite(T) && finite(q) && q > 0 ? { observations: T, periodsPerYear: q, sharpePerPeriod: b.sharpe / Math.sqrt(q) } : {}) };
  }
  const { observations: T, periodsPerYear: q, sharpePerPeriod: sr } = bestInfo;
  if (T === undefined || q === undefined || sr === undefined) {
    return { best: bestInfo, ...none(`needs the number of returns behind the best trial's Sharpe ratio: its curves.json, or metrics observations and periodsPerYear from the trial module`) };
  }
  // Annualised Sharpe ratios scale by sqrt(q): the per-period variance is V / q (deflated-sharpe.ts works per period).
  const d = deflatedSharpe({ sharpe: sr, trials: N, variance: N >= 2 ? (variance as number) / q : 0, observations: T, skewness: bestInfo.skewness, kurtosis: bestInfo.kurtosis });
  const momentsAssumed = bestInfo.skewness === undefined;
  const notes = [
    N === 1 && 'one trial: no selection to correct for, DSR = PSR(0)',
    momentsAssumed && 'skewness and kurtosis unknown (no curves): normal returns assumed',
    !Number.isFinite(d.dsr) && 'the Sharpe ratio\'s variance term 1 - skew SR + (kurtosis - 1) / 4 SR^2 is not positive',
  ].filter(Boolean).join('; ');
  return {
    best: bestInfo,
    deflatedSharpe: {
      value: Number.isFinite(d.dsr) ? d.dsr : null, expectedMaxSharpe: d.expectedMaxSharpe * Math.sqrt(q), sharpeVariance: variance, trials: N, momentsAssumed,
      ...(notes ? { note: notes } : {}),
    },
  };
}

function pbo(curves: TrialCurve[], counted: number): SweepStats['pbo'] {
  const missing = counted - curves.length;
  const lacking = !missing ? ''
    : curves.length === 0 ? `PBO needs each trial's per-period returns, from a curves.json in its run folder as the default trial writes; none of the ${counted} trials has one`
      : `${missing} of ${counted} trials have no curves.json: PBO over the other ${curves.length}`;
  // The bars every trial has, in time order; returns between consecutive common bars.
  const seen = new Map<number, number>();
  for (const c of curves) for (const t of c.ts) seen.set(t, (seen.get(t) ?? 0) + 1);
  const common = [...seen].filter(([, k]) => k === curves.length).map(([t]) => t).sort((a, b) => a - b);
  const T = Math.max(0, common.length - 1);
  const plan = cscvBlocks(T, curves.length);
  if (curves.length === 0 && lacking) return { value: null, reason: lacking };
  if ('reason' in plan) return { value: null, reason: lacking ? `${plan.reason} (${lacking})` : plan.reason };
  const N = curves.length;
  const m = new Float64Array(T * N);
  curves.forEach((c, j) => {
    const at = new Map(c.ts.map((t, i) => [t, c.equity[i]]));
    const r = simpleReturns(common.map((t) => at.get(t)!));
    for (let t = 0; t < T; t++) m[t * N + j] = r[t];
  });
  const p = probabilityOfBacktestOverfitting(m, T, N);
  return {
    value: p.pbo, pLoss: p.pLoss, trials: N, periods: T, blocks: p.blocks, rowsPerBlock: p.rowsPerBlock, combinations: p.combinations,
    ...(lacking ? { reason: lacking } : {}),
  };
}

/** stats.json's text (NaN as null). */
export function statsJson(stats: SweepStats): string {
  return `${JSON.stringify(stats, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`;
}

export const statsPath = (sweepDir: string): string => join(sweepDir, STATS_FILE);
