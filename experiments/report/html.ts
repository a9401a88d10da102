// HTML building blocks: escaping, JSON inside a page, the inlined chart library, sortable tables.
// Every string from a run (names, config, tags) goes through escapeHtml or jsonForScript.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

/**
 * JSON safe inside <script type="application/json">: no `<` (so no `</script>` or `<!--`) and no
 * U+2028/2029. The page reads it back with JSON.parse(el.textContent).
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** Code inlined into <script>: a literal `</script` would end the element early. */
export function inlineScript(code: string): string {
  return code.replace(/<\/(script)/gi, '<\\/$1');
}

/** 2024-01-01T05:00:00.000Z -> 2024-01-01 05:00Z; anything else unchanged. */
export function isoShort(s: string): string {
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(s)) return s;
  if (/^.{16}:00(\.000)?Z$/.test(s)) return `${s.slice(0, 10)} ${s.slice(11, 16)}Z`;
  return `${s.slice(0, 10)} ${s.slice(11).replace(/\.000Z$/, 'Z')}`;
}

export interface ChartLibrary {
  js: string;
  css: string;
  version: string;
}

let cached: ChartLibrary | undefined;

/** uPlot (MIT, github.com/leeoniya/uPlot), read from node_modules to be inlined: the page needs no network. */
export function chartLibrary(): ChartLibrary {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const js = readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8');
  const css = readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8');
  const version = (JSON.parse(readFileSync(require.resolve('uplot/package.json'), 'utf8')) as { version: string }).version;
  cached = { js, css, version };
  return cached;
}

export interface Cell {
  text: string;
  /** Sort key: a number (NaN sorts last) or text; default the text. */
  sort?: number | string;
  className?: string;
  /** Makes the text a link (relative paths only are expected). */
  href?: string;
  /** A colour square before the text (a policy's line colour), drawn by CSS so the text stays as is. */
  swatch?: string;
}

export interface TableSpec {
  id: string;
  /** `sorted`: the rows already come in this order (shown as the header's arrow). */
  header: { text: string; numeric?: boolean; title?: string; sorted?: 'ascending' | 'descending' }[];
  rows: { cells: (Cell | string)[]; className?: string }[];
  caption?: string;
  /** Column whose (numeric) value groups rows: a click on another header sorts within each group. */
  groupCol?: number;
}

const sortAttr = (v: number | string | undefined): string => {
  if (v === undefined) return '';
  if (typeof v === 'number') return ` data-v="${Number.isFinite(v) ? v : ''}"`;
  return ` data-v="${escapeHtml(v)}"`;
};

/** A table the page script makes sortable by clicking a header (numeric columns by their data-v). */
export function renderTable(t: TableSpec): string {
  const head = t.header
    .map((h, j) => `<th scope="col" data-col="${j}"${h.numeric ? ' data-type="num"' : ''}${h.title ? ` title="${escapeHtml(h.title)}"` : ''}${h.sorted ? ` aria-sort="${h.sorted}"` : ''}><button type="button">${escapeHtml(h.text)}</button></th>`)
    .join('');
  const body = t.rows
    .map((r) => {
      const cells = r.cells
        .map((c, j) => {
          const cell = typeof c === 'string' ? { text: c } : c;
          const swatch = cell.swatch && /^#[0-9a-f]{6}$/i.test(cell.swatch) ? cell.swatch : undefined;
          const cls = [t.header[j]?.numeric ? 'num' : '', cell.className ?? '', swatch ? 'swatch' : ''].filter(Boolean).join(' ');
          const text = cell.href ? `<a href="${escapeHtml(cell.href)}">${escapeHtml(cell.text)}</a>` : escapeHtml(cell.text);
          return `<td${cls ? ` class="${cls}"` : ''}${swatch ? ` style="--swatch: ${swatch}"` : ''}${sortAttr(cell.sort)}>${text}</td>`;
        })
        .join('');
      return `<tr${r.className ? ` class="${r.className}"` : ''}>${cells}</tr>`;
    })
    .join('\n');
  const caption = t.caption ? `<caption>${escapeHtml(t.caption)}</caption>` : '';
  const group = t.groupCol !== undefined ? ` data-group-col="${t.groupCol}"` : '';
  return `<div class="table-wrap"><table id="${escapeHtml(t.id)}" class="sortable"${group}>${caption}<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody></table></div>`;
}
