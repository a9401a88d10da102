// LSTM training speed and recurrent PPO throughput.
//  - One LSTM train step (forward, BPTT, Adam) for batch 64 x 32 steps, 16 features, 32 units:
//    tf.layers.lstm (+ dense head, BCE, clipped Adam: the predictors' trainStep) and tf.layers.gru
//    on the tfjs backend; the hand LSTM in tfjs ops (the tfjs recurrent PPO engine's unroll); and
//    the fused LSTM (agents/recurrent/fused-lstm.ts) on the WebAssembly SIMD kernels and on the
//    plain-JS reference kernels. DEPENDENCIES.md measured tf.layers.lstm at ~26 steps/s on wasm.
//  - Recurrent PPO end to end, env-steps/s: the shipped Coinbase BTC/USD 1h sample
//    (logReturnWindow(16) -> VecEnv(8), 128 steps, LSTM 64, seqLen 32, 4 x 4 minibatches) on the
//    fused and the tfjs engine, and the memory task (envs/memory-task.ts) on the fused engine.
import * as tf from '@tensorflow/tfjs';
import { makeRng } from '../../data/random.js';
import { readCandles } from '../../data/store/candle-store.js';
import { SAMPLES_STORE } from '../../data/store/catalog.js';
import { logReturnWindow } from '../../data/features/log-return-window.js';
import { candleMarket, type CandleMarket } from '../../envs/candle-market.js';
import { MemoryTaskVecEnv } from '../../envs/memory-task.js';
import { VecEnv } from '../../envs/vec-env.js';
import type { VecEnvLike } from '../../agents/common/vec-env-like.js';
import { adamCorrections, clipScale, DEFAULT_ADAM, globalNorm } from '../../agents/nn/adam.js';
import { selectBackend } from '../../agents/nn/backend.js';
import type { FlatBuffers } from '../../agents/nn/fused-mlp.js';
import { jsKernels, type Kernels } from '../../agents/nn/kernels.js';
import { simdKernels } from '../../agents/nn/simd-kernels.js';
import { TfjsParams } from '../../agents/nn/tfjs-mlp.js';
import { WasmHeap } from '../../agents/nn/wasm-heap.js';
import { resolvePredictorConfig } from '../../agents/predictors/config.js';
import { buildNetwork, initialWeights, setWeights } from '../../agents/predictors/model.js';
import { trainStep } from '../../agents/predictors/train.js';
import { FusedLstm } from '../../agents/recurrent/fused-lstm.js';
import { initRecurrentParams, recurrentLayout, type RecurrentLayout } from '../../agents/recurrent/layout.js';
import { lstmUnroll } from '../../agents/recurrent/tfjs-engine.js';
import { RecurrentPpoTrainer } from '../../agents/recurrent/trainer.js';
import type { PpoTimings } from '../../agents/ppo/update-record.js';
import type { Benchmark, BenchRow } from './harness.js';

const [B, T, F, U] = [64, 32, 16, 32];
const SHAPE = `batch ${B} x ${T} steps x ${F} features, ${U} units`;

function randoms(n: number, seed: string): Float32Array {
  const rng = makeRng(seed);
  return Float32Array.from({ length: n }, () => rng.normal());
}

/** Best per-step time in ms of `steps` calls, best of 3 runs after a warm-up run. */
function timeSteps(steps: number, fn: () => void): number {
  for (let i = 0; i < Math.max(1, steps / 4); i++) fn();
  let best = Infinity;
  for (let rep = 0; rep < 3; rep++) {
    const t0 = performance.now();
    for (let i = 0; i < steps; i++) fn();
    best = Math.min(best, (performance.now() - t0) / steps);
  }
  return best;
}

const stepRow = (label: string, ms: number, notes: string): BenchRow => ({
  benchmark: `LSTM train step, ${label}`, unit: 'train-steps', perSec: 1000 / ms, notes: `${ms.toFixed(2)} ms per step (${SHAPE}); ${notes}`, msPerStep: ms,
});

function tfLayersRows(backend: string): BenchRow[] {
  const x = randoms(B * T * F, 'x');
  const y = Float32Array.from(randoms(B, 'y'), (v) => (v > 0 ? 1 : 0));
  return (['lstm', 'gru'] as const).map((cell) => {
    const cfg = resolvePredictorConfig({ cell, seqLen: T, units: U });
    const model = buildNetwork(cell, T, F, U);
    setWeights(model, initialWeights(cell, F, U, makeRng('w')));
    const opt = tf.train.adam(1e-3);
    const ms = timeSteps(8, () => trainStep(model, opt, cfg, x, y, B, T, F));
    opt.dispose();
    model.dispose();
    return stepRow(`tf.layers.${cell} (${backend})`, ms, 'predictors trainStep: + dense head, BCE, clipped Adam');
  });
}

function lstmLayout(): RecurrentLayout {
  return recurrentLayout({ obsSize: F, lstmHidden: U, actorHidden: [1], criticHidden: [1], head: { kind: 'categorical', n: 2 }, initLogStd: 0 });
}

/** The hand LSTM in tfjs ops (what the tfjs recurrent engine differentiates), loss = sum(h * R), Adam. */
function tfjsUnrollRow(backend: string): BenchRow {
  const layout = lstmLayout();
  const p = new TfjsParams(layout.heads, initRecurrentParams(layout, makeRng('w')));
  const lstmVars = p.vars.slice(0, 3);
  const x = tf.tensor2d(randoms(B * T * F, 'x'), [B * T, F]);
  const r = tf.tensor2d(randoms(B * T * U, 'r'), [B * T, U]);
  const zeros = tf.zeros([B, U]) as tf.Tensor2D;
  const opt = tf.train.adam(1e-3);
  const ms = timeSteps(4, () => {
    tf.tidy(() => {
      opt.minimize(() => tf.sum(tf.mul(lstmUnroll(p, layout, x, T, B, zeros, zeros, null).hs, r)) as tf.Scalar, false, lstmVars);
    });
  });
  for (const t of [x, r, zeros]) t.dispose();
  opt.dispose();
  p.dispose();
  return stepRow(`hand LSTM in tfjs ops (${backend})`, ms, 'the tfjs recurrent PPO engine\'s unroll; loss sum(h * R), Adam');
}

/** The fused LSTM alone: forward over all steps, BPTT from a fixed dL/dh, global-norm clip, Adam. */
function fusedRow(kernels: Kernels): BenchRow {
  const layout = lstmLayout();
  const heap = new WasmHeap(kernels);
  const n = layout.lstm.bias.offset + layout.lstm.bias.size;
  const flat: FlatBuffers = { params: heap.alloc(layout.size), grads: heap.alloc(layout.size), one: heap.alloc(1) };
  const m = heap.alloc(n);
  const v = heap.alloc(n);
  heap.f32()[flat.one / 4] = 1;
  heap.f32().set(initRecurrentParams(layout, makeRng('w')).subarray(0, n), flat.params / 4);
  const lstm = new FusedLstm(heap, layout.lstm, flat);
  lstm.syncTransposed();
  const x = heap.alloc(B * T * F);
  const dh = heap.alloc(B * T * U);
  heap.f32().set(randoms(B * T * F, 'x'), x / 4);
  heap.f32().set(randoms(B * T * U, 'r'), dh / 4);
  const h0 = new Float32Array(B * U);
  lstm.reserve(B * T, B);
  let step = 0;
  const ms = timeSteps(kernels.name === 'js' ? 4 : 40, () => {
    lstm.forward(x, T, B, h0, h0, null);
    lstm.backward(x, T, B, dh, null);
    const norm = globalNorm(heap.at(flat.grads, n));
    const { stepSize, sqrtBc2 } = adamCorrections(++step, 1e-3, DEFAULT_ADAM);
    kernels.adam(flat.params, flat.grads, m, v, n, clipScale(norm, 1), DEFAULT_ADAM.beta1, DEFAULT_ADAM.beta2, stepSize, 1 / sqrtBc2, DEFAULT_ADAM.eps);
    lstm.syncTransposed();
  });
  return stepRow(`fused LSTM, ${kernels.name} kernels`, ms, 'forward + BPTT (gemm and tanh kernels) + clipped Adam; gradients agree with tfjs to 1e-5 (tests/recurrent.test.ts)');
}

async function ppoRow(label: string, env: VecEnvLike, engine: 'fused' | 'tfjs', updates: number): Promise<BenchRow> {
  const warm = 1;
  const t = await RecurrentPpoTrainer.create(env, {
    engine, backend: 'wasm', totalTimesteps: env.n * 128 * (warm + updates), numSteps: 128, seqLen: 32, normalizeObservation: true,
  });
  await t.learn({ updates: warm });
  const sum: PpoTimings = { rolloutMs: 0, inferenceMs: 0, envMs: 0, updateMs: 0 };
  const t0 = performance.now();
  const h = await t.learn();
  const wall = performance.now() - t0;
  for (const r of h) for (const k of Object.keys(sum) as (keyof PpoTimings)[]) sum[k] += r.timings[k];
  const per = (k: keyof PpoTimings) => (sum[k] / h.length).toFixed(1);
  t.dispose();
  return {
    benchmark: `recurrent PPO end to end, ${label}, ${engine} engine`,
    unit: 'env-steps',
    perSec: (h.length * env.n * 128) / (wall / 1000),
    notes: `LSTM 64, heads 64, seqLen 32; per update of ${env.n}x128 steps: rollout ${per('rolloutMs')} ms (inference ${per('inferenceMs')}, env ${per('envMs')}), update ${per('updateMs')} ms`,
  };
}

export const lstmBench: Benchmark = {
  name: 'lstm',
  async run(): Promise<BenchRow[]> {
    const { backend } = await selectBackend('wasm');
    const rows: BenchRow[] = [...tfLayersRows(backend), tfjsUnrollRow(backend), fusedRow(simdKernels()), fusedRow(jsKernels(new WebAssembly.Memory({ initial: 1 })))];
    const c = await readCandles(SAMPLES_STORE, { exchange: 'coinbase', symbol: 'BTC/USD', timeframe: '1h' });
    const market: CandleMarket = candleMarket(c, logReturnWindow(c, 16));
    rows.push(await ppoRow('BTC/USD 1h sample (8 envs)', new VecEnv(8, { market, episodeLength: 1000 }, 1), 'fused', 20));
    rows.push(await ppoRow('BTC/USD 1h sample (8 envs)', new VecEnv(8, { market, episodeLength: 1000 }, 1), 'tfjs', 1));
    rows.push(await ppoRow('memory task (16 envs)', new MemoryTaskVecEnv(16, {}, 1), 'fused', 20));
    return rows;
  },
};
