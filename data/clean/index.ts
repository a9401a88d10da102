// Validation and repair of market data (see DESIGN.md, data flow: store -> clean -> features).
// checkCandles / checkTrades report, and never change data; repairCandles changes data only where
// its policy says so and lists every change. Both are pure functions over the columnar types.
export { checkCandles } from './check-candles.js';
export type { CheckOptions, CheckReport } from './check-candles.js';
export { repairCandles, resolveRepairPolicy, DEFAULT_REPAIR } from './repair-candles.js';
export type { RepairPolicy, RepairContext, RepairChange, RepairAction, RepairResult } from './repair-candles.js';
export { checkTrades, TRADE_RULES } from './check-trades.js';
export type { TradesReport, TradeRule } from './check-trades.js';
export { CHECK_RULES, RULE_SEVERITY, DEFAULT_MAX_FINDINGS_PER_RULE } from './findings.js';
export type { CheckRule, Finding, Report } from './findings.js';
export { DEFAULT_OUTLIER_THRESHOLD, barGrid } from './bar-grid.js';
export type { CleanOptions, BarGrid } from './bar-grid.js';
export { robustScale, robustZ, median, gapScaledReturns, scanReturnOutliers } from './robust-outliers.js';
export type { RobustScale, ReturnOutlier, ReturnOutlierScan } from './robust-outliers.js';
export { formatCheckReport, formatTradesReport } from './format-report.js';
