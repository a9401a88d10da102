// Candles and trades as Apache Arrow tables (for users who work in Arrow: DuckDB, Polars via IPC,
// arquero). Numeric columns are shared with the typed arrays, not copied, in both directions.
import { Float64, Table, Utf8, makeData, makeVector, Field, Schema, RecordBatch, Struct, vectorFromArray } from 'apache-arrow';
import { DataError } from '../errors.js';
import type { Candles, Trades } from '../types.js';
import { readCandles, type CandleKey, type TimeRange } from './candle-store.js';

const CANDLE_FIELDS = ['ts', 'open', 'high', 'low', 'close', 'volume'] as const;

/** A zero-copy Arrow view of candles; series identity goes into the schema metadata. */
export function candlesToArrow(c: Candles): Table {
  const meta = new Map([['exchange', c.exchange], ['symbol', c.symbol], ['timeframe', c.timeframe], ['ts', 'ms since epoch UTC, bar open']]);
  const fields = CANDLE_FIELDS.map((k) => new Field(k, new Float64(), false));
  const schema = new Schema(fields, meta);
  const children = CANDLE_FIELDS.map((k) => makeData({ type: new Float64(), length: c.ts.length, nullCount: 0, data: c[k] }));
  const data = makeData({ type: new Struct(fields), length: c.ts.length, nullCount: 0, children });
  return new Table(schema, [new RecordBatch(schema, data)]);
}

/** Candles from an Arrow table with Float64 columns ts, open, high, low, close, volume. */
export function arrowToCandles(t: Table, key?: Partial<CandleKey>): Candles {
  const meta = t.schema.metadata;
  const col = (k: (typeof CANDLE_FIELDS)[number]) => {
    const v = t.getChild(k);
    if (!v) throw new DataError(`Arrow table has no "${k}" column`, { column: k });
    const a = v.toArray();
    return a instanceof Float64Array ? a : Float64Array.from(a as ArrayLike<number>);
  };
  return {
    exchange: key?.exchange ?? meta.get('exchange') ?? '', symbol: key?.symbol ?? meta.get('symbol') ?? '',
    timeframe: key?.timeframe ?? meta.get('timeframe') ?? '',
    ts: col('ts'), open: col('open'), high: col('high'), low: col('low'), close: col('close'), volume: col('volume'),
  };
}

/** Reads a time range of stored candles as an Arrow table. */
export async function readCandlesArrow(store: string, key: CandleKey, range: TimeRange = {}): Promise<Table> {
  return candlesToArrow(await readCandles(store, key, range));
}

export function tradesToArrow(t: Trades): Table {
  const meta = new Map([['exchange', t.exchange], ['symbol', t.symbol]]);
  const table = new Table({
    ts: makeVector(t.ts), price: makeVector(t.price), amount: makeVector(t.amount), side: makeVector(t.side),
    id: vectorFromArray(t.id, new Utf8()),
  });
  return new Table(new Schema(table.schema.fields, meta), table.batches);
}

