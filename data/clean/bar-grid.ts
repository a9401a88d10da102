// The grid of bar open times a timeframe implies, and the options shared by check and repair.
import { timeframeMs } from '../timeframe.js';
import { ConfigError } from '../errors.js';
import type { RowPositions } from '../file-position.js';
import { marketTimeBounds } from '../market-time.js';
import type { TimeBounds } from '../market-time.js';
import { DEFAULT_LARGE_MOVE_THRESHOLD, DEFAULT_SPIKE_THRESHOLD } from './price-moves.js';

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;
/** 1970-01-01 was a Thursday; exchanges (Binance, via ccxt) open weekly bars on Monday 00:00 UTC. */
const MONDAY_OFFSET_MS = 4 * DAY_MS;

/** Options shared by `checkCandles` and `repairCandles`, so both judge the data the same way. */
export interface CleanOptions {
  /** Local sigmas (see price-moves.ts) beyond which a close is a 'large-move' warning. Default 10. */
  largeMoveThreshold?: number;
  /** The same as largeMoveThreshold, under the name of the CLI flag --outlier-threshold; largeMoveThreshold wins. */
  outlierThreshold?: number;
  /**
   * Local sigmas a close must jump, and then come back, to be a 'spike' error (an open, high or low:
   * twice that outside the closes around it). Default 30.
   */
  spikeThreshold?: number;
  /**
   * Bars open at `alignOffsetMs + k * timeframe`. Default 0 (epoch-aligned, what exchanges use for
   * s/m/h/d bars), except Monday 00:00 UTC for week multiples.
   */
  alignOffsetMs?: number;
  /**
   * "Now" for the 'impossible-time' rule (a bar may open at most one bar after it). Default
   * Date.now(); tests fix it.
   */
  now?: number;
  /**
   * Where each row is in the file it was read from (see file-position.ts): messages then name
   * "line 81" instead of "row 79", and errors are FileDataError at that line.
   */
  positions?: RowPositions;
}

/** The times a bar of this grid can have: from 2009-01-03 to one bar after `now`. */
export function barTimeBounds(g: BarGrid, opts: CleanOptions = {}): TimeBounds {
  return marketTimeBounds(g.tfMs, opts.now);
}

export interface BarGrid {
  timeframe: string;
  tfMs: number;
  offsetMs: number;
}

/** The grid of a series; throws ConfigError naming the timeframe when it cannot be parsed. */
export function barGrid(timeframe: string, opts: CleanOptions = {}): BarGrid {
  const tfMs = timeframeMs(timeframe);
  const offsetMs = opts.alignOffsetMs ?? (tfMs % WEEK_MS === 0 ? MONDAY_OFFSET_MS : 0);
  return { timeframe, tfMs, offsetMs };
}

/** How far ts is past the last grid point (0 when aligned), in ms; always in [0, tfMs). */
export function offGrid(g: BarGrid, ts: number): number {
  const r = (ts - g.offsetMs) % g.tfMs;
  return r < 0 ? r + g.tfMs : r;
}

/**
 * Grid slots strictly between two bar opens `a < b`: the bars a complete series would have there.
 * Counted from `a`, so a misaligned series still gets whole bars at a + k * tf.
 */
export function missingBetween(g: BarGrid, a: number, b: number): number {
  const d = b - a;
  return d > g.tfMs ? Math.ceil(d / g.tfMs) - 1 : 0;
}

/** The large-move and spike thresholds of the options; ConfigError unless each is a number > 0. */
export function moveThresholds(opts: CleanOptions = {}): { largeMove: number; spike: number } {
  const field = opts.largeMoveThreshold !== undefined ? 'largeMoveThreshold' : 'outlierThreshold';
  const largeMove = opts.largeMoveThreshold ?? opts.outlierThreshold ?? DEFAULT_LARGE_MOVE_THRESHOLD;
  const spike = opts.spikeThreshold ?? DEFAULT_SPIKE_THRESHOLD;
  if (!(largeMove > 0)) throw new ConfigError(field, `${largeMove} must be a number > 0 (local sigmas; default ${DEFAULT_LARGE_MOVE_THRESHOLD})`);
  if (!(spike > 0)) throw new ConfigError('spikeThreshold', `${spike} must be a number > 0 (local sigmas; default ${DEFAULT_SPIKE_THRESHOLD})`);
  return { largeMove, spike };
}
