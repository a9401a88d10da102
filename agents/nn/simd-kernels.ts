// The fused engine's kernels as WebAssembly SIMD (f32x4), assembled at run time by wasm-emitter.
// Why: a small MLP's PPO update is ~130 k multiply-adds per env step; plain JS reaches ~2.4 GMAC/s
// here, wasm SIMD ~19 GMAC/s; Math.tanh costs ~18 ns per call (the SIMD rational tanh below
// ~1.7 ns); Adam over 11 k parameters ~118 us in JS float64. The reference semantics are
// jsKernels in kernels.ts; tests compare the two.
import {
  assembleModule, block, br, brIf, f32, f32x4, FunctionBuilder, get, i32, ifThen, loop, set, type Code,
} from './wasm-emitter.js';
import { GEMM_ACCUMULATE, GEMM_BIAS, type Kernels } from './kernels.js';

/** `while (!exit) body`: a block around a loop; depth 1 leaves, depth 0 repeats. */
const whileNot = (exit: Code, ...body: Code[]): Code => block(loop(brIf(1, exit), ...body, br(0)));
const inc = (local: number, by: Code): Code => set(local, i32.add(get(local), by));

function buildGemm(): FunctionBuilder {
  const f = new FunctionBuilder('gemm', new Array(12).fill('i32'));
  const [a, sam, sak, b, sbk, c, ldc, bias, M, N, K, mode] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
  const m = f.local('i32');
  const n = f.local('i32');
  const k = f.local('i32');
  const pa = [f.local('i32'), f.local('i32')];
  const pb = f.local('i32');
  const pc = f.local('i32');
  // A 2 x 16 tile keeps 8 accumulators + 2 splats + 4 B vectors in the 16 SIMD registers.
  const acc = [[0, 1, 2, 3].map(() => f.local('v128')), [0, 1, 2, 3].map(() => f.local('v128'))];
  const s = [f.local('v128'), f.local('v128')];
  const w = [0, 1, 2, 3].map(() => f.local('v128'));
  const fa = [f.local('f32'), f.local('f32')];
  const fw = f.local('f32');

  const rowPtr = (r: number): Code => (r === 0 ? get(pc) : i32.add(get(pc), get(ldc)));
  const biasPtr = (): Code => i32.add(get(bias), i32.shl(get(n), i32.const(2)));
  const setup = (R: number): Code[] => [
    set(pc, i32.add(i32.add(get(c), i32.mul(get(m), get(ldc))), i32.shl(get(n), i32.const(2)))),
    ...Array.from({ length: R }, (_, r) => set(pa[r], i32.add(get(a), i32.mul(i32.add(get(m), i32.const(r)), get(sam))))),
    set(pb, i32.add(get(b), i32.shl(get(n), i32.const(2)))),
    set(k, i32.const(0)),
  ];
  const each = (R: number, V: number, fn: (r: number, v: number) => Code): Code[] => {
    const out: Code[] = [];
    for (let r = 0; r < R; r++) for (let v = 0; v < V; v++) out.push(fn(r, v));
    return out;
  };

  // R rows x V vectors of 4 columns.
  const vectorTile = (R: number, V: number): Code[] => [
    ...setup(R),
    ifThen(i32.eq(get(mode), i32.const(GEMM_ACCUMULATE)),
      each(R, V, (r, v) => set(acc[r][v], f32x4.load(rowPtr(r), 16 * v))),
      [ifThen(i32.eq(get(mode), i32.const(GEMM_BIAS)),
        each(R, V, (r, v) => set(acc[r][v], f32x4.load(biasPtr(), 16 * v))),
        each(R, V, (r, v) => set(acc[r][v], f32x4.zero())))]),
    whileNot(i32.geS(get(k), get(K)),
      ...Array.from({ length: R }, (_, r) => set(s[r], f32x4.splat(f32.load(get(pa[r]))))),
      ...Array.from({ length: V }, (_, v) => set(w[v], f32x4.load(get(pb), 16 * v))),
      ...each(R, V, (r, v) => set(acc[r][v], f32x4.add(get(acc[r][v]), f32x4.mul(get(s[r]), get(w[v]))))),
      ...Array.from({ length: R }, (_, r) => inc(pa[r], get(sak))),
      inc(pb, get(sbk)),
      inc(k, i32.const(1))),
    ...each(R, V, (r, v) => f32x4.store(rowPtr(r), get(acc[r][v]), 16 * v)),
  ];

  // R rows x 1 column: the tail when N is not a multiple of 4 (e.g. a 3-action head).
  const scalarTile = (R: number): Code[] => [
    ...setup(R),
    ifThen(i32.eq(get(mode), i32.const(GEMM_ACCUMULATE)),
      Array.from({ length: R }, (_, r) => set(fa[r], f32.load(rowPtr(r)))),
      [ifThen(i32.eq(get(mode), i32.const(GEMM_BIAS)),
        Array.from({ length: R }, (_, r) => set(fa[r], f32.load(biasPtr()))),
        Array.from({ length: R }, (_, r) => set(fa[r], f32.const(0))))]),
    whileNot(i32.geS(get(k), get(K)),
      set(fw, f32.load(get(pb))),
      ...Array.from({ length: R }, (_, r) => set(fa[r], f32.add(get(fa[r]), f32.mul(f32.load(get(pa[r])), get(fw))))),
      ...Array.from({ length: R }, (_, r) => inc(pa[r], get(sak))),
      inc(pb, get(sbk)),
      inc(k, i32.const(1))),
    ...Array.from({ length: R }, (_, r) => f32.store(rowPtr(r), get(fa[r]))),
  ];

  const rowBlock = (R: number): Code[] => [
    set(n, i32.const(0)),
    whileNot(i32.gtS(i32.add(get(n), i32.const(16)), get(N)), ...vectorTile(R, 4), inc(n, i32.const(16))),
    whileNot(i32.gtS(i32.add(get(n), i32.const(4)), get(N)), ...vectorTile(R, 1), inc(n, i32.const(4))),
    whileNot(i32.geS(get(n), get(N)), ...scalarTile(R), inc(n, i32.const(1))),
  ];

  f.emit(
    set(m, i32.const(0)),
    whileNot(i32.gtS(i32.add(get(m), i32.const(2)), get(M)), ...rowBlock(2), inc(m, i32.const(2))),
    ifThen(i32.ltS(get(m), get(M)), rowBlock(1)),
  );
  return f;
}

// Eigen's float tanh (generic_fast_tanh_float): an odd/even rational minimax fit on a clamped
// input; max |error| 3.6e-7 against Math.tanh over [-10, 10] (checked in tests/nn.test.ts).
const TANH_CLAMP = 7.90531110763549805;
const TANH_NUM = [4.89352455891786e-3, 6.37261928875436e-4, 1.48572235717979e-5, 5.12229709037114e-8, -8.60467152213735e-11, 2.00018790482477e-13, -2.76076847742355e-16];
const TANH_DEN = [4.89352518554385e-3, 2.26843463243900e-3, 1.18534705686654e-4, 1.19825839466702e-6];

interface Lanes {
  const(x: number): Code;
  add(a: Code, b: Code): Code;
  sub(a: Code, b: Code): Code;
  mul(a: Code, b: Code): Code;
  div(a: Code, b: Code): Code;
  min(a: Code, b: Code): Code;
  max(a: Code, b: Code): Code;
}

/** tanh of the value in local `x` (clamped in place), using local `x2` as scratch. */
function tanhExpr(o: Lanes, x: number, x2: number): Code[] {
  const horner = (coef: number[]): Code => {
    let p = o.const(coef[coef.length - 1]);
    for (let i = coef.length - 2; i >= 0; i--) p = o.add(o.mul(p, get(x2)), o.const(coef[i]));
    return p;
  };
  return [
    set(x, o.max(o.min(get(x), o.const(TANH_CLAMP)), o.const(-TANH_CLAMP))),
    set(x2, o.mul(get(x), get(x))),
    o.div(o.mul(horner(TANH_NUM), get(x)), horner(TANH_DEN)),
  ];
}

function buildTanh(): FunctionBuilder {
  const f = new FunctionBuilder('tanh', ['i32', 'i32', 'i32']);
  const [src, dst, len] = [0, 1, 2];
  const i = f.local('i32');
  const vx = f.local('v128');
  const vx2 = f.local('v128');
  const sx = f.local('f32');
  const sx2 = f.local('f32');
  const at = (base: number): Code => i32.add(get(base), i32.shl(get(i), i32.const(2)));
  const vec = tanhExpr(f32x4, vx, vx2);
  const sca = tanhExpr(f32, sx, sx2);
  f.emit(
    set(i, i32.const(0)),
    whileNot(i32.gtS(i32.add(get(i), i32.const(4)), get(len)),
      set(vx, f32x4.load(at(src))), vec[0], vec[1], f32x4.store(at(dst), vec[2]), inc(i, i32.const(4))),
    whileNot(i32.geS(get(i), get(len)),
      set(sx, f32.load(at(src))), sca[0], sca[1], f32.store(at(dst), sca[2]), inc(i, i32.const(1))),
  );
  return f;
}

function buildTanhBackward(): FunctionBuilder {
  const f = new FunctionBuilder('tanhBackward', ['i32', 'i32', 'i32', 'i32']);
  const [dh, h, dz, len] = [0, 1, 2, 3];
  const i = f.local('i32');
  const vy = f.local('v128');
  const sy = f.local('f32');
  const at = (base: number): Code => i32.add(get(base), i32.shl(get(i), i32.const(2)));
  f.emit(
    set(i, i32.const(0)),
    whileNot(i32.gtS(i32.add(get(i), i32.const(4)), get(len)),
      set(vy, f32x4.load(at(h))),
      f32x4.store(at(dz), f32x4.mul(f32x4.load(at(dh)), f32x4.sub(f32x4.const(1), f32x4.mul(get(vy), get(vy))))),
      inc(i, i32.const(4))),
    whileNot(i32.geS(get(i), get(len)),
      set(sy, f32.load(at(h))),
      f32.store(at(dz), f32.mul(f32.load(at(dh)), f32.sub(f32.const(1), f32.mul(get(sy), get(sy))))),
      inc(i, i32.const(1))),
  );
  return f;
}

function buildAdam(): FunctionBuilder {
  const f = new FunctionBuilder('adam', ['i32', 'i32', 'i32', 'i32', 'i32', 'f32', 'f32', 'f32', 'f32', 'f32', 'f32']);
  const [p, g, m, v, len, scale, b1, b2, stepSize, invSqrtBc2, eps] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const i = f.local('i32');
  // Splatted scalars, hoisted out of the loop.
  const [vScale, vB1, vB2, v1mB1, v1mB2, vStep, vInv, vEps] = [0, 1, 2, 3, 4, 5, 6, 7].map(() => f.local('v128'));
  const [vg, vm, vv] = [f.local('v128'), f.local('v128'), f.local('v128')];
  const [sg, sm, sv] = [f.local('f32'), f.local('f32'), f.local('f32')];
  const at = (base: number): Code => i32.add(get(base), i32.shl(get(i), i32.const(2)));
  // The same update for 4 lanes or 1, over the given locals (splatted or scalar).
  const step = (o: Lanes & { load(a: Code): Code; store(a: Code, x: Code): Code; sqrt(a: Code): Code }, lanes: number[], reg: number[]): Code[] => {
    const [G, M, V] = reg;
    const [SC, B1, B2, C1, C2, ST, INV, EPS] = lanes;
    return [
      set(G, o.mul(o.load(at(g)), get(SC))),
      set(M, o.add(o.mul(get(B1), o.load(at(m))), o.mul(get(C1), get(G)))),
      set(V, o.add(o.mul(get(B2), o.load(at(v))), o.mul(get(C2), o.mul(get(G), get(G))))),
      o.store(at(m), get(M)),
      o.store(at(v), get(V)),
      o.store(at(p), o.sub(o.load(at(p)), o.div(o.mul(get(ST), get(M)), o.add(o.mul(o.sqrt(get(V)), get(INV)), get(EPS))))),
    ];
  };
  const scalarOps = { ...f32, load: (a: Code) => f32.load(a), store: (a: Code, x: Code) => f32.store(a, x) };
  const vectorOps = { ...f32x4, load: (a: Code) => f32x4.load(a), store: (a: Code, x: Code) => f32x4.store(a, x) };
  const oneMinus = (b: number): Code => f32.sub(f32.const(1), get(b));
  f.emit(
    set(vScale, f32x4.splat(get(scale))), set(vB1, f32x4.splat(get(b1))), set(vB2, f32x4.splat(get(b2))),
    set(v1mB1, f32x4.splat(oneMinus(b1))), set(v1mB2, f32x4.splat(oneMinus(b2))),
    set(vStep, f32x4.splat(get(stepSize))), set(vInv, f32x4.splat(get(invSqrtBc2))), set(vEps, f32x4.splat(get(eps))),
    set(i, i32.const(0)),
    whileNot(i32.gtS(i32.add(get(i), i32.const(4)), get(len)),
      ...step(vectorOps, [vScale, vB1, vB2, v1mB1, v1mB2, vStep, vInv, vEps], [vg, vm, vv]), inc(i, i32.const(4))),
  );
  // The scalar tail needs f32 copies of 1 - beta: two more locals.
  const c1 = f.local('f32');
  const c2 = f.local('f32');
  f.emit(
    set(c1, oneMinus(b1)), set(c2, oneMinus(b2)),
    whileNot(i32.geS(get(i), get(len)),
      ...step(scalarOps, [scale, b1, b2, c1, c2, stepSize, invSqrtBc2, eps], [sg, sm, sv]), inc(i, i32.const(1))),
  );
  return f;
}

let compiled: WebAssembly.Module | undefined;

/** Whether this runtime runs WebAssembly SIMD (Node >= 16.4 does). */
export function simdSupported(): boolean {
  try {
    compiled ??= new WebAssembly.Module(assembleModule([buildGemm(), buildTanh(), buildTanhBackward(), buildAdam()]));
    return true;
  } catch {
    return false;
  }
}

interface KernelExports {
  memory: WebAssembly.Memory;
  gemm: Kernels['gemm'];
  tanh: Kernels['tanh'];
  tanhBackward: Kernels['tanhBackward'];
  adam: Kernels['adam'];
}

/** A fresh instance with its own memory (compiled once per process, synchronously: it is ~2 KB). */
export function simdKernels(): Kernels {
  if (!simdSupported() || !compiled) throw new Error('this runtime has no WebAssembly SIMD; use the js kernels');
  const ex = new WebAssembly.Instance(compiled, {}).exports as unknown as KernelExports;
  return { name: 'wasm-simd', memory: ex.memory, gemm: ex.gemm, tanh: ex.tanh, tanhBackward: ex.tanhBackward, adam: ex.adam };
}
