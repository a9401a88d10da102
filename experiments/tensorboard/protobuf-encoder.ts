// The few protobuf wire types an Event needs (varint, 64-bit, 32-bit, length-delimited).
// Written here because no npm package writes tfevents without tfjs-node, and a general protobuf
// runtime for four messages is more weight than this file.
export class ProtoWriter {
  private chunks: Uint8Array[] = [];
  private size = 0;

  private push(b: Uint8Array): this {
    this.chunks.push(b);
    this.size += b.length;
    return this;
  }

  private varint(v: bigint): this {
    const out: number[] = [];
    let x = BigInt.asUintN(64, v);
    while (x >= 0x80n) {
      out.push(Number(x & 0x7fn) | 0x80);
      x >>= 7n;
    }
    out.push(Number(x));
    return this.push(Uint8Array.from(out));
  }

  private key(field: number, wire: number): this {
    return this.varint(BigInt((field << 3) | wire));
  }

  int64(field: number, v: number | bigint): this {
    return this.key(field, 0).varint(BigInt(v));
  }

  double(field: number, v: number): this {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, v, true);
    return this.key(field, 1).push(b);
  }

  float(field: number, v: number): this {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    return this.key(field, 5).push(b);
  }

  bytes(field: number, v: Uint8Array): this {
    return this.key(field, 2).varint(BigInt(v.length)).push(v);
  }

  string(field: number, v: string): this {
    return this.bytes(field, new TextEncoder().encode(v));
  }

  message(field: number, m: ProtoWriter): this {
    return this.bytes(field, m.finish());
  }

  /** A packed repeated double field. */
  packedDoubles(field: number, v: ArrayLike<number>): this {
    const b = new Uint8Array(8 * v.length);
    const dv = new DataView(b.buffer);
    for (let i = 0; i < v.length; i++) dv.setFloat64(8 * i, v[i], true);
    return this.bytes(field, b);
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.size);
    let off = 0;
    for (const c of this.chunks) {
      out.set(c, off);
      off += c.length;
    }
    return out;
  }
}
