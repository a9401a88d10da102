// Binary search over ascending timestamp / id columns, and the check that they are ascending.

/** First index i with a[i] >= x (a.length when none). */
export function lowerBound(a: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index i with a[i] > x (a.length when none). */
export function upperBound(a: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Throws when `a` is not non-decreasing: replay and range queries rely on sorted data. */
export function assertAscending(a: ArrayLike<number>, what: string): void {
  for (let i = 1; i < a.length; i++) {
    if (!(a[i] >= a[i - 1])) throw new Error(`exchange-sim: ${what} is not in ascending order at row ${i}`);
  }
}
