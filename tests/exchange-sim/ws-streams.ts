// Binance's market-stream websocket: /ws (raw payloads) and /stream (combined
// {"stream","data"} wrapper), streams named in the path (/ws/<stream>, /stream?streams=a/b) or
// managed with SUBSCRIBE / UNSUBSCRIBE / LIST_SUBSCRIPTIONS / SET_PROPERTY / GET_PROPERTY
// requests, answered with {"result":..,"id":..}. ccxt connects to /ws/<n> (n is its own stream
// counter, not a stream name) and subscribes by message.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket } from 'ws';
import type { Publisher } from './live-market.js';

interface Conn {
  ws: WebSocket;
  combined: boolean;
  streams: Set<string>;
}

/** A client that falls this far behind is cut off, as Binance does with slow consumers. */
const MAX_BUFFERED = 32 * 1024 * 1024;
const STREAM_NAME = /^[a-z0-9]+@[A-Za-z0-9_@:+.-]+$/;

/** Stream names are lowercase symbol + case-sensitive channel ("btcusdt@aggTrade"). */
function normalise(name: string): string {
  const at = name.indexOf('@');
  return at < 0 ? name : name.slice(0, at).toLowerCase() + name.slice(at);
}

export class WsHub implements Publisher {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly conns = new Set<Conn>();
  private readonly subs = new Map<string, Set<Conn>>();

  /** Takes an HTTP upgrade; answers 404 for paths that are not stream endpoints. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const parts = url.pathname.split('/').filter(Boolean);
    let combined: boolean;
    let initial: string[];
    if (parts[0] === 'ws') {
      combined = false;
      initial = parts.slice(1).filter((p) => p.includes('@'));
    } else if (parts[0] === 'stream' && parts.length === 1) {
      combined = true;
      initial = (url.searchParams.get('streams') ?? '').split('/').filter(Boolean);
    } else {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const conn: Conn = { ws, combined, streams: new Set() };
      this.conns.add(conn);
      for (const s of initial) if (STREAM_NAME.test(normalise(s))) this.subscribe(conn, normalise(s));
      ws.on('message', (data, isBinary) => this.onMessage(conn, isBinary ? '' : data.toString()));
      ws.on('close', () => this.remove(conn));
      ws.on('error', () => this.remove(conn));
    });
  }

  publish(stream: string, make: () => unknown): void {
    const set = this.subs.get(stream);
    if (!set || set.size === 0) return;
    const raw = JSON.stringify(make());
    let wrapped: string | undefined;
    for (const c of set) {
      if (c.ws.readyState !== WebSocket.OPEN) continue;
      if (c.ws.bufferedAmount > MAX_BUFFERED) {
        c.ws.terminate();
        continue;
      }
      if (c.combined) c.ws.send((wrapped ??= `{"stream":${JSON.stringify(stream)},"data":${raw}}`));
      else c.ws.send(raw);
    }
  }

  streams(): Iterable<string> {
    return this.subs.keys();
  }

  count(): number {
    return this.conns.size;
  }

  /** Kills every socket without a close handshake (the client sees code 1006). */
  dropAll(): void {
    for (const c of [...this.conns]) {
      c.ws.terminate();
      this.remove(c);
    }
  }

  async close(): Promise<void> {
    this.dropAll();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private onMessage(conn: Conn, text: string): void {
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch {
      this.reply(conn, { error: { code: 3, msg: 'Invalid JSON: expected value at line 1 column 1' }, id: null });
      return;
    }
    const req = (msg && typeof msg === 'object' ? msg : {}) as { method?: unknown; params?: unknown; id?: unknown };
    const id = req.id ?? null;
    if (id !== null && typeof id !== 'number' && typeof id !== 'string') {
      this.reply(conn, { error: { code: 2, msg: 'Invalid request: request ID must be an unsigned integer' }, id: null });
      return;
    }
    const params = Array.isArray(req.params) ? req.params : [];
    switch (req.method) {
      case 'SUBSCRIBE':
      case 'UNSUBSCRIBE': {
        const names = params.map((p) => (typeof p === 'string' ? normalise(p) : ''));
        if (names.length === 0 || names.some((n) => !STREAM_NAME.test(n))) {
          this.reply(conn, { error: { code: 2, msg: 'Invalid request: invalid stream name' }, id });
          return;
        }
        for (const n of names) {
          if (req.method === 'SUBSCRIBE') this.subscribe(conn, n);
          else this.unsubscribe(conn, n);
        }
        this.reply(conn, { result: null, id });
        return;
      }
      case 'LIST_SUBSCRIPTIONS':
        this.reply(conn, { result: [...conn.streams], id });
        return;
      case 'SET_PROPERTY':
        if (params[0] === 'combined' && typeof params[1] === 'boolean') {
          conn.combined = params[1];
          this.reply(conn, { result: null, id });
        } else {
          this.reply(conn, { error: { code: 2, msg: 'Invalid request: unknown property' }, id });
        }
        return;
      case 'GET_PROPERTY':
        if (params[0] === 'combined') this.reply(conn, { result: conn.combined, id });
        else this.reply(conn, { error: { code: 2, msg: 'Invalid request: unknown property' }, id });
        return;
      default:
        this.reply(conn, { error: { code: 2, msg: `Invalid request: unknown variant \`${String(req.method)}\`` }, id });
    }
  }

  private reply(conn: Conn, body: unknown): void {
    if (conn.ws.readyState === WebSocket.OPEN) conn.ws.send(JSON.stringify(body));
  }

  private subscribe(conn: Conn, stream: string): void {
    conn.streams.add(stream);
    let set = this.subs.get(stream);
    if (!set) this.subs.set(stream, (set = new Set()));
    set.add(conn);
  }

  private unsubscribe(conn: Conn, stream: string): void {
    conn.streams.delete(stream);
    const set = this.subs.get(stream);
    set?.delete(conn);
    if (set && set.size === 0) this.subs.delete(stream);
  }

  private remove(conn: Conn): void {
    if (!this.conns.delete(conn)) return;
    for (const s of conn.streams) {
      const set = this.subs.get(s);
      set?.delete(conn);
      if (set && set.size === 0) this.subs.delete(s);
    }
  }
}
