// Validation and repair of market data (see DESIGN.md, data flow: store -> clean -> features).
// checkCandles / checkTrades report, and never change data; repairCandles changes data only where
// its policy says so and lists every change. Both are pure functions over the columnar types.
export { checkCandles } from './check-candles.js';
export type { CheckOptions, CheckReport } from './check-candles.js';
export { repairCandles, resolveRepairPolicy, errorsKeptByPolicy, DEFAULT_REPAIR } from './repair-candles.js';
export type { RepairPolicy, RepairPolicyInput, RepairContext, RepairChange, RepairAction, RepairResult } from './repair-candles.js';
export { checkTrades, TRADE_RULES } from './check-trades.js';
export type { TradesReport, TradeRule, TradeCheckOptions } from './check-trades.js';
export { CHECK_RULES, RULE_SEVERITY, DEFAULT_MAX_FINDINGS_PER_RULE } from './findings.js';
export type { CheckRule, Finding, Report } from './findings.js';
export { barGrid, moveThresholds } from './bar-grid.js';
export type { CleanOptions, BarGrid } from './bar-grid.js';
export { DEFAULT_LARGE_MOVE_THRESHOLD, DEFAULT_SPIKE_THRESHOLD, SPIKE_MAX_BARS, scanPriceMoves, describeMove } from './price-moves.js';
export type { PriceMove, MoveScan, MoveStats } from './price-moves.js';
export { robustScale, median } from './robust-scale.js';
export type { RobustScale } from './robust-scale.js';
export { formatCheckReport, formatTradesReport } from './format-report.js';
