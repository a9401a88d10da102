// Fill rules on OHLCV bars: the part of the execution model that decides at what price and size
// an order fills inside a bar. Results go into a caller-owned Fill (no allocation per call).
import type { ExecutionConfig } from './config.js';

export interface Fill {
  /** Signed filled base units (0 = nothing filled). */
  qty: number;
  price: number;
  fee: number;
  /** true when the fill took liquidity (taker fee). */
  taker: boolean;
}

export function newFill(): Fill {
  return { qty: 0, price: NaN, fee: 0, taker: true };
}

/**
 * Slippage of a market order as a fraction of price: half the spread plus impact proportional to
 * the order's share of the reference volume (the last CLOSED bar's: known when the order is sent).
 * Zero or missing volume means no liquidity information: the impact cap applies.
 */
export function marketSlippage(qty: number, refVolume: number, cfg: ExecutionConfig): number {
  const participation = refVolume > 0 ? Math.abs(qty) / refVolume : Infinity;
  return cfg.halfSpread + Math.min(cfg.maxImpact, cfg.impactCoef * participation);
}

/**
 * What a market order of `qty` costs against the reference price, per unit of its notional there:
 * its slippage plus the taker fee on the slipped price (fillMarket's price and fee, as a rate).
 * Nondecreasing in |qty| (impact grows with size), which the envs' sizing relies on.
 */
export function marketCostRate(qty: number, refVolume: number, cfg: ExecutionConfig): number {
  const s = marketSlippage(qty, refVolume, cfg);
  return s + (qty > 0 ? 1 + s : 1 - s) * cfg.takerFee;
}

/** A market order of `qty` filled at the bar's open, plus slippage, paying the taker fee. */
export function fillMarket(out: Fill, qty: number, open: number, refVolume: number, cfg: ExecutionConfig): Fill {
  const price = open * (1 + (qty > 0 ? 1 : -1) * marketSlippage(qty, refVolume, cfg));
  out.qty = qty;
  out.price = price;
  out.fee = Math.abs(qty) * price * cfg.takerFee;
  out.taker = true;
  return out;
}

/**
 * A limit order resting through a bar. A buy limit at L fills when the bar trades THROUGH it
 * (low < L; touching L is not enough: the queue at L may not be reached), at L, as maker, for at
 * most `limitParticipation` of the bar's volume. If the bar opens beyond L (open <= L for a buy)
 * the order is marketable at the open: it fills at the open as taker, for the whole size.
 */
export function fillLimit(
  out: Fill, qty: number, limit: number,
  open: number, high: number, low: number, volume: number, cfg: ExecutionConfig,
): Fill {
  const buy = qty > 0;
  out.qty = 0;
  out.fee = 0;
  if (buy ? open <= limit : open >= limit) {
    out.qty = qty;
    out.price = open;
    out.taker = true;
    out.fee = Math.abs(qty) * open * cfg.takerFee;
    return out;
  }
  if (buy ? low < limit : high > limit) {
    const cap = cfg.limitParticipation * (volume > 0 ? volume : 0);
    const q = Math.min(Math.abs(qty), cap);
    out.qty = buy ? q : -q;
    out.price = limit;
    out.taker = false;
    out.fee = q * limit * cfg.makerFee;
  }
  return out;
}

/**
 * A stop order: a buy stop at S triggers when the bar's high reaches S, a sell stop when the low
 * reaches S; it then fills as a market order at the worse of S and the open (gaps fill at the
 * open), plus slippage against `refVolume`.
 */
export function fillStop(
  out: Fill, qty: number, stop: number,
  open: number, high: number, low: number, refVolume: number, cfg: ExecutionConfig,
): Fill {
  const buy = qty > 0;
  out.qty = 0;
  out.fee = 0;
  if (buy ? high >= stop : low <= stop) {
    const base = buy ? Math.max(open, stop) : Math.min(open, stop);
    return fillMarket(out, qty, base, refVolume, cfg);
  }
  return out;
}
