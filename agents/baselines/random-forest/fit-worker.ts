// Worker thread body of fitRandomForestParallel: grows trees [from, to) of a forest on binned data
// shared with the main thread, and sends the node arrays back (transferred, not copied).
import { parentPort, workerData } from 'node:worker_threads';
import { growTrees, type ForestJob } from './forest.js';

const { job, from, to } = workerData as { job: ForestJob; from: number; to: number };
const trees = growTrees(job, from, to);
const transfer = trees.flatMap((t) => [t.feature.buffer, t.bin.buffer, t.left.buffer, t.right.buffer, t.value.buffer]);
parentPort?.postMessage(trees.map((t) => ({ ...t })), transfer as ArrayBuffer[]);
