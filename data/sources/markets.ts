// Market lookups with errors that tell the user what exists.
import type { Exchange } from 'ccxt';
import { ConfigError } from '../errors.js';
import { withRetry, type RetryOptions } from './retry.js';

export async function loadMarkets(ex: Exchange, retry?: RetryOptions): Promise<void> {
  await withRetry(`${ex.id} loadMarkets`, () => ex.loadMarkets(), retry);
}

/** Throws ConfigError('symbol') naming close matches when the exchange does not list `symbol`. */
export function assertSymbol(ex: Exchange, symbol: string, field = 'symbol'): void {
  if (ex.markets && ex.markets[symbol]) return;
  const all = Object.keys(ex.markets ?? {});
  const base = symbol.split('/')[0]?.toUpperCase() ?? '';
  const near = all.filter((s) => s.startsWith(`${base}/`)).slice(0, 8);
  throw new ConfigError(field, `unknown symbol "${symbol}" on ${ex.id}${near.length ? `; ${base} markets there: ${near.join(', ')}` : ` (${all.length} markets listed, none for ${base})`}`);
}

export function assertTimeframe(ex: Exchange, timeframe: string): void {
  const tfs = Object.keys(ex.timeframes ?? {});
  if (tfs.length && !tfs.includes(timeframe)) {
    throw new ConfigError('timeframe', `${ex.id} has no "${timeframe}" candles; choose one of ${tfs.join(', ')}`);
  }
}
