// A small HTTP server on 127.0.0.1 that records every request it sees (method, URL, headers, body;
// websocket upgrades too) and either forwards it to a target server (the exchange-sim) or answers
// it itself. Tests use it to see exactly what a ccxt client sends to a host, keys included.
import http, { type IncomingHttpHeaders } from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface LoggedRequest {
  method: string;
  /** Path and query, as sent. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** A websocket upgrade request. */
  upgrade: boolean;
}

export interface LoggingProxy {
  /** http://127.0.0.1:PORT */
  url: string;
  /** 127.0.0.1:PORT, the form `--allow-keys-to` takes. */
  host: string;
  requests: LoggedRequest[];
  close(): Promise<void>;
}

export interface LoggingProxyOptions {
  /** http://host:port to forward to; without it every request is answered by `respond`. */
  target?: string;
  /** The answer when there is no target (default 404 with a Binance-style error body). */
  respond?: (req: LoggedRequest) => { status: number; body: string };
}

export async function startLoggingProxy(opts: LoggingProxyOptions = {}): Promise<LoggingProxy> {
  const target = opts.target ? new URL(opts.target) : undefined;
  const requests: LoggedRequest[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const entry: LoggedRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: body.toString('utf8'), upgrade: false };
      requests.push(entry);
      if (!target) {
        const a = opts.respond?.(entry) ?? { status: 404, body: '{"code":-1,"msg":"not served here"}' };
        res.writeHead(a.status, { 'content-type': 'application/json' }).end(a.body);
        return;
      }
      const up = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } }, (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      });
      up.on('error', () => res.destroy());
      up.end(body);
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  // Websockets: log the upgrade request, then splice the raw sockets together.
  server.on('upgrade', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: '', upgrade: true });
    if (!target) {
      socket.destroy();
      return;
    }
    const up = net.connect(Number(target.port), target.hostname, () => {
      const lines = [`${req.method} ${req.url} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      up.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head.length) up.write(head);
      up.pipe(socket);
      socket.pipe(up);
    });
    sockets.add(up);
    up.on('close', () => sockets.delete(up));
    up.on('error', () => socket.destroy());
    socket.on('error', () => up.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}
