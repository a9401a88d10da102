// The uncertainty shown next to every score of `tradegym run`: stationary-bootstrap intervals
// (experiments/stats) of total return, Sharpe and the excess return over buy-and-hold, and the
// probability of beating buy-and-hold, for each policy on the bars it was scored on.
//
// One mean block length and one resampling seed (the run's) serve every policy of a run: the
// longest any policy's or buy-and-hold's returns call for, so every row resamples the same way
// and two rows differ only by their policies.
//
// Several seeds of one agent. Two things vary: the training (which seed) and the market (which
// period). Each seed's interval measures only the market, for that one trained agent. The spread
// across seeds (mean, sd, min, max) measures only the training. What a user faces who trains this
// config once and trades it is both, so the pooled row treats the seeds as draws of "an agent
// trained with this config": its interval runs from the lowest seed's lower bound to the highest
// seed's upper bound, which holds at least `level` of that mixture (at the lowest lower bound
// every seed's distribution function is at most (1 - level) / 2, so the mixture's is too; the
// same for the upper bound), and its P(beat) is the seeds' mean probability, which is exactly the
// mixture's. An interval of the seeds' mean (resampling all seeds with the same indices) would be
// narrower, but it describes the average of these N particular agents and leaves out the
// training noise, usually the larger part: it is not shown.
import type { ScoredPolicy } from './baselines-run.js';
import type { BootstrapRecord, Interval, RunMetrics } from './run-dir.js';
import { stationaryBlockLength } from './stats/block-length.js';
import { pairedReturns } from './stats/returns.js';
import { bootstrapPolicy } from './stats/stationary-bootstrap.js';

export const BOOTSTRAP_SAMPLES = 2000;
export const BOOTSTRAP_LEVEL = 0.95;
export const BOOTSTRAP_METHOD = `stationary bootstrap (Politis & Romano), ${BOOTSTRAP_SAMPLES} resamples, ${BOOTSTRAP_LEVEL * 100} % percentile intervals`;

type Curve = ScoredPolicy['curve'];

/** Intervals of each curve against the benchmark's, on the bars both have; keys are the curves' names. */
export function bootstrapCurves(curves: { name: string; curve: Curve }[], benchmark: Curve, seed: number): Record<string, BootstrapRecord> {
  const paired = curves.map((c) => ({ name: c.name, ...pairedReturns(c.curve, benchmark) }));
  const blockLength = Math.max(1, ...paired.flatMap((p) => [stationaryBlockLength(p.returns), stationaryBlockLength(p.benchmark)]));
  const out: Record<string, BootstrapRecord> = {};
  for (const p of paired) {
    const b = bootstrapPolicy(p.returns, p.benchmark, { samples: BOOTSTRAP_SAMPLES, level: BOOTSTRAP_LEVEL, seed, barsPerYear: p.barsPerYear, blockLength });
    out[p.name] = { blockLength: b.blockLength, samples: b.samples, level: b.level, bars: b.bars, totalReturn: b.totalReturn, sharpe: b.sharpe, excessReturn: b.excessReturn, pBeatBenchmark: b.pBeatBenchmark };
  }
  return out;
}

export interface PooledSeeds {
  totalReturn: Interval;
  sharpe: Interval;
  excessReturn: Interval;
  pBeatBenchmark: number;
}

/** The seeds pooled, as the comment at the top of this file says: envelope intervals, mean probability. */
export function poolSeeds(seeds: BootstrapRecord[]): PooledSeeds {
  const pool = (pick: (b: BootstrapRecord) => Interval): Interval => ({
    estimate: seeds.reduce((a, b) => a + pick(b).estimate, 0) / seeds.length,
    lo: Math.min(...seeds.map((b) => pick(b).lo)),
    hi: Math.max(...seeds.map((b) => pick(b).hi)),
  });
  return {
    totalReturn: pool((b) => b.totalReturn),
    sharpe: pool((b) => b.sharpe),
    excessReturn: pool((b) => b.excessReturn),
    pBeatBenchmark: seeds.reduce((a, b) => a + b.pBeatBenchmark, 0) / seeds.length,
  };
}

/** metrics.json's `bootstrap` of a run without an agent: each baseline against buy-and-hold. */
export function baselinesBootstrap(scored: ScoredPolicy[], seed: number): RunMetrics['bootstrap'] {
  const hold = scored.find((s) => s.name === 'buy-and-hold');
  const others = scored.filter((s) => s !== hold);
  if (!hold || !others.length) return undefined;
  return { method: BOOTSTRAP_METHOD, benchmark: hold.name, policies: bootstrapCurves(others, hold.curve, seed) };
}
