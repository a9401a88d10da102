// Reads candle files from other tools into the Candles contract. Parsing is faithful: no row is
// dropped, repaired or deduplicated here (data/clean does that); what had to be assumed or
// re-ordered is returned as notes, and a malformed file is a DataError naming file, line and column.
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
// The file is streamed (see import-read.ts): memory grows with the typed columns, not the file.
// Every message names the file's own position: "line N" (1-based, header counted) of a CSV,
// "line N, element M" of a JSON array. The timeframe given is checked against the spacing of the
// bars (bar-spacing.ts); the values are judged later, by data/clean.
import { FileDataError } from '../file-position.js';
import type { RowPositions } from '../file-position.js';
import { timeframeMs } from '../timeframe.js';
import type { Candles } from '../types.js';
import { CANDLE_CSV_HEADER } from './export-csv.js';
import { assertTimeframe, barSpacing, describeSpacing } from './bar-spacing.js';
import type { BarSpacing } from './bar-spacing.js';
import { f64Column, u32Column } from './column-builder.js';
import { ascendingOrder, permuteF64, permuteU32 } from './import-order.js';
import { memoryChunks, openInputText } from './import-read.js';
import type { TableHead } from './import-table.js';
import { MissingCounter, cellNumber, clip, findColumn, normalizeName, openRows } from './import-table.js';
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
  /** Where each row (in the returned, ascending order) is in the file: for messages naming lines. */
  positions: RowPositions;
  /** The spacing of the bars, which the timeframe given was checked against. */
  spacing: BarSpacing;
}

/**
 * Reads a candle file (see the formats above), streaming. Errors: FileDataError (a DataError) naming
 * the file, line and column; ConfigError when the bars are not the timeframe given apart.
 */
export async function importCandlesFile(path: string, key: CandleKey): Promise<ImportedCandles> {
  const { chunks, label } = await openInputText(path);
  return readCandles(chunks, key, label);
}

/** Parses candle text already in memory; `fileName` is only used in messages and for LEAN dates. */
export function parseCandles(text: string, key: CandleKey, fileName: string): Promise<ImportedCandles> {
  return readCandles(memoryChunks(text), key, fileName);
}

type Field = 'time' | 'open' | 'high' | 'low' | 'close' | 'volume';
const PRICE_FIELDS = ['open', 'high', 'low', 'close'] as const;

/** Where each field lives in the rows. `leanDay` is set for LEAN ms-since-midnight times. */
interface CandleColumns {
  index: Record<Field, number>;
  leanDay?: number;
}

async function readCandles(chunks: AsyncIterable<string>, key: CandleKey, label: string): Promise<ImportedCandles> {
  const tfMs = timeframeMs(key.timeframe);
  const base = baseAsset(key.symbol);
  const stream = await openRows(chunks, label, isCandleHeader, 'time, open, high, low, close, volume');
  const head = stream.head;
  const notes = head.notes;
  const ts = f64Column(), open = f64Column(), high = f64Column(), low = f64Column(), close = f64Column(), volume = f64Column();
  const line = u32Column();
  const element = head.format === 'json' ? u32Column() : undefined;
  let epochUnit: string | undefined;
  const missing = new MissingCounter();
  try {
    const cols = head.positional ? positionalColumns(head, head.format === 'json', notes) : namedColumns(head, base, notes);
    // Our own export states its unit: ts is ms even for times the magnitude rule would call seconds.
    const times = new TimeColumnReader(head.rawColumns.join(',') === CANDLE_CSV_HEADER ? 'ms' : undefined);
    const { time: it, open: io, high: ih, low: il, close: ic, volume: iv } = cols.index;
    const timeName = head.positional ? 'time' : head.rawColumns[it] || 'time';
    const leanDay = cols.leanDay;
    // The fast path (a plain numeric row: CSV, or a compact JSON array; no cells made) takes a time
    // of 1e8 or more only: a smaller number may be a YYYYMMDD date, which the general path tells apart.
    const want = new Int32Array(head.rawColumns.length).fill(-1);
    [it, io, ih, il, ic, iv].forEach((col, slot) => { want[col] = slot; });
    const fast = new Set([it, io, ih, il, ic, iv]).size === 6;
    const v = new Float64Array(6);
    for await (const b of stream.batches) {
      for (let k = 0; k < b.length; k++) {
        const ln = b.line(k);
        if (fast && b.decimals(k, want, v) && (leanDay !== undefined || v[0] >= 1e8)) {
          const ms = leanDay !== undefined ? leanDay + v[0] : times.epoch(v[0]);
          if (ms === ms) {
            ts.push(ms); open.push(v[1]); high.push(v[2]); low.push(v[3]); close.push(v[4]); volume.push(v[5]);
            line.push(ln);
            if (element) element.push(b.element(k)!);
            continue;
          }
        }
        const row = b.row(k);
        const el = b.element(k);
        const raw = row[it];
        const ms = leanDay !== undefined ? leanDay + Number(raw) : times.read(raw);
        if (!Number.isFinite(ms)) {
          throw new FileDataError(times.problem ?? `unknown date format ${JSON.stringify(clip(String(raw)))} (use ISO 8601, ` +
            'YYYY-MM-DD HH:MM:SS, DD.MM.YYYY HH:MM:SS or epoch s/ms/µs)', { file: label, line: ln, element: el, column: timeName });
        }
        ts.push(ms);
        open.push(cellNumber(row[io], 'open', missing, label, ln, el));
        high.push(cellNumber(row[ih], 'high', missing, label, ln, el));
        low.push(cellNumber(row[il], 'low', missing, label, ln, el));
        close.push(cellNumber(row[ic], 'close', missing, label, ln, el));
        volume.push(cellNumber(row[iv], 'volume', missing, label, ln, el));
        line.push(ln);
        if (element) element.push(el!);
      }
    }
    epochUnit = times.epochUnit;
  } finally {
    await stream.close();
  }
  notes.push(...missing.notes());
  if (epochUnit !== undefined && epochUnit !== 'ms') notes.push(`times read as epoch ${epochUnit}`);

  let c: Candles = {
    exchange: key.exchange, symbol: key.symbol, timeframe: key.timeframe,
    ts: ts.take(), open: open.take(), high: high.take(), low: low.take(), close: close.take(), volume: volume.take(),
  };
  let lines = line.take();
  let elements = element?.take();
  const { order, note } = ascendingOrder(c.ts, lines);
  if (order) {
    notes.push(note ?? 'rows re-ordered by time');
    c = {
      ...c, ts: permuteF64(c.ts, order), open: permuteF64(c.open, order), high: permuteF64(c.high, order),
      low: permuteF64(c.low, order), close: permuteF64(c.close, order), volume: permuteF64(c.volume, order),
    };
    lines = permuteU32(lines, order);
    if (elements) elements = permuteU32(elements, order);
  }
  const spacing = barSpacing(c.ts, tfMs);
  assertTimeframe(spacing, key.timeframe, label);
  if (spacing.steps > 0) notes.push(`${describeSpacing(spacing)} (the timeframe given is ${key.timeframe})`);
  return { candles: c, notes, positions: { file: label, line: lines, ...(elements ? { element: elements } : {}) }, spacing };
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

function namedColumns(t: TableHead, base: string | undefined, notes: string[]): CandleColumns {
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
      const line = t.headerLine ?? 1;
      throw new FileDataError(`missing column ${f}: the header (line ${line}) has ${t.rawColumns.map((c) => JSON.stringify(c)).join(', ')}; ` +
        `looked for ${candidates[f].join(', ')}`, { file: t.label, line, column: f });
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

function positionalColumns(t: TableHead, isJson: boolean, notes: string[]): CandleColumns {
  const width = t.rawColumns.length;
  if (width !== 6 && width !== 12) {
    throw new FileDataError(`rows have ${width} fields; expected 6: [time, open, high, low, close, volume]` +
      ' (or 12 for Binance klines)', { file: t.label, line: t.firstLine, element: t.format === 'json' ? 1 : undefined });
  }
  const index: Record<Field, number> = { time: 0, open: 1, high: 2, low: 3, close: 4, volume: 5 };
  if (width === 12) notes.push('rows have 12 fields: read as Binance klines (open time, o, h, l, c, base volume, ...)');
  else if (!isJson) notes.push('no header: columns read as time, open, high, low, close, volume');
  // LEAN minute/second bars count ms from midnight of the day in the file name.
  const first = Number(t.firstRow[0]);
  if (typeof t.firstRow[0] === 'string' && Number.isFinite(first) && first >= 0 && first < 86_400_000) {
    const m = LEAN_DAY.exec(t.label);
    if (!m) {
      throw new FileDataError(`time ${first} is too small for an epoch time; ms since midnight (QuantConnect LEAN) ` +
        'need the YYYYMMDD_ file name to give the day', { file: t.label, line: t.firstLine, column: 'time' });
    }
    notes.push(`times read as ms since midnight of ${m[1]}-${m[2]}-${m[3]} UTC (QuantConnect LEAN bars)`);
    return { index, leanDay: Date.UTC(+m[1], +m[2] - 1, +m[3]) };
  }
  return { index };
}
