// Trading accounts for N envs at once (structure of arrays: one Float64Array per field), so a
// single env and a VecEnv of 64 run the same code without objects per env. All money is in the
// quote currency; positions are signed base units. equity = cash + position * mark.

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
   * Price at which equity falls to the maintenance margin (mmr * |notional|), or NaN when flat or
   * when no such price exists (a fully funded long). Long: P < -cash / (pos (1 - mmr)); short:
   * P > cash / (|pos| (1 + mmr)).
   */
  liquidationPrice(i: number, mmr: number): number {
    const pos = this.position[i];
    const cash = this.cash[i];
    if (pos > 0) return cash < 0 ? -cash / (pos * (1 - mmr)) : NaN;
    if (pos < 0) return cash / (-pos * (1 + mmr));
    return NaN;
  }
}
