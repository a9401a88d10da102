// The shell shared by report.html and compare.html: one self-contained file with uPlot, its CSS,
// the page script and the chart data inlined, so it opens from disk, offline, years later.
import { CLIENT_SCRIPT } from './client-script.js';
import { chartLibrary, escapeHtml, inlineScript, jsonForScript } from './html.js';
import type { LineChartSpec } from './series.js';

/** A chart slot: one spec, or several that a <select data-switch="id"> picks from. */
export interface ChartEntry {
  options: LineChartSpec[];
  /** Charts with the same key share the cursor (time-aligned charts). */
  sync?: string;
}

export interface PageData {
  charts: Record<string, ChartEntry>;
}

export interface Section {
  id: string;
  title: string;
  html: string;
}

export interface PageInput {
  title: string;
  /** Already escaped HTML under the title. */
  subtitle: string;
  sections: Section[];
  data: PageData;
  generatedAt: Date;
}

/** A chart slot for the page script to fill. */
export function chartSlot(id: string, height = 320): string {
  return `<div class="chart" data-chart="${escapeHtml(id)}" data-height="${height}"></div>`;
}

/** A <select> choosing among the options of a chart entry. */
export function chartSwitch(id: string, label: string, names: string[], selected = 0): string {
  const opts = names.map((n, i) => `<option value="${i}"${i === selected ? ' selected' : ''}>${escapeHtml(n)}</option>`).join('');
  return `<label class="switch">${escapeHtml(label)} <select data-switch="${escapeHtml(id)}">${opts}</select></label>`;
}

const CSS = `
:root { --fg: #111827; --muted: #6b7280; --line: #e5e7eb; --bg: #ffffff; --panel: #f9fafb; --accent: #2563eb; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
header.top { padding: 20px 28px 12px; border-bottom: 1px solid var(--line); }
header.top h1 { margin: 0 0 4px; font-size: 22px; word-break: break-all; }
.meta { color: var(--muted); margin: 0; }
nav { padding: 8px 28px; border-bottom: 1px solid var(--line); position: sticky; top: 0; background: var(--bg); z-index: 10; }
nav a { margin-right: 16px; color: var(--accent); text-decoration: none; }
main { padding: 8px 28px 40px; max-width: 1400px; min-width: 0; }
section { margin-top: 24px; min-width: 0; }
h2 { font-size: 17px; margin: 0 0 8px; }
h3 { font-size: 14px; margin: 12px 0 4px; color: var(--muted); font-weight: 600; }
.chart { width: 100%; min-height: 60px; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(420px, 100%), 1fr)); gap: 8px 20px; }
.grid > div { min-width: 0; }
.grid .title { font-weight: 600; margin: 8px 0 0; word-break: break-all; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; }
.card { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 10px 14px; min-width: 150px; }
.card .k { color: var(--muted); font-size: 12px; }
.card .v { font-size: 18px; font-weight: 600; word-break: break-all; }
.card .s { color: var(--muted); font-size: 12px; }
.table-wrap { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
caption { text-align: left; color: var(--muted); padding-bottom: 4px; }
th, td { padding: 4px 8px; border-bottom: 1px solid var(--line); white-space: nowrap; text-align: left; }
td.num { text-align: right; }
th { background: var(--panel); position: relative; }
th button { all: unset; cursor: pointer; font-weight: 600; }
th[data-type="num"] { text-align: right; }
th[aria-sort="ascending"] button::after { content: " \\25B2"; font-size: 10px; }
th[aria-sort="descending"] button::after { content: " \\25BC"; font-size: 10px; }
td.swatch::before { content: ""; display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; background: var(--swatch); vertical-align: baseline; }
tr.best td { background: #eff6ff; }
tr.best td.policy::after { content: "best"; margin-left: 6px; font-size: 11px; color: #fff; background: var(--accent); border-radius: 3px; padding: 0 4px; }
pre.config { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 12px; overflow: auto; max-height: 600px; }
.note { color: var(--muted); }
.warning { background: #fffbeb; border: 1px solid #f59e0b; border-radius: 6px; padding: 8px 14px; margin: 8px 0; }
.warning ul { margin: 4px 0 0; padding-left: 20px; }
td.warn { color: #b45309; }
tr.summary td { background: var(--panel); font-weight: 600; }
.error { background: #fef2f2; color: #991b1b; padding: 8px 28px; margin: 0; }
label.switch { display: inline-block; margin-bottom: 6px; }
footer { color: var(--muted); font-size: 12px; padding: 16px 28px; border-top: 1px solid var(--line); }
.u-legend { font-size: 12px; }
`;

export function renderPage(p: PageInput): string {
  const lib = chartLibrary();
  const nav = p.sections.map((s) => `<a href="#${escapeHtml(s.id)}">${escapeHtml(s.title)}</a>`).join('');
  const body = p.sections.map((s) => `<section id="${escapeHtml(s.id)}">\n<h2>${escapeHtml(s.title)}</h2>\n${s.html}\n</section>`).join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(p.title)}</title>
<style>${lib.css.replace(/<\//g, '<\\/')}</style>
<style>${CSS}</style>
</head>
<body>
<header class="top"><h1>${escapeHtml(p.title)}</h1><p class="meta">${p.subtitle}</p></header>
<nav>${nav}</nav>
<main>
${body}
</main>
<footer>Generated by tradegym on ${escapeHtml(p.generatedAt.toISOString())}. Charts: uPlot ${escapeHtml(lib.version)} (MIT, github.com/leeoniya/uPlot), inlined. Times are UTC.</footer>
<script type="application/json" id="report-data">${jsonForScript(p.data)}</script>
<script>${inlineScript(lib.js)}</script>
<script>${inlineScript(CLIENT_SCRIPT)}</script>
</body>
</html>
`;
}
