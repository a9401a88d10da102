// Volume-weighted average price of the typical price (high + low + close) / 3.
//  - vwap: cumulative from the first bar of the series (or since reset(): a session VWAP is a
//    stream reset at the session open). Lookback 0. Kahan-compensated sums: no subtraction, so no
//    drift, but a million bars of plain summation would lose ~1e-10 relative; Kahan keeps ~1e-16.
//    NaN: cumulative, so a NaN high/low/close/volume makes that output and all later ones NaN.
//  - rollingVwap: over the last n bars, sums with the drift guard of rolling-sum.ts. Lookback n - 1;
//    a NaN input makes the outputs whose window holds it NaN.
// Both are NaN while the volume summed so far is 0 (no trade, no price).
import { checkPeriod, checkSameLength, outArray } from './params.js';
import { ScratchBar, type Bar, type HighLowCloseVolume } from './bar.js';
import { RollingSum } from './rolling-sum.js';

export function vwapLookback(): number {
  return 0;
}

export function rollingVwapLookback(n: number): number {
  return checkPeriod('n', n) - 1;
}

export function typicalPrice(bar: Bar): number {
  return (bar.high + bar.low + bar.close) / 3;
}

export class VwapStream {
  readonly lookback = 0;
  private pv = 0;
  private pvC = 0;
  private vol = 0;
  private volC = 0;

  update(bar: Bar): number {
    const v = bar.volume;
    // Kahan: c holds the low-order bits the previous additions lost.
    const y1 = typicalPrice(bar) * v - this.pvC;
    const t1 = this.pv + y1;
    this.pvC = t1 - this.pv - y1;
    this.pv = t1;
    const y2 = v - this.volC;
    const t2 = this.vol + y2;
    this.volC = t2 - this.vol - y2;
    this.vol = t2;
    return this.vol !== 0 ? this.pv / this.vol : NaN;
  }

  reset(): void {
    this.pv = this.pvC = this.vol = this.volC = 0;
  }
}

export class RollingVwapStream {
  readonly lookback: number;
  private readonly pv: RollingSum;
  private readonly vol: RollingSum;

  constructor(readonly n: number) {
    this.lookback = rollingVwapLookback(n);
    this.pv = new RollingSum(n);
    this.vol = new RollingSum(n);
  }

  update(bar: Bar): number {
    const pv = this.pv;
    const vol = this.vol;
    pv.push(typicalPrice(bar) * bar.volume);
    vol.push(bar.volume);
    if (!pv.full || pv.nans > 0 || vol.nans > 0 || vol.nonZero === 0) return NaN;
    return pv.sum / vol.sum;
  }

  reset(): void {
    this.pv.reset();
    this.vol.reset();
  }
}

// Separate loops (no shared helper taking the stream) keep each call site monomorphic.
export function vwap(bars: HighLowCloseVolume, out?: Float64Array): Float64Array {
  const { high, low, close, volume } = bars;
  checkSameLength({ high, low, close, volume });
  const o = outArray(out, close.length);
  const s = new VwapStream();
  const bar = new ScratchBar();
  for (let i = 0; i < close.length; i++) {
    bar.high = high[i];
    bar.low = low[i];
    bar.close = close[i];
    bar.volume = volume[i];
    o[i] = s.update(bar);
  }
  return o;
}

export function rollingVwap(bars: HighLowCloseVolume, n: number, out?: Float64Array): Float64Array {
  const { high, low, close, volume } = bars;
  checkSameLength({ high, low, close, volume });
  const o = outArray(out, close.length);
  const s = new RollingVwapStream(n);
  const bar = new ScratchBar();
  for (let i = 0; i < close.length; i++) {
    bar.high = high[i];
    bar.low = low[i];
    bar.close = close[i];
    bar.volume = volume[i];
    o[i] = s.update(bar);
  }
  return o;
}
