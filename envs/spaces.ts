// Action and observation spaces, shaped like Gymnasium's Discrete and Box.
import type { Rng } from '../data/random.js';

export interface Discrete {
  readonly kind: 'discrete';
  readonly n: number;
}

export interface Box {
  readonly kind: 'box';
  readonly shape: readonly number[];
  readonly low: Float32Array;
  readonly high: Float32Array;
  readonly dtype: 'float32';
}

export type Space = Discrete | Box;

export function discrete(n: number): Discrete {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`Discrete needs a positive integer n, got ${n}`);
  return { kind: 'discrete', n };
}

export function box(shape: number[], low: number | Float32Array, high: number | Float32Array): Box {
  const size = shape.reduce((a, b) => a * b, 1);
  const lo = typeof low === 'number' ? new Float32Array(size).fill(low) : low;
  const hi = typeof high === 'number' ? new Float32Array(size).fill(high) : high;
  if (lo.length !== size || hi.length !== size) throw new RangeError(`Box bounds must have ${size} values`);
  for (let i = 0; i < size; i++) if (!(lo[i] <= hi[i])) throw new RangeError(`Box low[${i}] > high[${i}]`);
  return { kind: 'box', shape, low: lo, high: hi, dtype: 'float32' };
}

/** Number of floats one element of the space occupies (1 for Discrete). */
export function flatSize(s: Space): number {
  return s.kind === 'discrete' ? 1 : s.shape.reduce((a, b) => a * b, 1);
}

/** Whether `x` (at `offset`) is a valid element. NaN is never valid. */
export function contains(s: Space, x: ArrayLike<number>, offset = 0): boolean {
  if (s.kind === 'discrete') {
    const a = x[offset];
    return Number.isInteger(a) && a >= 0 && a < s.n;
  }
  for (let i = 0; i < s.low.length; i++) {
    const v = x[offset + i];
    if (!(v >= s.low[i] && v <= s.high[i])) return false; // also false for NaN
  }
  return true;
}

/** Writes a uniform sample into `out` at `offset` (unbounded Box dims draw a standard normal). */
export function sample(s: Space, rng: Rng, out: Float32Array, offset = 0): void {
  if (s.kind === 'discrete') {
    out[offset] = rng.int(s.n);
    return;
  }
  for (let i = 0; i < s.low.length; i++) {
    const lo = s.low[i];
    const hi = s.high[i];
    out[offset + i] = Number.isFinite(lo) && Number.isFinite(hi) ? lo + (hi - lo) * rng.next() : rng.normal();
  }
}

export function describeSpace(s: Space): string {
  return s.kind === 'discrete' ? `Discrete(${s.n})` : `Box(shape=[${s.shape.join(', ')}], low=${s.low[0]}, high=${s.high[0]})`;
}
