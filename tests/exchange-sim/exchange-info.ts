// The markets the sim lists, and GET /api/v3/exchangeInfo in Binance's format, generated from
// the datasets (tick size and lot step are the finest grid the data uses), so ccxt's
// binance.parseMarket yields the right symbol, precision and limits.
import { decimalsOf, fixed8 } from './format.js';

export interface SimMarket {
  /** ccxt unified symbol, "BTC/USDT". */
  symbol: string;
  /** Binance id, "BTCUSDT"; `lower` is what stream names use, "btcusdt". */
  id: string;
  lower: string;
  base: string;
  quote: string;
  priceDecimals: number;
  qtyDecimals: number;
  tickSize: number;
  stepSize: number;
  maxPrice: number;
}

/** "BTC/USDT" (or "BTC/USDT:USDT", settle ignored: the sim is spot only) -> Binance naming. */
export function binanceNames(symbol: string): { id: string; base: string; quote: string } {
  const m = /^([A-Za-z0-9]+)\/([A-Za-z0-9]+)(?::.*)?$/.exec(symbol);
  if (!m) throw new Error(`exchange-sim: dataset symbol "${symbol}" is not a ccxt unified symbol like BTC/USDT`);
  const base = m[1].toUpperCase();
  const quote = m[2].toUpperCase();
  return { id: base + quote, base, quote };
}

/** Builds a market; `prices` and `quantities` are the data columns the grids are derived from. */
export function buildMarket(symbol: string, prices: ArrayLike<number>[], quantities: ArrayLike<number>[]): SimMarket {
  const { id, base, quote } = binanceNames(symbol);
  const priceDecimals = decimalsOf(prices);
  const qtyDecimals = decimalsOf(quantities);
  let top = 0;
  for (const a of prices) {
    for (let i = 0; i < a.length; i++) if (a[i] > top) top = a[i];
  }
  // Binance's maxPrice is a round number well above anything traded.
  const maxPrice = Math.max(1_000_000, 10 ** Math.ceil(Math.log10(top * 100 || 1)));
  return {
    symbol, id, lower: id.toLowerCase(), base, quote, priceDecimals, qtyDecimals,
    tickSize: 10 ** -priceDecimals, stepSize: 10 ** -qtyDecimals, maxPrice,
  };
}

const STABLE = new Set(['USDT', 'USDC', 'FDUSD', 'TUSD', 'BUSD', 'DAI', 'USD', 'EUR', 'TRY', 'BRL']);

/** One entry of exchangeInfo.symbols, shaped like the real thing (2024 format). */
export function symbolInfo(m: SimMarket): Record<string, unknown> {
  const tick = fixed8(m.tickSize);
  const step = fixed8(m.stepSize);
  const minNotional = STABLE.has(m.quote) ? '5.00000000' : '0.00010000';
  return {
    symbol: m.id,
    status: 'TRADING',
    baseAsset: m.base,
    baseAssetPrecision: 8,
    quoteAsset: m.quote,
    quotePrecision: 8,
    quoteAssetPrecision: 8,
    baseCommissionPrecision: 8,
    quoteCommissionPrecision: 8,
    orderTypes: ['LIMIT', 'LIMIT_MAKER', 'MARKET', 'STOP_LOSS_LIMIT', 'TAKE_PROFIT_LIMIT'],
    icebergAllowed: true,
    ocoAllowed: true,
    otoAllowed: true,
    quoteOrderQtyMarketAllowed: true,
    allowTrailingStop: true,
    cancelReplaceAllowed: true,
    isSpotTradingAllowed: true,
    isMarginTradingAllowed: false,
    filters: [
      { filterType: 'PRICE_FILTER', minPrice: tick, maxPrice: fixed8(m.maxPrice), tickSize: tick },
      { filterType: 'LOT_SIZE', minQty: step, maxQty: '9000000.00000000', stepSize: step },
      { filterType: 'ICEBERG_PARTS', limit: 10 },
      { filterType: 'MARKET_LOT_SIZE', minQty: '0.00000000', maxQty: '9000000.00000000', stepSize: '0.00000000' },
      {
        filterType: 'NOTIONAL', minNotional, applyMinToMarket: true,
        maxNotional: '9000000.00000000', applyMaxToMarket: false, avgPriceMins: 5,
      },
      { filterType: 'MAX_NUM_ORDERS', maxNumOrders: 200 },
      { filterType: 'MAX_NUM_ALGO_ORDERS', maxNumAlgoOrders: 5 },
    ],
    permissions: ['SPOT'],
    permissionSets: [['SPOT']],
    defaultSelfTradePreventionMode: 'EXPIRE_MAKER',
    allowedSelfTradePreventionModes: ['EXPIRE_TAKER', 'EXPIRE_MAKER', 'EXPIRE_BOTH'],
  };
}

export function exchangeInfoBody(markets: SimMarket[], serverTime: number, weightPerMinute: number): unknown {
  return {
    timezone: 'UTC',
    serverTime,
    rateLimits: [
      { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: weightPerMinute },
      { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 100 },
      { rateLimitType: 'ORDERS', interval: 'DAY', intervalNum: 1, limit: 200000 },
      { rateLimitType: 'RAW_REQUESTS', interval: 'MINUTE', intervalNum: 5, limit: 61000 },
    ],
    exchangeFilters: [],
    symbols: markets.map(symbolInfo),
  };
}
