// Where a resting limit order stands in the queue at its price level, estimated from L2
// snapshots and public trades (we never see the exchange's order-by-order queue). A simpler
// cousin of hftbacktest's ProbQueueModel: cancellations are spread pro rata over the queue instead
// of by a probability function of the position.
//
// The model, per resting order at price P (side +1 bid, -1 ask):
// 1. Placed: queue ahead = the displayed size at P in the snapshot the order reaches (0 when P is
//    a new level, e.g. inside the spread). Orders that join later queue behind it.
// 2. A trade AT P whose taker is on the other side (a sell hitting our bid) first consumes the
//    queue ahead; what is left of the trade fills the order, as maker, at P.
// 3. A trade THROUGH P (below a bid, above an ask) proves the level was emptied: the whole order
//    fills at P (hftbacktest does the same).
// 4. The opposite best reaching P (best ask <= bid P) fills the whole order at P, as maker.
// 5. When the level's displayed size shrinks by more than the trades at P explain, the rest of the
//    shrink is cancellations, spread evenly over the level: queue ahead *= new size / expected
//    size. Queue ahead never exceeds the displayed size (an emptied level puts us first).
// The functions mutate a caller-owned QueueOrder and return the base units that fill; nothing is
// allocated.

export interface QueueOrder {
  active: boolean;
  /** +1 buy (resting bid), -1 sell (resting ask). */
  readonly side: 1 | -1;
  /** Limit price as an integer tick index, and as a price. */
  ticks: number;
  price: number;
  /** Base units still to fill (> 0 while active). */
  remaining: number;
  /** Displayed size ahead of the order at its level. */
  queueAhead: number;
  /** Displayed size at the level in the last snapshot seen (NaN: beyond the snapshot's depth). */
  levelSize: number;
  /** Volume that traded at the level since that snapshot (explains part of a shrink). */
  tradedAtLevel: number;
}

export function newQueueOrder(side: 1 | -1): QueueOrder {
  return { active: false, side, ticks: 0, price: NaN, remaining: 0, queueAhead: 0, levelSize: NaN, tradedAtLevel: 0 };
}

/** Places the order at `ticks` behind `displayed` units (NaN: unknown, treated as none ahead). */
export function placeQueueOrder(o: QueueOrder, ticks: number, price: number, qty: number, displayed: number): void {
  o.active = true;
  o.ticks = ticks;
  o.price = price;
  o.remaining = qty;
  o.queueAhead = displayed > 0 ? displayed : 0;
  o.levelSize = displayed;
  o.tradedAtLevel = 0;
}

/** A public trade of `amount` at `tradeTicks` with taker side `takerSide`; returns units filled. */
export function queueOnTrade(o: QueueOrder, tradeTicks: number, amount: number, takerSide: number): number {
  if (!o.active) return 0;
  const d = (tradeTicks - o.ticks) * o.side;
  if (d < 0) {
    o.queueAhead = 0;
    return o.remaining;
  }
  if (d > 0 || takerSide !== -o.side) return 0;
  o.tradedAtLevel += amount;
  const consumed = amount < o.queueAhead ? amount : o.queueAhead;
  o.queueAhead -= consumed;
  const left = amount - consumed;
  return left < o.remaining ? left : o.remaining;
}

/**
 * A new snapshot: `displayed` is the size now shown at the order's price (NaN: beyond the depth),
 * `oppositeTicks` the opposite best price in ticks (NaN: that side is empty). Returns units filled
 * by a crossing book (the whole remainder) or 0 after updating the queue estimate.
 */
export function queueOnBook(o: QueueOrder, displayed: number, oppositeTicks: number): number {
  if (!o.active) return 0;
  const traded = o.tradedAtLevel;
  o.tradedAtLevel = 0;
  if ((oppositeTicks - o.ticks) * o.side <= 0) {
    o.queueAhead = 0;
    return o.remaining;
  }
  if (displayed !== displayed) {
    o.levelSize = NaN;
    return 0;
  }
  const expected = o.levelSize - traded;
  if (expected > displayed) o.queueAhead *= displayed / expected;
  if (o.queueAhead > displayed) o.queueAhead = displayed;
  o.levelSize = displayed;
  return 0;
}

/** Share of the level's displayed size that is ahead of the order, in [0, 1] (0 when inactive). */
export function queueAheadFraction(o: QueueOrder): number {
  if (!o.active || !(o.queueAhead > 0)) return 0;
  const f = o.levelSize > 0 ? o.queueAhead / o.levelSize : 1;
  return f < 1 ? f : 1;
}
