// Plain-text summary of a check report, for the CLI and logs.
import { CHECK_RULES, RULE_SEVERITY, shortTime } from './findings.js';
import type { CheckRule } from './findings.js';
import type { CheckReport } from './check-candles.js';
import type { TradesReport } from './check-trades.js';
import { TRADE_RULES } from './check-trades.js';

/**
 * A header line, one line per rule with findings (exact count), a line on how moves were judged
 * when there are any, then the first `maxFindings` messages, errors before warnings. Ends with "ok"
 * or the number of errors, so the reader sees the verdict last.
 */
export function formatCheckReport(r: CheckReport, maxFindings = 20): string {
  const lines = [
    `${r.exchange} ${r.symbol} ${r.timeframe}: ${r.rows} rows, ${shortTime(r.firstTs)} .. ${shortTime(r.lastTs)}, ${r.missingBars} missing bars`,
  ];
  for (const rule of CHECK_RULES) {
    if (r.counts[rule] > 0) lines.push(`  ${rule.padEnd(19)} ${String(r.counts[rule]).padStart(8)}  (${RULE_SEVERITY[rule]})`);
  }
  const mv = r.moves;
  if (r.counts['large-move'] || r.counts.spike) {
    const largest = mv.largest
      ? `, largest ${mv.largest.pct >= 0 ? '+' : ''}${mv.largest.pct.toFixed(2)}% at ${shortTime(mv.largest.ts)} (${mv.largest.z.toFixed(1)} sigmas)`
      : '';
    lines.push(`  moves in local sigmas (median sigma ${(mv.medianSigma * 100).toFixed(2)}% a bar): large-move > ${mv.largeMoveThreshold}${largest}; spike > ${mv.spikeThreshold} and back`);
  }
  const errorsFirst = [...r.findings].sort((a, b) => rank(a.rule) - rank(b.rule));
  lines.push(...findingLines(errorsFirst, maxFindings, r.errors + r.warnings));
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

/** 0 for error rules, 1 for warnings: a stable sort by it keeps row order within each. */
function rank(rule: CheckRule): number {
  return RULE_SEVERITY[rule] === 'error' ? 0 : 1;
}

function findingLines(findings: { rule: string; message: string }[], max: number, total: number): string[] {
  const out = findings.slice(0, max).map((f) => `  [${f.rule}] ${f.message}`);
  if (total > out.length) out.push(`  ... ${total - out.length} more`);
  return out;
}
