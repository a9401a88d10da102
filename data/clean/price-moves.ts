// Large moves and spikes, each judged against the series' own LOCAL volatility. One global scale
// made every ordinary hourly BTC move of 2017 (4-6 %, sigma then ~1.5 %) an "outlier" (121 on the
// shipped sample) because 2018-19 were calm; here a move is measured in sigmas of the bars just
// before it, so volatility clusters are judged by their own standard.
//
// Local sigma: 1.2533 * the larger of two exponentially weighted means of |log return|, a fast one
// (half-life 20 bars: follows a volatility burst within a few bars) and a slow one (500 bars: a long
// calm does not shrink the yardstick to nothing). Each |return| is winsorized at 4x the current
// level first, so one wild bar barely moves it. Both start from the median |return| of the first
// 200 bars (the only statistic that sees bars after the one judged). Returns across a gap of k bars
// are divided by sqrt(k), as a random walk moves sqrt(k) times as far.
//
// Two findings, deliberately different:
// - 'large-move' (warning): a close more than `largeMoveThreshold` local sigmas from the previous
//   one. Real markets do this (the April 2019 +12 % hour after months of calm); it is reported, never
//   repaired.
// - 'spike' (error): the bad-tick signature, a price far outside the local volatility that does not
//   stay: (a) closes more than `spikeThreshold` sigmas from the last good close for 1 to 3 bars, then
//   a close back within a third of that, or (b) an open, high or low more than twice
//   `spikeThreshold` sigmas outside the closes around its bar (previous, own, next), e.g. a low of
//   0.06 in a 1,175 USD day (the shipped Coinbase daily sample has one); in both cases at least 5 %
//   away too, so that a blip of a very quiet market (a stablecoin pair, a one-tick bounce after hours
//   without trades) is not called a bad tick however many of its tiny sigmas it spans. Intrabar extremes get the
//   wider limit because real wicks are longer than close-to-close moves: on the real sets of
//   ../shared/data (Binance 1m/5m, Bittrex 5m alts, Coinbase and Bitstamp 1h/1d; ~370k bars) the
//   longest wick is 46 sigmas (LTC/BTC 1m, Binance, 2021-05-14), and no close excursion qualifies
//   even at a threshold of 15. A 50x tick is thousands of sigmas.
// Deciding a spike reads up to 3 bars after it (it must come back); the large-move decision reads
// none. A move that would be a spike but has too few bars after it is a large move, marked
// `unconfirmed`. The first bar has no previous close: only its open, high and low are judged.
import { MAD_TO_SIGMA, MEAN_AD_TO_SIGMA, median } from './robust-scale.js';

export const DEFAULT_LARGE_MOVE_THRESHOLD = 10;
export const DEFAULT_SPIKE_THRESHOLD = 30;
/** Longest excursion (bars) that still counts as a spike; longer ones are moves, however they end. */
export const SPIKE_MAX_BARS = 3;

const FAST_HALF_LIFE = 20;
const SLOW_HALF_LIFE = 500;
const WARMUP = 200;
const WINSOR = 4;
/** A close is back when it is within this fraction of the spike threshold of the last good close. */
const BACK_FRACTION = 1 / 3;
/** Open/high/low: this many times the spike threshold outside the surrounding closes. */
const INTRABAR_FACTOR = 2;
/** A spike is also at least 5 % (in log price) from the prices it is judged against. */
const SPIKE_MIN_LOG_MOVE = Math.log(1.05);

export type PriceColumn = 'open' | 'high' | 'low' | 'close';
const INTRABAR_COLUMNS = ['open', 'high', 'low'] as const;

export interface PriceMove {
  kind: 'large-move' | 'spike';
  /** Position in `rows`, and the row itself. */
  pos: number;
  row: number;
  /** The price at fault ('close' for moves and close spikes) and its value. */
  column: PriceColumn;
  price: number;
  /** Intrabar spikes: every open/high/low of the bar beyond the limit (the worst first). */
  columns?: PriceColumn[];
  /** The last good bar the move is measured from, and its close. */
  refRow: number;
  refClose: number;
  /** Local sigmas of the move (span-scaled for closes). */
  z: number;
  /** The local sigma it was judged with (per bar, in log-return units: 0.01 ~ 1 %). */
  sigma: number;
  /**
   * Spikes: the range a repair clamps the bar's prices into: the closes before and after the
   * excursion (close spikes), or the closes around the bar (intrabar spikes).
   */
  lo: number;
  hi: number;
  /** Close spikes: the first bar back, and how many bars the excursion lasted. */
  backRow?: number;
  bars?: number;
  /** Large moves beyond the spike threshold with too few bars after them to tell. */
  unconfirmed?: boolean;
}

export interface MoveStats {
  /** Bars judged (those with a local sigma > 0). */
  n: number;
  largeMoveThreshold: number;
  spikeThreshold: number;
  /** Median of the local sigmas used (per bar, log-return units); NaN when no bar was judged. */
  medianSigma: number;
}

export interface MoveScan {
  stats: MoveStats;
  /** In time order. */
  moves: PriceMove[];
}

export interface Ohlc {
  ts: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
}

/**
 * Finds large moves and spikes along `rows` (time order, distinct ts, closes finite and > 0: the
 * caller filters). `tfMs` is the bar length, for returns across gaps.
 */
export function scanPriceMoves(
  c: Ohlc, rows: Int32Array, tfMs: number, largeMoveThreshold: number, spikeThreshold: number,
): MoveScan {
  const { ts, close } = c;
  const m = rows.length;
  const moves: PriceMove[] = [];
  const sigmas = new Float64Array(m);
  let judged = 0;
  const stats = (): MoveStats => ({ n: judged, largeMoveThreshold, spikeThreshold, medianSigma: median(sigmas.subarray(0, judged)) });
  if (m === 0) return { stats: stats(), moves };
  const spanSqrt = (a: number, b: number) => Math.sqrt(Math.max(1, (ts[b] - ts[a]) / tfMs));

  // Both averages are of |return| about 0, as the z-scores are: around a median, a steady trend would
  // look like no volatility at all. Mean |return| is sigma / 1.2533 for normal returns. The seed is
  // 1.4826 * the median |return| of the first bars, or their mean |return| when over half are 0
  // (illiquid pairs with many unchanged closes).
  const warm = new Float64Array(Math.min(m - 1, WARMUP));
  let warmSum = 0;
  for (let k = 1; k <= warm.length; k++) {
    warm[k - 1] = Math.abs(Math.log(close[rows[k]] / close[rows[k - 1]])) / spanSqrt(rows[k - 1], rows[k]);
    warmSum += warm[k - 1];
  }
  const warmMedian = warm.length ? median(warm) : 0;
  let fast = warmMedian > 0 ? (MAD_TO_SIGMA * warmMedian) / MEAN_AD_TO_SIGMA : warm.length ? warmSum / warm.length : 0;
  let slow = fast;
  const keepFast = 0.5 ** (1 / FAST_HALF_LIFE);
  const keepSlow = 0.5 ** (1 / SLOW_HALF_LIFE);
  const backLimit = spikeThreshold * BACK_FRACTION;
  const intrabarLimit = spikeThreshold * INTRABAR_FACTOR;

  const intrabar = (k: number, refPos: number, sigma: number) => {
    const i = rows[k];
    const prev = close[rows[refPos]];
    const next = k + 1 < m ? close[rows[k + 1]] : close[i];
    const top = Math.max(prev, close[i], next);
    const bot = Math.min(prev, close[i], next);
    let cols: PriceColumn[] | undefined;
    let worst = 0;
    for (const col of INTRABAR_COLUMNS) {
      const p = c[col][i];
      if (!(p > 0) || p === Infinity) continue; // NaN and non-positive prices are other rules' findings
      const d = p > top ? Math.log(p / top) : p < bot ? Math.log(bot / p) : 0;
      const z = d / sigma;
      if (z <= intrabarLimit || d < SPIKE_MIN_LOG_MOVE) continue;
      cols ??= [];
      if (z > worst) { worst = z; cols.unshift(col); } else cols.push(col);
    }
    if (!cols) return;
    moves.push({
      kind: 'spike', pos: k, row: i, column: cols[0], price: c[cols[0]][i], columns: cols,
      refRow: rows[refPos], refClose: prev, z: worst, sigma, lo: bot, hi: top,
    });
  };

  if (fast > 0) intrabar(0, 0, MEAN_AD_TO_SIGMA * fast);
  let ref = 0; // position of the last good bar
  for (let k = 1; k < m; k++) {
    const i = rows[k], j = rows[ref];
    const r = Math.log(close[i] / close[j]) / spanSqrt(j, i);
    const level = fast > slow ? fast : slow;
    const sigma = MEAN_AD_TO_SIGMA * level;
    if (sigma > 0) {
      sigmas[judged++] = sigma;
      const z = Math.abs(r) / sigma;
      let unconfirmed = false;
      if (z > spikeThreshold && Math.abs(Math.log(close[i] / close[j])) >= SPIKE_MIN_LOG_MOVE) {
        // Does it come back within SPIKE_MAX_BARS, every bar until then staying beyond the threshold?
        let back = -1;
        let q = k + 1;
        for (; q < m && q <= k + SPIKE_MAX_BARS; q++) {
          const zq = Math.abs(Math.log(close[rows[q]] / close[j])) / (sigma * spanSqrt(j, rows[q]));
          if (zq <= backLimit) { back = q; break; }
          if (zq <= spikeThreshold) break;
        }
        if (back > 0) {
          const cb = close[rows[back]];
          const lo = Math.min(cb, close[j]), hi = Math.max(cb, close[j]);
          for (let p = k; p < back; p++) {
            const x = rows[p];
            moves.push({
              kind: 'spike', pos: p, row: x, column: 'close', price: close[x], refRow: j, refClose: close[j],
              z: Math.abs(Math.log(close[x] / close[j])) / (sigma * spanSqrt(j, x)), sigma, lo, hi,
              backRow: rows[back], bars: back - k,
            });
          }
          // The bar back is judged next, from the same good bar; spike returns never feed the scale.
          k = back - 1;
          continue;
        }
        unconfirmed = q === m && q <= k + SPIKE_MAX_BARS;
      }
      if (z > largeMoveThreshold) {
        moves.push({
          kind: 'large-move', pos: k, row: i, column: 'close', price: close[i], refRow: j, refClose: close[j],
          z, sigma, lo: NaN, hi: NaN, ...(unconfirmed ? { unconfirmed } : {}),
        });
      }
      intrabar(k, ref, sigma);
    }
    let a = Math.abs(r);
    const cap = WINSOR * level;
    if (cap > 0 && a > cap) a = cap;
    fast = keepFast * fast + (1 - keepFast) * a;
    slow = keepSlow * slow + (1 - keepSlow) * a;
    ref = k;
  }
  return { stats: stats(), moves };
}

function signedPct(x: number): string {
  const pct = x * 100;
  return `${pct >= 0 ? '+' : ''}${pct.toFixed(2)}%`;
}

/**
 * What a move is, for messages: "close 150 is +48.51% from 101 at row 5 and back to 100 at row 7
 * (a 1-bar spike): 120.3 local sigmas (sigma 0.40% a bar)". `nameOf` names rows the way the reader
 * knows them (the repair's input rows, or file lines: "at line 7").
 */
export function describeMove(mv: PriceMove, close: Float64Array, nameOf: (row: number) => string = (r) => `row ${r}`): string {
  const sigmas = `${mv.z.toFixed(1)} local sigmas (sigma ${(mv.sigma * 100).toFixed(2)}% a bar)`;
  if (mv.kind === 'large-move') {
    const tail = mv.unconfirmed ? '; too few bars after it to tell whether it comes back (a spike if it does)' : '';
    return `close ${mv.price} is ${signedPct(mv.price / mv.refClose - 1)} from ${mv.refClose} at ${nameOf(mv.refRow)}: ${sigmas}${tail}`;
  }
  if (mv.column === 'close') {
    const bars = mv.bars === 1 ? 'a 1-bar spike' : `a ${mv.bars}-bar spike`;
    return `close ${mv.price} is ${signedPct(mv.price / mv.refClose - 1)} from ${mv.refClose} at ${nameOf(mv.refRow)} and back to ${close[mv.backRow!]} at ${nameOf(mv.backRow!)} (${bars}): ${sigmas}`;
  }
  const edge = mv.price > mv.hi ? mv.hi : mv.lo;
  return `${mv.column} ${mv.price} is ${signedPct(mv.price / edge - 1)} outside the closes around its bar (${mv.lo} .. ${mv.hi}): ${sigmas}`;
}
