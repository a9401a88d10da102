// Binance kline intervals and where each bar starts (UTC).
import { timeframeMs } from '../../data/timeframe.js';

/** Every interval Binance spot accepts; anything else is error -1120 "Invalid interval.". */
export const BINANCE_INTERVALS = new Set([
  '1s', '1m', '3m', '5m', '15m', '30m', '1h', '2h', '4h', '6h', '8h', '12h', '1d', '3d', '1w', '1M',
]);

const WEEK = 604_800_000;
/** 1970-01-05, a Monday: Binance weeks start on Monday 00:00 UTC. */
const MONDAY = 4 * 86_400_000;

/** Length in ms of a fixed-length interval (everything but 1M). */
export function intervalMs(interval: string): number | undefined {
  if (interval === '1M' || !BINANCE_INTERVALS.has(interval)) return undefined;
  return timeframeMs(interval);
}

/** Open time of the bar of `interval` that contains `ts`. */
export function barStart(interval: string, ts: number): number {
  if (interval === '1M') {
    const d = new Date(ts);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  }
  if (interval === '1w') return Math.floor((ts - MONDAY) / WEEK) * WEEK + MONDAY;
  const ms = timeframeMs(interval);
  return Math.floor(ts / ms) * ms;
}

/** Open time of the bar after the one that opens at `start`. */
export function nextBarStart(interval: string, start: number): number {
  if (interval === '1M') {
    const d = new Date(start);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  }
  return start + timeframeMs(interval);
}
