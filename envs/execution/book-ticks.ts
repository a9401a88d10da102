// Prices on the tick grid. Limit orders and book levels are compared as integer tick indices,
// never as floats: 61837.63 - 0.01 is 61837.619999999995, not the book's 61837.62.
import { ConfigError } from '../../data/errors.js';

export interface TickGrid {
  readonly tick: number;
  /** Ticks per price unit when that is a whole number (tick 0.01 -> 100), else 0. */
  readonly perUnit: number;
}

export function tickGrid(tick: number): TickGrid {
  if (!(tick > 0) || !Number.isFinite(tick)) throw new ConfigError('tickSize', `must be a positive number, got ${tick}`);
  const inv = Math.round(1 / tick);
  // Dividing by a whole ticks-per-unit rounds correctly: 6183762 / 100 is the double of "61837.62".
  const perUnit = tick < 1 && Math.abs(inv * tick - 1) < 1e-9 ? inv : 0;
  return { tick, perUnit };
}

export function toTicks(g: TickGrid, price: number): number {
  return g.perUnit ? Math.round(price * g.perUnit) : Math.round(price / g.tick);
}

export function fromTicks(g: TickGrid, ticks: number): number {
  return g.perUnit ? ticks / g.perUnit : ticks * g.tick;
}

/**
 * Displayed size at price `ticks` on one side of a snapshot (side +1: bids, descending; -1: asks,
 * ascending). 0 when no level holds that price but it lies inside the known book (a gap, better
 * than the best, or past the last level of a thin book); NaN when it lies beyond the snapshot's
 * `depth` levels, where the size is unknown.
 */
export function sizeAtTicks(
  g: TickGrid, px: Float64Array, sz: Float64Array, offset: number, depth: number, side: number, ticks: number,
): number {
  for (let k = 0; k < depth; k++) {
    const p = px[offset + k];
    if (!(p > 0)) return 0;
    const d = (toTicks(g, p) - ticks) * side;
    if (d === 0) return sz[offset + k];
    if (d < 0) return 0;
  }
  return NaN;
}
