// A file read as a stream of rows of raw cells, whether it came as CSV or as a JSON array, with the
// file position of every row, so that any later complaint names the exact line (CSV: 1-based,
// header counted) or array element (JSON: 1-based, with the line it starts on). Rows come in
// batches and nothing keeps them: the caller turns them into typed columns as they arrive.
import { FileDataError } from '../file-position.js';
import { detectDelimiter, isBlank, readDecimalFields, splitCsvLine } from './csv-lines.js';
import { lineBatches } from './import-read.js';

export interface TableHead {
  /** The file as error messages name it. */
  label: string;
  format: 'csv' | 'json';
  /** Column names as written ('' for an unnamed index column); generated `#0`.. when positional. */
  rawColumns: string[];
  /** The same names normalised (see normalizeName), for matching. */
  columns: string[];
  /** True when the file had no header and columns are known only by position. */
  positional: boolean;
  /** 1-based line of the CSV header, for messages about a missing column. */
  headerLine?: number;
  /** The first data row and its line, so a reader can tell formats apart before the rows stream. */
  firstRow: unknown[];
  firstLine: number;
  /**
   * What was skipped or assumed while reading (banner lines, blank lines); the blank-line count is
   * added when the rows have all been read.
   */
  notes: string[];
}

/**
 * Some rows of the file. A batch keeps only their text: the cells of a row are made when asked for
 * and are garbage right after, so they never outlive a young-generation collection (holding a
 * batch of split rows pushed them into the old generation: 36 MB of heap for a 40 MB file).
 */
export interface RowBatch {
  readonly length: number;
  /** The cells of row k (0 <= k < length). Throws FileDataError naming the line. */
  row(k: number): unknown[];
  /** 1-based line of row k (JSON: the line its element starts on). */
  line(k: number): number;
  /** JSON only: 1-based element number of row k; undefined for CSV. */
  element(k: number): number | undefined;
  /**
   * The fast path of numeric CSV: the fields of row k that `want` marks (want[field] = slot in
   * `out`, else -1), when each is a plain decimal, read without making cells. False when the row
   * needs row(k) (quotes, other text, a wrong field count), which then reads it or names the fault.
   */
  decimals(k: number, want: Int32Array, out: Float64Array): boolean;
}

export interface RowStream {
  head: TableHead;
  /** Every data row, the first included, in file order. Throws FileDataError naming the line. */
  batches: AsyncGenerator<RowBatch>;
  /** Closes the file; call it in a finally (the batches may never be read when the head is refused). */
  close(): Promise<void>;
}

/** Lower case, trimmed, runs of spaces/underscores/hyphens as one "_": "Volume BTC" -> "volume_btc". */
export function normalizeName(name: string): string {
  return name.trim().toLowerCase().replace(/[\s_-]+/g, '_');
}

/** Index of the first candidate name (in priority order) the table has, or -1. */
export function findColumn(t: TableHead, candidates: readonly string[]): number {
  for (const c of candidates) {
    const i = t.columns.indexOf(c);
    if (i >= 0) return i;
  }
  return -1;
}

/**
 * Opens text chunks as rows. JSON when the first non-blank character is `[` or `{`, else CSV.
 * `isHeader` (given normalised names) picks the CSV header among the first lines; `expected` says
 * what the header should hold, for the error when there is none.
 */
export async function openRows(
  chunks: AsyncIterable<string>, label: string, isHeader: (names: string[]) => boolean, expected: string,
): Promise<RowStream> {
  const source = new Pushback(chunks[Symbol.asyncIterator]());
  // Sniff the first non-blank character, then put the chunks read so far back.
  const held: string[] = [];
  let first = '';
  for (let c = await source.next(); c !== undefined; c = await source.next()) {
    held.push(c);
    const m = /\S/.exec(c);
    if (m) { first = m[0]; break; }
  }
  for (let k = held.length - 1; k >= 0; k--) source.unread(held[k]);
  if (first === '') {
    await source.close();
    throw new FileDataError('the file is empty', { file: label, line: 1 });
  }
  return first === '[' || first === '{'
    ? openJson(source, label)
    : openCsv(source, label, isHeader, expected);
}

/** A chunk iterator that can put chunks back, so the format can be sniffed before reading. */
class Pushback {
  private readonly back: string[] = [];
  constructor(private readonly it: AsyncIterator<string>) {}

  async next(): Promise<string | undefined> {
    if (this.back.length > 0) return this.back.pop();
    const r = await this.it.next();
    return r.done ? undefined : r.value;
  }

  /** Puts a chunk back: the next next() returns it (chunks put back are returned last-in first-out). */
  unread(chunk: string): void {
    this.back.push(chunk);
  }

  async close(): Promise<void> {
    await this.it.return?.();
  }

  async *all(): AsyncGenerator<string> {
    try {
      for (let c = await this.next(); c !== undefined; c = await this.next()) yield c;
    } finally {
      await this.close();
    }
  }
}

const HEADER_SCAN_LINES = 10;

/**
 * CSV. The header is the first of the first few non-blank lines that `isHeader` accepts; lines above
 * it are banners (CryptoDataDownload puts its URL there) and are noted. With no header line found,
 * a file whose first line is all numbers or dates is read positionally; otherwise this is an error
 * naming what the header should hold.
 */
async function openCsv(source: Pushback, label: string, isHeader: (names: string[]) => boolean, expected: string): Promise<RowStream> {
  const lines = lineBatches(source.all(), label);
  // The first lines, enough to find the header and the first data row; they are replayed below.
  const buf: string[] = [];
  let nonBlank = 0;
  let exhausted = false;
  const more = async (): Promise<boolean> => {
    const r = await lines.next();
    if (r.done) { exhausted = true; return false; }
    for (const l of r.value) { buf.push(l); if (!isBlank(l)) nonBlank++; }
    return true;
  };
  try {
    while (nonBlank <= HEADER_SCAN_LINES && await more()) { /* buffer the first lines */ }
    let first = -1;
    for (let i = 0; i < buf.length; i++) if (!isBlank(buf[i])) { first = i; break; }
    if (first < 0) throw new FileDataError('the file is empty', { file: label, line: 1 });

    let headerAt = -1;
    let header: string[] = [];
    for (let i = first, seen = 0; i < buf.length && seen < HEADER_SCAN_LINES; i++) {
      if (isBlank(buf[i])) continue;
      seen++;
      const cells = splitCsvLine(buf[i], detectDelimiter(buf[i]));
      if (isHeader(cells.map(normalizeName))) { headerAt = i; header = cells; break; }
    }
    const notes: string[] = [];
    let positional = false;
    let dataFrom: number;
    let delimiter: string;
    if (headerAt >= 0) {
      delimiter = detectDelimiter(buf[headerAt]);
      const skipped = buf.slice(first, headerAt).filter((l) => !isBlank(l));
      if (skipped.length > 0) {
        notes.push(`skipped ${skipped.length} line(s) above the header (line ${headerAt + 1}): ${JSON.stringify(clip(skipped[0]))}`);
      }
      dataFrom = headerAt + 1;
    } else {
      delimiter = detectDelimiter(buf[first]);
      const cells = splitCsvLine(buf[first], delimiter);
      if (!cells.every(looksLikeValue)) {
        throw new FileDataError(`no header row found in the first ${HEADER_SCAN_LINES} lines; expected columns ${expected} ` +
          `(line ${first + 1} is ${JSON.stringify(clip(buf[first]))})`, { file: label, line: first + 1 });
      }
      positional = true;
      header = cells.map((_, k) => `#${k}`);
      dataFrom = first;
    }
    // The first data row, reading on when the header was the last line buffered.
    let firstData = -1;
    for (let i = dataFrom; ; i++) {
      if (i === buf.length && !(await more())) break;
      if (!isBlank(buf[i])) { firstData = i; break; }
    }
    const headerLine = headerAt >= 0 ? headerAt + 1 : undefined;
    if (firstData < 0) throw new FileDataError('no data rows after the header', { file: label, line: headerLine ?? first + 1 });

    const width = header.length;
    const delimiterCode = delimiter.charCodeAt(0);
    const widthOf = positional ? `line ${first + 1}` : `the header (line ${headerLine})`;
    const split = (line: string, lineNo: number): string[] => {
      const cells = splitCsvLine(line, delimiter);
      if (cells.length !== width) throw new FileDataError(`has ${cells.length} fields but ${widthOf} has ${width}`, { file: label, line: lineNo });
      return cells;
    };
    const head: TableHead = {
      label, format: 'csv', rawColumns: header, columns: header.map(normalizeName), positional, headerLine,
      firstRow: split(buf[firstData], firstData + 1), firstLine: firstData + 1, notes,
    };
    const buffered = buf.splice(0);
    async function* batches(): AsyncGenerator<RowBatch> {
      let blanks = 0;
      let lineNo = 0;
      const toRows = (batch: string[], from: number): RowBatch => {
        // Indexes of the non-blank lines. Only a line that starts with whitespace (or is empty) can
        // be blank, so the common line is never trimmed.
        const at = new Int32Array(batch.length - from);
        let n = 0;
        for (let i = from; i < batch.length; i++) {
          const text = batch[i];
          const c0 = text.charCodeAt(0);
          if (!(c0 > 32 && c0 < 128) && isBlank(text)) { blanks++; continue; }
          at[n++] = i;
        }
        const first = lineNo + 1;
        lineNo += batch.length;
        return {
          length: n,
          row: (k) => split(batch[at[k]], first + at[k]),
          line: (k) => first + at[k],
          element: () => undefined,
          decimals: (k, want, out) => readDecimalFields(batch[at[k]], delimiterCode, width, want, out),
        };
      };
      try {
        yield toRows(buffered, dataFrom);
        buffered.length = 0;
        if (!exhausted) for await (const batch of lines) yield toRows(batch, 0);
      } finally {
        await lines.return(undefined);
      }
      if (blanks > 0) notes.push(`skipped ${blanks} blank line(s)`);
    }
    return { head, batches: batches(), close: async () => { await lines.return(undefined); } };
  } catch (err) {
    await lines.return(undefined);
    throw err;
  }
}

/** A cell of a headerless first line: a number or a date, not a column name. */
function looksLikeValue(cell: string): boolean {
  const s = cell.trim();
  return s !== '' && (Number.isFinite(Number(s)) || /^\d{1,4}[-./]\d{1,2}[-./]\d{1,4}/.test(s) || /^\d{8} \d{2}:\d{2}/.test(s));
}

/**
 * A JSON array of rows: arrays (positional, e.g. freqtrade's [[ts, o, h, l, c, v], ...]) or objects
 * (named columns, from the first object's keys). Every row must have the first row's shape. The
 * array is cut into elements by a scanner that tracks only nesting and strings, and each element is
 * parsed on its own, so a one-line 500 MB file never becomes one string.
 */
async function openJson(source: Pushback, label: string): Promise<RowStream> {
  const scan = new JsonArrayScanner(label);
  const chunks = source.all();
  try {
    while (scan.count === 0) {
      const r = await chunks.next();
      if (r.done) { scan.finish(); break; }
      scan.push(r.value);
    }
    if (scan.count === 0) throw new FileDataError('the JSON array is empty (no rows)', { file: label, line: 1 });
    // The scanner only cuts elements that start with [ or {: an array or an object.
    const first = parseElement(scan.texts[0], label, scan.lines[0], 1) as unknown[] | Record<string, unknown>;
    let keys: string[] | undefined;
    let names: string[];
    let width: number;
    if (Array.isArray(first)) {
      width = first.length;
      names = first.map((_, k) => `#${k}`);
    } else {
      keys = Object.keys(first);
      width = keys.length;
      names = keys;
    }
    const rowOf = (v: unknown, line: number, element: number): unknown[] => {
      if (keys) {
        if (v === null || typeof v !== 'object' || Array.isArray(v)) {
          throw new FileDataError('row is not an object like the first row', { file: label, line, element });
        }
        const rec = v as Record<string, unknown>;
        const row = new Array<unknown>(width);
        for (let k = 0; k < width; k++) row[k] = rec[keys[k]];
        return row;
      }
      if (!Array.isArray(v) || v.length !== width) {
        const got = Array.isArray(v) ? `${v.length} fields` : 'an object';
        throw new FileDataError(`row has ${got}; the first row has ${width} fields`, { file: label, line, element });
      }
      return v;
    };
    const head: TableHead = {
      label, format: 'json', rawColumns: names, columns: keys ? names.map(normalizeName) : names, positional: !keys,
      firstRow: rowOf(first, scan.lines[0], 1), firstLine: scan.lines[0], notes: [],
    };
    async function* batches(): AsyncGenerator<RowBatch> {
      let element = 1;
      const drain = (): RowBatch => {
        const texts = scan.texts.splice(0);
        const line = scan.lines.splice(0);
        scan.clear();
        const first = element;
        element += texts.length;
        return {
          length: texts.length,
          row: (k) => rowOf(parseElement(texts[k], label, line[k], first + k), line[k], first + k),
          line: (k) => line[k],
          element: (k) => first + k,
          // A compact array row of plain numbers ("[1704067200000,4000.5,...]", freqtrade's format) is
          // read like a CSV line, which is twice as fast as JSON.parse; anything else declines.
          decimals: (k, want, out) => {
            const t = texts[k];
            return !keys && t.charCodeAt(t.length - 1) === 93 && readDecimalFields(t, 44, width, want, out, 1, t.length - 1);
          },
        };
      };
      try {
        yield drain();
        for (;;) {
          const r = await chunks.next();
          if (r.done) break;
          scan.push(r.value);
          if (scan.count > 0) yield drain();
        }
        scan.finish();
        if (scan.count > 0) yield drain();
      } finally {
        await chunks.return(undefined);
      }
    }
    return { head, batches: batches(), close: async () => { await chunks.return(undefined); } };
  } catch (err) {
    await chunks.return(undefined);
    throw err;
  }
}

function parseElement(text: string, file: string, line: number, element: number): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new FileDataError(`invalid JSON: ${(err as Error).message}`, { file, line, element }, { cause: err });
  }
}

const enum Scan { Before, FirstValue, Value, Element, After, End }
/** An element (a row) longer than this is not a row: the file is not an array of rows. */
const MAX_ELEMENT_CHARS = 1 << 20;

/**
 * Cuts a top-level JSON array into the texts of its elements, chunk by chunk, counting lines. Only
 * what is needed to find element boundaries is checked (brackets outside strings, commas); each
 * element's own syntax is JSON.parse's job.
 */
class JsonArrayScanner {
  /** Completed elements since the last clear(): their texts and the lines they start on. */
  texts: string[] = [];
  lines: number[] = [];
  count = 0;
  private state = Scan.Before;
  private line = 1;
  private depth = 0;
  private inString = false;
  private escape = false;
  private partial = '';
  private startLine = 0;
  private elements = 0;

  constructor(private readonly label: string) {}

  clear(): void {
    this.texts.length = 0;
    this.lines.length = 0;
    this.count = 0;
  }

  push(chunk: string): void {
    let start = this.state === Scan.Element ? 0 : -1;
    const n = chunk.length;
    for (let i = 0; i < n; i++) {
      const c = chunk.charCodeAt(i);
      if (this.state === Scan.Element) {
        // The hot path: inside a row. Newlines can only be whitespace here (JSON strings hold none).
        if (this.inString) {
          if (this.escape) this.escape = false;
          else if (c === 92) this.escape = true;
          else if (c === 34) this.inString = false;
        } else if (c === 34) this.inString = true;
        else if (c === 91 || c === 123) this.depth++;
        else if (c === 93 || c === 125) {
          if (--this.depth === 0) {
            this.texts.push(this.partial === '' ? chunk.slice(start, i + 1) : this.partial + chunk.slice(start, i + 1));
            this.lines.push(this.startLine);
            this.count++;
            this.partial = '';
            this.state = Scan.After;
          }
        } else if (c === 10) this.line++;
        continue;
      }
      if (c === 10) { this.line++; continue; }
      if (c === 32 || c === 9 || c === 13) continue;
      switch (this.state) {
        case Scan.Before:
          if (c === 91) { this.state = Scan.FirstValue; break; }
          this.fail(c === 123 ? 'JSON must be an array of rows (arrays or objects), not an object' : `invalid JSON: unexpected ${JSON.stringify(chunk[i])} at the start`);
          break;
        case Scan.FirstValue:
        case Scan.Value:
          if (c === 93 && this.state === Scan.FirstValue) { this.state = Scan.End; break; }
          if (c !== 91 && c !== 123) {
            this.fail(c === 93 ? 'invalid JSON: a comma before the closing ]' : 'JSON rows must be arrays or objects', true);
          }
          this.state = Scan.Element;
          this.elements++;
          this.startLine = this.line;
          this.depth = 1;
          this.inString = false;
          start = i;
          break;
        case Scan.After:
          if (c === 44) this.state = Scan.Value;
          else if (c === 93) this.state = Scan.End;
          else this.fail(`invalid JSON: expected , or ] after element ${this.elements}, got ${JSON.stringify(chunk[i])}`);
          break;
        case Scan.End:
          this.fail(`invalid JSON: ${JSON.stringify(chunk[i])} after the closing ]`);
      }
    }
    if (this.state === Scan.Element) {
      this.partial += chunk.slice(start);
      if (this.partial.length > MAX_ELEMENT_CHARS) {
        throw new FileDataError(`element ${this.elements} is longer than ${MAX_ELEMENT_CHARS} characters: not an array of rows`,
          { file: this.label, line: this.startLine, element: this.elements });
      }
    }
  }

  /** At the end of the text: throws unless the array was closed. */
  finish(): void {
    if (this.state === Scan.End) return;
    if (this.state === Scan.Before) throw new FileDataError('the file is empty', { file: this.label, line: 1 });
    if (this.state === Scan.Element) {
      throw new FileDataError(`invalid JSON: the file ends inside element ${this.elements}`, { file: this.label, line: this.startLine, element: this.elements });
    }
    this.fail('invalid JSON: the file ends before the closing ]');
  }

  private fail(message: string, nextElement = false): never {
    const element = nextElement ? this.elements + 1 : undefined;
    throw new FileDataError(message, { file: this.label, line: this.line, element });
  }
}

/** Counts the empty cells read as NaN per column, for one note per column at the end. */
export class MissingCounter {
  private readonly counts = new Map<string, { n: number; first: string }>();

  add(column: string, where: string): void {
    const c = this.counts.get(column);
    if (c) c.n++;
    else this.counts.set(column, { n: 1, first: where });
  }

  notes(): string[] {
    return [...this.counts].map(([col, c]) => `${c.n} empty value(s) in column ${col} read as NaN (the first at ${c.first})`);
  }
}

const MISSING = new Set(['', 'nan', 'NaN', 'null', 'None', 'NULL']);

/** "line 81" or "line 5, element 3": how a row of a file is named. */
export function placeName(line: number, element: number | undefined): string {
  return element === undefined ? `line ${line}` : `line ${line}, element ${element}`;
}

/**
 * A cell as a number. Numbers and numeric strings are accepted; an empty cell (or NaN/null) is
 * NaN and counted, never an error, since data/clean decides what to do with holes; anything else
 * is a FileDataError naming the file, line and column.
 */
export function cellNumber(v: unknown, name: string, missing: MissingCounter, file: string, line: number, element?: number): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    // Number() reads surrounding spaces, but reads a blank cell as 0: a blank is a hole, not a zero.
    const x = Number(v);
    if (x === x && (x !== 0 || v.trim() !== '')) return x;
    if (MISSING.has(v.trim())) { missing.add(name, placeName(line, element)); return NaN; }
    throw new FileDataError(`${name} is not a number: ${JSON.stringify(clip(v))}`, { file, line, element, column: name });
  }
  if (v === null || v === undefined) { missing.add(name, placeName(line, element)); return NaN; }
  throw new FileDataError(`${name} is not a number: ${clip(JSON.stringify(v))}`, { file, line, element, column: name });
}

export function clip(s: string, max = 80): string {
  return s.length > max ? `${s.slice(0, max)}...` : s;
}
