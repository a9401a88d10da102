// On-balance volume as TA-Lib OBV: starts at the first bar's volume (not 0), then adds the bar's
// volume when the close rises, subtracts it when the close falls, keeps it when unchanged.
// Lookback 0. A plain running sum in TA-Lib's order, so values equal TA-Lib's bit for bit; OBV is
// a cumulative level, only its changes carry meaning, so its rounding is never "refreshed".
// NaN: a NaN close or volume makes that output and every later one NaN (cumulative state).
import { checkSameLength, outArray } from './params.js';
import { ScratchBar, type CloseVolume, type CloseVolumeBar } from './bar.js';

export function obvLookback(): number {
  return 0;
}

export class ObvStream {
  readonly lookback = 0;
  private seen = 0;
  private prevClose = 0;
  private value = 0;

  update(bar: CloseVolumeBar): number {
    const { close, volume } = bar;
    if (close !== close || volume !== volume) {
      // A comparison with NaN is false, which would silently keep the level: poison it instead.
      this.value = NaN;
    } else if (this.seen === 0) {
      this.value = volume;
    } else if (close > this.prevClose) {
      this.value += volume;
    } else if (close < this.prevClose) {
      this.value -= volume;
    }
    this.seen++;
    this.prevClose = close;
    return this.value;
  }

  reset(): void {
    this.seen = 0;
    this.prevClose = 0;
    this.value = 0;
  }
}

export function obv(bars: CloseVolume, out?: Float64Array): Float64Array {
  const { close, volume } = bars;
  checkSameLength({ close, volume });
  const o = outArray(out, close.length);
  const s = new ObvStream();
  const bar = new ScratchBar();
  for (let i = 0; i < close.length; i++) {
    bar.close = close[i];
    bar.volume = volume[i];
    o[i] = s.update(bar);
  }
  return o;
}
