// Reads candle files from other tools into the Candles contract. Parsing is faithful: no row is
// dropped, repaired or deduplicated here (data/clean does that); what had to be assumed or
// re-ordered is returned as notes, and a malformed file is a DataError naming file, row and column.
//
// Formats (told apart by content, not by name; plain, gzip or one-entry zip):
// - JSON array of [time, open, high, low, close, volume] rows (freqtrade; numbers or numeric
//   strings), of 12-field Binance REST klines, or of objects with named fields.
// - CSV with a header (a banner line above it is skipped): time column ts/timestamp/open_time/
//   unix/time/datetime/date or an unnamed first column; open/high/low/close, also as "BTC:open";
//   volume preferring the base asset's (volume_btc, "Volume BTC", BTC:volume) over plain volume.
// - Headerless CSV of the same six columns, including QuantConnect LEAN minute bars
//   (ms since midnight; the day comes from the YYYYMMDD_ file name).
// Times: ISO 8601, YYYY-MM-DD HH:MM:SS, "YYYY-MM-DD 09-AM", DD.MM.YYYY HH:MM:SS.fff,
// YYYYMMDD HH:MM, epoch s/ms/µs/ns told apart by magnitude. All UTC.
// Rows out of time order (CryptoDataDownload writes newest first) are returned ascending, with a note.
// "row N" in an error is the 1-based line of a CSV file, or the 1-based element of a JSON array.
import { DataError } from '../errors.js';
import { timeframeMs } from '../timeframe.js';
import type { Candles } from '../types.js';
import { emptyCandles } from '../types.js';
import { CANDLE_CSV_HEADER } from './export-csv.js';
import { ascendingOrder, permuteF64 } from './import-order.js';
import { readInputText } from './import-read.js';
import type { Table } from './import-table.js';
import { MissingCounter, cellNumber, clip, csvTable, findColumn, jsonTable, normalizeName, parseJsonText } from './import-table.js';
import { TimeColumnReader } from './import-time.js';

export interface CandleKey {
  exchange: string;
  /** ccxt unified symbol ("BTC/USDT"); its base asset picks the base-volume column. */
  symbol: string;
  timeframe: string;
}

export interface ImportedCandles {
  candles: Candles;
  /** What was assumed, skipped or re-ordered (never silent), one sentence each. */
  notes: string[];
}

/** Reads a candle file (see the formats above). Errors are DataError naming the file and row. */
export async function importCandlesFile(path: string, key: CandleKey): Promise<ImportedCandles> {
  const { text, label } = await readInputText(path);
  return parseCandles(text, key, label);
}

type Field = 'time' | 'open' | 'high' | 'low' | 'close' | 'volume';
const PRICE_FIELDS = ['open', 'high', 'low', 'close'] as const;

/** Where each field lives in the table. `leanDay` is set for LEAN ms-since-midnight times. */
interface CandleColumns {
  index: Record<Field, number>;
  leanDay?: number;
}

/** Parses candle text already read from `fileName` (which is only used in messages and for LEAN dates). */
export function parseCandles(text: string, key: CandleKey, fileName: string): ImportedCandles {
  const base = baseAsset(key.symbol);
  const trimmed = text.trimStart();
  const isJson = trimmed.startsWith('[') || trimmed.startsWith('{');
  const table = isJson
    ? jsonTable(parseJsonText(text, fileName), fileName)
    : csvTable(text, fileName, isCandleHeader, 'time, open, high, low, close, volume');
  const notes = [...table.notes];
  const cols = table.positional ? positionalColumns(table, isJson, notes) : namedColumns(table, base, notes);

  const n = table.rows.length;
  const c = emptyCandles(key.exchange, key.symbol, key.timeframe, n);
  // Our own export states its unit: ts is ms even for times the magnitude rule would call seconds.
  const ownExport = table.rawColumns.join(',') === CANDLE_CSV_HEADER;
  const times = new TimeColumnReader(ownExport ? 'ms' : undefined);
  const missing = new MissingCounter();
  const { index } = cols;
  const targets: Record<Exclude<Field, 'time'>, Float64Array> = {
    open: c.open, high: c.high, low: c.low, close: c.close, volume: c.volume,
  };
  const valueFields = ['open', 'high', 'low', 'close', 'volume'] as const;
  const timeName = table.positional ? 'time' : table.rawColumns[index.time] || 'time';
  for (let i = 0; i < n; i++) {
    const raw = table.rows[i][index.time];
    const ms = cols.leanDay !== undefined ? cols.leanDay + Number(raw) : times.read(raw);
    if (!Number.isFinite(ms)) {
      throw new DataError(`unknown date format ${JSON.stringify(clip(String(raw)))} (use ISO 8601, ` +
        'YYYY-MM-DD HH:MM:SS, DD.MM.YYYY HH:MM:SS or epoch s/ms/µs)', { file: fileName, row: table.rowNo[i], column: timeName });
    }
    c.ts[i] = ms;
    for (const f of valueFields) targets[f][i] = cellNumber(table, i, index[f], f, missing);
  }
  notes.push(...missing.notes());
  if (times.epochUnit !== undefined && times.epochUnit !== 'ms') notes.push(`times read as epoch ${times.epochUnit}`);

  const { order, note } = ascendingOrder(c.ts, table.rowNo);
  let candles = c;
  if (order) {
    notes.push(note ?? 'rows re-ordered by time');
    candles = {
      ...c, ts: permuteF64(c.ts, order), open: permuteF64(c.open, order), high: permuteF64(c.high, order),
      low: permuteF64(c.low, order), close: permuteF64(c.close, order), volume: permuteF64(c.volume, order),
    };
  }
  const spacing = spacingNote(candles.ts, key.timeframe);
  if (spacing) notes.push(spacing);
  return { candles, notes };
}

/** "BTC/USDT:USDT" -> "btc"; undefined for a symbol that is not in ccxt's BASE/QUOTE form. */
function baseAsset(symbol: string): string | undefined {
  const slash = symbol.indexOf('/');
  return slash > 0 ? symbol.slice(0, slash).toLowerCase() : undefined;
}

/** The part of a normalised name after a "BTC:" asset prefix (bitstamp multi-asset files). */
const bare = (name: string): string => name.slice(name.lastIndexOf(':') + 1);

/** A header line names at least three of open/high/low/close (so a missing one can be reported). */
function isCandleHeader(names: string[]): boolean {
  let hits = 0;
  for (const f of PRICE_FIELDS) if (names.some((n) => bare(n) === f || bare(n) === f[0])) hits++;
  return hits >= 3;
}

const TIME_NAMES = ['ts', 'timestamp', 'open_time', 'opentime', 'unix', 'unix_timestamp', 'time', 'datetime', 'date',
  'date_time', 'open_date', 'start'];

function namedColumns(t: Table, base: string | undefined, notes: string[]): CandleColumns {
  const withBase = (names: string[]): string[] => (base ? names : names.filter((n) => !n.includes('$')));
  const sub = (names: string[]): string[] => withBase(names).map((n) => n.replace('$', base ?? ''));
  const candidates: Record<Field, string[]> = {
    time: TIME_NAMES,
    open: sub(['open', 'o', '$:open', '$_open', 'open_price']),
    high: sub(['high', 'h', '$:high', '$_high', 'high_price']),
    low: sub(['low', 'l', '$:low', '$_low', 'low_price']),
    close: sub(['close', 'c', '$:close', '$_close', 'close_price']),
    // Base-asset volume first: CryptoDataDownload's plain "volume" is the quote volume.
    volume: sub(['volume_$', '$_volume', '$:volume', 'volume_from', 'base_volume', 'volume_base', 'volume', 'vol', 'v']),
  };
  const index = {} as Record<Field, number>;
  for (const f of ['time', 'open', 'high', 'low', 'close', 'volume'] as const) {
    let i = findColumn(t, candidates[f]);
    // An unnamed first column holds the dates in pandas exports without a named index.
    if (i < 0 && f === 'time' && t.columns[0] === '') i = 0;
    if (i < 0) {
      const row = t.headerRow ?? 1;
      throw new DataError(`missing column ${f}: the header (line ${row}) has ${t.rawColumns.map((c) => JSON.stringify(c)).join(', ')}; ` +
        `looked for ${candidates[f].join(', ')}`, { file: t.label, row, column: f });
    }
    index[f] = i;
  }
  const used = (['time', 'open', 'high', 'low', 'close', 'volume'] as const)
    .map((f) => `${f}=${JSON.stringify(t.rawColumns[index[f]])}`).join(', ');
  notes.push(`columns used: ${used}`);
  if (normalizeName(t.rawColumns[index.volume]) === 'volume' && t.columns.some((c) => c.startsWith('volume_'))) {
    notes.push('plain "volume" was used; the other volume_* column(s) did not name the base asset of the symbol');
  }
  return { index };
}

const LEAN_DAY = /(\d{4})(\d{2})(\d{2})_[^/\\]*trade/;

function positionalColumns(t: Table, isJson: boolean, notes: string[]): CandleColumns {
  const width = t.rawColumns.length;
  if (width !== 6 && width !== 12) {
    throw new DataError(`rows have ${width} fields; expected 6: [time, open, high, low, close, volume]` +
      ' (or 12 for Binance klines)', { file: t.label, row: t.rowNo[0] });
  }
  const index: Record<Field, number> = { time: 0, open: 1, high: 2, low: 3, close: 4, volume: 5 };
  if (width === 12) notes.push('rows have 12 fields: read as Binance klines (open time, o, h, l, c, base volume, ...)');
  else if (!isJson) notes.push('no header: columns read as time, open, high, low, close, volume');
  // LEAN minute/second bars count ms from midnight of the day in the file name.
  const first = Number(t.rows[0][0]);
  if (typeof t.rows[0][0] === 'string' && Number.isFinite(first) && first >= 0 && first < 86_400_000) {
    const m = LEAN_DAY.exec(t.label);
    if (!m) {
      throw new DataError(`time ${first} is too small for an epoch time; ms since midnight (QuantConnect LEAN) ` +
        'need the YYYYMMDD_ file name to give the day', { file: t.label, row: t.rowNo[0], column: 'time' });
    }
    notes.push(`times read as ms since midnight of ${m[1]}-${m[2]}-${m[3]} UTC (QuantConnect LEAN bars)`);
    return { index, leanDay: Date.UTC(+m[1], +m[2] - 1, +m[3]) };
  }
  return { index };
}

/** A note when most bars are not one timeframe apart: the key's timeframe is probably wrong. */
function spacingNote(ts: Float64Array, timeframe: string): string | undefined {
  const want = timeframeMs(timeframe);
  const counts = new Map<number, number>();
  for (let i = 1; i < Math.min(ts.length, 2000); i++) {
    const d = ts[i] - ts[i - 1];
    if (d > 0) counts.set(d, (counts.get(d) ?? 0) + 1);
  }
  let mode = 0;
  let best = 0;
  for (const [d, k] of counts) if (k > best) { best = k; mode = d; }
  if (best === 0 || mode === want) return undefined;
  return `bars are mostly ${mode} ms apart but the timeframe "${timeframe}" is ${want} ms`;
}
