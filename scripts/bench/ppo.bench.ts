// PPO speed and CartPole sample efficiency.
//  - End-to-end env-steps/s on the shipped Coinbase BTC/USD 1h sample (logReturnWindow(16) ->
//    VecEnv(8)) with CleanRL's settings (8 envs x 128 steps, 4 epochs x 4 minibatches, MLP 64-64
//    tanh), for the fused engine (SIMD kernels, and the naive JS reference kernels) and
//    the tfjs engine on the wasm and cpu backends; where the time goes per update.
//    Reference: CleanRL's PyTorch PPO runs ~30,000 env-steps/s end to end on this kind of machine.
//  - Single-observation inference latency of a policy (normalise + actor + greedy action).
//  - The dominant kernel alone (gemm), SIMD against the JS reference.
//  - CartPole-v1 with CleanRL's defaults (4 envs x 128 steps, 500k steps): env steps until the
//    mean return of the last 20 episodes reaches 475.
import { readCandles } from '../../data/store/candle-store.js';
import { SAMPLES_STORE } from '../../data/store/catalog.js';
import { logReturnWindow } from '../../data/features/log-return-window.js';
import { candleMarket, type CandleMarket } from '../../envs/candle-market.js';
import { CartPoleVecEnv } from '../../envs/cartpole.js';
import { VecEnv } from '../../envs/vec-env.js';
import type { BackendPreference } from '../../agents/nn/backend.js';
import type { KernelChoice } from '../../agents/ppo/fused-engine.js';
import { GEMM_OVERWRITE, jsKernels } from '../../agents/nn/kernels.js';
import { simdKernels } from '../../agents/nn/simd-kernels.js';
import { PpoTrainer } from '../../agents/ppo/trainer.js';
import { TAGS, type PpoTimings } from '../../agents/ppo/update-record.js';
import type { Benchmark, BenchRow } from './harness.js';

const ENVS = 8;
const STEPS = 128;
const WINDOW = 16;

interface Variant {
  label: string;
  engine: 'fused' | 'tfjs';
  kernels?: KernelChoice;
  backend?: BackendPreference;
  /** Updates timed after the warm-up ones. */
  updates: number;
}

const VARIANTS: Variant[] = [
  { label: 'fused engine, wasm-simd kernels', engine: 'fused', updates: 60 },
  { label: 'fused engine, naive JS reference kernels', engine: 'fused', kernels: 'js', updates: 8 },
  { label: 'tfjs engine, wasm backend', engine: 'tfjs', backend: 'wasm', updates: 4 },
  { label: 'tfjs engine, cpu backend', engine: 'tfjs', backend: 'cpu', updates: 2 },
];

const ms = (x: number): string => x.toFixed(2);

async function endToEnd(market: CandleMarket, v: Variant): Promise<{ row: BenchRow; trainer: PpoTrainer }> {
  const env = new VecEnv(ENVS, { market, episodeLength: 1000 }, 1);
  const warm = 2;
  const t = await PpoTrainer.create(env, {
    engine: v.engine, backend: v.backend ?? 'auto', totalTimesteps: ENVS * STEPS * (warm + v.updates), numSteps: STEPS, normalizeObservation: true,
  }, { kernels: v.kernels });
  await t.learn({ updates: warm });
  const sum: PpoTimings = { rolloutMs: 0, inferenceMs: 0, envMs: 0, updateMs: 0 };
  const t0 = performance.now();
  const h = await t.learn();
  const wall = performance.now() - t0;
  for (const r of h) for (const k of Object.keys(sum) as (keyof PpoTimings)[]) sum[k] += r.timings[k];
  const per = (k: keyof PpoTimings) => sum[k] / h.length;
  const stepsPerSec = (h.length * ENVS * STEPS) / (wall / 1000);
  const backend = t.backend ? `; backend: ${t.backend.reason}` : '';
  return {
    trainer: t,
    row: {
      benchmark: `PPO end to end, ${v.label}`,
      unit: 'env-steps',
      perSec: stepsPerSec,
      notes: `per update of ${ENVS}x${STEPS} steps: rollout ${ms(per('rolloutMs'))} ms (inference ${ms(per('inferenceMs'))}, env ${ms(per('envMs'))}), update ${ms(per('updateMs'))} ms; CleanRL PyTorch ~30 k/s${backend}`,
      updateMsPerIteration: per('updateMs'),
      rolloutMsPerIteration: per('rolloutMs'),
    },
  };
}

function latencyRow(label: string, t: PpoTrainer, obs: Float32Array): BenchRow {
  const policy = t.policy();
  const calls = t.engine.kind === 'fused' ? 200_000 : 2_000;
  for (let i = 0; i < calls / 10; i++) policy.act(obs, 1);
  let best = Infinity;
  for (let rep = 0; rep < 3; rep++) {
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) policy.act(obs, 1);
    best = Math.min(best, ((performance.now() - t0) * 1000) / calls);
  }
  return { benchmark: `policy inference, 1 observation, ${label}`, unit: 'calls', perSec: 1e6 / best, notes: `${best.toFixed(2)} us per call (normalise + actor MLP 64-64 + argmax)`, latencyUs: best };
}

/** The dominant kernel alone: [256, 64] @ [64, 64] (a minibatch through a hidden layer). */
function gemmRows(): BenchRow[] {
  const rows: BenchRow[] = [];
  for (const k of [simdKernels(), jsKernels(new WebAssembly.Memory({ initial: 4 }))]) {
    if (k.memory.buffer.byteLength < 4 * 65536) k.memory.grow(4);
    const h = new Float32Array(k.memory.buffer);
    for (let i = 0; i < 40_000; i++) h[i] = Math.sin(i);
    const [M, N, K] = [256, 64, 64];
    const reps = k.name === 'js' ? 20 : 2000;
    const best = bestOfSync(3, () => {
      for (let r = 0; r < reps; r++) k.gemm(0, 4 * K, 4, 4 * 20_000, 4 * N, 4 * 30_000, 4 * N, 0, M, N, K, GEMM_OVERWRITE);
    });
    const macs = (reps * M * N * K) / (best / 1000);
    rows.push({ benchmark: `gemm [256, 64] @ [64, 64], ${k.name} kernel`, unit: 'MAC', perSec: macs, notes: `${(macs / 1e9).toFixed(2)} GMAC/s` });
  }
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

async function cartpole(): Promise<BenchRow> {
  const env = new CartPoleVecEnv(4, 1);
  const t = await PpoTrainer.create(env, { seed: 1, totalTimesteps: 500_000 });
  const recent: number[] = [];
  let reachedAt: number | null = null;
  const t0 = performance.now();
  await t.learn({
    onUpdate: (r) => {
      const ret = r.scalars[TAGS.episodicReturn];
      // The record holds the mean of the episodes that ended in the rollout; weight it by their count.
      if (ret !== undefined) for (let k = 0; k < r.episodes; k++) recent.push(ret);
      while (recent.length > 20) recent.shift();
      if (reachedAt === null && recent.length === 20 && recent.reduce((a, b) => a + b, 0) / 20 >= 475) {
        reachedAt = r.globalStep;
        return false;
      }
    },
  });
  const wall = (performance.now() - t0) / 1000;
  return {
    benchmark: 'PPO CartPole-v1 to mean return >= 475 (fused, CleanRL defaults)',
    unit: 'env-steps',
    perSec: t.globalStep / wall,
    notes: reachedAt === null ? `not reached in ${t.globalStep} steps` : `reached at ${reachedAt} env steps (${wall.toFixed(1)} s)`,
    stepsTo475: reachedAt,
  };
}

export const ppoBench: Benchmark = {
  name: 'ppo',
  async run(): Promise<BenchRow[]> {
    const c = await readCandles(SAMPLES_STORE, { exchange: 'coinbase', symbol: 'BTC/USD', timeframe: '1h' });
    const market = candleMarket(c, logReturnWindow(c, WINDOW));
    const rows: BenchRow[] = [];
    const latency: BenchRow[] = [];
    const obs = new Float32Array(WINDOW + 2).map((_, i) => 0.001 * Math.sin(i));
    for (const v of VARIANTS) {
      const { row, trainer } = await endToEnd(market, v);
      rows.push(row);
      latency.push(latencyRow(v.label, trainer, obs));
      trainer.dispose();
    }
    rows.push(...latency, ...gemmRows());
    rows.push(await cartpole());
    return rows;
  },
};
