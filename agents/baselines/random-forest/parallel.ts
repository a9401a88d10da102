// Grows a forest's trees on worker threads. Trees are independent and each draws from its own
// seeded stream, so the result is identical to fitRandomForest whatever the number of workers.
// The bin codes go to the workers in SharedArrayBuffers (one copy of 30 MB for 1M x 30, not one
// per worker). Binning stays on the main thread.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ConfigError } from '../../../data/errors.js';
import { assembleForest, prepareForest, type ForestJob, type RandomForest, type RandomForestOptions } from './forest.js';
import type { TreeNodes } from './grow-tree.js';

function shared<T extends Uint8Array>(a: T): Uint8Array {
  const s = new Uint8Array(new SharedArrayBuffer(a.byteLength));
  s.set(a);
  return s;
}

/**
 * The worker: compiled JavaScript runs fit-worker.js directly. From TypeScript sources (tsx,
 * vitest) it needs a TS loader, and on Node 20 ESM loader hooks do not work per worker (they share
 * one hooks thread with the parent, so `--import tsx` in a worker fails), so the worker registers
 * tsx's in-thread CommonJS hook and requires the .ts file. It gets no inherited execArgv, so the
 * parent's own loader flags cannot interfere. tsx is resolved from this package, not the cwd.
 */
function startWorker(workerData: unknown): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./fit-worker.js', import.meta.url), { workerData });
  const tsx = createRequire(import.meta.url).resolve('tsx/cjs/api');
  const file = fileURLToPath(new URL('./fit-worker.ts', import.meta.url));
  const code = `require(${JSON.stringify(tsx)}).register(); require(${JSON.stringify(file)});`;
  return new Worker(code, { eval: true, workerData, execArgv: [] });
}

function runWorker(job: ForestJob, from: number, to: number): Promise<TreeNodes[]> {
  return new Promise((resolve, reject) => {
    const w = startWorker({ job, from, to });
    let result: TreeNodes[] | undefined;
    w.once('message', (m: TreeNodes[]) => {
      result = m;
    });
    w.once('error', reject);
    w.once('exit', (code) => {
      if (result) resolve(result);
      else reject(new Error(`random-forest worker for trees ${from}..${to - 1} exited with code ${code} and no result`));
    });
  });
}

/** fitRandomForest with the trees split over `workers` threads (default 2). */
export async function fitRandomForestParallel(
  X: Float32Array,
  nFeatures: number,
  y: ArrayLike<number>,
  opts: RandomForestOptions = {},
  par: { workers?: number } = {},
): Promise<RandomForest> {
  const workers = par.workers ?? 2;
  if (!(Number.isInteger(workers) && workers >= 1)) throw new ConfigError('workers', `must be an integer >= 1, got ${workers}`);
  const prep = prepareForest(X, nFeatures, y, opts);
  const job: ForestJob = { config: prep.config, data: { ...prep.data, codes: shared(prep.data.codes), y: shared(prep.data.y) } };
  const T = prep.config.nTrees;
  const parts: Promise<TreeNodes[]>[] = [];
  for (let w = 0; w < workers; w++) {
    const from = Math.floor((w * T) / workers);
    const to = Math.floor(((w + 1) * T) / workers);
    if (to > from) parts.push(runWorker(job, from, to));
  }
  const trees = (await Promise.all(parts)).flat();
  return assembleForest(nFeatures, prep.config, prep.bins, trees);
}
