// A file read as a table of raw cells, whether it came as CSV or as JSON, with the file position of
// every row kept so that any later complaint names the exact line (CSV) or array element (JSON).
import { DataError } from '../errors.js';
import { detectDelimiter, isBlank, splitCsvLine, textLines } from './csv-lines.js';

export interface Table {
  /** The file as error messages name it. */
  label: string;
  /** Column names as written ('' for an unnamed index column); generated `#0`.. when positional. */
  rawColumns: string[];
  /** The same names normalised (see normalizeName), for matching. */
  columns: string[];
  /** True when the file had no header and columns are known only by position. */
  positional: boolean;
  /** 1-based line of the CSV header, for messages about a missing column. */
  headerRow?: number;
  rows: unknown[][];
  /** 1-based line number (CSV) or array element number (JSON) of each row, for error messages. */
  rowNo: number[];
  /** What was skipped or assumed while reading (banner lines, blank lines, missing header). */
  notes: string[];
}

/** Lower case, trimmed, runs of spaces/underscores/hyphens as one "_": "Volume BTC" -> "volume_btc". */
export function normalizeName(name: string): string {
  return name.trim().toLowerCase().replace(/[\s_-]+/g, '_');
}

/** Index of the first candidate name (in priority order) the table has, or -1. */
export function findColumn(t: Table, candidates: readonly string[]): number {
  for (const c of candidates) {
    const i = t.columns.indexOf(c);
    if (i >= 0) return i;
  }
  return -1;
}

const HEADER_SCAN_LINES = 10;

/**
 * Reads CSV text. The header is the first of the first few non-blank lines that `isHeader`
 * accepts (given normalised names); lines above it are banners (CryptoDataDownload puts its URL
 * there) and are noted. With no header line found, a file whose first line is all numbers or
 * dates is read positionally; otherwise this is an error naming what the header should hold.
 */
export function csvTable(text: string, label: string, isHeader: (names: string[]) => boolean, expected: string): Table {
  const lines = textLines(text);
  const notes: string[] = [];
  let first = -1;
  for (let i = 0; i < lines.length; i++) if (!isBlank(lines[i])) { first = i; break; }
  if (first < 0) throw new DataError('the file is empty', { file: label, row: 1 });

  const delimiter = detectDelimiter(lines[first]);
  let headerAt = -1;
  let header: string[] = [];
  for (let i = first, seen = 0; i < lines.length && seen < HEADER_SCAN_LINES; i++) {
    if (isBlank(lines[i])) continue;
    seen++;
    const cells = splitCsvLine(lines[i], detectDelimiter(lines[i]));
    if (isHeader(cells.map(normalizeName))) { headerAt = i; header = cells; break; }
  }

  let positional = false;
  let dataFrom: number;
  let fieldDelimiter = delimiter;
  if (headerAt >= 0) {
    fieldDelimiter = detectDelimiter(lines[headerAt]);
    const skipped = lines.slice(first, headerAt).filter((l) => !isBlank(l));
    if (skipped.length > 0) {
      notes.push(`skipped ${skipped.length} line(s) above the header (line ${headerAt + 1}): ${JSON.stringify(clip(skipped[0]))}`);
    }
    dataFrom = headerAt + 1;
  } else {
    const cells = splitCsvLine(lines[first], delimiter);
    if (!cells.every(looksLikeValue)) {
      throw new DataError(`no header row found in the first ${HEADER_SCAN_LINES} lines; expected columns ${expected} ` +
        `(line ${first + 1} is ${JSON.stringify(clip(lines[first]))})`, { file: label, row: first + 1 });
    }
    positional = true;
    header = cells.map((_, k) => `#${k}`);
    dataFrom = first;
  }

  const width = header.length;
  const rows: unknown[][] = [];
  const rowNo: number[] = [];
  let blanks = 0;
  for (let i = dataFrom; i < lines.length; i++) {
    const line = lines[i];
    if (isBlank(line)) { blanks++; continue; }
    const cells = splitCsvLine(line, fieldDelimiter);
    if (cells.length !== width) {
      const what = positional ? `line ${first + 1}` : `the header (line ${headerAt + 1})`;
      throw new DataError(`has ${cells.length} fields but ${what} has ${width}`, { file: label, row: i + 1 });
    }
    rows.push(cells);
    rowNo.push(i + 1);
  }
  if (rows.length === 0) {
    throw new DataError('no data rows after the header', { file: label, row: headerAt >= 0 ? headerAt + 1 : first + 1 });
  }
  // The trailing newline of the file leaves one blank "line": not worth a note.
  const trailing = lines.length > 0 && isBlank(lines[lines.length - 1]) ? 1 : 0;
  if (blanks - trailing > 0) notes.push(`skipped ${blanks - trailing} blank line(s)`);
  return {
    label, rawColumns: header, columns: header.map(normalizeName), positional,
    headerRow: headerAt >= 0 ? headerAt + 1 : undefined, rows, rowNo, notes,
  };
}

/** A cell of a headerless first line: a number or a date, not a column name. */
function looksLikeValue(cell: string): boolean {
  const s = cell.trim();
  return s !== '' && (Number.isFinite(Number(s)) || /^\d{1,4}[-./]\d{1,2}[-./]\d{1,4}/.test(s) || /^\d{8} \d{2}:\d{2}/.test(s));
}

/**
 * Reads parsed JSON: an array of arrays (positional, e.g. freqtrade's
 * [[ts, o, h, l, c, v], ...]) or an array of objects (named columns, from the first object's keys).
 * Every row must have the first row's shape; the row number is the 1-based array element.
 */
export function jsonTable(value: unknown, label: string): Table {
  if (!Array.isArray(value)) {
    throw new DataError('JSON must be an array of rows (arrays or objects)', { file: label, row: 1 });
  }
  if (value.length === 0) throw new DataError('the JSON array is empty (no rows)', { file: label, row: 1 });
  const rowNo = new Array<number>(value.length);
  for (let i = 0; i < value.length; i++) rowNo[i] = i + 1;
  const first: unknown = value[0];
  if (Array.isArray(first)) {
    const width = first.length;
    for (let i = 0; i < value.length; i++) {
      const r: unknown = value[i];
      if (!Array.isArray(r) || r.length !== width) {
        const got = Array.isArray(r) ? `${r.length} fields` : `a ${r === null ? 'null' : typeof r}`;
        throw new DataError(`row has ${got}; the first row has ${width} fields`, { file: label, row: i + 1 });
      }
    }
    const names = first.map((_: unknown, k: number) => `#${k}`);
    return { label, rawColumns: names, columns: names, positional: true, rows: value as unknown[][], rowNo, notes: [] };
  }
  if (first === null || typeof first !== 'object') {
    throw new DataError('JSON rows must be arrays or objects', { file: label, row: 1 });
  }
  const keys = Object.keys(first);
  const rows = new Array<unknown[]>(value.length);
  for (let i = 0; i < value.length; i++) {
    const r: unknown = value[i];
    if (r === null || typeof r !== 'object' || Array.isArray(r)) {
      throw new DataError('row is not an object like the first row', { file: label, row: i + 1 });
    }
    const rec = r as Record<string, unknown>;
    rows[i] = keys.map((k) => rec[k]);
  }
  return { label, rawColumns: keys, columns: keys.map(normalizeName), positional: false, rows, rowNo, notes: [] };
}

/** Parses JSON text, turning a syntax error into a DataError that names the line. */
export function parseJsonText(text: string, label: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    const pos = /position (\d+)/.exec((err as Error).message);
    const line = pos ? lineOfOffset(text, Number(pos[1])) : undefined;
    throw new DataError(`invalid JSON: ${(err as Error).message}`, { file: label, row: line }, { cause: err });
  }
}

function lineOfOffset(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** Counts the empty cells read as NaN per column, for one note per column at the end. */
export class MissingCounter {
  private readonly counts = new Map<string, { n: number; firstRow: number }>();

  add(column: string, row: number): void {
    const c = this.counts.get(column);
    if (c) c.n++;
    else this.counts.set(column, { n: 1, firstRow: row });
  }

  notes(): string[] {
    return [...this.counts].map(([col, c]) => `${c.n} empty value(s) in column ${col} read as NaN (first at row ${c.firstRow})`);
  }
}

const MISSING = new Set(['', 'nan', 'NaN', 'null', 'None', 'NULL']);

/**
 * A cell as a number. Numbers and numeric strings are accepted; an empty cell (or NaN/null) is
 * NaN and counted, never an error, since data/clean decides what to do with holes; anything else
 * is a DataError naming the file, row and column.
 */
export function cellNumber(t: Table, i: number, col: number, name: string, missing: MissingCounter): number {
  const v = t.rows[i][col];
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const s = v.trim();
    if (MISSING.has(s)) { missing.add(name, t.rowNo[i]); return NaN; }
    const x = Number(s);
    if (Number.isNaN(x)) {
      throw new DataError(`${name} is not a number: ${JSON.stringify(clip(v))}`, { file: t.label, row: t.rowNo[i], column: name });
    }
    return x;
  }
  if (v === null || v === undefined) { missing.add(name, t.rowNo[i]); return NaN; }
  throw new DataError(`${name} is not a number: ${clip(JSON.stringify(v))}`, { file: t.label, row: t.rowNo[i], column: name });
}

export function clip(s: string, max = 80): string {
  return s.length > max ? `${s.slice(0, max)}...` : s;
}
