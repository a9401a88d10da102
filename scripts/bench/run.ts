// `npm run bench [-- name ...] [-- --save]`: runs the benchmarks (all, or those named) and prints a
// table. Results go to bench/results.local.json (git-ignored), so trying things out never dirties
// the tree; `--save` appends to the tracked bench/results.json instead, for numbers worth keeping.
import { appendResults, benchTable, machine, resultsPath, type Benchmark, type BenchRow } from './harness.js';
import { parquetBench } from './parquet.bench.js';
import { fetchBench } from './fetch.bench.js';
import { envsBench, bookEnvBench } from './envs.bench.js';
import { indicatorsBench } from './indicators.bench.js';
import { baselinesBench } from './baselines.bench.js';
import { pipelineBench } from './pipeline.bench.js';
import { ppoBench } from './ppo.bench.js';
import { lstmBench } from './lstm.bench.js';
import { ddpgBench } from './ddpg.bench.js';
import { cliBench } from './cli.bench.js';
import { importBench } from './import.bench.js';

/** Every benchmark, in the order a full run takes them. A new one: import it and list it here. */
const BENCHMARKS: Benchmark[] = [
  cliBench, importBench, parquetBench, fetchBench, envsBench, bookEnvBench, indicatorsBench, pipelineBench, baselinesBench, ppoBench, lstmBench, ddpgBench,
];

const args = process.argv.slice(2);
const save = args.includes('--save');
const flags = args.filter((a) => a.startsWith('-') && a !== '--save');
const wanted = args.filter((a) => !a.startsWith('-'));
const unknown = wanted.filter((w) => !BENCHMARKS.some((b) => b.name === w));
if (flags.length || unknown.length) {
  console.error(`error: unknown ${flags.length ? `flag ${flags.join(' ')}` : `benchmark ${unknown.join(' ')}`}; ` +
    `usage: npm run bench [-- [--save] name ...] with names from: ${BENCHMARKS.map((b) => b.name).join(', ')}`);
  process.exit(2);
}
const chosen = wanted.length ? BENCHMARKS.filter((b) => wanted.includes(b.name)) : BENCHMARKS;
const rows: BenchRow[] = [];
for (const b of chosen) {
  process.stderr.write(`running ${b.name} ...\n`);
  rows.push(...(await b.run()));
}
console.log(benchTable(rows));
const out = resultsPath(save);
await appendResults(out, { date: new Date().toISOString(), machine: machine(), node: process.version, rows });
console.log(`\nappended to ${out}${save ? '' : ' (git-ignored; --save appends to bench/results.json)'}`);
process.exit(0);
