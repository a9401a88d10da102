// Checkpoint folders on disk with node:fs only (no tfjs-node, no tf.io handlers): named float32
// tensors packed little-endian into .bin files described by a manifest (offsets, shapes, sha256),
// and the folder replaced atomically: written under a temporary name, then renamed into place,
// so a reader never sees a half-written checkpoint.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { DataError } from '../../data/errors.js';

export interface NamedTensor {
  name: string;
  shape: number[];
  data: Float32Array;
}

export interface TensorFileManifest {
  file: string;
  dtype: 'float32';
  byteOrder: 'little';
  bytes: number;
  sha256: string;
  tensors: { name: string; shape: number[]; byteOffset: number }[];
}

const sizeOf = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);
const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** Packs tensors back to back as float32 little-endian (whatever the platform's byte order). */
export function encodeTensors(file: string, tensors: NamedTensor[]): { bytes: Uint8Array; manifest: TensorFileManifest } {
  const total = tensors.reduce((s, t) => s + sizeOf(t.shape), 0);
  const bytes = new Uint8Array(total * 4);
  const dv = new DataView(bytes.buffer);
  const entries: TensorFileManifest['tensors'] = [];
  let off = 0;
  for (const t of tensors) {
    const n = sizeOf(t.shape);
    if (t.data.length !== n) throw new RangeError(`${t.name}: ${t.data.length} values for shape [${t.shape.join(', ')}]`);
    entries.push({ name: t.name, shape: t.shape, byteOffset: off });
    for (let i = 0; i < n; i++) dv.setFloat32(off + 4 * i, t.data[i], true);
    off += 4 * n;
  }
  return { bytes, manifest: { file, dtype: 'float32', byteOrder: 'little', bytes: bytes.length, sha256: sha256(bytes), tensors: entries } };
}

/** Reads and verifies a tensor file; errors name the file and what does not match. */
export async function readTensors(dir: string, m: TensorFileManifest): Promise<Map<string, Float32Array>> {
  const path = join(dir, m.file);
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (e) {
    throw new DataError(`cannot read tensor file: ${(e as Error).message}`, { file: path });
  }
  if (bytes.length !== m.bytes) throw new DataError(`${bytes.length} bytes, the manifest says ${m.bytes}`, { file: path });
  if (sha256(bytes) !== m.sha256) throw new DataError('sha256 does not match the manifest (corrupt or replaced file)', { file: path });
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Map<string, Float32Array>();
  for (const t of m.tensors) {
    const n = sizeOf(t.shape);
    if (t.byteOffset + 4 * n > bytes.length) throw new DataError(`tensor ${t.name} runs past the end of the file`, { file: path });
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++) a[i] = dv.getFloat32(t.byteOffset + 4 * i, true);
    out.set(t.name, a);
  }
  return out;
}

let tmpCounter = 0;

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

/**
 * Writes `files` as the folder `dir`, replacing any previous one. The new folder is complete
 * before it takes the name; the old one is moved aside, then deleted.
 */
export async function writeFolderAtomic(dir: string, files: { name: string; data: Uint8Array | string }[]): Promise<void> {
  const parent = dirname(dir);
  await mkdir(parent, { recursive: true });
  const tag = `${process.pid}-${Date.now()}-${tmpCounter++}`;
  const tmp = join(parent, `.${basename(dir)}.tmp-${tag}`);
  await mkdir(tmp);
  try {
    for (const f of files) await writeFile(join(tmp, f.name), f.data);
    if (await exists(dir)) {
      const old = join(parent, `.${basename(dir)}.old-${tag}`);
      await rename(dir, old);
      await rename(tmp, dir);
      await rm(old, { recursive: true, force: true });
    } else {
      await rename(tmp, dir);
    }
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
}

// Rng.state() holds NaN (no cached normal) and env states may hold Infinity; JSON would turn them
// into null. In checkpoints non-finite numbers travel as the strings "NaN", "Infinity", "-Infinity".
export const encodeNonFinite = <T>(x: T): T =>
  x === undefined ? x : (JSON.parse(JSON.stringify(x, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v))) as T);
export const decodeNonFinite = <T>(x: T): T =>
  x === undefined ? x : (JSON.parse(JSON.stringify(x), (_k, v: unknown) => (v === 'NaN' || v === 'Infinity' || v === '-Infinity' ? Number(v) : v)) as T);

/** One named block of a flat parameter array (every network layout lists these). */
export interface FlatEntry {
  name: string;
  shape: readonly number[];
  offset: number;
  size: number;
}

/** The named tensors of a flat parameter array (views, no copies). */
export const tensorsOf = (entries: readonly FlatEntry[], flat: Float32Array, prefix = ''): NamedTensor[] =>
  entries.map((e) => ({ name: prefix + e.name, shape: [...e.shape], data: flat.subarray(e.offset, e.offset + e.size) }));

/** Rebuilds a flat parameter array of `size` floats from named tensors, checking names and sizes. */
export function unpackTensors(entries: readonly FlatEntry[], size: number, tensors: Map<string, Float32Array>, prefix: string, file: string): Float32Array {
  const flat = new Float32Array(size);
  for (const e of entries) {
    const t = tensors.get(prefix + e.name);
    if (!t) throw new DataError(`missing tensor ${prefix + e.name}`, { file });
    if (t.length !== e.size) throw new DataError(`tensor ${prefix + e.name} has ${t.length} values, the network needs ${e.size} (shape [${e.shape.join(', ')}])`, { file });
    flat.set(t, e.offset);
  }
  return flat;
}
