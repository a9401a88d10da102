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
import { DataError } from '../errors.js';
import type { Trades } from '../types.js';
import { emptyTrades } from '../types.js';
import { ascendingOrder, permuteF64 } from './import-order.js';
import { readInputText } from './import-read.js';
import type { Table } from './import-table.js';
import { MissingCounter, cellNumber, clip, csvTable, findColumn, jsonTable, parseJsonText } from './import-table.js';
import { TimeColumnReader } from './import-time.js';

export interface TradeKey {
  exchange: string;
  symbol: string;
}

export interface ImportedTrades {
  trades: Trades;
  notes: string[];
}

export async function importTradesFile(path: string, key: TradeKey): Promise<ImportedTrades> {
  const { text, label } = await readInputText(path);
  return parseTrades(text, key, label);
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

export function parseTrades(text: string, key: TradeKey, fileName: string): ImportedTrades {
  const trimmed = text.trimStart();
  const isJson = trimmed.startsWith('[') || trimmed.startsWith('{');
  const table = isJson
    ? jsonTable(parseJsonText(text, fileName), fileName)
    : csvTable(text, fileName, (names) => names.some((n) => PRICE.includes(n)) && names.some((n) => AMOUNT.includes(n)),
      'time, price, amount, side');
  const notes = [...table.notes];
  const cols = table.positional ? positionalColumns(table) : namedColumns(table, notes);

  const n = table.rows.length;
  const t = emptyTrades(key.exchange, key.symbol, n);
  const times = new TimeColumnReader();
  const missing = new MissingCounter();
  const timeName = table.positional ? 'timestamp' : table.rawColumns[cols.time] || 'timestamp';
  for (let i = 0; i < n; i++) {
    const row = table.rows[i];
    const ms = times.read(row[cols.time]);
    if (!Number.isFinite(ms)) {
      throw new DataError(`unknown date format ${JSON.stringify(clip(String(row[cols.time])))}`,
        { file: fileName, row: table.rowNo[i], column: timeName });
    }
    t.ts[i] = ms;
    t.price[i] = cellNumber(table, i, cols.price, 'price', missing);
    t.amount[i] = cellNumber(table, i, cols.amount, 'amount', missing);
    t.side[i] = cols.sideIsMakerFlag ? makerFlagSide(table, i, cols.side) : sideOf(table, i, cols.side);
    if (cols.id >= 0) {
      const id = row[cols.id];
      t.id[i] = id === null || id === undefined ? '' : String(id);
    }
  }
  notes.push(...missing.notes());
  if (times.epochUnit !== undefined && times.epochUnit !== 'ms') notes.push(`times read as epoch ${times.epochUnit}, stored as ms`);

  const { order, note } = ascendingOrder(t.ts, table.rowNo);
  if (!order) return { trades: t, notes };
  notes.push(note ?? 'rows re-ordered by time');
  const side = new Int8Array(n);
  const id = new Array<string>(n);
  for (let i = 0; i < n; i++) { side[i] = t.side[order[i]]; id[i] = t.id[order[i]]; }
  return {
    trades: { ...t, ts: permuteF64(t.ts, order), price: permuteF64(t.price, order), amount: permuteF64(t.amount, order), side, id },
    notes,
  };
}

function positionalColumns(t: Table): TradeColumns {
  if (t.rawColumns.length !== 7) {
    throw new DataError(`rows have ${t.rawColumns.length} fields; expected 7: ` +
      '[timestamp, id, type, side, price, amount, cost] (freqtrade trades)', { file: t.label, row: t.rowNo[0] });
  }
  return { time: 0, id: 1, side: 3, price: 4, amount: 5, sideIsMakerFlag: false };
}

function namedColumns(t: Table, notes: string[]): TradeColumns {
  const need = (what: string, names: string[]): number => {
    const i = findColumn(t, names);
    if (i < 0) {
      const row = t.headerRow ?? 1;
      throw new DataError(`missing column ${what}: the header has ${t.rawColumns.map((c) => JSON.stringify(c)).join(', ')}; ` +
        `looked for ${names.join(', ')}`, { file: t.label, row, column: what });
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

function sideOf(t: Table, i: number, col: number): 1 | -1 {
  const v = t.rows[i][col];
  const s = typeof v === 'string' ? v.trim().toLowerCase() : v;
  if (s === 'buy' || s === 'b' || s === 1 || s === '1') return 1;
  if (s === 'sell' || s === 's' || s === -1 || s === '-1') return -1;
  throw new DataError(`side must be buy or sell, got ${JSON.stringify(v)}`, { file: t.label, row: t.rowNo[i], column: 'side' });
}

function makerFlagSide(t: Table, i: number, col: number): 1 | -1 {
  const v = t.rows[i][col];
  const s = typeof v === 'string' ? v.trim().toLowerCase() : v;
  // The buyer was the resting order, so the taker sold.
  if (s === true || s === 'true' || s === 1 || s === '1') return -1;
  if (s === false || s === 'false' || s === 0 || s === '0') return 1;
  throw new DataError(`is_buyer_maker must be true or false, got ${JSON.stringify(v)}`,
    { file: t.label, row: t.rowNo[i], column: t.rawColumns[col] });
}
