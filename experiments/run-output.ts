// The results of every kind of run, written one way: metrics.json (which split, which policies,
// which metric picked the best), curves.json and report.html. `run` and `baseline` score on the
// test split; `train` and sweep trials on the validation split (where they pick their checkpoint).
import type { ScoredPolicy } from './baselines-run.js';
import type { Prepared } from './prepare.js';
import { writeRunFiles, type AgentSeeds, type RunCurvesInput, type RunMetrics, type SplitName, type WalkForwardFold, type WalkForwardSetup, type LogRecord } from './run-dir.js';
import { openRunFolder, type RunFolder } from './run-folder.js';
import { writeReport } from './report/render-report.js';
import type { Range } from '../envs/splits.js';

export interface ScoredSplit {
  name: SplitName;
  range: Range;
}

export interface RunResultsExtra {
  best?: string;
  walkForward?: WalkForwardFold[];
  walkForwardSetup?: WalkForwardSetup;
  /** The agent's seeds (its entry in `scored` is their mean). */
  agent?: AgentSeeds;
  bootstrap?: RunMetrics['bootstrap'];
  /** More lines for curves.json (each seed's), which are not policies of metrics.json. */
  seedCurves?: ScoredPolicy[];
  log?: LogRecord[];
}

/** Writes metrics.json, curves.json and report.html into an opened run folder; returns the report's path. */
export async function writeRunResults(folder: RunFolder, p: Prepared, split: ScoredSplit, scored: ScoredPolicy[], extra: RunResultsExtra = {}): Promise<string> {
  return (await writeRun(folder, p, split, scored, extra)).report;
}

/** writeRunResults, returning metrics.json's content too. */
export async function writeRun(folder: RunFolder, p: Prepared, split: ScoredSplit, scored: ScoredPolicy[], extra: RunResultsExtra = {}): Promise<{ report: string; metrics: RunMetrics }> {
  const iso = (i: number) => new Date(p.candles.ts[i]).toISOString();
  const params = Object.fromEntries(scored.filter((s) => s.params).map((s) => [s.name, s.params!]));
  const metrics: RunMetrics = {
    name: p.config.name,
    createdAt: folder.startedAt.toISOString(),
    seed: p.config.seed,
    data: { exchange: p.config.data.exchange, symbol: p.config.data.symbol, timeframe: p.config.data.timeframe },
    kind: folder.kind,
    split: { name: split.name, from: iso(split.range.from), to: iso(split.range.to - 1) },
    policies: Object.fromEntries(scored.map((s) => [s.name, s.metrics])),
    ...(extra.best ? { best: extra.best } : {}),
    selectBy: p.config.training.selectBy,
    ...(Object.keys(params).length ? { params } : {}),
    ...(extra.walkForward?.length ? { walkForward: extra.walkForward } : {}),
    ...(extra.walkForwardSetup ? { walkForwardSetup: extra.walkForwardSetup } : {}),
    ...(extra.agent ? { agent: extra.agent } : {}),
    ...(extra.bootstrap ? { bootstrap: extra.bootstrap } : {}),
  };
  await writeRunFiles(folder.dir, {
    metrics,
    curves: curvesOf([...scored, ...(extra.seedCurves ?? [])]),
    ...(extra.log ? { log: extra.log } : {}),
  });
  return { report: await writeReport(folder.dir), metrics };
}

/**
 * curves.json's content: every policy against its own timestamps (a policy's env may start later
 * after a longer feature warm-up), `ts` and `close` over the union of their bars.
 */
export function curvesOf(scored: ScoredPolicy[]): RunCurvesInput {
  const closeAt = new Map<number, number>();
  for (const s of scored) s.curve.ts.forEach((t, k) => { if (!closeAt.has(t)) closeAt.set(t, s.curve.close[k]); });
  const ts = [...closeAt.keys()].sort((a, b) => a - b);
  return {
    ts,
    close: ts.map((t) => closeAt.get(t)!),
    policies: Object.fromEntries(scored.map((s) => [s.name, { ts: s.curve.ts, equity: s.curve.equity, position: s.curve.position }])),
  };
}

/**
 * For a caller that scored on the test split before opening its folder (`tradegym baseline`):
 * opens `dir` as a run folder (config.yaml, TensorBoard config text) and writes the results.
 */
export async function writeScoredRun(
  dir: string, p: Prepared, range: Range, scored: ScoredPolicy[],
  extra: RunResultsExtra & { createdAt: Date },
): Promise<string> {
  const folder = await openRunFolder(p.config, 'baseline', { dir }, extra.createdAt);
  try {
    return await writeRunResults(folder, p, { name: 'test', range }, scored, extra);
  } finally {
    folder.close();
  }
}
