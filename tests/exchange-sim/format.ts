// Numbers as Binance writes them: decimal strings ("42123.45000000"), never exponent notation.

/**
 * Binance-style decimal text. Binance prints 8 decimals; we do the same whenever that is exact,
 * and otherwise print every digit the double has, so a value survives the round trip through the
 * sim unchanged (tests compare what ccxt returns with the dataset, value for value).
 */
export function fmt(x: number): string {
  const fixed = x.toFixed(8);
  return Number(fixed) === x ? fixed : expandExponent(String(x));
}

/** Always 8 decimals: for derived values (quote volume, ...) that have no exact form anyway. */
export function fixed8(x: number): string {
  return x.toFixed(8);
}

/** "1.5e-7" -> "0.00000015", "1e+21" -> "1000000000000000000000"; other text unchanged. */
export function expandExponent(s: string): string {
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(s);
  if (!m) return s;
  const [, sign, lead, frac = '', expText] = m;
  const exp = Number(expText);
  const digits = lead + frac;
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  const intLen = exp + 1;
  if (digits.length <= intLen) return sign + digits + '0'.repeat(intLen - digits.length);
  return `${sign}${digits.slice(0, intLen)}.${digits.slice(intLen)}`;
}

/** Rounds to `decimals` places without binary noise (0.1 + 0.2 -> 0.3). */
export function roundTo(x: number, decimals: number): number {
  return Number(x.toFixed(decimals));
}

/**
 * Fewest decimals (0..max) that write every sampled value exactly; used to derive a tick size or
 * lot step from data. Sampling keeps this cheap on millions of rows; NaN and 0 are skipped.
 */
export function decimalsOf(arrays: ArrayLike<number>[], max = 8, samplesPerArray = 2000): number {
  let need = 0;
  for (const a of arrays) {
    const stride = Math.max(1, Math.floor(a.length / samplesPerArray));
    for (let i = 0; i < a.length && need < max; i += stride) {
      const x = a[i];
      if (!Number.isFinite(x) || x === 0) continue;
      while (need < max && Math.abs(roundTo(x, need) - x) > Math.abs(x) * 1e-12) need++;
    }
  }
  return need;
}
