// Writing a scored experiment into its run folder (runs/<name>-<stamp>/): resolved config,
// metrics, curves, report.html; shared by `tradegym baseline` and `tradegym run`.
import { stringify } from 'yaml';
import type { ScoredPolicy } from './baselines-run.js';
import type { Prepared } from './prepare.js';
import { writeRunFiles, type RunMetrics, type WalkForwardFold, type LogRecord } from './run-dir.js';
import { writeReport } from './report/render-report.js';
import type { Range } from '../envs/splits.js';

export async function writeScoredRun(
  dir: string, p: Prepared, range: Range, scored: ScoredPolicy[],
  extra: { best?: string; walkForward?: WalkForwardFold[]; log?: LogRecord[]; createdAt: Date },
): Promise<string> {
  const iso = (i: number) => new Date(p.candles.ts[i]).toISOString();
  const metrics: RunMetrics = {
    name: p.config.name,
    createdAt: extra.createdAt.toISOString(),
    seed: p.config.seed,
    data: { exchange: p.config.data.exchange, symbol: p.config.data.symbol, timeframe: p.config.data.timeframe },
    split: { from: iso(range.from), to: iso(range.to - 1) },
    policies: Object.fromEntries(scored.map((s) => [s.name, s.metrics])),
    ...(extra.best ? { best: extra.best } : {}),
    ...(extra.walkForward?.length ? { walkForward: extra.walkForward } : {}),
  };
  const first = scored[0].curve;
  await writeRunFiles(dir, {
    metrics,
    config: stringify(p.config),
    curves: { ts: first.ts, close: first.close, policies: Object.fromEntries(scored.map((s) => [s.name, { equity: s.curve.equity, position: s.curve.position }])) },
    ...(extra.log ? { log: extra.log } : {}),
  });
  return writeReport(dir);
}
