// Trading accounts for N envs at once (structure of arrays: one Float64Array per field), so a
// single env and a VecEnv of 64 run the same code without objects per env. All money is in the
// quote currency; positions are signed base units. equity = cash + position * mark.
//
// Margin is isolated: each trade re-posts the position's margin, |position| * price / leverage
// (leverage >= 1), and the rest of the equity is the `reserve`, which the position cannot lose.
// Between trades the position's margin balance is equity - reserve (the margin plus the PnL since
// the trade); it is liquidated when that balance falls to the maintenance margin (mmr * |notional|),
// and a liquidation never takes more than the margin: equity ends at least at the reserve, so
// equity >= 0 whatever the gap (the exchange's insurance fund takes the rest). The envs size every
// order so that margin + the trade's costs fit the equity, which keeps reserve >= 0 (and, at
// leverage 1, cash >= 0 for a long: no borrowing).

export class Accounts {
  readonly cash: Float64Array;
  readonly position: Float64Array;
  /** Average entry price of the open position (0 when flat). */
  readonly avgEntry: Float64Array;
  /** PnL realised by reducing or closing positions, before fees. */
  readonly realised: Float64Array;
  readonly fees: Float64Array;
  /** Traded notional (for turnover). */
  readonly traded: Float64Array;
  /** Last mark price and the equity at it. */
  readonly mark: Float64Array;
  readonly equity: Float64Array;
  readonly peakEquity: Float64Array;
  readonly trades: Float64Array;
  /** Equity not posted as margin for the open position (all of it when flat); set at each trade. */
  readonly reserve: Float64Array;

  constructor(readonly n: number, readonly initialCash: number) {
    this.cash = new Float64Array(n);
    this.position = new Float64Array(n);
    this.avgEntry = new Float64Array(n);
    this.realised = new Float64Array(n);
    this.fees = new Float64Array(n);
    this.traded = new Float64Array(n);
    this.mark = new Float64Array(n);
    this.equity = new Float64Array(n);
    this.peakEquity = new Float64Array(n);
    this.trades = new Float64Array(n);
    this.reserve = new Float64Array(n);
    for (let i = 0; i < n; i++) this.reset(i, NaN);
  }

  reset(i: number, mark: number): void {
    this.cash[i] = this.initialCash;
    this.position[i] = 0;
    this.avgEntry[i] = 0;
    this.realised[i] = 0;
    this.fees[i] = 0;
    this.traded[i] = 0;
    this.mark[i] = mark;
    this.equity[i] = this.initialCash;
    this.peakEquity[i] = this.initialCash;
    this.trades[i] = 0;
    this.reserve[i] = this.initialCash;
  }

  /**
   * Books a fill of `qty` base units (signed: + buy, - sell) at `price`, paying `fee` in quote.
   * Reducing a position realises (price - avgEntry) * closed units; a flip opens the rest at `price`.
   */
  fill(i: number, qty: number, price: number, fee: number): void {
    if (qty === 0) return;
    const pos = this.position[i];
    if (pos === 0 || (pos > 0) === (qty > 0)) {
      const a = Math.abs(pos);
      const b = Math.abs(qty);
      this.avgEntry[i] = (a * this.avgEntry[i] + b * price) / (a + b);
    } else {
      const closing = Math.min(Math.abs(qty), Math.abs(pos));
      this.realised[i] += closing * (price - this.avgEntry[i]) * (pos > 0 ? 1 : -1);
      if (Math.abs(qty) > Math.abs(pos)) this.avgEntry[i] = price;
      else if (Math.abs(qty) === Math.abs(pos)) this.avgEntry[i] = 0;
    }
    this.position[i] = pos + qty;
    // Exactly flat after a full close, not 1e-17 from rounding.
    if (Math.abs(this.position[i]) < 1e-12 * Math.abs(qty)) {
      this.position[i] = 0;
      this.avgEntry[i] = 0;
    }
    this.cash[i] -= qty * price + fee;
    this.fees[i] += fee;
    this.traded[i] += Math.abs(qty * price);
    this.trades[i] += 1;
  }

  /** Marks the account at `price`; returns the new equity. */
  markTo(i: number, price: number): number {
    this.mark[i] = price;
    const eq = this.cash[i] + this.position[i] * price;
    this.equity[i] = eq;
    if (eq > this.peakEquity[i]) this.peakEquity[i] = eq;
    return eq;
  }

  unrealised(i: number): number {
    return this.position[i] * (this.mark[i] - this.avgEntry[i]);
  }

  /** Exposure as a signed fraction of equity (position notional / equity) at `price`. */
  exposure(i: number, price: number): number {
    const eq = this.cash[i] + this.position[i] * price;
    return eq > 0 ? (this.position[i] * price) / eq : 0;
  }

  /**
   * Re-posts the margin after a trade: |position| * mark / max(1, leverage) (a position never
   * posts more than its own value), the rest of the equity at `mark` is the reserve. The sizing
   * keeps it >= 0; the clamp only absorbs float rounding.
   */
  remargin(i: number, mark: number, leverage: number): void {
    const pos = this.position[i];
    const margin = pos === 0 ? 0 : (Math.abs(pos) * mark) / (leverage > 1 ? leverage : 1);
    const r = this.cash[i] + pos * mark - margin;
    this.reserve[i] = r > 0 ? r : 0;
  }

  /**
   * Price at which the position's margin balance (equity - reserve) falls to the maintenance
   * margin mmr * |notional|, or NaN when flat or when no positive price does (a fully funded
   * long). Long: P <= (reserve - cash) / (pos (1 - mmr)); short: P >= (cash - reserve) / (|pos| (1 + mmr)).
   */
  liquidationPrice(i: number, mmr: number): number {
    const pos = this.position[i];
    const free = this.cash[i] - this.reserve[i];
    if (pos > 0) return free < 0 ? -free / (pos * (1 - mmr)) : NaN;
    if (pos < 0) return free > 0 ? free / (-pos * (1 + mmr)) : NaN;
    return NaN;
  }

  /**
   * Closes the position at `price` paying `fee`. Isolated margin: the loss stops at the posted
   * margin, so equity ends at least at the reserve (after a gap through the liquidation price,
   * or an exit whose costs exceed the margin left, the exchange's insurance fund absorbs the
   * deficit); then all of it is free.
   */
  liquidate(i: number, price: number, fee: number): void {
    const pos = this.position[i];
    if (pos === 0) return;
    this.fill(i, -pos, price, fee);
    if (this.cash[i] < this.reserve[i]) this.cash[i] = this.reserve[i];
    this.reserve[i] = this.cash[i];
  }
}
