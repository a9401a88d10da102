// Rebuilds the L2 book from raw Binance websocket captures (the hftbacktest collector format:
// gzip text, one message per line, `<local_receive_time_ns> <raw JSON>`), and collects the trades.
//
// The book follows Binance's documented procedure ("How to manage a local order book correctly"):
// diffs are buffered until the REST snapshot line arrives; diffs that end at or before its
// lastUpdateId are dropped; the first diff applied must straddle it (spot: U <= lastUpdateId+1 <= u;
// futures: U <= lastUpdateId <= u); after that every diff must continue the previous one
// (spot: U = previous u + 1; futures: pu = previous u).
//
// On a continuity break (a lost message), the book is no longer trustworthy and there is no way to
// repair it without a new snapshot. Default: the break is reported in `notes` (file, line, ids),
// no books are emitted until a later snapshot line re-starts the book, and trades keep flowing.
// With `strict: true` the break is a DataError naming the file and line instead.
import { DataError } from '../errors.js';
import type { Books, Trades } from '../types.js';
import { readLineBatches } from './import-read.js';

export interface DepthCaptureOptions {
  exchange: string;
  symbol: string;
  /** Levels per side in each emitted snapshot. */
  depth: number;
  /**
   * Emit at most one book per `everyMs` window of event time: the state after the window's last
   * depth update, stamped with that update's E. Default: one book after every depth update.
   */
  everyMs?: number;
  /** Throw a DataError at the first continuity break instead of noting it. */
  strict?: boolean;
}

export interface DepthCaptureResult {
  /** ts = event time E (ms) of the depth update after which the book was taken. */
  books: Books;
  /** From @trade messages: ts = trade time T, id = t, side = m ? -1 : 1. */
  trades: Trades;
  notes: string[];
  /** The last update id (u) applied to each book row: lines rows up with bookTicker's u. */
  updateId: Float64Array;
}

/** Reads capture files in order (later files continue the stream of earlier ones). */
export async function readBinanceDepthCapture(files: string[], opts: DepthCaptureOptions): Promise<DepthCaptureResult> {
  if (!Number.isInteger(opts.depth) || opts.depth < 1) throw new DataError(`depth must be a positive integer, got ${opts.depth}`);
  const replay = new CaptureReplay(opts);
  for (const file of files) {
    let lineNo = 0;
    // A line that does not parse is fatal unless it is the file's last (a capture killed mid-write).
    let cutOff: { line: number; err: DataError } | undefined;
    for await (const batch of readLineBatches(file)) {
      for (const line of batch) {
        lineNo++;
        if (cutOff) throw cutOff.err;
        if (line === '') continue;
        try {
          replay.line(line, file, lineNo);
        } catch (err) {
          if (!(err instanceof BadLine)) throw err;
          cutOff = { line: lineNo, err: new DataError(err.message, { file, row: lineNo }) };
        }
      }
    }
    if (cutOff) replay.notes.push(`${file} line ${cutOff.line}: ${cutOff.err.message.replace(/^.*?: /, '')}; taken as the capture cut off mid-write and ignored`);
  }
  return replay.finish();
}

/** A line that is not `<ns> <json>`; fatal unless it is the last line of a file. */
class BadLine extends Error {}

type Level = [string, string];

interface DepthUpdate {
  E: number;
  U: number;
  u: number;
  pu?: number;
  s?: string;
  b: Level[];
  a: Level[];
}

interface Where { file: string; line: number }

/** One side of the book: price -> size, plus the prices kept sorted with the BEST LAST. */
class BookSide {
  private readonly qty = new Map<number, number>();
  // Best last because most changes are near the top of the book: splicing there moves few elements.
  private readonly prices: number[] = [];

  constructor(private readonly isBid: boolean) {}

  set(price: number, size: number): void {
    if (size === 0) {
      if (this.qty.delete(price)) this.prices.splice(this.find(price), 1);
      return;
    }
    if (!this.qty.has(price)) this.prices.splice(this.find(price), 0, price);
    this.qty.set(price, size);
  }

  /** Where `price` is or would go: bids ascend (best = highest last), asks descend. */
  private find(price: number): number {
    const p = this.prices;
    let lo = 0;
    let hi = p.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.isBid ? p[mid] < price : p[mid] > price) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Writes the best `n` levels from index `at`; missing levels are NaN / 0. */
  writeTop(n: number, px: Float64Array, sz: Float64Array, at: number): void {
    const p = this.prices;
    for (let k = 0; k < n; k++) {
      const i = p.length - 1 - k;
      if (i < 0) { px[at + k] = NaN; sz[at + k] = 0; continue; }
      px[at + k] = p[i];
      sz[at + k] = this.qty.get(p[i]) ?? 0;
    }
  }

  best(): number {
    return this.prices.length > 0 ? this.prices[this.prices.length - 1] : NaN;
  }

  clear(): void {
    this.qty.clear();
    this.prices.length = 0;
  }

  get levels(): number {
    return this.prices.length;
  }
}

/** Row-growable output for books and trades (doubling, so appends are amortised O(1)). */
class Grow {
  data: Float64Array;
  constructor(capacity: number) { this.data = new Float64Array(capacity); }
  ensure(n: number, fill = 0): void {
    if (n <= this.data.length) return;
    const next = new Float64Array(Math.max(n, this.data.length * 2)).fill(fill);
    next.set(this.data);
    this.data = next;
  }
}

/** Buffered diffs before the first snapshot are capped: a snapshot is taken right after subscribing. */
const MAX_BUFFERED = 100_000;

class CaptureReplay {
  readonly notes: string[] = [];
  private readonly bids = new BookSide(true);
  private readonly asks = new BookSide(false);
  private phase: 'waiting' | 'first' | 'synced' = 'waiting';
  private snapshotId = 0;
  private lastU = 0;
  private lastWhere: Where | undefined;
  private futures: boolean | undefined;
  private buffer: { d: DepthUpdate; where: Where }[] = [];
  private pending: { E: number; u: number; bucket: number } | undefined;
  private symbol: string | undefined;

  // Output.
  private rows = 0;
  private readonly ts = new Grow(1024);
  private readonly ids = new Grow(1024);
  private readonly bidPx = new Grow(0);
  private readonly bidSz = new Grow(0);
  private readonly askPx = new Grow(0);
  private readonly askSz = new Grow(0);
  private nTrades = 0;
  private readonly tTs = new Grow(1024);
  private readonly tPx = new Grow(1024);
  private readonly tQty = new Grow(1024);
  private tSide = new Int8Array(1024);
  private readonly tId: string[] = [];

  // Counts for the closing notes.
  private readonly count = {
    diffs: 0, applied: 0, droppedBeforeSync: 0, stale: 0, lostAfterBreak: 0, bufferOverflow: 0,
    snapshots: 0, snapshotsIgnored: 0, bookTicker: 0, crossed: 0, backwardsE: 0,
  };
  private readonly otherStreams = new Map<string, number>();
  private firstCrossed: string | undefined;

  constructor(private readonly opts: DepthCaptureOptions) {}

  line(line: string, file: string, lineNo: number): void {
    const sp = line.indexOf(' ');
    const at = sp + 1;
    if (sp <= 0 || line.charCodeAt(at) !== 123 /* { */) throw new BadLine('not "<receive_time_ns> <json>"');
    // Most lines are bookTicker, which the book does not need: skip them without JSON.parse.
    if (line.startsWith('{"stream":"', at)) {
      const end = line.indexOf('"', at + 11);
      if (end > 0 && line.endsWith('@bookTicker', end)) { this.count.bookTicker++; return; }
    }
    let msg: unknown;
    try {
      msg = JSON.parse(line.slice(at));
    } catch (err) {
      throw new BadLine(`invalid JSON (${(err as Error).message})`);
    }
    if (msg === null || typeof msg !== 'object') throw new BadLine('the JSON is not an object');
    const where = { file, line: lineNo };
    const obj = msg as Record<string, unknown>;
    if ('lastUpdateId' in obj) { this.snapshot(obj, where); return; }
    const data = (typeof obj.data === 'object' && obj.data !== null ? obj.data : obj) as Record<string, unknown>;
    const stream = typeof obj.stream === 'string' ? obj.stream : String(data.e ?? 'unknown');
    if (data.e === 'depthUpdate') {
      this.count.diffs++;
      this.diff(checkDiff(data, where), where);
    }
    else if (data.e === 'trade') this.trade(data, where);
    else this.otherStreams.set(stream, (this.otherStreams.get(stream) ?? 0) + 1);
  }

  private checkSymbol(s: unknown, where: Where): void {
    if (typeof s !== 'string') return;
    this.symbol ??= s;
    if (s !== this.symbol) {
      throw new DataError(`message for ${s} in a capture of ${this.symbol}: pass one symbol's files only`, { file: where.file, row: where.line });
    }
  }

  private snapshot(obj: Record<string, unknown>, where: Where): void {
    this.count.snapshots++;
    const id = obj.lastUpdateId;
    if (typeof id !== 'number' || !Array.isArray(obj.bids) || !Array.isArray(obj.asks)) {
      throw new DataError('depth snapshot without lastUpdateId, bids and asks', { file: where.file, row: where.line });
    }
    if (this.phase !== 'waiting') {
      // The stream is continuous, so the book already is what this snapshot would give.
      this.count.snapshotsIgnored++;
      return;
    }
    this.bids.clear();
    this.asks.clear();
    setLevels(this.bids, obj.bids as Level[], where);
    setLevels(this.asks, obj.asks as Level[], where);
    const levels = `${this.bids.levels} bids, ${this.asks.levels} asks`;
    this.snapshotId = id;
    this.phase = 'first';
    this.lastWhere = where;
    const buffered = this.buffer;
    this.buffer = [];
    const droppedBefore = this.count.droppedBeforeSync;
    for (const b of buffered) this.diff(b.d, b.where);
    this.notes.push(`book started from the REST snapshot at ${where.file} line ${where.line} (lastUpdateId ${id}, ` +
      `${levels}); ${buffered.length} update(s) were buffered before it, ` +
      `${this.count.droppedBeforeSync - droppedBefore} of them older than the snapshot and dropped`);
  }

  private diff(d: DepthUpdate, where: Where): void {
    this.checkSymbol(d.s, where);
    this.futures ??= d.pu !== undefined;
    if (this.phase === 'waiting') {
      this.buffer.push({ d, where });
      if (this.buffer.length > MAX_BUFFERED) { this.buffer.shift(); this.count.bufferOverflow++; }
      return;
    }
    const L = this.snapshotId;
    if (this.phase === 'first') {
      if (this.futures ? d.u < L : d.u <= L) { this.count.droppedBeforeSync++; return; }
      const straddles = this.futures ? d.U <= L && d.u >= L : d.U <= L + 1 && d.u >= L + 1;
      if (!straddles) {
        this.brk(d, where, `the first update after the snapshot (lastUpdateId ${L}) starts at U=${d.U}: updates in between are missing`);
        return;
      }
    } else if (d.u <= this.lastU) {
      // Already applied (e.g. the same message at the end of one file and the start of the next).
      this.count.stale++;
      return;
    } else if (this.futures ? d.pu !== this.lastU : d.U !== this.lastU + 1) {
      const got = this.futures ? `pu=${d.pu}` : `U=${d.U}`;
      const want = this.futures ? `pu=${this.lastU}` : `U=${this.lastU + 1}`;
      const prev = this.lastWhere ? ` (previous update at ${this.lastWhere.file} line ${this.lastWhere.line})` : '';
      this.brk(d, where, `depth update gap: expected ${want}, got ${got}${prev}`);
      return;
    }
    this.apply(d, where);
  }

  private brk(d: DepthUpdate, where: Where, message: string): void {
    if (this.opts.strict) throw new DataError(message, { file: where.file, row: where.line });
    this.flushPending();
    this.notes.push(`${where.file} line ${where.line}: ${message}; no books until a new snapshot`);
    this.phase = 'waiting';
    this.bids.clear();
    this.asks.clear();
    this.buffer = [{ d, where }];
  }

  private apply(d: DepthUpdate, where: Where): void {
    const every = this.opts.everyMs;
    const bucket = every ? Math.floor(d.E / every) : 0;
    if (this.pending && this.pending.bucket !== bucket) this.flushPending();
    setLevels(this.bids, d.b, where);
    setLevels(this.asks, d.a, where);
    this.count.applied++;
    this.phase = 'synced';
    this.lastU = d.u;
    this.lastWhere = where;
    if (every) this.pending = { E: d.E, u: d.u, bucket };
    else this.pushRow(d.E, d.u, where);
  }

  private flushPending(): void {
    if (!this.pending) return;
    this.pushRow(this.pending.E, this.pending.u, this.lastWhere);
    this.pending = undefined;
  }

  private pushRow(E: number, u: number, where: Where | undefined): void {
    const N = this.opts.depth;
    const r = this.rows;
    this.ts.ensure(r + 1);
    this.ids.ensure(r + 1);
    this.bidPx.ensure((r + 1) * N, NaN);
    this.bidSz.ensure((r + 1) * N);
    this.askPx.ensure((r + 1) * N, NaN);
    this.askSz.ensure((r + 1) * N);
    this.bids.writeTop(N, this.bidPx.data, this.bidSz.data, r * N);
    this.asks.writeTop(N, this.askPx.data, this.askSz.data, r * N);
    if (r > 0 && E < this.ts.data[r - 1]) this.count.backwardsE++;
    this.ts.data[r] = E;
    this.ids.data[r] = u;
    if (this.bids.best() >= this.asks.best()) {
      this.count.crossed++;
      this.firstCrossed ??= where ? `${where.file} line ${where.line}` : 'unknown';
    }
    this.rows = r + 1;
  }

  private trade(data: Record<string, unknown>, where: Where): void {
    this.checkSymbol(data.s, where);
    const { T, t, p, q, m } = data;
    const price = Number(p);
    const qty = Number(q);
    if (typeof T !== 'number' || (typeof t !== 'number' && typeof t !== 'string') || typeof m !== 'boolean' ||
      !Number.isFinite(price) || !Number.isFinite(qty)) {
      throw new DataError('trade message without numeric T, t, p, q and boolean m', { file: where.file, row: where.line });
    }
    const k = this.nTrades;
    this.tTs.ensure(k + 1);
    this.tPx.ensure(k + 1);
    this.tQty.ensure(k + 1);
    if (k >= this.tSide.length) {
      const next = new Int8Array(this.tSide.length * 2);
      next.set(this.tSide);
      this.tSide = next;
    }
    this.tTs.data[k] = T;
    this.tPx.data[k] = price;
    this.tQty.data[k] = qty;
    // m: the buyer was the maker, so the taker sold.
    this.tSide[k] = m ? -1 : 1;
    this.tId.push(String(t));
    this.nTrades = k + 1;
  }

  finish(): DepthCaptureResult {
    this.flushPending();
    const c = this.count;
    if (c.snapshots === 0) {
      this.notes.push(`no REST depth snapshot in the capture: none of its ${c.diffs} depth updates could be applied ` +
        '(pass the file holding the snapshot first)');
    } else if (this.phase === 'waiting' && this.buffer.length > 0) {
      c.lostAfterBreak += this.buffer.length;
    }
    this.notes.push(`${c.diffs} depth updates: ${c.applied} applied, ${c.droppedBeforeSync} older than the snapshot, ` +
      `${c.stale} repeated, ${c.lostAfterBreak} unusable after a break; ${this.rows} books; ${this.nTrades} trades; ` +
      `${c.bookTicker} bookTicker messages not used` +
      (c.snapshotsIgnored > 0 ? `; ${c.snapshotsIgnored} later snapshot(s) not needed (stream was continuous)` : '') +
      (this.otherStreams.size > 0 ? `; other messages: ${[...this.otherStreams].map(([s, n]) => `${s} ${n}`).join(', ')}` : ''));
    if (c.bufferOverflow > 0) this.notes.push(`${c.bufferOverflow} oldest updates dropped while waiting for a snapshot (buffer of ${MAX_BUFFERED})`);
    if (c.crossed > 0) this.notes.push(`${c.crossed} book(s) were crossed or locked (best bid >= best ask), first after ${this.firstCrossed}`);
    if (c.backwardsE > 0) this.notes.push(`${c.backwardsE} book(s) have an event time before the previous one`);

    const N = this.opts.depth;
    const n = this.rows;
    const { exchange, symbol } = this.opts;
    const books: Books = {
      exchange, symbol, depth: N,
      ts: this.ts.data.slice(0, n),
      bidPx: this.bidPx.data.slice(0, n * N), bidSz: this.bidSz.data.slice(0, n * N),
      askPx: this.askPx.data.slice(0, n * N), askSz: this.askSz.data.slice(0, n * N),
    };
    const k = this.nTrades;
    const trades: Trades = {
      exchange, symbol,
      ts: this.tTs.data.slice(0, k), price: this.tPx.data.slice(0, k), amount: this.tQty.data.slice(0, k),
      side: this.tSide.slice(0, k), id: this.tId,
    };
    return { books, trades, notes: this.notes, updateId: this.ids.data.slice(0, n) };
  }
}

function checkDiff(data: Record<string, unknown>, where: Where): DepthUpdate {
  const { E, U, u, pu, b, a } = data;
  if (typeof E !== 'number' || typeof U !== 'number' || typeof u !== 'number' || !Array.isArray(b) || !Array.isArray(a) ||
    (pu !== undefined && typeof pu !== 'number')) {
    throw new DataError('depthUpdate without numeric E, U, u and arrays b, a', { file: where.file, row: where.line });
  }
  return data as unknown as DepthUpdate;
}

function setLevels(side: BookSide, levels: readonly unknown[], where: Where): void {
  for (const lv of levels) {
    const pair = lv as Level;
    const price = Number(pair[0]);
    const size = Number(pair[1]);
    if (!Array.isArray(lv) || !Number.isFinite(price) || !Number.isFinite(size) || size < 0) {
      throw new DataError(`bad price level ${JSON.stringify(lv)}`, { file: where.file, row: where.line });
    }
    side.set(price, size);
  }
}
