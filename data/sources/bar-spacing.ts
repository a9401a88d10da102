// The timeframe a candle file really has, read from the spacing of its bars. A 1m file imported as
// 1h was stored silently before (every bar then "misaligned" or 59 bars "missing"); now the
// importer says what the spacing is and refuses a timeframe that disagrees with it.
import { ConfigError } from '../errors.js';
import { marketTimeBounds } from '../market-time.js';
import { timeframeMs } from '../timeframe.js';

export interface BarSpacing {
  /** Positive steps between consecutive (sorted) bars. */
  steps: number;
  /** The most common step in ms (ties: the smaller), and how many steps have it; 0 when no step. */
  modeMs: number;
  modeCount: number;
  /** Steps of exactly the timeframe given. */
  timeframeCount: number;
}

/**
 * Spacing of sorted bar times; `tfMs` is the timeframe given, whose step is counted too. Times no
 * market can have (a 1969 bar, one in the year 55841) are left out: the check refuses them with
 * their line, and they must not pass for the file's spacing first.
 */
export function barSpacing(ts: Float64Array, tfMs: number): BarSpacing {
  const { min, max } = marketTimeBounds(366 * 86_400_000);
  // Few distinct steps in a real file (the timeframe, some gaps): a map stays small. A scrambled
  // file could have millions; it stops counting new steps past a cap, the common ones come early.
  const counts = new Map<number, number>();
  let steps = 0;
  let timeframeCount = 0;
  let prev = NaN;
  for (let i = 0; i < ts.length; i++) {
    const t = ts[i];
    if (!(t >= min && t <= max)) continue;
    const d = t - prev;
    prev = t;
    if (!(d > 0)) continue;
    steps++;
    if (d === tfMs) timeframeCount++;
    const k = counts.get(d);
    if (k !== undefined) counts.set(d, k + 1);
    else if (counts.size < MAX_DISTINCT_STEPS) counts.set(d, 1);
  }
  let modeMs = 0;
  let modeCount = 0;
  for (const [d, k] of counts) if (k > modeCount || (k === modeCount && d < modeMs)) { modeMs = d; modeCount = k; }
  return { steps, modeMs, modeCount, timeframeCount };
}

const MAX_DISTINCT_STEPS = 100_000;

const UNITS: [string, number][] = [['w', 604_800_000], ['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]];

/** A step as a timeframe ("1m", "4h"), or "N ms" when no whole unit fits. */
export function stepName(ms: number): string {
  for (const [u, len] of UNITS) if (ms >= len && ms % len === 0) return `${ms / len}${u}`;
  return `${ms} ms`;
}

/** "bars are 1m apart in 42,914 of 42,914 steps": what was inferred, for a note. */
export function describeSpacing(s: BarSpacing): string {
  return `bars are ${stepName(s.modeMs)} apart in ${s.modeCount.toLocaleString('en-US')} of ${s.steps.toLocaleString('en-US')} steps`;
}

/**
 * Throws ConfigError naming the file when its bars are not `timeframe` apart: when the most common
 * step is not the timeframe and steps of the timeframe are less than a quarter as common (so a
 * sparse market, whose bars are often a few apart, still imports under its real timeframe).
 */
export function assertTimeframe(s: BarSpacing, timeframe: string, file: string): void {
  const tfMs = timeframeMs(timeframe);
  if (s.steps === 0 || s.modeMs === tfMs || s.timeframeCount * 4 >= s.modeCount) return;
  const resampled = s.modeMs < tfMs ? `; ${timeframe} bars are then read resampled from it` : '';
  throw new ConfigError('timeframe', `${file}: the file's ${describeSpacing(s)}, but the timeframe given is ${timeframe}; ` +
    `import it as ${stepName(s.modeMs)}${resampled}`);
}
