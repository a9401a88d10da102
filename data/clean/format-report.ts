// Plain-text summary of a check report, for the CLI and logs.
import { CHECK_RULES, RULE_SEVERITY, shortTime } from './findings.js';
import type { CheckReport } from './check-candles.js';
import type { TradesReport } from './check-trades.js';
import { TRADE_RULES } from './check-trades.js';

/**
 * A header line, one line per rule with findings (exact count), then the first `maxFindings`
 * messages. Ends with "ok" or the number of errors, so the reader sees the verdict last.
 */
export function formatCheckReport(r: CheckReport, maxFindings = 20): string {
  const lines = [
    `${r.exchange} ${r.symbol} ${r.timeframe}: ${r.rows} rows, ${shortTime(r.firstTs)} .. ${shortTime(r.lastTs)}, ${r.missingBars} missing bars`,
  ];
  for (const rule of CHECK_RULES) {
    if (r.counts[rule] > 0) lines.push(`  ${rule.padEnd(19)} ${String(r.counts[rule]).padStart(8)}  (${RULE_SEVERITY[rule]})`);
  }
  lines.push(...findingLines(r.findings, maxFindings, r.errors + r.warnings));
  lines.push(r.ok ? `ok (${r.warnings} warnings)` : `${r.errors} errors, ${r.warnings} warnings`);
  return lines.join('\n');
}

export function formatTradesReport(r: TradesReport, maxFindings = 20): string {
  const lines = [`${r.exchange} ${r.symbol} trades: ${r.rows} rows, ${shortTime(r.firstTs)} .. ${shortTime(r.lastTs)}`];
  let total = 0;
  for (const rule of TRADE_RULES) {
    total += r.counts[rule];
    if (r.counts[rule] > 0) lines.push(`  ${rule.padEnd(19)} ${String(r.counts[rule]).padStart(8)}`);
  }
  lines.push(...findingLines(r.findings, maxFindings, total));
  lines.push(r.ok ? 'ok' : `${total} errors`);
  return lines.join('\n');
}

function findingLines(findings: { rule: string; message: string }[], max: number, total: number): string[] {
  const out = findings.slice(0, max).map((f) => `  [${f.rule}] ${f.message}`);
  if (total > out.length) out.push(`  ... ${total - out.length} more`);
  return out;
}
