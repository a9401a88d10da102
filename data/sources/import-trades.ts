// Reads public-trade files from other tools into the Trades contract, as faithfully as
// import-candles.ts reads candles (no row dropped; re-ordering and assumptions come back as notes).
//
// Formats (plain or gzip, told apart by content):
// - freqtrade trades JSON (`*-trades.json.gz`): [timestamp_ms, id, type, side, price, amount, cost]
// - JSON array of objects (ccxt fetchTrades output: timestamp, id, side, price, amount, ...)
// - CSV with a header: Tardis `trades` (exchange,symbol,timestamp µs,local_timestamp,id,side,
//   price,amount), freqtrade orderflow (,timestamp,id,type,side,price,amount,cost,date), and
//   anything naming time, price, amount/qty/size and side (or Binance's is_buyer_maker).
// Side: buy -> 1, sell -> -1 (the taker's side); is_buyer_maker true -> -1 (the taker sold).
// Streamed like candle files (memory grows with the columns, not the file); messages name the file's
// line (and JSON element), never an array index.
import { FileDataError } from '../file-position.js';
import type { RowPositions } from '../file-position.js';
import type { Trades } from '../types.js';
import { f64Column, i8Column, u32Column } from './column-builder.js';
import { ascendingOrder, permuteF64, permuteU32 } from './import-order.js';
import { memoryChunks, openInputText } from './import-read.js';
import type { TableHead } from './import-table.js';
import { MissingCounter, cellNumber, clip, findColumn, openRows } from './import-table.js';
import { TimeColumnReader } from './import-time.js';

export interface TradeKey {
  exchange: string;
  symbol: string;
}

export interface ImportedTrades {
  trades: Trades;
  notes: string[];
  /** Where each trade (in the returned, ascending order) is in the file: for messages naming lines. */
  positions: RowPositions;
}

export async function importTradesFile(path: string, key: TradeKey): Promise<ImportedTrades> {
  const { chunks, label } = await openInputText(path);
  return readTrades(chunks, key, label);
}

/** Parses trade text already in memory; `fileName` is only used in messages. */
export function parseTrades(text: string, key: TradeKey, fileName: string): Promise<ImportedTrades> {
  return readTrades(memoryChunks(text), key, fileName);
}

interface TradeColumns {
  time: number;
  price: number;
  amount: number;
  id: number;
  side: number;
  /** True when `side` is an is-buyer-maker flag rather than a buy/sell word. */
  sideIsMakerFlag: boolean;
}

const TIME = ['timestamp', 'ts', 'time', 'trade_time', 'transact_time', 'datetime', 'date'];
const PRICE = ['price', 'px', 'p', 'trade_price'];
const AMOUNT = ['amount', 'qty', 'quantity', 'size', 'q', 'base_amount', 'volume', 'vol'];
const SIDE = ['side', 'taker_side', 'aggressor_side'];
const MAKER = ['is_buyer_maker', 'isbuyermaker', 'buyer_maker', 'm'];
const ID = ['id', 'trade_id', 'tradeid', 'tid'];

async function readTrades(chunks: AsyncIterable<string>, key: TradeKey, label: string): Promise<ImportedTrades> {
  const stream = await openRows(chunks, label,
    (names) => names.some((n) => PRICE.includes(n)) && names.some((n) => AMOUNT.includes(n)), 'time, price, amount, side');
  const head = stream.head;
  const notes = head.notes;
  const ts = f64Column(), price = f64Column(), amount = f64Column(), side = i8Column(), line = u32Column();
  const element = head.format === 'json' ? u32Column() : undefined;
  const ids: string[] = [];
  const missing = new MissingCounter();
  let epochUnit: string | undefined;
  try {
    const cols = head.positional ? positionalColumns(head) : namedColumns(head, notes);
    const times = new TimeColumnReader();
    const timeName = head.positional ? 'timestamp' : head.rawColumns[cols.time] || 'timestamp';
    const sideName = head.positional ? 'side' : head.rawColumns[cols.side];
    for await (const b of stream.batches) {
      for (let k = 0; k < b.length; k++) {
        const row = b.row(k);
        const ln = b.line(k);
        const el = b.element(k);
        const ms = times.read(row[cols.time]);
        if (!Number.isFinite(ms)) {
          throw new FileDataError(times.problem ?? `unknown date format ${JSON.stringify(clip(String(row[cols.time])))}`,
            { file: label, line: ln, element: el, column: timeName });
        }
        ts.push(ms);
        price.push(cellNumber(row[cols.price], 'price', missing, label, ln, el));
        amount.push(cellNumber(row[cols.amount], 'amount', missing, label, ln, el));
        const s = cols.sideIsMakerFlag ? makerFlagSide(row[cols.side]) : sideOf(row[cols.side]);
        if (s === 0) {
          throw new FileDataError(cols.sideIsMakerFlag ? `is_buyer_maker must be true or false, got ${JSON.stringify(row[cols.side])}`
            : `side must be buy or sell, got ${JSON.stringify(row[cols.side])}`, { file: label, line: ln, element: el, column: sideName });
        }
        side.push(s);
        const id = cols.id >= 0 ? row[cols.id] : undefined;
        ids.push(id === null || id === undefined ? '' : String(id));
        line.push(ln);
        if (element) element.push(el!);
      }
    }
    epochUnit = times.epochUnit;
  } finally {
    await stream.close();
  }
  notes.push(...missing.notes());
  if (epochUnit !== undefined && epochUnit !== 'ms') notes.push(`times read as epoch ${epochUnit}, stored as ms`);

  const t: Trades = {
    exchange: key.exchange, symbol: key.symbol,
    ts: ts.take(), price: price.take(), amount: amount.take(), side: side.take(), id: ids,
  };
  const lines = line.take();
  const elements = element?.take();
  const positions = (l: Uint32Array, e: Uint32Array | undefined): RowPositions => ({ file: label, line: l, ...(e ? { element: e } : {}) });
  const { order, note } = ascendingOrder(t.ts, lines);
  if (!order) return { trades: t, notes, positions: positions(lines, elements) };
  notes.push(note ?? 'rows re-ordered by time');
  const n = order.length;
  const sorted = new Int8Array(n);
  const id = new Array<string>(n);
  for (let i = 0; i < n; i++) { sorted[i] = t.side[order[i]]; id[i] = t.id[order[i]]; }
  return {
    trades: { ...t, ts: permuteF64(t.ts, order), price: permuteF64(t.price, order), amount: permuteF64(t.amount, order), side: sorted, id },
    notes,
    positions: positions(permuteU32(lines, order), elements ? permuteU32(elements, order) : undefined),
  };
}

function positionalColumns(t: TableHead): TradeColumns {
  if (t.rawColumns.length !== 7) {
    throw new FileDataError(`rows have ${t.rawColumns.length} fields; expected 7: ` +
      '[timestamp, id, type, side, price, amount, cost] (freqtrade trades)', { file: t.label, line: t.firstLine, element: t.format === 'json' ? 1 : undefined });
  }
  return { time: 0, id: 1, side: 3, price: 4, amount: 5, sideIsMakerFlag: false };
}

function namedColumns(t: TableHead, notes: string[]): TradeColumns {
  const need = (what: string, names: string[]): number => {
    const i = findColumn(t, names);
    if (i < 0) {
      const line = t.headerLine ?? 1;
      throw new FileDataError(`missing column ${what}: the header has ${t.rawColumns.map((c) => JSON.stringify(c)).join(', ')}; ` +
        `looked for ${names.join(', ')}`, { file: t.label, line, column: what });
    }
    return i;
  };
  const time = need('timestamp', TIME);
  const price = need('price', PRICE);
  const amount = need('amount', AMOUNT);
  let side = findColumn(t, SIDE);
  const sideIsMakerFlag = side < 0;
  if (sideIsMakerFlag) side = need('side', [...SIDE, ...MAKER]);
  const id = findColumn(t, ID);
  if (id < 0) notes.push('no trade id column: ids are empty');
  const named = (i: number): string => JSON.stringify(t.rawColumns[i]);
  notes.push(`columns used: timestamp=${named(time)}, price=${named(price)}, amount=${named(amount)}, ` +
    `side=${named(side)}${sideIsMakerFlag ? ' (is buyer maker)' : ''}${id >= 0 ? `, id=${named(id)}` : ''}`);
  return { time, price, amount, side, id, sideIsMakerFlag };
}

/** 1 (taker bought), -1 (taker sold), 0 for anything else (the caller names the line). */
function sideOf(v: unknown): 1 | -1 | 0 {
  const s = typeof v === 'string' ? v.trim().toLowerCase() : v;
  if (s === 'buy' || s === 'b' || s === 1 || s === '1') return 1;
  if (s === 'sell' || s === 's' || s === -1 || s === '-1') return -1;
  return 0;
}

function makerFlagSide(v: unknown): 1 | -1 | 0 {
  const s = typeof v === 'string' ? v.trim().toLowerCase() : v;
  // The buyer was the resting order, so the taker sold.
  if (s === true || s === 'true' || s === 1 || s === '1') return -1;
  if (s === false || s === 'false' || s === 0 || s === '0') return 1;
  return 0;
}
