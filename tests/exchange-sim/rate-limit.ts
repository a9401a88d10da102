// Binance's REQUEST_WEIGHT limit: each endpoint costs a weight, summed over fixed one-minute
// windows (Binance resets on the minute, it does not roll). The sum is reported back in
// X-MBX-USED-WEIGHT-1M; a request that takes the sum over the limit is answered 429 with
// Retry-After. Rejected requests still count, as on Binance, so hammering keeps you limited.

export type WeightResult =
  | { ok: true; used: number }
  | { ok: false; used: number; retryAfterSec: number };

export class WeightLimiter {
  private windowStart = -1;
  private used = 0;

  constructor(
    readonly limit: number,
    private readonly clock: () => number = Date.now,
  ) {}

  take(weight: number): WeightResult {
    const now = this.clock();
    const start = Math.floor(now / 60_000) * 60_000;
    if (start !== this.windowStart) {
      this.windowStart = start;
      this.used = 0;
    }
    this.used += weight;
    if (this.used <= this.limit) return { ok: true, used: this.used };
    return { ok: false, used: this.used, retryAfterSec: Math.max(1, Math.ceil((start + 60_000 - now) / 1000)) };
  }
}
