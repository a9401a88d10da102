// Seeded augmentations (data/augment): determinism, inputs untouched, valid OHLC on every row,
// and the statistics each method promises, on the real Binance BTC/USDT 1m series of
// ../shared/data (read in place) and on seeded synthetic paths.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Augmentation } from '../data/augment/index.js';
import {
  applyAugmentation, applyAugmentations, applyBookAugmentation, blockBootstrap, bootstrapIndex, fitGarch11, fitGbm,
  garch11LogLik, garchPaths, gaussianNoise, gbmPaths, jitterBookSizes, logReturns, magnitudeScale, nelderMead,
  parseAugmentation, resample, simulateGarch11, timeWarp,
} from '../data/augment/index.js';
import { ConfigError, DataError } from '../data/errors.js';
import { makeRng } from '../data/random.js';
import { importCandlesFile } from '../data/sources/import-candles.js';
import { readBooks } from '../data/store/book-store.js';
import type { Books, Candles } from '../data/types.js';
import { emptyCandles, sliceCandles } from '../data/types.js';
import { describeIf, SHARED_DATA, sharedFile } from './helpers/requirements.js';

const COLS = ['ts', 'open', 'high', 'low', 'close', 'volume'] as const;
const MINUTE = 60_000;

let btc: Candles;

function copyOf(c: Candles): Candles {
  return sliceCandles(c, 0, c.ts.length);
}

/** First index where two arrays differ (NaN equals NaN), or -1; a length mismatch is -2. */
function firstDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return -2;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return -1;
}

// (vitest's toEqual walks typed arrays element by element through its generic differ: ~1 s
// for a 40k-row series, so columns are compared with a plain loop.)
function expectSameCandles(a: Candles, b: Candles): void {
  expect(a.ts.length).toBe(b.ts.length);
  for (const col of COLS) expect(firstDiff(a[col], b[col]), col).toBe(-1);
}

function differs(a: Candles, b: Candles): boolean {
  if (a.ts.length !== b.ts.length) return true;
  return COLS.some((col) => a[col].some((v, i) => v !== b[col][i]));
}

/** The first row that breaks low <= open,close <= high, prices finite > 0, volume >= 0 (or -1). */
function firstInvalidRow(c: Candles): number {
  for (let i = 0; i < c.ts.length; i++) {
    const o = c.open[i], h = c.high[i], l = c.low[i], cl = c.close[i], v = c.volume[i];
    const ok = [o, h, l, cl].every((p) => p > 0 && p < Infinity) && l <= o && l <= cl && h >= o && h >= cl && v >= 0
      && Number.isFinite(c.ts[i]);
    if (!ok) return i;
  }
  return -1;
}

function meanStd(x: Float64Array): { mean: number; std: number } {
  let m = 0;
  for (const v of x) m += v;
  m /= x.length;
  let s = 0;
  for (const v of x) s += (v - m) ** 2;
  return { mean: m, std: Math.sqrt(s / (x.length - 1)) };
}

function sorted(x: ArrayLike<number>): Float64Array {
  return Float64Array.from(x).sort();
}

function expectClose(a: ArrayLike<number>, b: ArrayLike<number>, tol: number): void {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  expect(worst).toBeLessThanOrEqual(tol);
}

/** Per-bar shape of bars 1..: gap, high/open, low/open, close/open (what the bootstrap resamples). */
function shapes(c: Candles): Float64Array[] {
  const n = c.ts.length - 1;
  const out = [0, 1, 2, 3].map(() => new Float64Array(n));
  for (let i = 1; i <= n; i++) {
    out[0][i - 1] = Math.log(c.open[i] / c.close[i - 1]);
    out[1][i - 1] = Math.log(c.high[i] / c.open[i]);
    out[2][i - 1] = Math.log(c.low[i] / c.open[i]);
    out[3][i - 1] = Math.log(c.close[i] / c.open[i]);
  }
  return out;
}

// Every candle augmentation, as a config; each is run through the shared contract checks below.
const CASES: Augmentation[] = [
  { kind: 'block-bootstrap', blockSize: 50 },
  { kind: 'block-bootstrap', blockSize: 30, stationary: true },
  { kind: 'gaussian-noise', sigma: 0.2 },
  { kind: 'gaussian-noise', sigma: 5e-4, mode: 'additive' },
  { kind: 'magnitude-scale', range: [0.5, 2] },
  { kind: 'time-warp', factor: 1, strength: 0.5 },
  { kind: 'time-warp', factor: 3, strength: 0.3, knots: 4 },
  { kind: 'time-warp', factor: 0.5, strength: 0.3 },
  { kind: 'gbm' },
  { kind: 'gbm', n: 5000, mu: 1e-5, sigma: 0.003 },
  { kind: 'garch', n: 3000, model: { omega: 2e-8, alpha: 0.1, beta: 0.85, mu: 0 } },
];

describe('GBM', () => {
  it('fitGbm recovers sigma (within 5%, in fact ~0.2%) and mu of a long seeded path', () => {
    const p = { s0: 30_000, mu: 2e-5, sigma: 0.002, n: 200_000, timeframe: '1m', start: '2024-01-01' };
    const c = gbmPaths(p, 42);
    expect(firstInvalidRow(c)).toBe(-1);
    expect(c.ts[0]).toBe(Date.UTC(2024, 0, 1));
    expect(c.ts[1] - c.ts[0]).toBe(MINUTE);
    expect(c.open[0]).toBe(30_000);
    const fit = fitGbm(c);
    expect(Math.abs(fit.sigma / p.sigma - 1)).toBeLessThan(0.05);
    expect(Math.abs(fit.sigma / p.sigma - 1)).toBeLessThan(0.01);
    expect(Math.abs(fit.mu - p.mu)).toBeLessThan(4 * p.sigma / Math.sqrt(p.n));
    expectSameCandles(c, gbmPaths(p, 42));
    expect(differs(c, gbmPaths(p, 43))).toBe(true);
  });

  it('bridge wicks have the Brownian expected range (E[high - low] ~ 1.596 sigma for a driftless bar)', () => {
    const c = gbmPaths({ s0: 100, mu: 0, sigma: 0.01, n: 100_000, timeframe: '1h', start: 0 }, 3);
    let range = 0;
    for (let i = 0; i < c.ts.length; i++) range += Math.log(c.high[i] / c.low[i]);
    // Exact for the joint max/min is sqrt(8/pi) = 1.596; independent draws land near it.
    expect(range / c.ts.length / 0.01).toBeGreaterThan(1.5);
    expect(range / c.ts.length / 0.01).toBeLessThan(1.7);
  });
});

// The GARCH(1,1) model the simulated paths are drawn from.
const TRUE = { omega: 2e-7, alpha: 0.08, beta: 0.9, mu: 1e-5 };

describe('GARCH(1,1)', () => {
  it('recovers alpha and beta from a long simulated path', () => {
    const { returns } = simulateGarch11(TRUE, 50_000, 1);
    const fit = fitGarch11(returns);
    expect(fit.converged).toBe(true);
    expect(Math.abs(fit.alpha - TRUE.alpha)).toBeLessThan(0.05);
    expect(Math.abs(fit.beta - TRUE.beta)).toBeLessThan(0.05);
    expect(Math.abs(fit.alpha - TRUE.alpha)).toBeLessThan(0.01);
    expect(fit.alpha + fit.beta).toBeLessThan(1);
    expect(fit.omega).toBeGreaterThan(0);
    // The optimum is at least as likely as the truth, and the reported logLik is the real one.
    expect(fit.logLik).toBeGreaterThanOrEqual(garch11LogLik(returns, TRUE));
    expect(garch11LogLik(returns, fit)).toBeCloseTo(fit.logLik, 4);
  });

  it('nelderMead finds the Rosenbrock minimum', () => {
    const r = nelderMead((x) => 100 * (x[1] - x[0] ** 2) ** 2 + (1 - x[0]) ** 2, [-1.2, 1], { maxIter: 5000, tolF: 1e-14, tolX: 1e-10 });
    expect(r.converged).toBe(true);
    expect(r.x[0]).toBeCloseTo(1, 5);
    expect(r.x[1]).toBeCloseTo(1, 5);
  });
});

describe('jitterBookSizes', () => {
  it('on the shipped Binance depth-20 sample: prices kept, sizes jittered around their mean, seeded', async () => {
    const b = await readBooks('data/samples', { exchange: 'binance', symbol: 'BTC/USDT', depth: 20 });
    expect(b.ts.length).toBeGreaterThan(1000);
    const before = { bidSz: b.bidSz.slice(), askPx: b.askPx.slice() };
    const out = jitterBookSizes(b, { sigma: 0.3 }, 1);
    expect(firstDiff(b.bidSz, before.bidSz)).toBe(-1);
    expect(firstDiff(out.bidPx, b.bidPx)).toBe(-1);
    expect(firstDiff(out.askPx, before.askPx)).toBe(-1);
    expect(firstDiff(out.ts, b.ts)).toBe(-1);
    expect(firstDiff(out.bidSz, jitterBookSizes(b, { sigma: 0.3 }, makeRng(1)).bidSz)).toBe(-1);
    expect(firstDiff(out.askSz, jitterBookSizes(b, { sigma: 0.3 }, makeRng(1)).askSz)).toBe(-1);
    expect(firstDiff(out.bidSz, jitterBookSizes(b, { sigma: 0.3 }, 2).bidSz)).toBe(0);
    let ratio = 0;
    for (let i = 0; i < out.bidSz.length; i++) {
      expect(out.bidSz[i]).toBeGreaterThan(0);
      ratio += out.bidSz[i] / b.bidSz[i];
    }
    expect(ratio / out.bidSz.length).toBeCloseTo(1, 2); // mean-preserving
  });

  it('0 sizes (missing levels) stay 0 and their NaN prices stay NaN', () => {
    const b: Books = {
      exchange: 'x', symbol: 'A/B', depth: 3, ts: Float64Array.of(1, 2),
      bidPx: Float64Array.of(99, 98, NaN, 99, NaN, NaN), bidSz: Float64Array.of(1, 2, 0, 3, 0, 0),
      askPx: Float64Array.of(101, 102, 103, 101, 102, NaN), askSz: Float64Array.of(1e-8, 5, 6, 1, 1, 0),
    };
    const out = applyBookAugmentation(b, { kind: 'book-size-jitter', sigma: 2 }, 3);
    expect([...out.bidSz].map((v) => v > 0)).toEqual([true, true, false, true, false, false]);
    expect([...out.askSz].map((v) => v > 0)).toEqual([true, true, true, true, true, false]);
    expect(firstDiff(out.bidPx, b.bidPx)).toBe(-1);
    expect(firstDiff(out.bidSz, b.bidSz)).toBe(0);
  });
});

describeIf([SHARED_DATA], 'on real Binance BTC/USDT 1m from ../shared/data', () => {
  beforeAll(async () => {
    const file = sharedFile('binance-spot-1m-2021-04-to-05', 'BTC_USDT-1m.json');
    btc = (await importCandlesFile(file, { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1m' })).candles;
  });

  describe('the augmentation contract, on real BTC/USDT 1m', () => {
    for (const cfg of CASES) {
      it(`${JSON.stringify(cfg)}: seeded, input untouched, valid OHLC, ts on the grid`, () => {
        const src = sliceCandles(btc, 0, 10_000);
        const before = copyOf(src);
        const a = applyAugmentation(src, cfg, 7);
        const b = applyAugmentation(src, cfg, makeRng(7));
        const other = applyAugmentation(src, cfg, 8);
        expectSameCandles(src, before);
        expectSameCandles(a, b);
        expect(differs(a, other)).toBe(true);
        expect(firstInvalidRow(a)).toBe(-1);
        expect(a.ts[0]).toBe(src.ts[0]);
        expect([a.exchange, a.symbol, a.timeframe]).toEqual([src.exchange, src.symbol, src.timeframe]);
        if (a.ts.length === src.ts.length && cfg.kind !== 'gbm' && cfg.kind !== 'time-warp') {
          expect(firstDiff(a.ts, src.ts)).toBe(-1); // same length: the original grid, gaps included
        } else {
          for (let i = 0; i < a.ts.length; i++) if (a.ts[i] !== src.ts[0] + i * MINUTE) throw new Error(`ts off the grid at ${i}`);
        }
      });
    }

    it('a list runs in order on forked streams and is seeded as a whole', () => {
      const src = sliceCandles(btc, 0, 5000);
      const list: Augmentation[] = [{ kind: 'block-bootstrap', blockSize: 20 }, { kind: 'magnitude-scale', scale: 1.5 }, { kind: 'resample', timeframe: '5m' }];
      const a = applyAugmentations(src, list, 3);
      expectSameCandles(a, applyAugmentations(src, list, 3));
      expect(differs(a, applyAugmentations(src, list, 4))).toBe(true);
      expect(a.timeframe).toBe('5m');
      expect(firstInvalidRow(a)).toBe(-1);
      const none = applyAugmentations(src, [], 3);
      expectSameCandles(none, src);
      expect(none.close).not.toBe(src.close);
    });
  });

  describe('blockBootstrap', () => {
    it('with blockSize = n draws one circular block: a rotation that keeps every bar shape', () => {
      const src = sliceCandles(btc, 0, 2001);
      const n = src.ts.length - 1;
      const idx = bootstrapIndex(n, { blockSize: n }, 11);
      for (let k = 1; k < n; k++) expect(idx[k]).toBe((idx[0] + k) % n);
      const out = blockBootstrap(src, { blockSize: 10 * n }, 11); // clamped to n
      const [a, b] = [shapes(src), shapes(out)];
      for (let s = 0; s < 4; s++) expectClose(sorted(b[s]), sorted(a[s]), 1e-12);
      expect(firstDiff(sorted(out.volume.subarray(1)), sorted(src.volume.subarray(1)))).toBe(-1);
      // ...and bar by bar, through the index.
      for (let k = 0; k < n; k += 97) expect(b[3][k]).toBeCloseTo(a[3][idx[k]], 12);
    });

    it('keeps the log-return distribution of a long series (moving and stationary)', () => {
      const src = meanStd(logReturns(btc));
      for (const stationary of [false, true]) {
        const out = meanStd(logReturns(blockBootstrap(btc, { blockSize: 60, stationary }, 5)));
        expect(Math.abs(out.mean - src.mean)).toBeLessThan(0.05 * src.std);
        expect(out.std / src.std).toBeGreaterThan(0.9);
        expect(out.std / src.std).toBeLessThan(1.1);
      }
    });

    it('stationary block lengths are geometric with mean blockSize', () => {
      const n = 200_000;
      const idx = bootstrapIndex(n, { blockSize: 25, stationary: true }, 2);
      let breaks = 0;
      for (let k = 1; k < n; k++) if (idx[k] !== (idx[k - 1] + 1) % n) breaks++;
      expect(n / (breaks + 1)).toBeGreaterThan(23);
      expect(n / (breaks + 1)).toBeLessThan(27);
    });

    it('rejects a bad block size and non-positive prices by name', () => {
      expect(() => blockBootstrap(btc, { blockSize: 0 }, 1)).toThrow(ConfigError);
      expect(() => blockBootstrap(btc, { blockSize: 0 }, 1)).toThrow(/blockSize/);
      const bad = sliceCandles(btc, 0, 10);
      bad.low[4] = 0;
      expect(() => blockBootstrap(bad, { blockSize: 2 }, 1)).toThrow(DataError);
      expect(() => blockBootstrap(bad, { blockSize: 2 }, 1)).toThrow(/row 4, low/);
    });
  });

  describe('gaussianNoise', () => {
    it('sigma 0 returns an identical copy (new buffers)', () => {
      for (const mode of ['multiplicative', 'additive'] as const) {
        const out = gaussianNoise(btc, { sigma: 0, mode }, 1);
        expectSameCandles(out, btc);
        expect(out.close).not.toBe(btc.close);
      }
    });

    it('moves whole bars: each bar keeps its shape; multiplicative noise keeps flat bars flat', () => {
      const src = sliceCandles(btc, 0, 20_000);
      const out = gaussianNoise(src, { sigma: 0.3 }, 9);
      let flat = 0;
      for (let i = 1; i < src.ts.length; i++) {
        expect(out.high[i] / out.close[i]).toBeCloseTo(src.high[i] / src.close[i], 12);
        if (src.close[i] === src.close[i - 1]) {
          flat++;
          expect(out.close[i] / out.close[i - 1]).toBeCloseTo(1, 12);
        }
      }
      expect(flat).toBeGreaterThan(10);
      // r' = r (1 + 0.3 z): the std of the returns grows by about sqrt(1 + 0.09).
      const ratio = meanStd(logReturns(out)).std / meanStd(logReturns(src)).std;
      expect(ratio).toBeGreaterThan(1.0);
      expect(ratio).toBeLessThan(1.1);
    });

    it('additive noise adds sigma^2 to the return variance', () => {
      const out = gaussianNoise(btc, { sigma: 1e-3, mode: 'additive' }, 4);
      const v0 = meanStd(logReturns(btc)).std ** 2;
      const v1 = meanStd(logReturns(out)).std ** 2;
      expect((v1 - v0) / 1e-6).toBeGreaterThan(0.95);
      expect((v1 - v0) / 1e-6).toBeLessThan(1.05);
    });
  });

  describe('magnitudeScale', () => {
    it('multiplies every log return by the scale, around the first open', () => {
      const out = magnitudeScale(btc, { scale: 2 }, 1);
      expect(out.open[0]).toBeCloseTo(btc.open[0], 6);
      const [a, b] = [logReturns(btc), logReturns(out)];
      for (let i = 0; i < a.length; i += 101) expect(b[i]).toBeCloseTo(2 * a[i], 12);
      expect(firstInvalidRow(out)).toBe(-1);
      expectSameCandles(magnitudeScale(btc, { scale: 1 }, 1), btc);
    });

    it('a range draws the scale uniformly, once per call', () => {
      const seen = [1, 2, 3, 4, 5, 6].map((seed) => {
        const out = magnitudeScale(btc, { range: [0.5, 2] }, seed);
        return logReturns(out)[0] / logReturns(btc)[0];
      });
      for (const s of seen) expect(s).toBeGreaterThanOrEqual(0.5 - 1e-9);
      for (const s of seen) expect(s).toBeLessThanOrEqual(2 + 1e-9);
      expect(new Set(seen.map((s) => s.toFixed(6))).size).toBe(6);
      expect(() => magnitudeScale(btc, {}, 1)).toThrow(/exactly one of scale/);
      expect(() => magnitudeScale(btc, { range: [2, 1] }, 1)).toThrow(ConfigError);
    });
  });

  describe('resample', () => {
    it('60 1m bars make the hand-computed 1h bar', () => {
      const t0 = Date.UTC(2024, 0, 1, 13);
      const c = emptyCandles('x', 'A/B', '1m', 60);
      for (let i = 0; i < 60; i++) {
        c.ts[i] = t0 + i * MINUTE;
        c.open[i] = 100 + i;
        c.close[i] = 100.5 + i;
        c.high[i] = i === 17 ? 250 : 101 + i;
        c.low[i] = i === 42 ? 50 : 99 + i;
        c.volume[i] = i + 1;
      }
      const h = resample(c, { timeframe: '1h' });
      expect(h.timeframe).toBe('1h');
      expect([...h.ts]).toEqual([t0]);
      expect([h.open[0], h.high[0], h.low[0], h.close[0], h.volume[0]]).toEqual([100, 250, 50, 159.5, 1830]);
    });

    it('follows the exchange grid on real data: partial buckets at the edges, gaps stay gaps', () => {
      const start = btc.ts.findIndex((t) => t % 3_600_000 === 30 * MINUTE);
      const src = sliceCandles(btc, start, start + 150); // :30 .. +2h30: 30 + 60 + 60 bars
      const h = resample(src, { timeframe: '1h' });
      expect(h.ts.length).toBe(3);
      const spans = [[0, 30], [30, 90], [90, 150]];
      spans.forEach(([a, b], k) => {
        expect(h.ts[k]).toBe(src.ts[a] - (k === 0 ? 30 * MINUTE : 0));
        expect(h.open[k]).toBe(src.open[a]);
        expect(h.close[k]).toBe(src.close[b - 1]);
        expect(h.high[k]).toBe(Math.max(...src.high.subarray(a, b)));
        expect(h.low[k]).toBe(Math.min(...src.low.subarray(a, b)));
        expect(h.volume[k]).toBeCloseTo(src.volume.subarray(a, b).reduce((s, v) => s + v, 0), 9);
      });
      const day = resample(btc, { timeframe: '1d' });
      for (let k = 0; k < day.ts.length; k++) expect(day.ts[k] % 86_400_000).toBe(0);
      expect(day.volume.reduce((s, v) => s + v, 0)).toBeCloseTo(btc.volume.reduce((s, v) => s + v, 0), 3);
      expect(() => resample(btc, { timeframe: '90s' })).toThrow(ConfigError);
    });
  });

  describe('timeWarp', () => {
    it('strength 0, factor 1 replays the closes; volume is conserved by any warp', () => {
      const src = sliceCandles(btc, 0, 5000);
      const same = timeWarp(src, { factor: 1, strength: 0 }, 1);
      expectClose(same.close.map((v, i) => v / src.close[i]), new Float64Array(5000).fill(1), 1e-12);
      const total = src.volume.reduce((s, v) => s + v, 0);
      for (const [factor, seed] of [[1, 2], [4, 3], [0.25, 4]]) {
        const out = timeWarp(src, { factor, strength: 0.6 }, seed);
        expect(out.ts.length).toBe(Math.round(5000 / factor));
        expect(out.volume.reduce((s, v) => s + v, 0) / total).toBeCloseTo(1, 9);
        expect(out.close[out.ts.length - 1]).toBeCloseTo(src.close[4999], 6); // same path, end to end
        for (let j = 1; j < out.ts.length; j++) if (out.open[j] !== out.close[j - 1]) throw new Error(`gap at ${j}`);
        expect(firstInvalidRow(out)).toBe(-1);
      }
    });

    it('compressing by 4 with no warp keeps the 4-bar high/low envelope', () => {
      const src = sliceCandles(btc, 0, 4000);
      const out = timeWarp(src, { factor: 4, strength: 0 }, 1);
      for (let j = 0; j < 1000; j++) {
        const [a, b] = [4 * j, 4 * j + 4];
        // The path runs through the closes (and the previous bar's close), which may stick out of
        // the bars' own range after a gap: the envelope is of both.
        const prev = a === 0 ? src.open[0] : src.close[a - 1];
        expect(out.high[j]).toBeCloseTo(Math.max(prev, ...src.high.subarray(a, b)), 6);
        expect(out.low[j]).toBeCloseTo(Math.min(prev, ...src.low.subarray(a, b)), 6);
        expect(out.volume[j]).toBeCloseTo(src.volume.subarray(a, b).reduce((s, v) => s + v, 0), 6);
      }
    });
  });

  describe('GARCH(1,1)', () => {
    it('on real BTC/USDT 1m: a stationary fit with strong volatility clustering (alpha + beta near 1)', () => {
      const fit = fitGarch11(logReturns(btc));
      expect(fit.alpha).toBeGreaterThan(0.01);
      expect(fit.alpha + fit.beta).toBeGreaterThan(0.97);
      expect(fit.alpha + fit.beta).toBeLessThan(1);
    });

    it('garchPaths: clustered candles from a fitted or given model, refit gives the model back', () => {
      const src = sliceCandles(btc, 0, 10_000);
      const fitted = garchPaths(src, undefined, { n: 2000 }, 5);
      expect(fitted.ts.length).toBe(2000);
      expect(firstInvalidRow(fitted)).toBe(-1);
      const c = garchPaths(src, TRUE, { n: 50_000 }, 6);
      expect(firstInvalidRow(c)).toBe(-1);
      expect(c.open[0]).toBe(src.open[0]);
      const refit = fitGarch11(logReturns(c));
      expect(Math.abs(refit.alpha - TRUE.alpha)).toBeLessThan(0.05);
      expect(Math.abs(refit.beta - TRUE.beta)).toBeLessThan(0.05);
      expect(() => garchPaths(src, { ...TRUE, beta: 0.95 }, {}, 1)).toThrow(/alpha \+ beta/);
    });
  });

  describe('configs', () => {
    it('a bad config is a ConfigError naming the field and the allowed values', () => {
      const err = (raw: unknown): ConfigError => {
        try { parseAugmentation(raw, 'env.augment[0]'); } catch (e) { return e as ConfigError; }
        throw new Error('no error');
      };
      expect(err({ kind: 'shuffle' }).field).toBe('env.augment[0].kind');
      expect(err({ kind: 'shuffle' }).message).toMatch(/block-bootstrap, gaussian-noise, magnitude-scale, time-warp, resample, gbm, garch/);
      expect(err({ kind: 'block-bootstrap' }).field).toBe('env.augment[0].blockSize');
      expect(err({ kind: 'block-bootstrap', blockSize: 2.5 }).field).toBe('env.augment[0].blockSize');
      expect(err({ kind: 'block-bootstrap', blockSize: 5, block: 5 }).message).toMatch(/allowed fields: blockSize, stationary/);
      expect(err({ kind: 'gaussian-noise', sigma: -1 }).field).toBe('env.augment[0].sigma');
      expect(err({ kind: 'gaussian-noise', sigma: 1, mode: 'x' }).field).toBe('env.augment[0].mode');
      expect(err({ kind: 'magnitude-scale', scale: 1, range: [1, 2] }).field).toBe('env.augment[0].scale');
      expect(err({ kind: 'resample', timeframe: '1x' }).field).toBe('env.augment[0].timeframe');
      expect(err({ kind: 'garch', model: { omega: 1e-6, alpha: 0.2, beta: 0.8, mu: 0 } }).field).toBe('env.augment[0].model.beta');
      expect(err({ kind: 'garch', model: { omega: 1e-6, alpha: 0.1, beta: 0.8, mu: 0, gamma: 1 } }).message)
        .toMatch(/model\.gamma: unknown field for garch; allowed fields: omega, alpha, beta, mu/);
      expect(err('block-bootstrap')).toBeInstanceOf(ConfigError);
      expect(parseAugmentation({ kind: 'time-warp', factor: 2 })).toEqual({ kind: 'time-warp', factor: 2 });
      expect(() => applyAugmentation(btc, { kind: 'time-warp', knots: 0 }, 1)).toThrow(/knots/);
    });
  });
});
