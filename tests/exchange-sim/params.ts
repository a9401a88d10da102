// Query-parameter parsing with Binance's error codes and messages, so ccxt maps each failure to
// the same exception class it would raise against the real exchange (-1121 -> BadSymbol, ...).
import type { SimMarket } from './exchange-info.js';

export type Query = Record<string, string>;

/** A Binance REST error: HTTP status + {"code":..,"msg":..} body. */
export class BinanceError extends Error {
  constructor(readonly code: number, msg: string, readonly status = 400) {
    super(msg);
  }

  body(): { code: number; msg: string } {
    return { code: this.code, msg: this.message };
  }
}

export const errors = {
  illegalChars: (p: string) =>
    new BinanceError(-1100, `Illegal characters found in parameter '${p}'; legal range is '^[0-9]{1,20}$'.`),
  mandatory: (p: string) =>
    new BinanceError(-1102, `Mandatory parameter '${p}' was not sent, was empty/null, or malformed.`),
  badInterval: () => new BinanceError(-1120, 'Invalid interval.'),
  badSymbol: () => new BinanceError(-1121, 'Invalid symbol.'),
  invalid: (p: string) => new BinanceError(-1130, `Data sent for parameter '${p}' is not valid.`),
};

/** Optional unsigned integer parameter (Binance accepts digits only). */
export function intParam(q: Query, name: string): number | undefined {
  const v = q[name];
  if (v === undefined) return undefined;
  if (!/^[0-9]{1,20}$/.test(v)) throw errors.illegalChars(name);
  return Number(v);
}

/** `limit` with Binance's default; values above `max` are capped like Binance does, 0 is invalid. */
export function limitParam(q: Query, def: number, max: number): number {
  const v = intParam(q, 'limit');
  if (v === undefined) return def;
  if (v < 1) throw errors.invalid('limit');
  return Math.min(v, max);
}

/** The mandatory `symbol` parameter, resolved to a listed market. */
export function symbolParam(q: Query, markets: Map<string, SimMarket>): SimMarket {
  const v = q.symbol;
  if (v === undefined || v === '') throw errors.mandatory('symbol');
  const m = markets.get(v.toUpperCase());
  if (!m) throw errors.badSymbol();
  return m;
}

/** Optional `symbol` or `symbols` (a JSON array of ids); undefined means every market. */
export function symbolsParam(q: Query, markets: Map<string, SimMarket>): SimMarket[] | undefined {
  if (q.symbol !== undefined) return [symbolParam(q, markets)];
  if (q.symbols === undefined) return undefined;
  let ids: unknown;
  try {
    ids = JSON.parse(q.symbols);
  } catch {
    throw errors.mandatory('symbols');
  }
  if (!Array.isArray(ids) || ids.some((x) => typeof x !== 'string')) throw errors.mandatory('symbols');
  return (ids as string[]).map((id) => symbolParam({ symbol: id }, markets));
}
