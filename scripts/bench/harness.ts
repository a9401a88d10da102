// Benchmark harness: each benchmark returns rows; they are printed as one table and appended, with
// the machine, Node version and date, to bench/results.local.json (git-ignored) or, when saved, to
// bench/results.json. Timing lives here, never in tests.
import { cpus, totalmem } from 'node:os';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { PACKAGE_ROOT } from '../../data/package-root.js';
import { formatTable } from '../table.js';

export interface BenchRow {
  benchmark: string;
  /** What one unit is ("rows", "bars", "steps"). */
  unit: string;
  /** Units per second. */
  perSec: number;
  /** Free-form details: sizes, percentiles, the alternative compared. */
  notes?: string;
  [extra: string]: unknown;
}

export interface Benchmark {
  name: string;
  run(): Promise<BenchRow[]>;
}

export interface BenchRecord {
  date: string;
  machine: { cpu: string; cores: number; memGiB: number; platform: string };
  node: string;
  rows: BenchRow[];
}

/** Best of `repeats` timings in ms (the least disturbed run), after one warm-up. */
export async function bestOf(repeats: number, fn: () => Promise<unknown> | unknown): Promise<number> {
  await fn();
  let best = Infinity;
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    await fn();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

export function machine(): BenchRecord['machine'] {
  const c = cpus();
  return { cpu: c[0]?.model ?? 'unknown', cores: c.length, memGiB: Math.round(totalmem() / 2 ** 30), platform: process.platform };
}

export function fmtRate(x: number): string {
  if (x >= 1e6) return `${(x / 1e6).toFixed(2)} M`;
  if (x >= 1e3) return `${(x / 1e3).toFixed(1)} k`;
  return x.toFixed(1);
}

export function benchTable(rows: BenchRow[]): string {
  return formatTable(['benchmark', 'rate', 'unit/s', 'notes'], rows.map((r) => [r.benchmark, fmtRate(r.perSec), r.unit, r.notes ?? '']));
}

/** Where a run's results go: the tracked file only when asked to save, else the git-ignored one. */
export function resultsPath(save: boolean): string {
  // From the package root, so the sources and the build (dist/) write the same file.
  return join(PACKAGE_ROOT, 'bench', save ? 'results.json' : 'results.local.json');
}

/** Appends a record to the results file atomically (temp + rename). */
export async function appendResults(path: string, record: BenchRecord): Promise<void> {
  let all: BenchRecord[] = [];
  try {
    all = JSON.parse(await readFile(path, 'utf8')) as BenchRecord[];
  } catch {
    all = [];
  }
  all.push(record);
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, `${JSON.stringify(all, null, 2)}\n`);
  await rename(tmp, path);
}
