// Median and MAD: location and scale that a few wild values cannot drag (a mean/std would be).
// 1.4826 * MAD equals the standard deviation for normal data, so a scale reads as "sigmas".

/** 1 / Phi^-1(3/4): makes the MAD a consistent estimator of sigma under normality. */
export const MAD_TO_SIGMA = 1.4826;
/** sqrt(pi / 2): E|X - mu| = sigma * sqrt(2 / pi) under normality. */
export const MEAN_AD_TO_SIGMA = 1.2533141373155003;

export interface RobustScale {
  /** How many values the statistics came from. */
  n: number;
  median: number;
  /** Median absolute deviation from the median. */
  mad: number;
  /** The sigma estimate; 0 means every value equals the median (or there are none). */
  scale: number;
  /**
   * 'mad': 1.4826 * MAD. 'mean-abs-dev': MAD was 0 (over half the values equal the median, common
   * for the returns of illiquid pairs with many unchanged closes), so 1.2533 * mean |x - median|.
   * 'none': every value equals the median (or there are none).
   */
  method: 'mad' | 'mean-abs-dev' | 'none';
}

/**
 * Median of the values (copied, the input is not reordered); NaN when empty. Quickselect, O(n):
 * sorting the copy instead took 3.0 ms of the 9 ms check of a 43k-row file (two medians per check).
 */
export function median(x: Float64Array): number {
  const n = x.length;
  if (n === 0) return NaN;
  const a = Float64Array.from(x);
  const k = n >> 1;
  const upper = selectKth(a, k);
  if (n % 2 === 1) return upper;
  // selectKth leaves every value below index k <= a[k]: the lower middle is their maximum.
  let lower = a[0];
  for (let i = 1; i < k; i++) if (a[i] > lower) lower = a[i];
  return (lower + upper) / 2;
}

/** Reorders `a` so that a[k] is the k-th smallest, smaller or equal values before it (Hoare, median-of-3 pivot). */
function selectKth(a: Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (lo < hi) {
    const x = a[lo], y = a[(lo + hi) >>> 1], z = a[hi];
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : (x < z ? x : y < z ? z : y);
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i]; a[i] = a[j]; a[j] = t;
        i++; j--;
      }
    }
    // Now a[lo..j] <= pivot, a[j+1..i-1] == pivot, a[i..hi] >= pivot.
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return a[k];
}

export function robustScale(x: Float64Array): RobustScale {
  const n = x.length;
  if (n === 0) return { n, median: NaN, mad: NaN, scale: 0, method: 'none' };
  const med = median(x);
  const dev = new Float64Array(n);
  let sumDev = 0;
  for (let k = 0; k < n; k++) {
    dev[k] = Math.abs(x[k] - med);
    sumDev += dev[k];
  }
  const mad = median(dev);
  if (mad > 0) return { n, median: med, mad, scale: MAD_TO_SIGMA * mad, method: 'mad' };
  const meanDev = sumDev / n;
  if (meanDev > 0) return { n, median: med, mad, scale: MEAN_AD_TO_SIGMA * meanDev, method: 'mean-abs-dev' };
  return { n, median: med, mad, scale: 0, method: 'none' };
}
