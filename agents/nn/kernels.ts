// The numeric kernels the fused engine is built from, over float32 data in one linear memory,
// addressed by byte offsets. `jsKernels` is the readable reference (and the fallback); the
// WebAssembly SIMD version in simd-kernels.ts computes the same thing. Measured for a 256x64 @
// 64x64 product here: this reference ~0.3 GMAC/s, a register-blocked JS gemm (tried, not kept)
// ~2.4, the SIMD kernel 15-19 (scripts/bench/ppo.bench.ts has the gemm and end-to-end rows).

/** How `gemm` starts its accumulators. */
export const GEMM_OVERWRITE = 0;
export const GEMM_ACCUMULATE = 1;
export const GEMM_BIAS = 2;

export interface Kernels {
  readonly name: string;
  readonly memory: WebAssembly.Memory;
  /**
   * C[m, n] = init + sum_k A(m, k) * B(k, n) for m < M, n < N, with
   *   A(m, k) at byte a + m*sam + k*sak (any strides: a transposed A is just other strides),
   *   B(k, n) at byte b + k*sbk + 4n (rows contiguous), C(m, n) at byte c + m*ldc + 4n,
   *   init = 0 (GEMM_OVERWRITE), C(m, n) (GEMM_ACCUMULATE) or bias[n] at byte bias + 4n (GEMM_BIAS).
   */
  gemm(a: number, sam: number, sak: number, b: number, sbk: number, c: number, ldc: number, bias: number, M: number, N: number, K: number, mode: number): void;
  /** dst[i] = tanh(src[i]) for i < len (float32 accuracy, |error| < 4e-7). */
  tanh(src: number, dst: number, len: number): void;
  /** dz[i] = dh[i] * (1 - h[i]^2): the gradient through tanh given its output h. */
  tanhBackward(dh: number, h: number, dz: number, len: number): void;
  /**
   * One Adam step over `len` floats (see adam.ts) with gradients scaled by `gradScale` (the
   * norm clip): m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2; p -= stepSize m / (sqrt(v) / sqrtBc2 + eps).
   */
  adam(p: number, g: number, m: number, v: number, len: number, gradScale: number, beta1: number, beta2: number, stepSize: number, invSqrtBc2: number, eps: number): void;
}

export function jsKernels(memory: WebAssembly.Memory): Kernels {
  let heap = new Float32Array(memory.buffer);
  const view = (): Float32Array => {
    if (heap.buffer !== memory.buffer) heap = new Float32Array(memory.buffer);
    return heap;
  };
  return {
    name: 'js',
    memory,
    gemm(a, sam, sak, b, sbk, c, ldc, bias, M, N, K, mode) {
      const h = view();
      for (let m = 0; m < M; m++) {
        for (let n = 0; n < N; n++) {
          const ci = (c + m * ldc) / 4 + n;
          let s = mode === GEMM_ACCUMULATE ? h[ci] : mode === GEMM_BIAS ? h[bias / 4 + n] : 0;
          for (let k = 0; k < K; k++) s += h[(a + m * sam + k * sak) / 4] * h[(b + k * sbk) / 4 + n];
          h[ci] = s;
        }
      }
    },
    tanh(src, dst, len) {
      const h = view();
      for (let i = 0; i < len; i++) h[dst / 4 + i] = Math.tanh(h[src / 4 + i]);
    },
    tanhBackward(dh, hp, dz, len) {
      const h = view();
      for (let i = 0; i < len; i++) {
        const y = h[hp / 4 + i];
        h[dz / 4 + i] = h[dh / 4 + i] * (1 - y * y);
      }
    },
    adam(p, g, m, v, len, gradScale, b1, b2, stepSize, invSqrtBc2, eps) {
      const h = view();
      for (let i = 0; i < len; i++) {
        const gi = h[g / 4 + i] * gradScale;
        const mi = b1 * h[m / 4 + i] + (1 - b1) * gi;
        const vi = b2 * h[v / 4 + i] + (1 - b2) * gi * gi;
        h[m / 4 + i] = mi;
        h[v / 4 + i] = vi;
        h[p / 4 + i] -= (stepSize * mi) / (Math.sqrt(vi) * invSqrtBc2 + eps);
      }
    },
  };
}
