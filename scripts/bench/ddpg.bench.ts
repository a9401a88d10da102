// DDPG / TD3 speed on the shipped Coinbase BTC/USD 1h sample (logReturnWindow(16) -> VecEnv(1),
// continuous target position), CleanRL's settings: actor and critics 256-256 ReLU, batch 256,
// one critic update per env step after the warm-up, actor and targets every 2nd.
// Reference: CleanRL's PyTorch DDPG runs ~470-500 env-steps/s on this kind of machine.
//  - End to end: a warm-up of random actions (learningStarts, no gradient steps), then timed
//    training steps; where the time goes per env step; the multiply-adds per step and the rate
//    they imply; the extrapolated wall time of CleanRL's 1M-step run.
//    DDPG_BENCH_STEPS (default 3000) sets the timed steps (e.g. 30000 for the long measurement).
//  - The same at the project's usual policy size (64-64), and DDPG on the JS reference kernels.
//  - The pieces: the 256-256 gemm alone, Polyak averaging as one gemm vs a JS loop, the kernel
//    transposes after each Adam step, the JS ReLU.
import { readCandles } from '../../data/store/candle-store.js';
import { SAMPLES_STORE } from '../../data/store/catalog.js';
import { logReturnWindow } from '../../data/features/log-return-window.js';
import { makeRng } from '../../data/random.js';
import { candleMarket, type CandleMarket } from '../../envs/candle-market.js';
import { VecEnv } from '../../envs/vec-env.js';
import type { KernelChoice } from '../../agents/ddpg/fused-engine.js';
import { ddpgLayout, initDdpgParams, type DdpgLayout } from '../../agents/ddpg/networks.js';
import { DdpgTrainer } from '../../agents/ddpg/trainer.js';
import type { DdpgTimings } from '../../agents/ddpg/update-record.js';
import { FusedNet, type DenseNetLayout } from '../../agents/nn/fused-net.js';
import { GEMM_BIAS } from '../../agents/nn/kernels.js';
import { simdKernels } from '../../agents/nn/simd-kernels.js';
import { softUpdate } from '../../agents/nn/soft-update.js';
import { WasmHeap } from '../../agents/nn/wasm-heap.js';
import type { Benchmark, BenchRow } from './harness.js';

const WINDOW = 16;
const WARMUP = 5000;
const STEPS = Number(process.env.DDPG_BENCH_STEPS ?? 3000);
const PYTORCH = '~470-500';

interface Variant {
  label: string;
  td3: boolean;
  hidden: number[];
  kernels?: KernelChoice;
  steps: number;
}

const VARIANTS: Variant[] = [
  { label: 'DDPG, CleanRL settings (256-256 ReLU, batch 256), wasm-simd kernels', td3: false, hidden: [256, 256], steps: STEPS },
  { label: 'TD3, CleanRL settings (256-256 ReLU, batch 256), wasm-simd kernels', td3: true, hidden: [256, 256], steps: STEPS },
  { label: 'DDPG, 64-64 ReLU, batch 256, wasm-simd kernels', td3: false, hidden: [64, 64], steps: Math.max(STEPS, 5000) },
  { label: 'DDPG, CleanRL settings, naive JS reference kernels', td3: false, hidden: [256, 256], kernels: 'js', steps: 20 },
];

const sumMacs = (net: DenseNetLayout, from = 0): number => net.layers.slice(from).reduce((s, l) => s + l.inSize * l.outSize, 0);

/**
 * Multiply-adds of the gemms per env step (one critic step, an actor step every
 * `policyFrequency`): forward = B sum(in x out); backward = dW (same) + dX of layers >= 1, and of
 * layer 0 too for the critic's dQ/da.
 */
function macsPerStep(layout: DdpgLayout, batch: number, policyFrequency: number): number {
  const critics = layout.qf2 ? [layout.qf1, layout.qf2] : [layout.qf1];
  const fwd = (n: DenseNetLayout) => sumMacs(n);
  let critic = fwd(layout.actor);
  for (const q of critics) critic += fwd(q) /* target */ + fwd(q) + fwd(q) /* dW */ + sumMacs(q, 1) /* dX */;
  const actor = fwd(layout.actor) + fwd(layout.qf1) + sumMacs(layout.qf1) /* dQ/dX, all layers */ + fwd(layout.actor) /* dW */ + sumMacs(layout.actor, 1);
  return batch * (critic + actor / policyFrequency);
}

const ms = (x: number): string => (x < 0.1 ? x.toFixed(3) : x.toFixed(2));

async function endToEnd(market: CandleMarket, v: Variant): Promise<BenchRow[]> {
  const env = new VecEnv(1, { market, episodeLength: 1000, actions: 'continuous' }, 1);
  const batch = 256;
  const t = await DdpgTrainer.create(env, {
    td3: v.td3, hidden: v.hidden, batchSize: batch, learningStarts: WARMUP - 1, totalTimesteps: WARMUP + v.steps, logEvery: 100, seed: 1,
  }, { kernels: v.kernels });
  // Warm-up: random actions fill the buffer; gradient steps start with the vector step that
  // begins past learningStarts, i.e. right after these WARMUP steps (whole records of 100).
  const w0 = performance.now();
  while (t.globalStep < WARMUP) t.runUpdate();
  const warmSecs = (performance.now() - w0) / 1000;
  const warmSteps = t.globalStep;
  const sum: DdpgTimings = { envMs: 0, actMs: 0, replayMs: 0, criticMs: 0, actorMs: 0 };
  const t0 = performance.now();
  const h = await t.learn();
  const wall = (performance.now() - t0) / 1000;
  const steps = t.globalStep - warmSteps;
  for (const r of h) for (const k of Object.keys(sum) as (keyof DdpgTimings)[]) sum[k] += r.timings[k];
  const per = (k: keyof DdpgTimings) => sum[k] / steps;
  const rate = steps / wall;
  const macs = macsPerStep(t.layout, batch, t.config.policyFrequency);
  const gmacs = macs / ((per('criticMs') + per('actorMs')) / 1000) / 1e9;
  const hours = (n: number) => (n / rate / 3600).toFixed(1);
  const rows: BenchRow[] = [{
    benchmark: `${v.label}, end to end`,
    unit: 'env-steps',
    perSec: rate,
    notes: `${steps} training steps after a ${warmSteps}-step warm-up, per env step: critic ${ms(per('criticMs'))} ms, actor+targets ${ms(per('actorMs'))} ms, ` +
      `replay ${ms(per('replayMs'))} ms, act ${ms(per('actMs'))} ms, env ${ms(per('envMs'))} ms; ${(macs / 1e6).toFixed(1)} M MAC/step in gemms = ${gmacs.toFixed(1)} GMAC/s; ` +
      `CleanRL's 1M steps (25k warm-up) ~${hours(1e6)} h; PyTorch ${PYTORCH}/s`,
    msPerStep: 1000 / rate,
    criticMsPerStep: per('criticMs'),
    actorMsPerStep: per('actorMs'),
    macsPerStep: macs,
  }];
  if (!v.kernels) rows.push({ benchmark: `${v.label}, warm-up (random actions, no gradient steps)`, unit: 'env-steps', perSec: warmSteps / warmSecs, notes: 'env step + replay push' });
  t.dispose();
  return rows;
}

function bestOfSync(repeats: number, fn: () => void): number {
  fn();
  let best = Infinity;
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    fn();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

/** The pieces of a 256-256 TD3 gradient step that are not the layer gemms' arithmetic. */
function pieces(): BenchRow[] {
  const rows: BenchRow[] = [];
  const layout = ddpgLayout({ obsSize: WINDOW + 2, actionDim: 1, hidden: [256, 256], activation: 'relu', twinCritics: true, actionLow: [-1], actionHigh: [1] });
  const heap = new WasmHeap(simdKernels());
  const n = layout.size;
  const params = heap.alloc(n);
  const targets = heap.alloc(n);
  const coef = heap.alloc(2);
  const one = heap.alloc(1);
  heap.f32().set(initDdpgParams(layout, makeRng('bench')), params / 4);
  heap.f32()[one / 4] = 1;
  const k = heap.kernels;

  // The dominant gemm: a batch of 256 through a 256 x 256 layer.
  const x = heap.alloc(256 * 256);
  const y = heap.alloc(256 * 256);
  const rng = makeRng('x');
  const h = heap.f32();
  for (let i = 0; i < 256 * 256; i++) h[x / 4 + i] = rng.normal();
  const l = layout.qf1.layers[1];
  const reps = 50;
  const gemmMs = bestOfSync(3, () => {
    for (let r = 0; r < reps; r++) k.gemm(x, 1024, 4, params + l.kernel.offset * 4, 1024, y, 1024, params + l.bias.offset * 4, 256, 256, 256, GEMM_BIAS);
  }) / reps;
  rows.push({ benchmark: 'gemm [256, 256] @ [256, 256] + bias, wasm-simd kernel', unit: 'MAC', perSec: (256 ** 3) / (gemmMs / 1000), notes: `${((256 ** 3) / gemmMs / 1e6).toFixed(2)} GMAC/s, ${gemmMs.toFixed(2)} ms` });

  const polyGemm = bestOfSync(5, () => softUpdate(heap, coef, targets, params, n, 0.005));
  const polyJs = bestOfSync(5, () => {
    const f = heap.f32();
    const p = params / 4;
    const t = targets / 4;
    for (let i = 0; i < n; i++) f[t + i] = 0.005 * f[p + i] + 0.995 * f[t + i];
  });
  rows.push({ benchmark: `Polyak update of all ${n} TD3 parameters, one gemm (M=1, K=2)`, unit: 'updates', perSec: 1000 / polyGemm, notes: `${(polyGemm * 1000).toFixed(0)} us; a JS loop: ${(polyJs * 1000).toFixed(0)} us` });

  const net = new FusedNet(heap, layout.qf1, { params, grads: heap.alloc(n), one }, { inputGrad: true });
  const syncMs = bestOfSync(20, () => net.syncTransposed());
  rows.push({ benchmark: 'kernel transposes of one 256-256 critic after an Adam step (JS)', unit: 'syncs', perSec: 1000 / syncMs, notes: `${(syncMs * 1000).toFixed(0)} us; per TD3 step: 2 critics + the actor every 2nd` });

  // One critic through FusedNet: its gemms plus ReLU, bias and small-K layers.
  const S1 = WINDOW + 3;
  const xq = heap.alloc(256 * S1);
  const dq = heap.alloc(256);
  const dx = heap.alloc(256 * S1);
  net.reserve(256);
  const f = heap.f32();
  for (let i = 0; i < 256 * S1; i++) f[xq / 4 + i] = rng.normal();
  for (let i = 0; i < 256; i++) f[dq / 4 + i] = rng.normal() / 256;
  const fwdMacs = 256 * sumMacs(layout.qf1);
  const fwd = bestOfSync(10, () => net.forward(xq, 256));
  const bwd = bestOfSync(10, () => net.backward(xq, 256, dq, { dInput: dx }));
  rows.push({ benchmark: 'critic 256-256 ReLU forward, batch 256 (FusedNet)', unit: 'MAC', perSec: fwdMacs / (fwd / 1000), notes: `${(fwd * 1000).toFixed(0)} us for ${(fwdMacs / 1e6).toFixed(1)} M MAC` });
  rows.push({ benchmark: 'critic 256-256 ReLU backward (dW and dX), batch 256 (FusedNet)', unit: 'MAC', perSec: (2 * fwdMacs) / (bwd / 1000), notes: `${(bwd * 1000).toFixed(0)} us for ~${((2 * fwdMacs) / 1e6).toFixed(1)} M MAC` });

  // ReLU over fresh pre-activations (half negative at random): FusedNet's branch-free bit mask
  // against the plain `if (x < 0) x = 0`, whose branch mispredicts.
  const src = heap.alloc(256 * 256);
  const dst = heap.alloc(256 * 256);
  const g = heap.f32();
  for (let i = 0; i < 256 * 256; i++) g[src / 4 + i] = rng.normal();
  const u = new Int32Array(heap.kernels.memory.buffer);
  const lo = dst / 4;
  const hi = lo + 256 * 256;
  const copy = bestOfSync(20, () => u.copyWithin(lo, src / 4, src / 4 + 256 * 256));
  const masked = bestOfSync(20, () => {
    u.copyWithin(lo, src / 4, src / 4 + 256 * 256);
    for (let i = lo; i < hi; i++) {
      const x = u[i];
      u[i] = x & ~(x >> 31);
    }
  }) - copy;
  const branchy = bestOfSync(20, () => {
    u.copyWithin(lo, src / 4, src / 4 + 256 * 256);
    const h = heap.f32();
    for (let i = lo; i < hi; i++) if (h[i] < 0) h[i] = 0;
  }) - copy;
  rows.push({ benchmark: 'ReLU over [256, 256] fresh pre-activations, branch-free bit mask (FusedNet)', unit: 'floats', perSec: (256 * 256) / (masked / 1000), notes: `${(masked * 1000).toFixed(0)} us; with if (x < 0): ${(branchy * 1000).toFixed(0)} us` });
  return rows;
}

export const ddpgBench: Benchmark = {
  name: 'ddpg',
  async run(): Promise<BenchRow[]> {
    const c = await readCandles(SAMPLES_STORE, { exchange: 'coinbase', symbol: 'BTC/USD', timeframe: '1h' });
    const market = candleMarket(c, logReturnWindow(c, WINDOW));
    const rows: BenchRow[] = [];
    for (const v of VARIANTS) rows.push(...(await endToEnd(market, v)));
    rows.push(...pieces());
    return rows;
  },
};
