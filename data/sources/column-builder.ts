// Typed-array columns of unknown final length, for readers that stream a file: values go into
// chunks (no copy while the file is read), and one exact-size array is assembled at the end. A JS
// array of numbers would cost 2-4x the memory and box every value.
//
// The first chunk holds 64 Ki values (a small file allocates little), every later one 4 Mi (32 MiB of
// doubles): glibc maps chunks that big on their own and unmaps them when freed, and only the pages
// written count as resident. With 512 KiB chunks throughout, freed memory stayed in the process
// (2M rows: 360 MiB RSS after reading, against 250; chunks doubling from 64 Ki: 340).

type TypedArray = Float64Array | Uint32Array | Int8Array;

const FIRST_CHUNK = 1 << 16;
const NEXT_CHUNKS = 1 << 22;

export class ChunkedColumn<T extends TypedArray> {
  private readonly full: T[] = [];
  private fullLength = 0;
  private cur: T;
  private pos = 0;

  constructor(private readonly make: (n: number) => T) {
    this.cur = make(0);
  }

  get length(): number {
    return this.fullLength + this.pos;
  }

  push(x: number): void {
    if (this.pos === this.cur.length) this.nextChunk();
    this.cur[this.pos++] = x;
  }

  private nextChunk(): void {
    if (this.cur.length > 0) {
      this.full.push(this.cur);
      this.fullLength += this.cur.length;
    }
    this.cur = this.make(this.cur.length === 0 && this.fullLength === 0 ? FIRST_CHUNK : NEXT_CHUNKS);
    this.pos = 0;
  }

  /** The values as one array; the column is emptied. */
  take(): T {
    const out = this.make(this.length);
    let off = 0;
    for (const chunk of this.full) {
      (out as Float64Array).set(chunk as ArrayLike<number>, off);
      off += chunk.length;
    }
    (out as Float64Array).set(this.cur.subarray(0, this.pos) as ArrayLike<number>, off);
    this.full.length = 0;
    this.fullLength = 0;
    this.cur = this.make(0);
    this.pos = 0;
    return out;
  }
}

export const f64Column = (): ChunkedColumn<Float64Array> => new ChunkedColumn((n) => new Float64Array(n));
export const u32Column = (): ChunkedColumn<Uint32Array> => new ChunkedColumn((n) => new Uint32Array(n));
export const i8Column = (): ChunkedColumn<Int8Array> => new ChunkedColumn((n) => new Int8Array(n));
