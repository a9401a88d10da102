// Seeded synthetic datasets (candles, trades, depth-N books) on a price / lot grid, for tests
// and demos of the sim. Same seed, same data.
import seedrandom from 'seedrandom';
import { emptyBooks, emptyCandles, emptyTrades, type Books, type Candles, type Trades } from '../../data/types.js';
import { timeframeMs } from '../../data/timeframe.js';
import { roundTo } from './format.js';

interface Common {
  symbol: string;
  /** First timestamp, ms UTC. */
  start: number;
  /** Starting price. */
  price: number;
  seed?: string;
  /** Grid of prices and sizes (default 2 and 5 decimals: tick 0.01, lot 0.00001). */
  priceDecimals?: number;
  qtyDecimals?: number;
  exchange?: string;
}

function setup(o: Common) {
  const rng = seedrandom(o.seed ?? `fixtures:${o.symbol}`);
  const pd = o.priceDecimals ?? 2;
  const qd = o.qtyDecimals ?? 5;
  const tick = 10 ** -pd;
  /** Random walk step of about 2 bp, on the tick grid. */
  const walk = (p: number) => Math.max(tick, roundTo(p + p * 0.0002 * (rng() - 0.5) * 2, pd));
  const size = (scale: number) => Math.max(10 ** -qd, roundTo(scale * (0.1 + rng()), qd));
  return { rng, pd, qd, tick, walk, size, exchange: o.exchange ?? 'binance' };
}

export function makeCandles(o: Common & { n: number; timeframe?: string }): Candles {
  const { rng, pd, tick, walk, size, exchange } = setup(o);
  const tf = o.timeframe ?? '1m';
  const ms = timeframeMs(tf);
  const c = emptyCandles(exchange, o.symbol, tf, o.n);
  let p = roundTo(o.price, pd);
  for (let i = 0; i < o.n; i++) {
    const open = p;
    p = walk(p);
    c.ts[i] = o.start + i * ms;
    c.open[i] = open;
    c.close[i] = p;
    c.high[i] = roundTo(Math.max(open, p) + tick * Math.floor(rng() * 5), pd);
    c.low[i] = Math.max(tick, roundTo(Math.min(open, p) - tick * Math.floor(rng() * 5), pd));
    c.volume[i] = size(10);
  }
  return c;
}

export function makeTrades(o: Common & { n: number; everyMs: number; firstId?: number }): Trades {
  const { rng, pd, walk, size, exchange } = setup(o);
  const t = emptyTrades(exchange, o.symbol, o.n);
  let p = roundTo(o.price, pd);
  const first = o.firstId ?? 1;
  for (let i = 0; i < o.n; i++) {
    p = walk(p);
    t.ts[i] = o.start + i * o.everyMs;
    t.price[i] = p;
    t.amount[i] = size(0.05);
    t.side[i] = rng() < 0.5 ? 1 : -1;
    t.id[i] = String(first + i);
  }
  return t;
}

/** Books whose levels move, resize and sometimes vanish (a thin last level is NaN / 0). */
export function makeBooks(o: Common & { n: number; everyMs: number; depth?: number }): Books {
  const { rng, pd, tick, walk, size, exchange } = setup(o);
  const depth = o.depth ?? 5;
  const b = emptyBooks(exchange, o.symbol, depth, o.n);
  let mid = roundTo(o.price, pd);
  for (let t = 0; t < o.n; t++) {
    mid = walk(mid);
    b.ts[t] = o.start + t * o.everyMs;
    let bid = roundTo(mid - tick * (1 + Math.floor(rng() * 2)), pd);
    let ask = roundTo(mid + tick * (1 + Math.floor(rng() * 2)), pd);
    const thin = rng() < 0.2;
    for (let i = 0; i < depth; i++) {
      const k = t * depth + i;
      if (thin && i === depth - 1) break;
      b.bidPx[k] = bid;
      b.bidSz[k] = size(1);
      b.askPx[k] = ask;
      b.askSz[k] = size(1);
      bid = roundTo(bid - tick * (1 + Math.floor(rng() * 3)), pd);
      ask = roundTo(ask + tick * (1 + Math.floor(rng() * 3)), pd);
    }
  }
  return b;
}
