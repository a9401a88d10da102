// `tradegym data import` of a 2M-row one-minute file, as a user runs it: the real CLI in a child
// process, so the numbers include parsing, the checks, and the Parquet write. Reports rows/s and the
// child's peak RSS and CPU time (process.resourceUsage(), read by a preload at exit), because the
// issue was memory: a 114 MB CSV took 1.2 GB and a 570 MB one died with ERR_STRING_TOO_LONG. CPU
// seconds are the steadier figure on a shared machine; wall time is what a user waits.
import { spawnSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { PACKAGE_ROOT } from '../../data/package-root.js';
import type { Benchmark, BenchRow } from './harness.js';

const ROWS = 2_000_000;
const RUNS = 2;

/** Written by the child at exit: its peak resident set (KiB; Linux ru_maxrss) and CPU time (µs). */
const PRELOAD = 'data:text/javascript,' + encodeURIComponent(
  'import { writeFileSync } from "node:fs";' +
  'process.on("exit", () => { const u = process.resourceUsage();' +
  ' writeFileSync(process.env.TG_BENCH_USAGE_FILE, JSON.stringify({ maxRSS: u.maxRSS, cpu: u.userCPUTime + u.systemCPUTime })); });',
);

interface Usage {
  /** Wall time of the whole process, ms. */
  ms: number;
  /** Peak RSS, KiB. */
  maxRSS: number;
  /** User + system CPU, µs (DuckDB's threads included). */
  cpu: number;
}

/**
 * A seeded random walk of one-minute bars from 2019-01-01 that passes every check (on the grid,
 * high/low around open/close, moves of ~0.1 %), so the import runs to the end and stores it all.
 * `format` picks a Binance-style CSV with a header or a freqtrade JSON array.
 */
export async function writeBenchFile(path: string, rows: number, format: 'csv' | 'json'): Promise<void> {
  const out = createWriteStream(path);
  let state = 12345;
  const rand = () => ((state = (state * 1103515245 + 12345) % 2147483648) + 0.5) / 2147483648;
  const t0 = Date.UTC(2019, 0, 1);
  let close = 4000;
  const up = (x: number) => Math.ceil(x * 100) / 100;
  const down = (x: number) => Math.floor(x * 100) / 100;
  out.write(format === 'csv' ? 'timestamp,open,high,low,close,volume\n' : '[');
  const BATCH = 10_000;
  for (let start = 0; start < rows; start += BATCH) {
    const lines: string[] = [];
    for (let i = start; i < Math.min(rows, start + BATCH); i++) {
      const open = close;
      close = Math.round(open * Math.exp(0.001 * Math.sqrt(-2 * Math.log(rand())) * Math.cos(2 * Math.PI * rand())) * 100) / 100;
      const high = up(Math.max(open, close) * 1.0003);
      const low = down(Math.min(open, close) / 1.0003);
      const vol = (1 + rand() * 20).toFixed(4);
      const ts = t0 + i * 60_000;
      lines.push(format === 'csv' ? `${ts},${open},${high},${low},${close},${vol}\n` : `${i ? ',' : ''}[${ts},${open},${high},${low},${close},${vol}]`);
    }
    if (!out.write(lines.join(''))) await once(out, 'drain');
  }
  if (format === 'json') out.write(']');
  out.end();
  await once(out, 'finish');
}

/** One `data import` of `file` into a fresh store by the CLI at `root` (the package, or another checkout to compare). */
export async function importOnce(file: string, store: string, root = PACKAGE_ROOT): Promise<Usage> {
  const usageFile = `${store}.usage.json`;
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--import', PRELOAD, join(root, 'bin', 'tradegym.js'), 'data', 'import', file, '--data', 'bench:BTC/USDT:1m', '--store', store], {
    cwd: root, env: { ...process.env, TG_BENCH_USAGE_FILE: usageFile }, encoding: 'utf8', maxBuffer: 64 << 20,
  });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`data import ${file} exited with ${r.status}: ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' | ')}`);
  const usage = JSON.parse(await readFile(usageFile, 'utf8')) as { maxRSS: number; cpu: number };
  await rm(usageFile, { force: true });
  await rm(store, { recursive: true, force: true });
  return { ms, ...usage };
}

export const importBench: Benchmark = {
  name: 'import',
  async run(): Promise<BenchRow[]> {
    const dir = await mkdtemp(join(tmpdir(), 'tg-bench-import-'));
    const rows: BenchRow[] = [];
    try {
      for (const format of ['csv', 'json'] as const) {
        const file = join(dir, `BTC_USDT-1m.${format}`);
        await writeBenchFile(file, ROWS, format);
        const mib = (await stat(file)).size / 2 ** 20;
        const runs: Usage[] = [];
        for (let k = 0; k < RUNS; k++) runs.push(await importOnce(file, join(dir, `store-${format}-${k}`)));
        const best = runs.reduce((a, b) => (b.ms < a.ms ? b : a));
        const cpu = Math.min(...runs.map((r) => r.cpu)) / 1e6;
        const peak = Math.max(...runs.map((r) => r.maxRSS)) / 1024;
        rows.push({
          benchmark: `data import 2M 1m candles, ${format === 'csv' ? 'CSV' : 'freqtrade JSON'} (CLI process)`, unit: 'rows', perSec: ROWS / (best.ms / 1000),
          notes: `${mib.toFixed(0)} MiB file, best of ${RUNS}: ${(best.ms / 1000).toFixed(1)} s wall, ${cpu.toFixed(1)} s CPU, peak RSS ${peak.toFixed(0)} MiB`,
          fileMiB: mib, peakRssMiB: peak, wallMs: best.ms, cpuS: cpu,
        });
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    return rows;
  },
};
