// Start-up of the installed command, as a user meets it: whole processes spawned from the shell's
// point of view (`node bin/tradegym.js ...`, which runs the esbuild build in dist/), next to the
// sources run through tsx (what every start cost before the build) and a bare `node -e 0`. Runs
// are interleaved (A B C A B C ...) so a busy neighbour slows every variant alike; the median is
// reported, and the minimum in the notes.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../data/package-root.js';
import type { Benchmark, BenchRow } from './harness.js';

const RUNS = 9;

interface Variant {
  name: string;
  argv: string[];
}

function timeOnce(argv: string[], env: NodeJS.ProcessEnv): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, argv, { cwd: PACKAGE_ROOT, env, stdio: 'ignore' });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${argv.join(' ')} exited with ${r.status}`);
  return ms;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export const cliBench: Benchmark = {
  name: 'cli',
  async run(): Promise<BenchRow[]> {
    const store = mkdtempSync(join(tmpdir(), 'tg-bench-cli-'));
    const env = { ...process.env, TRADEGYM_STORE: store };
    const bin = join(PACKAGE_ROOT, 'bin', 'tradegym.js');
    const src = join(PACKAGE_ROOT, 'scripts', 'cli.ts');
    const variants: Variant[] = [
      { name: 'node -e 0 (floor)', argv: ['-e', '0'] },
      { name: 'tradegym --help', argv: [bin, '--help'] },
      { name: 'tradegym data ls', argv: [bin, 'data', 'ls'] },
      { name: 'tradegym --help, sources via tsx', argv: ['--import', 'tsx', src, '--help'] },
      { name: 'tradegym data ls, sources via tsx', argv: ['--import', 'tsx', src, 'data', 'ls'] },
    ];
    try {
      for (const v of variants) timeOnce(v.argv, env); // warm-up: file cache, a stale build rebuilt
      const times = variants.map(() => [] as number[]);
      for (let i = 0; i < RUNS; i++) variants.forEach((v, j) => times[j].push(timeOnce(v.argv, env)));
      return variants.map((v, j) => {
        const med = median(times[j]);
        return {
          benchmark: `start-up: ${v.name}`, unit: 'starts', perSec: 1000 / med,
          notes: `median ${med.toFixed(0)} ms, min ${Math.min(...times[j]).toFixed(0)} ms wall over ${RUNS} interleaved runs`,
          medianMs: med,
        };
      });
    } finally {
      rmSync(store, { recursive: true, force: true });
    }
  },
};
