// `npm run bench [-- name ...]`: runs the benchmarks, prints a table, appends bench/results.json.
import { fileURLToPath } from 'node:url';
import { appendResults, benchTable, machine, type Benchmark, type BenchRow } from './harness.js';
import { parquetBench } from './parquet.bench.js';
import { fetchBench } from './fetch.bench.js';
import { envsBench, bookEnvBench } from './envs.bench.js';
import { indicatorsBench } from './indicators.bench.js';
import { baselinesBench } from './baselines.bench.js';
import { pipelineBench } from './pipeline.bench.js';
import { ppoBench } from './ppo.bench.js';
import { lstmBench } from './lstm.bench.js';
import { ddpgBench } from './ddpg.bench.js';

const ALL: Benchmark[] = [parquetBench, fetchBench, envsBench, bookEnvBench, indicatorsBench, pipelineBench, baselinesBench, ppoBench, lstmBench, ddpgBench];

const wanted = process.argv.slice(2);
const chosen = wanted.length ? ALL.filter((b) => wanted.includes(b.name)) : ALL;
if (wanted.length && chosen.length !== wanted.length) {
  console.error(`unknown benchmark; choose from: ${ALL.map((b) => b.name).join(', ')}`);
  process.exit(2);
}
const rows: BenchRow[] = [];
for (const b of chosen) {
  process.stderr.write(`running ${b.name} ...\n`);
  rows.push(...(await b.run()));
}
console.log(benchTable(rows));
const out = fileURLToPath(new URL('../../bench/results.json', import.meta.url));
await appendResults(out, { date: new Date().toISOString(), machine: machine(), node: process.version, rows });
console.log(`\nappended to ${out}`);
process.exit(0);
