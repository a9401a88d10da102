// Splitting CSV text into lines and fields. Only what market-data files use: one record per line
// (a quoted field may hold the delimiter or "" but not a newline), delimiter , ; or tab.

/** The lines of a text, \r\n or \n, without their endings. Index i is line i + 1 of the file. */
export function textLines(text: string): string[] {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (l.length > 0 && l.charCodeAt(l.length - 1) === 13) lines[i] = l.slice(0, -1);
  }
  return lines;
}

/** The delimiter of a header line: whichever of , ; tab it holds most of (comma on a tie). */
export function detectDelimiter(line: string): string {
  let best = ',';
  let bestCount = count(line, ',');
  for (const d of [';', '\t']) {
    const c = count(line, d);
    if (c > bestCount) { best = d; bestCount = c; }
  }
  return best;
}

function count(s: string, ch: string): number {
  let n = 0;
  for (let i = s.indexOf(ch); i >= 0; i = s.indexOf(ch, i + 1)) n++;
  return n;
}

/** The fields of one line; quotes are only parsed when the line has any (the fast path is split). */
export function splitCsvLine(line: string, delimiter: string): string[] {
  if (!line.includes('"')) return line.split(delimiter);
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"') {
        if (line[i + 1] === '"') { field += '"'; i++; } else quoted = false;
      } else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === delimiter) { out.push(field); field = ''; }
    else field += ch;
  }
  out.push(field);
  return out;
}

/** True for a line with nothing but whitespace (not a record: skipped, and counted by callers). */
export function isBlank(line: string): boolean {
  return line.trim() === '';
}
