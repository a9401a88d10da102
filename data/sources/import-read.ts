// Reads an input file whatever its wrapping: plain text, gzip or a one-entry zip. The wrapping is
// told by the first bytes, not the name, so a mis-named download still reads (and a `.gz` that is
// really plain text does too).
import { open, readFile } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { createGunzip, gunzipSync, inflateRawSync } from 'node:zlib';
import { DataError } from '../errors.js';

export interface InputText {
  text: string;
  /** What error messages should call the file: the path, plus the inner name for a zip. */
  label: string;
}

const isGzip = (b: Uint8Array): boolean => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;
const isZip = (b: Uint8Array): boolean =>
  b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;

/** Reads a whole file as UTF-8 text (gunzipped or unzipped as needed, BOM removed). */
export async function readInputText(path: string): Promise<InputText> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new DataError(`cannot read file: ${(err as Error).message}`, { file: path }, { cause: err });
  }
  let label = path;
  try {
    if (isGzip(bytes)) bytes = gunzipSync(bytes);
    else if (isZip(bytes)) {
      const entry = firstZipEntry(bytes, path);
      bytes = entry.data;
      label = `${path} (${entry.name})`;
    }
  } catch (err) {
    if (err instanceof DataError) throw err;
    throw new DataError(`cannot decompress: ${(err as Error).message}`, { file: path }, { cause: err });
  }
  let text = bytes.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return { text, label };
}

/**
 * The first file of a zip archive, read from its local header. Enough for QuantConnect LEAN data
 * (one CSV per zip, deflated, sizes in the local header or its zip64 extra field); anything
 * fancier is refused rather than misread.
 */
function firstZipEntry(b: Buffer, path: string): { name: string; data: Buffer } {
  const flags = b.readUInt16LE(6);
  const method = b.readUInt16LE(8);
  let size = b.readUInt32LE(18);
  const nameLen = b.readUInt16LE(26);
  const extraLen = b.readUInt16LE(28);
  const name = b.toString('utf8', 30, 30 + nameLen);
  if (size === 0xffffffff) size = zip64CompressedSize(b, 30 + nameLen, extraLen, b.readUInt32LE(22) === 0xffffffff);
  // Bit 3: sizes come after the data (streamed zip); bit 0: encrypted. Neither occurs in LEAN data.
  if ((flags & 0x9) !== 0 || size < 0) {
    throw new DataError('unsupported zip (encrypted or streamed); unzip it first', { file: path });
  }
  const start = 30 + nameLen + extraLen;
  const raw = b.subarray(start, start + size);
  if (method === 0) return { name, data: Buffer.from(raw) };
  if (method === 8) return { name, data: inflateRawSync(raw) };
  throw new DataError(`unsupported zip compression method ${method}; unzip it first`, { file: path });
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

/**
 * Streams a (possibly gzipped) text file as batches of lines, for captures too big to hold as one
 * string. Batches (not single lines) keep the async overhead per line negligible. Line endings
 * (\n or \r\n) are removed; a final line without a newline is still yielded.
 */
export async function* readLineBatches(path: string): AsyncGenerator<string[]> {
  let head: Uint8Array;
  try {
    const fh = await open(path, 'r');
    try {
      head = new Uint8Array(2);
      const { bytesRead } = await fh.read(head, 0, 2, 0);
      head = head.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
  } catch (err) {
    throw new DataError(`cannot read file: ${(err as Error).message}`, { file: path }, { cause: err });
  }
  const file = createReadStream(path);
  const source = isGzip(head) ? file.pipe(createGunzip()) : file;
  file.on('error', (err) => source.destroy(err));
  const decoder = new TextDecoder('utf-8');
  let carry = '';
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      const text = carry + decoder.decode(chunk, { stream: true });
      const lines = text.split('\n');
      carry = lines.pop() ?? '';
      yield stripCr(lines);
    }
  } catch (err) {
    if (err instanceof DataError) throw err;
    throw new DataError(`cannot read or decompress: ${(err as Error).message}`, { file: path }, { cause: err });
  }
  carry += decoder.decode();
  if (carry !== '') yield stripCr([carry]);
}

function stripCr(lines: string[]): string[] {
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (l.length > 0 && l.charCodeAt(l.length - 1) === 13) lines[i] = l.slice(0, -1);
  }
  return lines;
}
