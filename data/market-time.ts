// The times a crypto market bar or trade can have. Nothing traded before the first Bitcoin block
// (2009-01-03), and nothing is recorded after now: a timestamp outside that is a wrong unit or a
// corrupt value (the audit found bars in 1969, 55841 and 82269), never data.

/** 2009-01-03T00:00Z, the day of the Bitcoin genesis block: the earliest possible market time. */
export const EARLIEST_MARKET_TS = Date.UTC(2009, 0, 3);

export interface TimeBounds {
  /** Earliest allowed ts (inclusive). */
  min: number;
  /** Latest allowed ts (inclusive). */
  max: number;
}

/**
 * [2009-01-03, now + slack]. Candles use one bar as slack (the bar in progress opens at most now);
 * trades a minute, for clock skew between the exchange and this machine.
 */
export function marketTimeBounds(slackMs: number, now = Date.now()): TimeBounds {
  return { min: EARLIEST_MARKET_TS, max: now + slackMs };
}

/** Largest |ms| a Date can hold (year 275760); beyond it toISOString() throws. */
const MAX_DATE_MS = 8.64e15;

/** ISO time of ms ("2021-05-19T13:05:00Z"), or "ts <ms>" where no date can show it (NaN, beyond year 275760). */
export function timeText(ms: number): string {
  if (!(Math.abs(ms) <= MAX_DATE_MS)) return `ts ${ms}`;
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/** Why ts is outside the bounds ("before 2009-01-03 ..." / "after now ..."), or undefined when inside. */
export function outOfBounds(ts: number, b: TimeBounds): string | undefined {
  if (ts < b.min) return `ts ${ts} is before 2009-01-03, the first Bitcoin block: a wrong epoch unit or a corrupt value`;
  if (ts > b.max) return `ts ${ts} is in the future (after ${timeText(b.max)}): a wrong epoch unit or a corrupt value`;
  return undefined;
}
