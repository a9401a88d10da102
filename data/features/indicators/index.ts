// Technical indicators and market-microstructure features, each defined ONCE:
//  - a streaming form, `new XStream(params).update(x | bar)`, O(1) work per bar (amortised O(1)
//    for the stochastic's deque and the trade-flow window), no allocation per update;
//  - a batch form, `x(values | columns, params, out?)`, which runs that same stream over typed
//    arrays (one scratch object per call, nothing per element), so batch == streaming by
//    construction, and the tests still check it on real data.
//
// Conventions shared by every indicator (details in each file's header):
//  - Output i uses inputs 0..i only (no lookahead). Index i of a batch output is row i of the input.
//  - TA-Lib is the reference: indices before TA-Lib's first output are NaN; `xLookback(params)`
//    returns that count (also `stream.lookback`). Seeding, operation order and defaults follow
//    TA-Lib's C code (talib@2.0.5 sources, default compatibility, no unstable period); recursive
//    ones (EMA, RSI, ATR, MACD, OBV) match it bit for bit.
//  - NaN inputs propagate. Windowed indicators (SMA, WMA, Bollinger, stochastic, ROC, rolling
//    VWAP, volatility, z-score, trade flow) output NaN exactly while a NaN is inside their window
//    and recover after; recursive/cumulative ones (EMA, RSI, ATR, MACD, OBV, VWAP) output NaN from
//    the NaN on, until reset(). Clean data first (data/clean).
//  - Running window sums are refreshed from a block sum every n values, so floating drift is
//    bounded by ~2n roundings instead of growing with the series (rolling-sum.ts).
//  - Periods are validated: ConfigError names the bad parameter; mismatched columns are a DataError.
export type { Bar, HighLowCloseBar, CloseVolumeBar, HighLowClose, CloseVolume, HighLowCloseVolume } from './bar.js';
export { sma, SmaStream, smaLookback } from './sma.js';
export { ema, EmaStream, emaLookback } from './ema.js';
export { wma, WmaStream, wmaLookback } from './wma.js';
export { rsi, RsiStream, rsiLookback } from './rsi.js';
export { macd, MacdStream, macdLookback, type MacdOptions, type MacdValue, type MacdSeries } from './macd.js';
export {
  bollinger, BollingerStream, bollingerLookback,
  type BollingerOptions, type BollingerValue, type BollingerSeries,
} from './bollinger.js';
export { atr, AtrStream, atrLookback, trueRange, TrueRangeStream, trueRangeLookback, trueRangeOf } from './atr.js';
export {
  stochastic, StochasticStream, stochasticLookback,
  type StochasticOptions, type StochasticValue, type StochasticSeries,
} from './stochastic.js';
export { obv, ObvStream, obvLookback } from './obv.js';
export { vwap, VwapStream, vwapLookback, rollingVwap, RollingVwapStream, rollingVwapLookback, typicalPrice } from './vwap.js';
export { roc, RocStream, rocLookback } from './roc.js';
export { rollingVolatility, RollingVolatilityStream, rollingVolatilityLookback } from './volatility.js';
export { zscore, ZscoreStream, zscoreLookback } from './zscore.js';
export {
  spread, spreadAt, mid, midAt, microprice, micropriceAt, micropriceOf, depthImbalance, depthImbalanceAt,
  type BookLevels,
} from './book.js';
export {
  tradeFlowImbalance, tradeFlowImbalanceAt, TradeFlowStream, type TradeTick, type TradeColumns,
} from './trade-flow.js';
export {
  crossVenueSpread, CrossVenueSpreadStream, netSpreadOf, topOfBook,
  type Quotes, type VenueFees, type CrossVenueSpreadValue, type CrossVenueSpreadSeries,
} from './cross-venue.js';
