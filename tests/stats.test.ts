// The statistics of experiments/stats against answers found another way: the normal distribution
// against numerical integration, the automatic block length against its AR(1) closed form, the
// bootstrap's intervals against series with a known mean (coverage), the deflated Sharpe ratio
// against the paper's numerical example and a Monte Carlo maximum, and PBO against a brute-force
// enumeration and small matrices worked by hand.
import { describe, expect, it } from 'vitest';
import { makeRng, type Rng } from '../data/random.js';
import { tradingMetrics } from '../envs/metrics.js';
import { probabilityOfBacktestOverfitting, cscvBlocks } from '../experiments/stats/backtest-overfitting.js';
import { stationaryBlockLength } from '../experiments/stats/block-length.js';
import { deflatedSharpe, expectedMaxSharpe, probabilisticSharpe } from '../experiments/stats/deflated-sharpe.js';
import { normalCdf, normalPdf, normalQuantile } from '../experiments/stats/normal.js';
import { barsPerYear, pairedReturns, returnMoments, simpleReturns } from '../experiments/stats/returns.js';
import { bootstrapPolicy, stationaryIndices } from '../experiments/stats/stationary-bootstrap.js';

/** x_t = mu + u_t, u_t = phi u_{t-1} + sigma e_t (burn-in 200 bars). */
function ar1(rng: Rng, n: number, mu: number, phi: number, sigma = 0.01): Float64Array {
  const x = new Float64Array(n);
  let u = 0;
  for (let i = -200; i < n; i++) {
    u = phi * u + sigma * rng.normal();
    if (i >= 0) x[i] = mu + u;
  }
  return x;
}

/** x_t = mu + u_t, u_t = phi u_{t-1} + e_t, e_t ~ N(0, h_t), h_t = w + 0.1 e_{t-1}^2 + 0.85 h_{t-1}: GARCH(1,1) shocks. */
function arGarch(rng: Rng, n: number, mu: number, phi: number): Float64Array {
  const x = new Float64Array(n);
  const w = 1e-4 * 0.05; // unconditional variance w / (1 - 0.1 - 0.85) = 1e-4
  let h = 1e-4;
  let e = 0;
  let u = 0;
  for (let i = -300; i < n; i++) {
    h = w + 0.1 * e * e + 0.85 * h;
    e = Math.sqrt(h) * rng.normal();
    u = phi * u + e;
    if (i >= 0) x[i] = mu + u;
  }
  return x;
}

describe('normal distribution', () => {
  it('the CDF agrees with Simpson integration of the density, and the quantile inverts it', () => {
    // Phi(x) = 1/2 + int_0^x phi: composite Simpson with 4000 intervals (error ~1e-15 here).
    const simpson = (x: number) => {
      const k = 4000;
      const h = x / k;
      let s = normalPdf(0) + normalPdf(x);
      for (let i = 1; i < k; i++) s += (i % 2 ? 4 : 2) * normalPdf(i * h);
      return 0.5 + (s * h) / 3;
    };
    for (const x of [-6, -3, -1.5, -0.2, 0, 0.7, 1, 2, 4.5]) expect(normalCdf(x)).toBeCloseTo(simpson(x), 13);
    // Table values: Phi(1) = 0.841344746068543, Phi(-3) = 0.00134989803163009.
    expect(normalCdf(1)).toBeCloseTo(0.841344746068543, 14);
    expect(normalCdf(-3)).toBeCloseTo(0.00134989803163009, 15);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 12);
    expect(normalQuantile(0.99)).toBeCloseTo(2.326347874040841, 12);
    for (const p of [1e-6, 0.001, 0.02, 0.3, 0.5, 0.8, 0.99, 0.999999]) expect(normalCdf(normalQuantile(p)) / p).toBeCloseTo(1, 8);
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(1)).toBe(Infinity);
  });
});

describe('returns', () => {
  it('Sharpe ratio, total return and annualisation agree with envs/metrics.ts on the same curve', () => {
    const rng = makeRng('curve');
    const n = 500;
    const ts = Float64Array.from({ length: n }, (_, i) => 1.5e12 + i * 3_600_000);
    const equity = new Float64Array(n);
    equity[0] = 1000;
    for (let i = 1; i < n; i++) equity[i] = equity[i - 1] * (1 + 0.0003 + 0.01 * rng.normal());
    const m = tradingMetrics({ equity, ts, position: new Float64Array(n), tradedNotional: 0, fees: 0, trades: 0, roundTrips: [] });
    const r = simpleReturns(equity);
    expect(barsPerYear(ts)).toBeCloseTo(8766, 9); // hourly bars: 365.25 * 24
    expect(returnMoments(r).sharpe * Math.sqrt(barsPerYear(ts))).toBeCloseTo(m.sharpe, 12);
    const b = bootstrapPolicy(r, r, { barsPerYear: barsPerYear(ts), samples: 100 });
    expect(b.sharpe.estimate).toBeCloseTo(m.sharpe, 10);
    expect(b.totalReturn.estimate).toBeCloseTo(m.totalReturn, 12);
  });

  it('moments of a worked example', () => {
    // r = [1, 2, 3, 10]: mean 4, deviations -3 -2 -1 6; m2 = 50/4 = 12.5, m3 = (-27-8-1+216)/4 = 45,
    // m4 = (81+16+1+1296)/4 = 348.5; skew = 45 / 12.5^1.5 = 1.01823, kurtosis = 348.5 / 156.25 = 2.2304;
    // std (n - 1) = sqrt(50 / 3) = 4.08248, Sharpe = 4 / 4.08248 = 0.979796.
    const m = returnMoments([1, 2, 3, 10]);
    expect(m.skewness).toBeCloseTo(45 / 12.5 ** 1.5, 12);
    expect(m.skewness).toBeCloseTo(1.01823, 5);
    expect(m.kurtosis).toBeCloseTo(2.2304, 12);
    expect(m.sharpe).toBeCloseTo(0.979796, 6);
    expect(returnMoments([0.01, 0.01, 0.01])).toMatchObject({ sharpe: 0, skewness: 0, kurtosis: 3 });
  });

  it('pairedReturns keeps the bars both curves have', () => {
    const p = { ts: [1, 2, 3, 4, 5], equity: [100, 110, 121, 121, 133.1] };
    const b = { ts: [0, 1, 2, 3, 5], equity: [50, 50, 55, 50, 60] };
    const r = pairedReturns(p, b);
    expect(r.droppedBars).toBe(1);
    // Bar 4 is left out of both: the policy's 121 -> 133.1 spans it.
    expect(Array.from(r.returns).map((x) => +x.toFixed(12))).toEqual([0.1, 0.1, 0.1]);
    expect(Array.from(r.benchmark).map((x) => +x.toFixed(12))).toEqual([0.1, -0.090909090909, 0.2]);
  });
});

describe('stationary bootstrap', () => {
  it('resamples blocks of geometric length with mean L, wrapping from the last bar to the first', () => {
    const rng = makeRng('indices');
    const n = 200;
    const out = new Int32Array(n);
    let starts = 0;
    let wraps = 0;
    let outside = 0;
    const reps = 2000;
    for (let k = 0; k < reps; k++) {
      stationaryIndices(8, rng, out);
      for (let t = 1; t < n; t++) {
        if (out[t] < 0 || out[t] >= n) outside++;
        if (out[t] === 0 && out[t - 1] === n - 1) wraps++;
        if (out[t] !== (out[t - 1] + 1) % n) starts++;
      }
    }
    // After the first bar a new block starts with probability 1/8 at each bar (memoryless lengths);
    // a new block that happens to continue the last one (1 in n) is not seen: 1/8 * (1 - 1/n).
    const perBar = starts / (reps * (n - 1));
    expect(perBar / ((1 / 8) * (1 - 1 / n))).toBeGreaterThan(0.97);
    expect(perBar / ((1 / 8) * (1 - 1 / n))).toBeLessThan(1.03);
    expect(outside).toBe(0);
    expect(wraps).toBeGreaterThan(0);
  });

  it('the prefix-sum resampling equals the readable one: same draws, same intervals', () => {
    // Reference: materialise each resample's indices with stationaryIndices (same seed, same draws
    // in the same order), compound and average bar by bar, sort, take type-7 quantiles.
    const n = 700;
    const r = ar1(makeRng('ref-p'), n, 0.0003, 0.4);
    const b = ar1(makeRng('ref-b'), n, 0.0001, 0.4);
    const samples = 300;
    const L = 6.5;
    const rng = makeRng(11);
    const idx = new Int32Array(n);
    const tot: number[] = [];
    const exc: number[] = [];
    const shp: number[] = [];
    let beat = 0;
    for (let s = 0; s < samples; s++) {
      stationaryIndices(L, rng, idx);
      let gp = 1;
      let gb = 1;
      const x: number[] = [];
      for (const i of idx) {
        gp *= 1 + r[i];
        gb *= 1 + b[i];
        x.push(r[i]);
      }
      tot.push(gp - 1);
      exc.push(gp - gb);
      shp.push(returnMoments(x).sharpe * Math.sqrt(8766));
      if (gp > gb) beat++;
    }
    const q = (v: number[], p: number) => {
      const s = [...v].sort((a, c) => a - c);
      const h = (s.length - 1) * p;
      return s[Math.floor(h)] + (h - Math.floor(h)) * (s[Math.ceil(h)] - s[Math.floor(h)]);
    };
    const fast = bootstrapPolicy(r, b, { samples, seed: 11, blockLength: L, barsPerYear: 8766 });
    expect(fast.totalReturn.lo).toBeCloseTo(q(tot, 0.025), 10);
    expect(fast.totalReturn.hi).toBeCloseTo(q(tot, 0.975), 10);
    expect(fast.excessReturn.lo).toBeCloseTo(q(exc, 0.025), 10);
    expect(fast.excessReturn.hi).toBeCloseTo(q(exc, 0.975), 10);
    expect(fast.sharpe.lo).toBeCloseTo(q(shp, 0.025), 8);
    expect(fast.sharpe.hi).toBeCloseTo(q(shp, 0.975), 8);
    expect(fast.pBeatBenchmark).toBe(beat / samples);
  });

  it('the automatic block length grows with autocorrelation and follows the AR(1) closed form', () => {
    // For an AR(1) with coefficient phi, G / g(0) = 2 phi / (1 - phi^2), so
    // b_SB -> (2 phi / (1 - phi^2))^(2/3) n^(1/3) (block-length.ts).
    const n = 20000;
    const mean = (phi: number) => {
      let s = 0;
      for (let k = 0; k < 6; k++) s += stationaryBlockLength(ar1(makeRng(`bl/${phi}/${k}`), n, 0, phi));
      return s / 6;
    };
    const closed = (phi: number) => Math.cbrt((2 * phi / (1 - phi * phi)) ** 2) * Math.cbrt(n);
    const b = [0, 0.2, 0.5, 0.8].map(mean);
    expect(b[0]).toBeLessThan(2);
    for (let i = 1; i < b.length; i++) expect(b[i]).toBeGreaterThan(b[i - 1]);
    for (const [i, phi] of [[1, 0.2], [2, 0.5], [3, 0.8]]) {
      expect(b[i] / closed(phi)).toBeGreaterThan(0.7);
      expect(b[i] / closed(phi)).toBeLessThan(1.3);
    }
    // The clamp: at most ceil(min(3 sqrt(n), n / 3)).
    const short = ar1(makeRng('short'), 30, 0, 0.99);
    expect(stationaryBlockLength(short)).toBeLessThanOrEqual(10);
  });

  it('95 % intervals cover the true mean of AR(1) and AR-GARCH returns at about the nominal rate', () => {
    // 400 independent series of 2000 bars with a known mean (and, for the AR(1), a known Sharpe
    // ratio mu / (sigma / sqrt(1 - phi^2))), 400 resamples each. A binomial(400, 0.95) count lies
    // in 0.93..0.97 about 95 % of the time; block bootstraps run a little under nominal.
    const mu = 0.0005;
    const cover = (make: (rng: Rng) => Float64Array, truth: { mean: number; sharpe?: number }) => {
      let mean = 0;
      let sharpe = 0;
      for (let k = 0; k < 400; k++) {
        const x = make(makeRng(`coverage/${k}`));
        const s = bootstrapPolicy(x, x, { samples: 400, seed: k });
        if (s.meanReturn.lo <= truth.mean && truth.mean <= s.meanReturn.hi) mean++;
        if (truth.sharpe !== undefined && s.sharpe.lo <= truth.sharpe && truth.sharpe <= s.sharpe.hi) sharpe++;
      }
      return { mean: mean / 400, sharpe: sharpe / 400 };
    };
    const ar = cover((rng) => ar1(rng, 2000, mu, 0.5), { mean: mu, sharpe: mu / (0.01 / Math.sqrt(1 - 0.25)) });
    const garch = cover((rng) => arGarch(rng, 2000, mu, 0.3), { mean: mu });
    console.log(`coverage of the 95 % interval: AR(1) phi 0.5 mean ${ar.mean}, Sharpe ${ar.sharpe}; AR(0.3)-GARCH(1,1) mean ${garch.mean}`);
    for (const c of [ar.mean, ar.sharpe, garch.mean]) {
      expect(c).toBeGreaterThanOrEqual(0.9);
      expect(c).toBeLessThanOrEqual(0.98);
    }
  });

  it('pairs the policy with the benchmark: same series, excess 0 and never beats; a better one always beats', () => {
    const x = ar1(makeRng('pair'), 1500, 0.0002, 0.3);
    const same = bootstrapPolicy(x, x, { samples: 500 });
    expect(same.excessReturn).toEqual({ estimate: 0, lo: 0, hi: 0 });
    expect(same.pBeatBenchmark).toBe(0);
    // 1 bp more on every bar beats the benchmark on every resample, since both use the same bars.
    const better = x.map((r) => r + 0.0001);
    const b = bootstrapPolicy(better, x, { samples: 500 });
    expect(b.pBeatBenchmark).toBe(1);
    expect(b.excessReturn.lo).toBeGreaterThan(0);
    // Resampled independently, the 1 bp edge would drown in the spread of the total returns.
    expect(b.totalReturn.lo).toBeLessThan(b.excessReturn.lo);
  });

  it('a total loss compounds to -1 on every resample that holds it', () => {
    // Equity gone at bar 3 (r = -1), flat after it as envs/metrics.ts reports it (r = 0).
    const r = Float64Array.of(0.01, 0.02, -0.01, -1, 0, 0, 0, 0, 0, 0);
    const hold = Float64Array.of(0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01);
    const s = bootstrapPolicy(r, hold, { samples: 2000, blockLength: 1 });
    expect(s.totalReturn.estimate).toBe(-1);
    // The loss bar is drawn at least once with probability 1 - 0.9^10 = 0.651: the 2.5 % quantile is -1.
    expect(s.totalReturn.lo).toBe(-1);
    // Beating buy-and-hold's +10.5 % needs at least a resample without the loss bar (0.9^10 = 0.349).
    expect(s.pBeatBenchmark).toBeLessThan(0.36);
  });

  it('is deterministic under its seed and refuses bad input with one line', () => {
    const x = ar1(makeRng('det'), 800, 0.0001, 0.2);
    const y = ar1(makeRng('det2'), 800, 0.0001, 0.2);
    expect(bootstrapPolicy(x, y, { seed: 5, samples: 300 })).toEqual(bootstrapPolicy(x, y, { seed: 5, samples: 300 }));
    expect(bootstrapPolicy(x, y, { seed: 5, samples: 300 })).not.toEqual(bootstrapPolicy(x, y, { seed: 6, samples: 300 }));
    const fixed = bootstrapPolicy(x, y, { blockLength: 20, samples: 300 });
    expect(fixed.blockLength).toBe(20);
    expect(() => bootstrapPolicy(x, y.subarray(1))).toThrow(/same bars/);
    expect(() => bootstrapPolicy(x, y, { level: 95 })).toThrow(/^level: must be between 0 and 1/);
    expect(() => bootstrapPolicy(Float64Array.of(0.1, NaN, 0), Float64Array.of(0, 0, 0))).toThrow(/return 1 of the policy is NaN/);
  });
});

describe('deflated Sharpe ratio', () => {
  it("reproduces the paper's numerical example", () => {
    // Bailey & Lopez de Prado (2014), the numerical example: N = 100 trials, variance of their
    // annualised Sharpe ratios 1/2, best annualised Sharpe ratio 2.5, five years of daily returns
    // (T = 1250, 250 a year), skewness -3, kurtosis 10. Per day: SR = 2.5 / sqrt(250) = 0.158114,
    // V = 0.5 / 250 = 0.002.
    //   SR0 = sqrt(0.002) (0.422784 Phi^-1(0.99) + 0.577216 Phi^-1(1 - 1/(100 e)))
    //       = 0.0447214 (0.422784 * 2.326348 + 0.577216 * 2.680114) = 0.0447214 * 2.530567 = 0.113171
    //   z   = (0.158114 - 0.113171) sqrt(1249) / sqrt(1 + 3 * 0.158114 + 9/4 * 0.158114^2)
    //       = 0.044943 * 35.341194 / sqrt(1.530593) = 1.588338 / 1.237172 = 1.28384
    //   DSR = Phi(1.28384) = 0.9004, the value the paper reports.
    const d = deflatedSharpe({ sharpe: 2.5 / Math.sqrt(250), variance: 0.5 / 250, trials: 100, observations: 1250, skewness: -3, kurtosis: 10 });
    expect(d.expectedMaxSharpe).toBeCloseTo(0.113171, 5);
    expect(d.z).toBeCloseTo(1.28384, 4);
    expect(d.dsr).toBeCloseTo(0.9004, 4);
  });

  it('PSR of a worked example, and the expected maximum against a Monte Carlo of N normal draws', () => {
    // SR 0.1 over T = 101 normal returns against SR* = 0: z = 0.1 * 10 / sqrt(1 + 0.01 / 2) = 0.997509,
    // Phi(z) = Phi(1) - phi(1) * 0.002491 - phi(1) * 0.002491^2 / 2 = 0.841345 - 0.000603 - 0.0000008 = 0.840741.
    expect(probabilisticSharpe({ sharpe: 0.1, benchmark: 0, observations: 101 })).toBeCloseTo(0.840741, 6);
    // Negative skew and fat tails widen the Sharpe ratio's error, so the same SR is less convincing.
    // Skew -2, kurtosis 9: z = 1 / sqrt(1 + 0.2 + 2 * 0.01) = 0.905357, Phi(z) = 0.817357.
    expect(probabilisticSharpe({ sharpe: 0.1, benchmark: 0, observations: 101, skewness: -2, kurtosis: 9 })).toBeCloseTo(0.817357, 5);
    // E[max of N standard normals] by simulation (5000 maxima) vs the formula with V = 1: the
    // formula is an approximation, within 1 % for N = 100 (2.5306 vs 2.5076) and 1000.
    const rng = makeRng('max');
    for (const N of [100, 1000]) {
      let s = 0;
      for (let k = 0; k < 5000; k++) {
        let m = -Infinity;
        for (let i = 0; i < N; i++) m = Math.max(m, rng.normal());
        s += m;
      }
      expect(expectedMaxSharpe(N, 1) / (s / 5000)).toBeGreaterThan(0.99);
      expect(expectedMaxSharpe(N, 1) / (s / 5000)).toBeLessThan(1.02);
    }
    expect(expectedMaxSharpe(1, 0.3)).toBe(0);
    expect(expectedMaxSharpe(100, 4)).toBeCloseTo(2 * expectedMaxSharpe(100, 1), 12);
  });
});

describe('probability of backtest overfitting (CSCV)', () => {
  /** Row-major T x N from columns. */
  const matrix = (cols: number[][]) => {
    const T = cols[0].length;
    const N = cols.length;
    const m = new Float64Array(T * N);
    for (let t = 0; t < T; t++) for (let j = 0; j < N; j++) m[t * N + j] = cols[j][t];
    return { m, T, N };
  };

  it('a trial that wins only in its own block: every in-sample winner is at the bottom out of sample (PBO 1)', () => {
    // S = 4 blocks of 2 rows, N = 4 trials; trial k returns [2, 4] in block k and [-1, 0] elsewhere.
    // Any in-sample set J = {k, j}: trials k and j tie in-sample (rows 2 4 -1 0), the first wins.
    // Out of sample both have rows -1 0 -1 0 (Sharpe < 0), the other two have 2 4 -1 0 (Sharpe > 0):
    // the winner's mean rank is (1 + 2) / 2 = 1.5, w = 1.5 / 5 = 0.3, lambda = ln(0.3 / 0.7) = -0.847298
    // for all C(4, 2) = 6 splits: PBO = 1, and the winner always loses money out of sample.
    const cols = [0, 1, 2, 3].map((k) => [0, 1, 2, 3].flatMap((b) => (b === k ? [2, 4] : [-1, 0])));
    const { m, T, N } = matrix(cols);
    const r = probabilityOfBacktestOverfitting(m, T, N, { blocks: 4, minRowsPerBlock: 2 });
    expect(r.combinations).toBe(6);
    expect(r.pbo).toBe(1);
    expect(r.pLoss).toBe(1);
    for (const l of r.logits) expect(l).toBeCloseTo(Math.log(3 / 7), 12);
  });

  it('a trial better everywhere is never overfit (PBO 0, every logit ln N)', () => {
    const rng = makeRng('dominant');
    const T = 320;
    const N = 6;
    const cols = Array.from({ length: N }, (_, j) => Array.from({ length: T }, () => (j === 2 ? 0.05 : 0) + 0.01 * rng.normal()));
    const { m } = matrix(cols);
    const r = probabilityOfBacktestOverfitting(m, T, N);
    expect(r.blocks).toBe(16);
    expect(r.combinations).toBe(12870);
    expect(r.pbo).toBe(0);
    // Rank N of N: w = N / (N + 1), lambda = ln N.
    for (const l of r.logits) expect(l).toBeCloseTo(Math.log(N), 12);
  });

  it('agrees with a brute-force enumeration on random matrices', () => {
    // The reference concatenates the rows of each split and ranks by sorting: no shared code.
    const sharpe = (xs: number[]) => {
      const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
      const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1));
      return sd > 0 ? mean / sd : 0;
    };
    const subsets = (items: number[], k: number): number[][] =>
      k === 0 ? [[]] : items.length < k ? [] : [...subsets(items.slice(1), k - 1).map((s) => [items[0], ...s]), ...subsets(items.slice(1), k)];
    const brute = (cols: number[][], S: number) => {
      const T = cols[0].length;
      const m = Math.floor(T / S);
      const skip = T - S * m;
      const rowsOf = (blocks: number[]) => blocks.flatMap((b) => Array.from({ length: m }, (_, i) => skip + b * m + i));
      const logits: number[] = [];
      for (const J of subsets([...Array(S).keys()], S / 2)) {
        const Jc = [...Array(S).keys()].filter((b) => !J.includes(b));
        const is = cols.map((c) => sharpe(rowsOf(J).map((t) => c[t])));
        const oos = cols.map((c) => sharpe(rowsOf(Jc).map((t) => c[t])));
        const best = is.indexOf(Math.max(...is));
        const sorted = [...oos].sort((a, b) => a - b);
        const first = sorted.indexOf(oos[best]) + 1;
        const last = sorted.lastIndexOf(oos[best]) + 1;
        const w = (first + last) / 2 / (cols.length + 1);
        logits.push(Math.log(w / (1 - w)));
      }
      return { pbo: logits.filter((l) => l <= 0).length / logits.length, logits: logits.sort((a, b) => a - b) };
    };
    const rng = makeRng('brute');
    for (const [T, N, S] of [[61, 5, 6], [100, 7, 8], [45, 4, 4]]) {
      // Trials with some persistence (a drift that changes sign halfway for some) so PBO is not trivial.
      const cols = Array.from({ length: N }, (_, j) => Array.from({ length: T }, (_, t) => 0.002 * (j - N / 2) * (t < T / 2 ? 1 : -1) + 0.01 * rng.normal()));
      const { m } = matrix(cols);
      const r = probabilityOfBacktestOverfitting(m, T, N, { blocks: S, minRowsPerBlock: 2 });
      const b = brute(cols, S);
      expect(r.blocks).toBe(S);
      expect(r.pbo).toBe(b.pbo);
      const mine = Array.from(r.logits).sort((a, c) => a - c);
      mine.forEach((l, i) => expect(l).toBeCloseTo(b.logits[i], 10));
    }
  });

  it('pure noise is overfit about half the time', () => {
    // With no skill anywhere the in-sample winner's out-of-sample rank is uniform: PBO ~ 1/2.
    let s = 0;
    for (let k = 0; k < 6; k++) {
      const rng = makeRng(`noise/${k}`);
      const T = 480;
      const N = 20;
      const { m } = matrix(Array.from({ length: N }, () => Array.from({ length: T }, () => 0.01 * rng.normal())));
      s += probabilityOfBacktestOverfitting(m, T, N).pbo;
    }
    expect(s / 6).toBeGreaterThan(0.3);
    expect(s / 6).toBeLessThan(0.7);
  });

  it('says why when there are too few trials or periods, and uses fewer blocks on short series', () => {
    expect(cscvBlocks(1000, 3)).toEqual({ reason: 'needs at least 4 trials with returns, has 3' });
    expect(cscvBlocks(31, 10)).toEqual({ reason: 'needs at least 32 periods (4 blocks of 8), has 31' });
    expect(cscvBlocks(100, 10)).toEqual({ blocks: 12 }); // floor(100 / 16) = 6 rows < 8: 12 blocks of 8
    expect(cscvBlocks(5000, 10)).toEqual({ blocks: 16 });
    expect(() => probabilityOfBacktestOverfitting(new Float64Array(30), 10, 3)).toThrow(/^returns: no PBO: needs at least 4 trials/);
  });
});
