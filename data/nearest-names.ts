// "Did you mean ...?" for misspelt names (config keys, flags, policies): the candidates closest to
// a word by edit distance, compared case-insensitively, so a typo gets a suggestion instead of a
// list of every allowed name.

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions). */
export function editDistance(a: string, b: string): number {
  const n = a.length;
  const m = b.length;
  let prev2 = new Array<number>(m + 1).fill(0);
  let prev = Array.from({ length: m + 1 }, (_, j) => j);
  for (let i = 1; i <= n; i++) {
    const cur = new Array<number>(m + 1);
    cur[0] = i;
    for (let j = 1; j <= m; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) cur[j] = Math.min(cur[j], prev2[j - 2] + 1);
    }
    prev2 = prev;
    prev = cur;
  }
  return prev[m];
}

/**
 * The closest candidates (at most `max`), nearest first; only those within about a third of the
 * word's length, so "lerningRate" finds learningRate but "xyz" finds nothing. A candidate that
 * contains the word (or the reverse) counts as close too: "lr" is not near "learningRate", but
 * "rate" finds learningRate.
 */
export function nearestNames(word: string, candidates: Iterable<string>, max = 3): string[] {
  const w = word.toLowerCase();
  const limit = Math.max(1, Math.floor(w.length / 3));
  const scored: [string, number][] = [];
  for (const c of new Set(candidates)) {
    const lc = c.toLowerCase();
    const d = editDistance(w, lc);
    if (d <= limit) scored.push([c, d]);
    else if (w.length >= 3 && (lc.includes(w) || w.includes(lc))) scored.push([c, limit + 1]);
  }
  return scored.sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0])).slice(0, max).map(([c]) => c);
}

/** "; did you mean learningRate?" / "; did you mean a, b or c?" / "" when nothing is close. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const near = nearestNames(word, candidates);
  if (!near.length) return '';
  const list = near.length === 1 ? near[0] : `${near.slice(0, -1).join(', ')} or ${near[near.length - 1]}`;
  return `; did you mean ${list}?`;
}
