// The table `tradegym check lookahead` prints: one row per feature spec and per policy, with what
// was compared and what came out.
import { isoTime } from '../../data/timeframe.js';
import type { LookaheadReport, ProbeResult } from '../../experiments/lookahead/check-lookahead.js';

function columnsCell(columns: string[]): string {
  return columns.length <= 3 ? columns.join(', ') : `${columns[0]} .. ${columns[columns.length - 1]} (${columns.length})`;
}

function resultCell(r: ProbeResult, ts: Float64Array): string {
  if (r.differences.length) {
    const first = r.differences.reduce((a, d) => (d.bar < a.bar ? d : a));
    return `DIFFERS at ${r.differences.length} of ${r.cuts} cuts, first at ${isoTime(ts[first.bar])}`;
  }
  if (r.failure) {
    const where = r.failure.cut === undefined ? 'on the full data' : `with the data cut at ${isoTime(ts[r.failure.cut])}`;
    const msg = r.failure.error.message;
    return `FAILED ${where}: ${msg.length > 80 ? `${msg.slice(0, 77)}...` : msg}`;
  }
  return 'same';
}

export function lookaheadTable(report: LookaheadReport): { header: string[]; rows: string[][] } {
  const ts = report.candles.ts;
  return {
    header: ['checked', 'columns', 'cuts', 'values compared', 'result'],
    rows: report.results.map((r) => [`${r.kind} ${r.name}`, columnsCell(r.columns), String(r.cuts), String(r.values), resultCell(r, ts)]),
  };
}
