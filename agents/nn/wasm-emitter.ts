// A minimal WebAssembly binary writer: just enough to assemble the SIMD kernels of the fused
// engine at run time (no wat toolchain and no prebuilt .wasm blob in the repo). Instructions are
// written in folded (S-expression) form, operands first, like the text format:
//   set(acc, f32x4.add(get(acc), f32x4.mul(get(x), get(w))))
// Opcodes follow the WebAssembly 2.0 core spec (SIMD: prefix 0xfd + LEB128 sub-opcode).

export type Code = number[];
export type ValType = 'i32' | 'f32' | 'v128';

const VALTYPE: Record<ValType, number> = { i32: 0x7f, f32: 0x7d, v128: 0x7b };

export function uleb(n: number): Code {
  const out: Code = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

export function sleb(n: number): Code {
  const out: Code = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

const cat = (...parts: Code[]): Code => {
  const out: Code = [];
  for (const p of parts) for (const b of p) out.push(b);
  return out;
};
const utf8 = (s: string): Code => cat(uleb(s.length), Array.from(new TextEncoder().encode(s)));
const simd = (sub: number): Code => cat([0xfd], uleb(sub));
/** memarg: log2 alignment hint and a constant byte offset. */
const memarg = (alignLog2: number, offset: number): Code => cat(uleb(alignLog2), uleb(offset));

// Control and locals.
export const block = (...body: Code[]): Code => cat([0x02, 0x40], ...body, [0x0b]);
export const loop = (...body: Code[]): Code => cat([0x03, 0x40], ...body, [0x0b]);
export const ifThen = (cond: Code, then: Code[], otherwise?: Code[]): Code =>
  otherwise ? cat(cond, [0x04, 0x40], ...then, [0x05], ...otherwise, [0x0b]) : cat(cond, [0x04, 0x40], ...then, [0x0b]);
export const br = (depth: number): Code => cat([0x0c], uleb(depth));
export const brIf = (depth: number, cond: Code): Code => cat(cond, [0x0d], uleb(depth));
export const get = (local: number): Code => cat([0x20], uleb(local));
export const set = (local: number, value: Code): Code => cat(value, [0x21], uleb(local));

export const i32 = {
  const: (n: number): Code => cat([0x41], sleb(n)),
  add: (a: Code, b: Code): Code => cat(a, b, [0x6a]),
  sub: (a: Code, b: Code): Code => cat(a, b, [0x6b]),
  mul: (a: Code, b: Code): Code => cat(a, b, [0x6c]),
  shl: (a: Code, b: Code): Code => cat(a, b, [0x74]),
  eq: (a: Code, b: Code): Code => cat(a, b, [0x46]),
  eqz: (a: Code): Code => cat(a, [0x45]),
  gtS: (a: Code, b: Code): Code => cat(a, b, [0x4a]),
  geS: (a: Code, b: Code): Code => cat(a, b, [0x4e]),
  ltS: (a: Code, b: Code): Code => cat(a, b, [0x48]),
};

export const f32 = {
  const: (x: number): Code => {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, x, true);
    return cat([0x43], Array.from(b));
  },
  load: (addr: Code, offset = 0): Code => cat(addr, [0x2a], memarg(2, offset)),
  store: (addr: Code, value: Code, offset = 0): Code => cat(addr, value, [0x38], memarg(2, offset)),
  add: (a: Code, b: Code): Code => cat(a, b, [0x92]),
  sub: (a: Code, b: Code): Code => cat(a, b, [0x93]),
  mul: (a: Code, b: Code): Code => cat(a, b, [0x94]),
  div: (a: Code, b: Code): Code => cat(a, b, [0x95]),
  min: (a: Code, b: Code): Code => cat(a, b, [0x96]),
  max: (a: Code, b: Code): Code => cat(a, b, [0x97]),
  sqrt: (a: Code): Code => cat(a, [0x91]),
};

export const f32x4 = {
  load: (addr: Code, offset = 0): Code => cat(addr, simd(0x00), memarg(4, offset)),
  store: (addr: Code, value: Code, offset = 0): Code => cat(addr, value, simd(0x0b), memarg(4, offset)),
  zero: (): Code => cat(simd(0x0c), new Array<number>(16).fill(0)),
  /** The same f32 constant in all four lanes. */
  const: (x: number): Code => {
    const b = new Uint8Array(16);
    const dv = new DataView(b.buffer);
    for (let i = 0; i < 4; i++) dv.setFloat32(4 * i, x, true);
    return cat(simd(0x0c), Array.from(b));
  },
  splat: (x: Code): Code => cat(x, simd(0x13)),
  add: (a: Code, b: Code): Code => cat(a, b, simd(0xe4)),
  sub: (a: Code, b: Code): Code => cat(a, b, simd(0xe5)),
  mul: (a: Code, b: Code): Code => cat(a, b, simd(0xe6)),
  div: (a: Code, b: Code): Code => cat(a, b, simd(0xe7)),
  min: (a: Code, b: Code): Code => cat(a, b, simd(0xe8)),
  max: (a: Code, b: Code): Code => cat(a, b, simd(0xe9)),
  sqrt: (a: Code): Code => cat(a, simd(0xe3)),
};

/** One function: typed parameters (locals 0..p-1), further locals declared as needed. */
export class FunctionBuilder {
  private readonly locals: ValType[] = [];
  readonly body: Code[] = [];
  constructor(readonly name: string, readonly params: ValType[]) {}
  /** Declares a local and returns its index. */
  local(type: ValType): number {
    this.locals.push(type);
    return this.params.length + this.locals.length - 1;
  }
  emit(...code: Code[]): void {
    this.body.push(...code);
  }
  encode(): Code {
    // Locals are declared one group per local: simple, and the kernels have few.
    const decl = cat(uleb(this.locals.length), ...this.locals.map((t) => [1, VALTYPE[t]]));
    const fn = cat(decl, ...this.body, [0x0b]);
    return cat(uleb(fn.length), fn);
  }
}

const section = (id: number, content: Code): Code => cat([id], uleb(content.length), content);

/** A module of void functions over one exported memory named "memory". */
export function assembleModule(fns: FunctionBuilder[], initialPages = 1): Uint8Array<ArrayBuffer> {
  const types = fns.map((f) => cat([0x60], uleb(f.params.length), f.params.map((t) => VALTYPE[t]), [0]));
  const bytes = cat(
    [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    section(1, cat(uleb(types.length), ...types)),
    section(3, cat(uleb(fns.length), ...fns.map((_, i) => uleb(i)))),
    section(5, cat([1, 0x00], uleb(initialPages))),
    section(7, cat(uleb(fns.length + 1), utf8('memory'), [0x02, 0], ...fns.map((f, i) => cat(utf8(f.name), [0x00], uleb(i))))),
    section(10, cat(uleb(fns.length), ...fns.map((f) => f.encode()))),
  );
  return Uint8Array.from(bytes);
}
