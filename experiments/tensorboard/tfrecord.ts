// TFRecord framing: uint64 length (LE), masked CRC32C of the length bytes, the payload, masked
// CRC32C of the payload. The mask is TensorFlow's: rotate right by 15, add 0xa282ead8.
import crc32c from 'crc-32/crc32c.js';

export function maskedCrc32c(data: Uint8Array): number {
  const crc = crc32c.buf(data) >>> 0;
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0;
}

export function tfrecord(payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + 4 + payload.length + 4);
  const dv = new DataView(out.buffer);
  dv.setBigUint64(0, BigInt(payload.length), true);
  dv.setUint32(8, maskedCrc32c(out.subarray(0, 8)), true);
  out.set(payload, 12);
  dv.setUint32(12 + payload.length, maskedCrc32c(payload), true);
  return out;
}
