// Market orders against an L2 book: walk the levels from the best price, filling what each level
// holds, until the order is done or the book's known depth runs out (a partial fill).
import type { ExecutionConfig } from './config.js';
import type { Fill } from './candle-fills.js';

/**
 * Fills `qty` (signed: + buys from the asks, - sells to the bids) against one snapshot of depth
 * `depth` starting at `offset` in the row-major price/size arrays. Missing levels (NaN price or
 * zero size) end the walk. The fill price is the size-weighted average; taker fee on the notional.
 */
export function walkBook(
  out: Fill, qty: number,
  bidPx: Float64Array, bidSz: Float64Array, askPx: Float64Array, askSz: Float64Array,
  offset: number, depth: number, cfg: ExecutionConfig,
): Fill {
  const buy = qty > 0;
  const px = buy ? askPx : bidPx;
  const sz = buy ? askSz : bidSz;
  let left = Math.abs(qty);
  let filled = 0;
  let notional = 0;
  for (let k = 0; k < depth && left > 0; k++) {
    const p = px[offset + k];
    const s = sz[offset + k];
    if (!(p > 0) || !(s > 0)) break;
    const take = s < left ? s : left;
    filled += take;
    notional += take * p;
    left -= take;
  }
  out.qty = buy ? filled : -filled;
  out.price = filled > 0 ? notional / filled : NaN;
  out.fee = notional * cfg.takerFee;
  out.taker = true;
  return out;
}
