// Turns the many ways files write a time into ms UTC. Every time is read as UTC: a file that wants
// another zone must say so with an offset ("+02:00"), which is honoured.
import { marketTimeBounds, outOfBounds, timeText } from '../market-time.js';

/** Epoch units, told apart by magnitude (see epochUnitOf). */
export type EpochUnit = 's' | 'ms' | 'us' | 'ns';

const UNIT_TO_MS: Record<EpochUnit, number> = { s: 1000, ms: 1, us: 1e-3, ns: 1e-6 };

/**
 * The unit of an epoch number by its size: below 1e11 it is seconds (1e11 s is the year 5138),
 * below 1e14 ms, below 1e17 µs, else ns. Ambiguous only for ms before 1973-03-03, which no
 * market data file holds.
 */
export function epochUnitOf(v: number): EpochUnit {
  const a = Math.abs(v);
  return a < 1e11 ? 's' : a < 1e14 ? 'ms' : a < 1e17 ? 'us' : 'ns';
}

export function epochToMs(v: number, unit: EpochUnit): number {
  // Divide for the sub-ms units: 1582329602111000 / 1000 is exact, * 1e-3 is not.
  return unit === 'us' ? v / 1000 : unit === 'ns' ? v / 1e6 : v * UNIT_TO_MS[unit];
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Date.UTC with range checks (Date.UTC would silently roll 31.02 over to 03.03). */
function utc(y: number, mo: number, d: number, h: number, mi: number, s: number, frac: string | undefined): number {
  if (mo < 1 || mo > 12 || d < 1 || d > DAYS_IN_MONTH[mo - 1] || h > 23 || mi > 59 || s > 60) return NaN;
  if (mo === 2 && d === 29 && !(y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0))) return NaN;
  let ms = Date.UTC(y, mo - 1, d, h, mi, s);
  if (frac) {
    // Whole ms from the first 3 digits, so "09:20:00.138000" is exactly ...138, not 138.00000000000003.
    ms += Number(frac.slice(0, 3).padEnd(3, '0'));
    if (frac.length > 3) ms += Number(`0.${frac.slice(3)}`);
  }
  return ms;
}

// ISO 8601 and its relatives: 2021-04-20, 2021-04-20 20:42, 2021-04-20T20:42:00.123Z,
// 2023-02-02 09:20:00.138000+00:00 (pandas), 2021/04/20 20:42:00.
const ISO = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$/i;
// CryptoDataDownload hourly files: "2019-10-17 09-AM", also "2019-10-17 09:00:00 PM".
const AMPM = /^(\d{4})-(\d{1,2})-(\d{1,2}) (\d{1,2})(?:-|:(\d{2})(?::(\d{2}))?\s*)(AM|PM)$/i;
// Dukascopy-style (gym-anytrading FOREX): "01.01.2017 22:00:00.000", day first.
const DOTTED = /^(\d{1,2})\.(\d{1,2})\.(\d{4})(?: (\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?$/;
// QuantConnect LEAN hour/daily bars: "20180501 00:00"; and bare "20180501".
const COMPACT = /^(\d{4})(\d{2})(\d{2})(?: (\d{2}):(\d{2})(?::(\d{2}))?)?$/;

/** Parses a date-time text as ms UTC; NaN when the text is in none of the known formats. */
export function parseDateText(text: string): number {
  const s = text.trim();
  let m = ISO.exec(s);
  if (m) {
    const t = utc(+m[1], +m[2], +m[3], m[4] ? +m[4] : 0, m[5] ? +m[5] : 0, m[6] ? +m[6] : 0, m[7]);
    return t - zoneOffsetMs(m[8]);
  }
  m = DOTTED.exec(s);
  if (m) return utc(+m[3], +m[2], +m[1], m[4] ? +m[4] : 0, m[5] ? +m[5] : 0, m[6] ? +m[6] : 0, m[7]);
  m = AMPM.exec(s);
  if (m) {
    const h12 = +m[4];
    if (h12 < 1 || h12 > 12) return NaN;
    // 12-AM is midnight, 12-PM is noon.
    const h = (h12 % 12) + (m[7].toUpperCase() === 'PM' ? 12 : 0);
    return utc(+m[1], +m[2], +m[3], h, m[5] ? +m[5] : 0, m[6] ? +m[6] : 0, undefined);
  }
  m = COMPACT.exec(s);
  if (m) return utc(+m[1], +m[2], +m[3], m[4] ? +m[4] : 0, m[5] ? +m[5] : 0, m[6] ? +m[6] : 0, undefined);
  return NaN;
}

function zoneOffsetMs(zone: string | undefined): number {
  if (!zone || /^(Z|UTC|GMT)$/i.test(zone)) return 0;
  const sign = zone[0] === '-' ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0')) * 60_000;
}

/** A bare number, as text, that is an epoch time (not a YYYYMMDD date). */
const EPOCH_TEXT = /^\s*-?\d+(\.\d+)?(e[+-]?\d+)?\s*$/i;
const YYYYMMDD = /^\s*(19|20)\d{6}\s*$/;

/** Times a market can have, for telling a unit switch from a corrupt value (see market-time.ts). */
const PLAUSIBLE_SLACK_MS = 366 * 86_400_000;

/**
 * Reads one column of times. The epoch unit is fixed by the first value, so a seconds file is
 * never read as ms half-way through; date texts are tried against every known format. Returns
 * NaN for a value it cannot read, with `problem` saying why when there is more to say than "not a
 * date" (the caller reports file and line).
 *
 * A file that switches units part-way (ms, then s: the audit's bars of 1970; s, then ms: of the
 * year 55841) is refused at the first value of the other unit: one whose magnitude says another
 * unit, that is a possible market time in that unit and is not one in the column's unit.
 */
export class TimeColumnReader {
  /** Why the last read() returned NaN, when a reason is known. */
  problem: string | undefined;
  private first: number | undefined;
  private readonly plausible = marketTimeBounds(PLAUSIBLE_SLACK_MS);

  /** `unit` fixes the epoch unit up front, for files whose format states it. */
  constructor(private unit?: EpochUnit) {}

  read(v: unknown): number {
    if (typeof v === 'number') return this.epoch(v);
    if (typeof v !== 'string') return NaN;
    if (EPOCH_TEXT.test(v) && !YYYYMMDD.test(v)) return this.epoch(Number(v));
    return parseDateText(v);
  }

  /** An epoch number already read (the CSV fast path): the same rules as read() for its text. */
  epoch(v: number): number {
    if (!Number.isFinite(v)) return NaN;
    if (this.unit === undefined) {
      this.unit = epochUnitOf(v);
      this.first = v;
      return epochToMs(v, this.unit);
    }
    this.first ??= v;
    const ms = epochToMs(v, this.unit);
    const own = epochUnitOf(v);
    if (own !== this.unit && outOfBounds(ms, this.plausible) !== undefined && outOfBounds(epochToMs(v, own), this.plausible) === undefined) {
      this.problem = `mixed epoch units: ${v} is epoch ${own} (${timeText(epochToMs(v, own))}), but the column's times are epoch ` +
        `${this.unit} (its first is ${this.first}); as ${this.unit} it would be ${timeText(ms)}`;
      return NaN;
    }
    return ms;
  }

  /** The epoch unit the column turned out to use, if it held epoch numbers. */
  get epochUnit(): EpochUnit | undefined {
    return this.unit;
  }
}
