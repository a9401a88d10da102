// Where a row came from in an imported file, so that every message about it names a place the user
// can open: "line 81" of a CSV (1-based, the header and any banner counted, like an editor shows
// it), or "line 5, element 3" of a JSON array (the element's 1-based position in the top-level
// array and the line it starts on). Rows held only in memory are named by their 0-based array
// index, "row 12", as before.
import { DataError } from './errors.js';

/** The file position of every row of a series, in the series' own (possibly re-ordered) row order. */
export interface RowPositions {
  /** The file as messages name it (a zip adds its inner file name). */
  file: string;
  /** 1-based line of each row; 0 for a row the file never had (a bar a repair inserted). */
  line: Uint32Array;
  /** JSON arrays only: 1-based element of each row; 0 for an inserted row. */
  element?: Uint32Array;
}

/** One place in a file: what FileDataError names. */
export interface FilePosition {
  file?: string;
  line?: number;
  element?: number;
  column?: string;
}

/** "f.csv, line 81, close": the parts that are known, in that order. */
export function positionText(p: FilePosition): string {
  const parts: string[] = [];
  if (p.file !== undefined) parts.push(p.file);
  if (p.line !== undefined) parts.push(`line ${p.line}`);
  if (p.element !== undefined) parts.push(`element ${p.element}`);
  if (p.column !== undefined) parts.push(p.column);
  return parts.join(', ');
}

/** How messages name row `row`: its file position when there is one, else "row N" (0-based index). */
export function rowName(positions: RowPositions | undefined, row: number): string {
  if (!positions || row < 0 || row >= positions.line.length) return `row ${row}`;
  const line = positions.line[row];
  if (line === 0) return `row ${row} (inserted)`;
  const element = positions.element?.[row];
  return element ? `line ${line}, element ${element}` : `line ${line}`;
}

/** The file position of a row (undefined fields when `positions` has none for it). */
export function rowPosition(positions: RowPositions, row: number, column?: string): FilePosition {
  const line = positions.line[row];
  const element = positions.element?.[row];
  return { file: positions.file, line: line || undefined, element: element || undefined, column };
}

/** Positions of a subset or re-ordering of rows: `rows[k]` is the source row of row k (-1: inserted). */
export function pickPositions(p: RowPositions, rows: Int32Array): RowPositions {
  const line = new Uint32Array(rows.length);
  const element = p.element ? new Uint32Array(rows.length) : undefined;
  for (let k = 0; k < rows.length; k++) {
    const i = rows[k];
    if (i < 0) continue;
    line[k] = p.line[i];
    if (element) element[k] = p.element![i];
  }
  return { file: p.file, line, ...(element ? { element } : {}) };
}

/**
 * A DataError at a file position ("f.csv, line 81, close: close is not a number: \"abc\""). DataError
 * names rows by index only; this names the line (and JSON element) instead, and keeps the position
 * and the bare message apart for callers that add to it.
 */
export class FileDataError extends DataError {
  constructor(readonly detail: string, readonly position: FilePosition, options?: { cause?: unknown }) {
    const at = positionText(position);
    super(at ? `${at}: ${detail}` : detail, {}, options);
  }
}
