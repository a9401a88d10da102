// Reads an input file as a stream of text lines whatever its wrapping: plain text, gzip or a
// one-entry zip. The wrapping is told by the first bytes, not the name, so a mis-named download
// still reads (and a `.gz` that is really plain text does too). Nothing holds the whole file: a
// 570 MB CSV as one string is past V8's string limit (ERR_STRING_TOO_LONG), and its lines as
// strings took ten times the file in memory; batches of lines keep memory flat.
import { open } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { pipeline, Readable } from 'node:stream';
import { createGunzip, createInflateRaw } from 'node:zlib';
import { DataError } from '../errors.js';

export interface InputText {
  /** What error messages should call the file: the path, plus the inner name for a zip. */
  label: string;
  /** The decoded text in file order, in chunks of about a megabyte (a UTF-8 BOM dropped). */
  chunks: AsyncGenerator<string>;
}

/** Big reads: fewer async steps per line (the default 64 KiB made them a visible cost). */
const CHUNK_BYTES = 1 << 20;
/** Enough for a zip local header with its name and extra field. */
const HEAD_BYTES = 64 * 1024;

const isGzip = (b: Uint8Array): boolean => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;
const isZip = (b: Uint8Array): boolean =>
  b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;

/** Opens a file as text (gunzipped or unzipped as needed). Errors are DataError naming the file. */
export async function openInputText(path: string): Promise<InputText> {
  let head: Buffer;
  try {
    const fh = await open(path, 'r');
    try {
      const buf = Buffer.alloc(HEAD_BYTES);
      const { bytesRead } = await fh.read(buf, 0, HEAD_BYTES, 0);
      head = buf.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
  } catch (err) {
    throw new DataError(`cannot read file: ${(err as Error).message}`, { file: path }, { cause: err });
  }
  const file = (start = 0, end?: number): Readable => createReadStream(path, { start, end, highWaterMark: CHUNK_BYTES });
  // pipeline() destroys every stage when the last one is destroyed (an early stop) or one fails.
  const unwrap = (src: Readable, stage: NodeJS.ReadWriteStream): Readable => pipeline(src, stage, () => undefined) as unknown as Readable;
  if (isGzip(head)) return { label: path, chunks: textChunks(path, () => unwrap(file(), createGunzip({ chunkSize: CHUNK_BYTES }))) };
  if (isZip(head)) {
    const entry = zipEntry(head, path);
    const raw = (): Readable => (entry.size === 0 ? Readable.from([]) : file(entry.start, entry.start + entry.size - 1));
    const stream = entry.method === 0 ? raw : () => unwrap(raw(), createInflateRaw({ chunkSize: CHUNK_BYTES }));
    return { label: `${path} (${entry.name})`, chunks: textChunks(path, stream) };
  }
  return { label: path, chunks: textChunks(path, () => file()) };
}

/** Text already in memory, as the same chunk stream a file gives (for text built by a program). */
export async function* memoryChunks(text: string): AsyncGenerator<string> {
  const t = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const step = 1 << 20;
  for (let i = 0; i < t.length; i += step) yield t.slice(i, i + step);
}

/**
 * Batches of lines in file order (line endings \n or \r\n removed); the first line of the first
 * batch is line 1. A final line without a newline is still yielded; the empty "line" after a final
 * newline is not. Batches, not single lines, keep the async overhead per line negligible.
 */
export async function* lineBatches(chunks: AsyncIterable<string>, label?: string): AsyncGenerator<string[]> {
  let carry = '';
  let lineNo = 0;
  for await (const chunk of chunks) {
    const lines = (carry + chunk).split('\n');
    carry = lines.pop() ?? '';
    // A file without line breaks (one-line JSON read as lines) would grow `carry` to the whole file.
    if (carry.length > MAX_LINE_CHARS) {
      throw new DataError(`line ${lineNo + lines.length + 1} is longer than ${MAX_LINE_CHARS / 2 ** 20} Mi characters: not a file of lines`, { file: label });
    }
    lineNo += lines.length;
    if (lines.length > 0) yield stripCr(lines);
  }
  if (carry !== '') yield stripCr([carry]);
}

const MAX_LINE_CHARS = 16 * 2 ** 20;

/**
 * Streams a (possibly gzipped or zipped) text file as batches of lines, for captures too big to
 * hold as one string.
 */
export async function* readLineBatches(path: string): AsyncGenerator<string[]> {
  yield* lineBatches((await openInputText(path)).chunks);
}

async function* textChunks(path: string, openStream: () => Readable): AsyncGenerator<string> {
  const source = openStream();
  // The default (ignoreBOM false) drops a leading BOM, which Excel writes into CSV files.
  const decoder = new TextDecoder('utf-8');
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      const text = decoder.decode(chunk, { stream: true });
      if (text !== '') yield text;
    }
  } catch (err) {
    if (err instanceof DataError) throw err;
    throw new DataError(`cannot read or decompress: ${(err as Error).message}`, { file: path }, { cause: err });
  } finally {
    // An early stop (the caller threw on a bad row) must not leave the file open.
    source.destroy();
  }
  const rest = decoder.decode();
  if (rest !== '') yield rest;
}

function stripCr(lines: string[]): string[] {
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (l.length > 0 && l.charCodeAt(l.length - 1) === 13) lines[i] = l.slice(0, -1);
  }
  return lines;
}

interface ZipEntry {
  name: string;
  method: number;
  /** Byte offset of the entry's data, and its compressed size. */
  start: number;
  size: number;
}

/**
 * The first file of a zip archive, from its local header. Enough for QuantConnect LEAN data (one
 * CSV per zip, deflated, sizes in the local header or its zip64 extra field); anything fancier is
 * refused rather than misread.
 */
function zipEntry(b: Buffer, path: string): ZipEntry {
  if (b.length < 30) throw new DataError('truncated zip header', { file: path });
  const flags = b.readUInt16LE(6);
  const method = b.readUInt16LE(8);
  let size = b.readUInt32LE(18);
  const nameLen = b.readUInt16LE(26);
  const extraLen = b.readUInt16LE(28);
  if (30 + nameLen + extraLen > b.length) throw new DataError('truncated zip header', { file: path });
  const name = b.toString('utf8', 30, 30 + nameLen);
  if (size === 0xffffffff) size = zip64CompressedSize(b, 30 + nameLen, extraLen, b.readUInt32LE(22) === 0xffffffff);
  // Bit 3: sizes come after the data (streamed zip); bit 0: encrypted. Neither occurs in LEAN data.
  if ((flags & 0x9) !== 0 || size < 0) {
    throw new DataError('unsupported zip (encrypted or streamed); unzip it first', { file: path });
  }
  if (method !== 0 && method !== 8) throw new DataError(`unsupported zip compression method ${method}; unzip it first`, { file: path });
  return { name, method, start: 30 + nameLen + extraLen, size };
}

/** The compressed size from a zip64 extra field (id 1: [uncompressed if 0xffffffff], compressed). -1 if absent. */
function zip64CompressedSize(b: Buffer, at: number, len: number, hasUncompressed: boolean): number {
  for (let p = at; p + 4 <= at + len;) {
    const id = b.readUInt16LE(p);
    const size = b.readUInt16LE(p + 2);
    if (id === 1) {
      const off = p + 4 + (hasUncompressed ? 8 : 0);
      return off + 8 <= p + 4 + size ? Number(b.readBigUInt64LE(off)) : -1;
    }
    p += 4 + size;
  }
  return -1;
}
