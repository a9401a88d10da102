// One LSTM layer evaluated and differentiated by hand (BPTT) over a WasmHeap: the matrix products
// on the SIMD gemm kernel, the gate non-linearities on its SIMD tanh, the remaining gate
// arithmetic in JS (O(rows x 4H)). Why not tf.layers.lstm: tfjs runs ~10 backend ops per time
// step; scripts/bench/lstm.bench.ts measures both.
//
// Sequences are time-major: row t * batch + b is step t of sequence b. `keep[row]` is 0 where an
// episode starts at that row: the state coming in is zeroed there (and no gradient crosses it).
//   z = x W + (h_prev keep) U + b;  i, f, o = sigmoid(z_i, z_f, z_o);  g = tanh(z_c)
//   c = f (c_prev keep) + i g;  h = o tanh(c)
import { GEMM_ACCUMULATE, GEMM_BIAS, GEMM_OVERWRITE } from '../nn/kernels.js';
import type { FlatBuffers } from '../nn/fused-mlp.js';
import type { WasmHeap } from '../nn/wasm-heap.js';
import type { LstmEntries } from './layout.js';

export class FusedLstm {
  readonly inSize: number;
  readonly hidden: number;
  /** U^T [4H, H] for dh_prev = dz U^T; refreshed by syncTransposed. */
  private readonly recurrentT: number;
  private capacity = 0;
  private batchCap = 0;
  /** Byte offsets, [rows, 4H]: pre-activations, then (in place) the activated gates i, f, g, o. */
  private gates = 0;
  /** [rows, H]: cell state, tanh(cell), output, and the (masked) incoming h and c of each row. */
  private cell = 0;
  private tanhCell = 0;
  private out = 0;
  private hPrev = 0;
  private cPrev = 0;
  /** [rows, 4H] gate gradients; [batch, H] scratch for dh_prev. */
  private dGates = 0;
  private dhPrev = 0;
  /** Per-sequence gradients flowing back in time, [batch, H] (only elementwise JS touches them). */
  private dhNext = new Float32Array(0);
  private dcNext = new Float32Array(0);

  constructor(private readonly heap: WasmHeap, private readonly entries: LstmEntries, private readonly flat: FlatBuffers) {
    this.inSize = entries.kernel.shape[0];
    this.hidden = entries.recurrent.shape[0];
    this.recurrentT = heap.alloc(entries.recurrent.size);
  }

  /** Room for `rows` rows of `batch` sequences (buffers only grow). */
  reserve(rows: number, batch: number): void {
    const H = this.hidden;
    if (rows > this.capacity) {
      const cap = Math.max(rows, this.capacity * 2);
      this.gates = this.heap.alloc(cap * 4 * H);
      this.dGates = this.heap.alloc(cap * 4 * H);
      [this.cell, this.tanhCell, this.out, this.hPrev, this.cPrev] = [0, 1, 2, 3, 4].map(() => this.heap.alloc(cap * H));
      this.capacity = cap;
    }
    if (batch > this.batchCap) {
      this.dhPrev = this.heap.alloc(batch * H);
      this.dhNext = new Float32Array(batch * H);
      this.dcNext = new Float32Array(batch * H);
      this.batchCap = batch;
    }
  }

  /** Byte offset of the outputs h [rows, H] of the last forward. */
  get output(): number {
    return this.out;
  }

  /** Byte offset of the cell states c [rows, H] of the last forward. */
  get cells(): number {
    return this.cell;
  }

  syncTransposed(): void {
    const h = this.heap.f32();
    const u = this.flat.params / 4 + this.entries.recurrent.offset;
    const t = this.recurrentT / 4;
    const H = this.hidden;
    const G = 4 * H;
    for (let r = 0; r < H; r++) for (let c = 0; c < G; c++) h[t + c * H + r] = h[u + r * G + c];
  }

  /**
   * Forward over `steps` x `batch` rows of inputs at byte offset `x` ([rows, inSize]), from the
   * states h0, c0 ([batch, H], JS arrays). `keep` ([rows], null = all ones) masks the incoming state.
   */
  forward(x: number, steps: number, batch: number, h0: Float32Array, c0: Float32Array, keep: Float32Array | null): number {
    const rows = steps * batch;
    this.reserve(rows, batch);
    const k = this.heap.kernels;
    const S = this.inSize;
    const H = this.hidden;
    const G = 4 * H;
    const P = this.flat.params;
    const e = this.entries;
    // The input part of every step in one product: x W + b for all rows.
    k.gemm(x, S * 4, 4, P + e.kernel.offset * 4, G * 4, this.gates, G * 4, P + e.bias.offset * 4, rows, G, S, GEMM_BIAS);
    const m = this.heap.f32();
    const hp = this.hPrev / 4;
    const cp = this.cPrev / 4;
    const cl = this.cell / 4;
    const tc = this.tanhCell / 4;
    const ho = this.out / 4;
    for (let t = 0; t < steps; t++) {
      const r0 = t * batch;
      for (let b = 0; b < batch; b++) {
        const kb = keep ? keep[r0 + b] : 1;
        const to = (r0 + b) * H;
        const from = (r0 - batch + b) * H;
        for (let j = 0; j < H; j++) {
          m[hp + to + j] = (t === 0 ? h0[b * H + j] : m[ho + from + j]) * kb;
          m[cp + to + j] = (t === 0 ? c0[b * H + j] : m[cl + from + j]) * kb;
        }
      }
      k.gemm(this.hPrev + r0 * H * 4, H * 4, 4, P + e.recurrent.offset * 4, G * 4, this.gates + r0 * G * 4, G * 4, 0, batch, G, H, GEMM_ACCUMULATE);
      // The non-linearities through the SIMD tanh kernel, sigmoid(z) = 1/2 + tanh(z / 2) / 2: with
      // Math.exp / Math.tanh per gate the forward pass of 64 x 32 steps x 32 units took 6.3 ms, now 2.3.
      const z0 = this.gates / 4 + r0 * G;
      for (let r = 0; r < batch; r++) {
        const z = z0 + r * G;
        for (let j = 0; j < H; j++) {
          m[z + j] *= 0.5;
          m[z + H + j] *= 0.5;
          m[z + 3 * H + j] *= 0.5;
        }
      }
      k.tanh(this.gates + r0 * G * 4, this.gates + r0 * G * 4, batch * G);
      for (let r = 0; r < batch; r++) {
        const z = z0 + r * G;
        const o = (r0 + r) * H;
        for (let j = 0; j < H; j++) {
          const ig = 0.5 + 0.5 * m[z + j];
          const fg = 0.5 + 0.5 * m[z + H + j];
          m[z + j] = ig;
          m[z + H + j] = fg;
          m[z + 3 * H + j] = 0.5 + 0.5 * m[z + 3 * H + j];
          m[cl + o + j] = fg * m[cp + o + j] + ig * m[z + 2 * H + j];
        }
      }
      k.tanh(this.cell + r0 * H * 4, this.tanhCell + r0 * H * 4, batch * H);
      for (let r = 0; r < batch; r++) {
        const z = z0 + r * G;
        const o = (r0 + r) * H;
        for (let j = 0; j < H; j++) m[ho + o + j] = m[z + 3 * H + j] * m[tc + o + j];
      }
    }
    return this.out;
  }

  /**
   * BPTT through the last forward(x, steps, batch, ..., keep) from dL/dh at byte offset `dOut`
   * ([rows, H]); overwrites the LSTM's parameter gradients. The initial states are constants
   * (stored rollout states, as CleanRL and SB3 treat them).
   */
  backward(x: number, steps: number, batch: number, dOut: number, keep: Float32Array | null): void {
    const k = this.heap.kernels;
    const S = this.inSize;
    const H = this.hidden;
    const G = 4 * H;
    const rows = steps * batch;
    const dhNext = this.dhNext;
    const dcNext = this.dcNext;
    dhNext.fill(0, 0, batch * H);
    dcNext.fill(0, 0, batch * H);
    const m = this.heap.f32();
    const gz = this.gates / 4;
    const dz = this.dGates / 4;
    const dh = dOut / 4;
    const tcB = this.tanhCell / 4;
    const cpB = this.cPrev / 4;
    const dhp = this.dhPrev / 4;
    for (let t = steps - 1; t >= 0; t--) {
      const r0 = t * batch;
      for (let b = 0; b < batch; b++) {
        const r = r0 + b;
        const z = gz + r * G;
        const d = dz + r * G;
        for (let j = 0; j < H; j++) {
          const ig = m[z + j];
          const fg = m[z + H + j];
          const gg = m[z + 2 * H + j];
          const og = m[z + 3 * H + j];
          const tc = m[tcB + r * H + j];
          const dhj = m[dh + r * H + j] + dhNext[b * H + j];
          const dc = dcNext[b * H + j] + dhj * og * (1 - tc * tc);
          m[d + j] = dc * gg * ig * (1 - ig);
          m[d + H + j] = dc * m[cpB + r * H + j] * fg * (1 - fg);
          m[d + 2 * H + j] = dc * ig * (1 - gg * gg);
          m[d + 3 * H + j] = dhj * tc * og * (1 - og);
          dcNext[b * H + j] = dc * fg;
        }
      }
      if (t === 0) break;
      // dh_prev = dz U^T; both gradients cross into step t-1 only where no episode started at t.
      k.gemm(this.dGates + r0 * G * 4, G * 4, 4, this.recurrentT, H * 4, this.dhPrev, H * 4, 0, batch, H, G, GEMM_OVERWRITE);
      for (let b = 0; b < batch; b++) {
        const kb = keep ? keep[r0 + b] : 1;
        for (let j = 0; j < H; j++) {
          dhNext[b * H + j] = m[dhp + b * H + j] * kb;
          dcNext[b * H + j] *= kb;
        }
      }
    }
    // Parameter gradients in three products over all rows: dW = X^T dZ, dU = Hprev^T dZ, db = 1^T dZ.
    const Gr = this.flat.grads;
    const e = this.entries;
    k.gemm(x, 4, S * 4, this.dGates, G * 4, Gr + e.kernel.offset * 4, G * 4, 0, S, G, rows, GEMM_OVERWRITE);
    k.gemm(this.hPrev, 4, H * 4, this.dGates, G * 4, Gr + e.recurrent.offset * 4, G * 4, 0, H, G, rows, GEMM_OVERWRITE);
    k.gemm(this.flat.one, 0, 0, this.dGates, G * 4, Gr + e.bias.offset * 4, 0, 0, 1, G, rows, GEMM_OVERWRITE);
  }
}
