// Splitting CSV lines into fields. Only what market-data files use: one record per line (a quoted
// field may hold the delimiter or "" but not a newline), delimiter , ; or tab. Lines come from
// import-read.ts's lineBatches, which streams the file.

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

/** 10^k for k <= 22: every one is exact in a double. */
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * The hot path of a numeric CSV: reads the fields of a line that `want` marks (want[field] = slot in
 * `out`, -1 for a field not wanted) when each is a plain decimal ("-12.5", "4012.35",
 * "1618951320000", ".5"), in one pass and without making a string. False when the line needs the
 * general path (quotes, a field count other than `width`, a wanted field with a sign other than a
 * leading "-", an exponent, spaces, nothing, or more than 15 digits), which then reads it with
 * Number() or names what is wrong. Exact: up to 15 digits form an integer below 2^53, and dividing
 * it by an exact power of ten rounds once, correctly, so the result equals Number() of the text.
 * (Split and Number() per cell cost about twice as long: `npm run bench -- import`.) `from` and
 * `to` bound the part of `line` to read (a compact JSON row "[1,2,3]" is read from 1 to length - 1).
 */
export function readDecimalFields(
  line: string, delimiter: number, width: number, want: Int32Array, out: Float64Array, from = 0, to = line.length,
): boolean {
  const n = to;
  let field = 0;
  let m = 0;
  let digits = 0;
  let frac = -1;
  let neg = false;
  let bad = false;
  let empty = true;
  for (let i = from; i <= n; i++) {
    const c = i < n ? line.charCodeAt(i) : delimiter;
    if (c === delimiter) {
      if (field >= width) return false;
      const slot = want[field];
      if (slot >= 0) {
        if (bad || digits === 0 || digits > 15) return false;
        const x = frac > 0 ? m / POW10[frac] : m;
        out[slot] = neg ? -x : x;
      }
      field++;
      m = 0; digits = 0; frac = -1; neg = false; bad = false; empty = true;
      continue;
    }
    if (c >= 48 && c <= 57) {
      m = m * 10 + (c - 48);
      digits++;
      if (frac >= 0) frac++;
    } else if (c === 46 && frac < 0) frac = 0;
    else if (c === 45 && empty) neg = true;
    else if (c === 34) return false;
    else bad = true;
    empty = false;
  }
  return field === width;
}
