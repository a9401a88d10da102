// Timeframes in ccxt notation ("1m", "5m", "1h", "1d", "1w") and their length in ms.
import { ConfigError } from './errors.js';

const UNIT_MS: Record<string, number> = {
  s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000,
};

/** Length of one bar in milliseconds; throws ConfigError naming the bad timeframe. */
export function timeframeMs(timeframe: string, field = 'timeframe'): number {
  const m = /^(\d+)([smhdw])$/.exec(timeframe);
  if (!m || Number(m[1]) <= 0) {
    throw new ConfigError(field, `"${timeframe}" is not a timeframe; use e.g. 1m, 5m, 15m, 1h, 4h, 1d, 1w`);
  }
  return Number(m[1]) * UNIT_MS[m[2]];
}

/** Parses a date flag: ISO 8601 ("2024-01-01", "2024-01-01T12:00Z") or epoch ms. */
export function parseTime(value: string | number, field: string): number {
  if (typeof value === 'number') return value;
  if (/^\d{10,}$/.test(value)) return Number(value);
  const withZone = /T.*(Z|[+-]\d\d:?\d\d)$/.test(value) || !value.includes('T') ? value : `${value}Z`;
  const ms = Date.parse(withZone);
  if (!Number.isFinite(ms)) {
    throw new ConfigError(field, `"${value}" is not a date; use ISO 8601 (2024-01-01 or 2024-01-01T12:00Z) or epoch ms`);
  }
  return ms;
}

export function isoTime(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString().replace('.000Z', 'Z') : String(ms);
}
