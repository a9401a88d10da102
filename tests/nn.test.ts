// agents/nn and the two PPO engines: the SIMD kernels against their plain-JS reference, seeded
// orthogonal init, fused gradients and Adam against tfjs (tf.variableGrads of the same loss),
// checkpoint tensor files, backend selection.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, DataError } from '../data/errors.js';
import { makeRng } from '../data/random.js';
import { paramLayout, type ActionHead, type ParamLayout } from '../agents/nn/actor-critic-layout.js';
import { DEFAULT_ADAM } from '../agents/nn/adam.js';
import { selectBackend } from '../agents/nn/backend.js';
import { encodeTensors, readTensors, writeFolderAtomic } from '../agents/nn/checkpoint-io.js';
import { GEMM_ACCUMULATE, GEMM_BIAS, GEMM_OVERWRITE, jsKernels } from '../agents/nn/kernels.js';
import { initParams, orthogonal } from '../agents/nn/orthogonal-init.js';
import { simdKernels } from '../agents/nn/simd-kernels.js';
import { FusedEngine } from '../agents/ppo/fused-engine.js';
import { allocMinibatch, type LossCoefficients, type Minibatch } from '../agents/ppo/minibatch.js';
import { TfjsEngine } from '../agents/ppo/tfjs-engine.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tradegym-nn-'));
  await selectBackend('wasm');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('SIMD kernels', () => {
  it('gemm equals the JS reference for every tile shape, stride pattern and mode', () => {
    const simd = simdKernels();
    simd.memory.grow(8);
    const ref = jsKernels(new WebAssembly.Memory({ initial: 9 }));
    const hs = new Float32Array(simd.memory.buffer);
    const hr = new Float32Array(ref.memory.buffer);
    const rng = makeRng('gemm');
    for (let i = 0; i < 60_000; i++) hs[i] = hr[i] = rng.normal();
    const A = 0;
    const B = 4 * 30_000;
    const BIAS = 4 * 50_000;
    const C = 4 * 60_000;
    // M, N, K cover: odd M (single-row tail), N with 16-, 4- and 1-column tiles, K = 1.
    for (const [M, N, K] of [[1, 1, 1], [3, 3, 18], [5, 17, 7], [8, 64, 18], [64, 64, 64], [7, 21, 33], [2, 35, 1]]) {
      for (const mode of [GEMM_OVERWRITE, GEMM_ACCUMULATE, GEMM_BIAS]) {
        for (const transposed of [false, true]) {
          const sam = transposed ? 4 : 4 * K;
          const sak = transposed ? 4 * M : 4;
          const ldc = 4 * (N + 3);
          for (let i = 0; i < 20_000; i++) hs[C / 4 + i] = hr[C / 4 + i] = (i % 7) - 3;
          simd.gemm(A, sam, sak, B, 4 * N, C, ldc, BIAS, M, N, K, mode);
          ref.gemm(A, sam, sak, B, 4 * N, C, ldc, BIAS, M, N, K, mode);
          let worst = 0;
          for (let i = 0; i < 20_000; i++) worst = Math.max(worst, Math.abs(hs[C / 4 + i] - hr[C / 4 + i]));
          expect(worst, `M=${M} N=${N} K=${K} mode=${mode} transposed=${transposed}`).toBeLessThan(1e-5);
        }
      }
    }
  });

  it('tanh is within 4e-7 of Math.tanh on [-10, 10]; tanhBackward is dh (1 - h^2)', () => {
    const k = simdKernels();
    k.memory.grow(1);
    const h = new Float32Array(k.memory.buffer);
    const n = 4003; // not a multiple of 4: the scalar tail runs too
    for (let i = 0; i < n; i++) h[i] = -10 + (20 * i) / (n - 1);
    k.tanh(0, 4 * 5000, n);
    let worst = 0;
    for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(h[5000 + i] - Math.tanh(h[i])));
    expect(worst).toBeLessThan(4e-7);
    k.tanhBackward(0, 4 * 5000, 4 * 10_000, n);
    for (let i = 0; i < n; i += 97) expect(h[10_000 + i]).toBeCloseTo(h[i] * (1 - h[5000 + i] ** 2), 5);
  });

  it('the Adam kernel equals the JS reference (with a gradient scale) to float32 rounding', () => {
    const simd = simdKernels();
    const ref = jsKernels(new WebAssembly.Memory({ initial: 1 }));
    const hs = new Float32Array(simd.memory.buffer);
    const hr = new Float32Array(ref.memory.buffer);
    const rng = makeRng('adam');
    const n = 1003;
    for (let i = 0; i < 4 * 1024; i++) hs[i] = hr[i] = i >= 3 * 1024 ? Math.abs(rng.normal()) : rng.normal();
    const before = hs.slice(0, n + 1);
    // params at 0, gradients at 1024, m at 2048, v (non-negative) at 3072; 1003 floats: a scalar tail.
    for (const k of [simd, ref]) for (let s = 0; s < 3; s++) k.adam(0, 4 * 1024, 4 * 2048, 4 * 3072, n, 0.7, 0.9, 0.999, 1e-3, 1.3, 1e-5);
    for (let i = 0; i < 4 * 1024; i++) expect(Math.abs(hs[i] - hr[i])).toBeLessThan(1e-6 * (1 + Math.abs(hr[i])));
    for (let i = 0; i < n; i++) expect(hs[i]).not.toBe(before[i]);
    expect(hs[n]).toBe(before[n]);
  });
});

describe('seeded orthogonal init', () => {
  it('gives orthonormal columns (tall) or rows (wide) times the gain, the same for the same seed', () => {
    for (const [r, c] of [[18, 64], [64, 64], [64, 3]]) {
      const w = orthogonal(r, c, 2, makeRng('o'));
      const cols = r >= c;
      const k = cols ? c : r;
      for (let a = 0; a < k; a++) {
        for (let b = 0; b < k; b++) {
          let dot = 0;
          for (let i = 0; i < (cols ? r : c); i++) dot += cols ? w[i * c + a] * w[i * c + b] : w[a * c + i] * w[b * c + i];
          expect(dot).toBeCloseTo(a === b ? 4 : 0, 9);
        }
      }
    }
    const layout = paramLayout({ obsSize: 5, actorHidden: [8], criticHidden: [8], head: { kind: 'gaussian', dim: 2 }, initLogStd: -0.5 });
    const a = initParams(layout, makeRng(3));
    expect(initParams(layout, makeRng(3))).toEqual(a);
    expect(initParams(layout, makeRng(4))).not.toEqual(a);
    const ls = layout.logStd;
    expect(ls && Array.from(a.subarray(ls.offset, ls.offset + ls.size))).toEqual([-0.5, -0.5]);
  });
});

function randomProblem(head: ActionHead, seed: string): { layout: ParamLayout; params: Float32Array; mb: Minibatch } {
  const layout = paramLayout({ obsSize: 7, actorHidden: [16, 9], criticHidden: [12], head, initLogStd: -0.3 });
  const rng = makeRng(seed);
  const params = initParams(layout, rng);
  // Bigger than the init's: far-from-uniform policies and ratios beyond the clip range.
  for (const e of layout.entries) for (let i = e.offset; i < e.offset + e.size; i++) params[i] += 0.4 * rng.normal();
  const D = head.kind === 'categorical' ? 1 : head.dim;
  const B = 37;
  const mb = allocMinibatch(B, 7, D);
  for (let i = 0; i < mb.obs.length; i++) mb.obs[i] = rng.normal();
  for (let i = 0; i < B * D; i++) mb.actions[i] = head.kind === 'categorical' ? rng.int(head.n) : rng.normal();
  for (let i = 0; i < B; i++) {
    mb.logp[i] = head.kind === 'categorical' ? -0.6 - rng.next() : -2 - 2 * rng.next();
    mb.advantages[i] = rng.normal();
    mb.returns[i] = rng.normal();
    mb.values[i] = 0.3 * rng.normal();
  }
  return { layout, params, mb };
}

const maxDiff = (a: Float32Array, b: Float32Array, layout: ParamLayout): number => {
  let w = 0;
  for (const e of layout.entries) for (let i = e.offset; i < e.offset + e.size; i++) w = Math.max(w, Math.abs(a[i] - b[i]));
  return w;
};

describe('fused engine against tfjs', () => {
  const heads: ActionHead[] = [{ kind: 'categorical', n: 3 }, { kind: 'gaussian', dim: 2 }];
  for (const head of heads) {
    for (const clipValueLoss of [true, false]) {
      it(`${head.kind} head, clipped value loss ${clipValueLoss}: gradients and loss statistics agree to 1e-5`, () => {
        const { layout, params, mb } = randomProblem(head, `${head.kind}/${clipValueLoss}`);
        const coef: LossCoefficients = { clipCoef: 0.2, clipValueLoss, valueCoef: 0.5, entropyCoef: 0.01 };
        const fused = new FusedEngine(layout, params, DEFAULT_ADAM);
        const ref = new TfjsEngine(layout, params, DEFAULT_ADAM);
        const sf = fused.computeGradients(mb, coef);
        const st = ref.computeGradients(mb, coef);
        for (const k of Object.keys(st) as (keyof typeof st)[]) expect(Math.abs(sf[k] - st[k]), k).toBeLessThan(1e-5);
        // The problem exercises clipping: some but not all ratios are outside the range.
        expect(st.clipFrac).toBeGreaterThan(0);
        expect(st.clipFrac).toBeLessThan(1);
        const gf = new Float32Array(layout.size);
        const gt = new Float32Array(layout.size);
        fused.readGradients(gf);
        ref.readGradients(gt);
        let norm = 0;
        for (const g of gt) norm = Math.max(norm, Math.abs(g));
        expect(norm).toBeGreaterThan(0.05);
        expect(maxDiff(gf, gt, layout)).toBeLessThan(1e-5);
        // One clipped Adam step lands on the same parameters.
        const nf = fused.applyGradients(1e-3, 0.5);
        const nt = ref.applyGradients(1e-3, 0.5);
        expect(nf).toBeCloseTo(nt, 5);
        const pf = new Float32Array(layout.size);
        const pt = new Float32Array(layout.size);
        fused.readParams(pf);
        ref.readParams(pt);
        expect(maxDiff(pf, pt, layout)).toBeLessThan(1e-6);
        expect(maxDiff(pf, params, layout)).toBeGreaterThan(1e-4);
        ref.dispose();
      });
    }
  }

  it('evaluates the same outputs, and the js kernels the same as the SIMD ones', () => {
    const { layout, params, mb } = randomProblem({ kind: 'categorical', n: 3 }, 'forward');
    const engines = [new FusedEngine(layout, params, DEFAULT_ADAM), new FusedEngine(layout, params, DEFAULT_ADAM, 'js'), new TfjsEngine(layout, params, DEFAULT_ADAM)];
    const outs = engines.map((e) => {
      const head = new Float32Array(mb.size * 3);
      const v = new Float32Array(mb.size);
      e.evaluate(mb.obs, mb.size, head, v);
      return [...head, ...v];
    });
    for (const o of outs.slice(1)) for (let i = 0; i < o.length; i++) expect(o[i]).toBeCloseTo(outs[0][i], 5);
    engines[2].dispose();
  });
});

describe('checkpoint tensor files', () => {
  it('round-trips float32 little-endian tensors and rejects a corrupted file', async () => {
    const t = [
      { name: 'a', shape: [2, 3], data: Float32Array.from([1, -2, 3.5, 1e-30, -0, 7]) },
      { name: 'b', shape: [1], data: Float32Array.from([Math.PI]) },
    ];
    const { bytes, manifest } = encodeTensors('w.bin', t);
    expect(bytes.length).toBe(28);
    expect(new DataView(bytes.buffer).getFloat32(8, true)).toBe(3.5);
    const d = join(dir, 'ck');
    await writeFolderAtomic(d, [{ name: 'w.bin', data: bytes }, { name: 'm.json', data: JSON.stringify(manifest) }]);
    const back = await readTensors(d, manifest);
    expect(back.get('a')).toEqual(t[0].data);
    expect(back.get('b')).toEqual(t[1].data);
    // Replacing the folder leaves no temporary folders behind.
    await writeFolderAtomic(d, [{ name: 'w.bin', data: bytes }]);
    expect((await readdir(dir)).filter((f) => f.includes('ck'))).toEqual(['ck']);
    const broken = new Uint8Array(await readFile(join(d, 'w.bin')));
    broken[5] ^= 1;
    await writeFile(join(d, 'w.bin'), broken);
    await expect(readTensors(d, manifest)).rejects.toThrow(DataError);
    await expect(readTensors(d, manifest)).rejects.toThrow(/sha256/);
  });
});

describe('backend selection', () => {
  it('falls back to wasm without the native bindings and says why; an explicit native request fails', async () => {
    const auto = await selectBackend('auto');
    expect(['tensorflow', 'wasm']).toContain(auto.backend);
    expect(tf.getBackend()).toBe(auto.backend);
    if (auto.backend === 'wasm') {
      expect(auto.reason).toMatch(/tfjs-node-gpu not available/);
      await expect(selectBackend('tensorflow')).rejects.toThrow(ConfigError);
    }
    expect((await selectBackend('cpu')).backend).toBe('cpu');
    expect((await selectBackend('wasm')).backend).toBe('wasm');
  });
});
