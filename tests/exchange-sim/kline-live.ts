// <symbol>@kline_<interval> streams, built from the live trades: every trade updates the open
// bar; a trade in a later bar first closes the open one (x: true), as Binance reports it.
import type { LiveTrade } from './trade-replay.js';
import { barStart, nextBarStart } from './intervals.js';
import { fixed8, fmt } from './format.js';

interface Bar {
  t: number; T: number; f: number; L: number;
  o: number; h: number; l: number; c: number; v: number; q: number; n: number; V: number; Q: number;
}

export class KlineAggregator {
  private bar: Bar | undefined;
  private dirty = false;

  constructor(readonly id: string, readonly interval: string) {}

  /** Adds a trade; returns the event for the bar it closed, if it closed one. */
  add(tr: LiveTrade): unknown {
    const start = barStart(this.interval, tr.ts);
    let closed: unknown;
    if (this.bar && this.bar.t !== start) {
      closed = this.event(this.bar, true, tr.ts);
      this.bar = undefined;
    }
    const quote = tr.price * tr.amount;
    const b = this.bar;
    if (!b) {
      this.bar = {
        t: start, T: nextBarStart(this.interval, start) - 1, f: tr.id, L: tr.id,
        o: tr.price, h: tr.price, l: tr.price, c: tr.price, v: tr.amount, q: quote, n: 1,
        V: tr.side > 0 ? tr.amount : 0, Q: tr.side > 0 ? quote : 0,
      };
    } else {
      b.L = tr.id; b.c = tr.price; b.n++; b.v += tr.amount; b.q += quote;
      if (tr.price > b.h) b.h = tr.price;
      if (tr.price < b.l) b.l = tr.price;
      if (tr.side > 0) { b.V += tr.amount; b.Q += quote; }
    }
    this.dirty = true;
    return closed;
  }

  /** The open bar's event if it changed since the last call (Binance pushes updates periodically). */
  update(eventTime: number): unknown {
    if (!this.dirty || !this.bar) return undefined;
    this.dirty = false;
    return this.event(this.bar, false, eventTime);
  }

  private event(b: Bar, closed: boolean, E: number): unknown {
    return {
      e: 'kline', E, s: this.id,
      k: {
        t: b.t, T: b.T, s: this.id, i: this.interval, f: b.f, L: b.L,
        o: fmt(b.o), c: fmt(b.c), h: fmt(b.h), l: fmt(b.l), v: fixed8(b.v), n: b.n, x: closed,
        q: fixed8(b.q), V: fixed8(b.V), Q: fixed8(b.Q), B: '0',
      },
    };
  }
}
