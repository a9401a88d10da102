// Creates ccxt clients (REST and ccxt.pro websockets), optionally pointed at another host that
// serves the same API paths: a local exchange server in tests and demos, a proxy, or a testnet.
// `createExchange` makes public clients, which carry no credentials at all; `createPrivateExchange`
// is the one place where API keys enter a client, and it decides which hosts may receive them.
import ccxt from 'ccxt';
import type { Exchange } from 'ccxt';
import { ConfigError } from '../errors.js';
import { loadCredentials, redactCredentials, type CredentialField, type Credentials } from './credentials.js';

export interface ExchangeOptions {
  /** ccxt exchange id, e.g. "binance". */
  exchange: string;
  /** http(s)://host:port that replaces the origin of every API URL (paths are kept). */
  exchangeUrl?: string;
  /** Load spot markets only (one request instead of spot + futures + options). Default true. */
  spotOnly?: boolean;
  /** Use the ccxt.pro class (websockets). */
  pro?: boolean;
  timeoutMs?: number;
}

/** Replaces scheme + host + port of every URL in a ccxt `urls.api` tree, keeping the paths. */
export function rewriteApiUrls(api: unknown, base: URL): unknown {
  if (typeof api === 'string') {
    if (!/^(https?|wss?):\/\//.test(api)) return api;
    const u = new URL(api);
    const isWs = u.protocol === 'ws:' || u.protocol === 'wss:';
    const proto = isWs ? (base.protocol === 'https:' ? 'wss:' : 'ws:') : base.protocol;
    return `${proto}//${base.host}${u.pathname === '/' ? '' : u.pathname}${u.search}`;
  }
  if (api && typeof api === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(api)) out[k] = rewriteApiUrls(v, base);
    return out;
  }
  return api;
}

export function exchangeIds(pro = false): string[] {
  // ccxt.pro also has a lower-case `exchanges` list next to its classes.
  return pro ? Object.keys(ccxt.pro).filter((k) => /^[a-z0-9]+$/.test(k) && typeof (ccxt.pro as Record<string, unknown>)[k] === 'function') : ccxt.exchanges;
}

function exchangeClass(id: string, pro = false): new (cfg: object) => Exchange {
  const registry = (pro ? ccxt.pro : ccxt) as unknown as Record<string, new (cfg: object) => Exchange>;
  const Ctor = registry[id];
  if (!Ctor || !exchangeIds(pro).includes(id)) {
    throw new ConfigError('exchange', `unknown exchange "${id}"${pro ? ' (for live streams it must be supported by ccxt.pro)' : ''}; e.g. binance, kraken, coinbase, okx, bybit`);
  }
  return Ctor;
}

/**
 * Builds a public ccxt client: it has no credentials, so it never signs a request (and ccxt skips
 * the endpoints that need keys, such as Binance's /sapi currency list during loadMarkets). Call
 * `prepareExchange` before use when `exchangeUrl` uses ws://.
 */
export function createExchange(opts: ExchangeOptions): Exchange {
  const Ctor = exchangeClass(opts.exchange, opts.pro);
  const config: Record<string, unknown> = {
    enableRateLimit: true,
    timeout: opts.timeoutMs ?? 10_000,
    options: opts.spotOnly === false ? {} : { fetchMarkets: { types: ['spot'] }, defaultType: 'spot' },
  };
  const ex = new Ctor(config);
  if (opts.exchangeUrl) {
    let base: URL;
    try {
      base = new URL(opts.exchangeUrl);
    } catch {
      throw new ConfigError('exchange-url', `"${opts.exchangeUrl}" is not a URL; use e.g. http://127.0.0.1:8900`);
    }
    if (base.protocol !== 'http:' && base.protocol !== 'https:') {
      throw new ConfigError('exchange-url', `"${opts.exchangeUrl}" must start with http:// or https://`);
    }
    const urls = ex.urls as Record<string, unknown>;
    urls.api = rewriteApiUrls(urls.api, base);
    if (urls.test) urls.test = rewriteApiUrls(urls.test, base);
  }
  return ex;
}

/** ccxt.pro refuses plain ws:// URLs until its proxy-agent hook is loaded. */
export async function prepareExchange(ex: Exchange): Promise<void> {
  const withAgent = ex as unknown as { loadHttpProxyAgent?: () => Promise<unknown> };
  if (typeof withAgent.loadHttpProxyAgent === 'function') await withAgent.loadHttpProxyAgent();
}

export interface PrivateExchangeOptions extends ExchangeOptions {
  /**
   * Hosts besides the exchange's own that may receive the keys (`--allow-keys-to`), as host or
   * host:port; without a port, the scheme's default port.
   */
  allowKeysTo?: string[];
  /** A key file instead of the environment (see credentials.ts). */
  keyFile?: string;
  /** Where TRADEGYM_<EXCHANGE>_API_KEY etc. are read; default process.env. */
  env?: NodeJS.ProcessEnv;
}

const LOADED_FIELDS: CredentialField[] = ['apiKey', 'secret', 'password'];

/**
 * A ccxt client that signs requests with the user's API keys. Only commands that need private
 * endpoints (balances, orders: deploy and live trading) call it; anything that reads public market
 * data uses `createExchange`. Before any key is loaded it checks every API URL of the configured
 * client (`urls.api`, and `urls.test` / `urls.demo` that sandbox and demo mode switch to): each
 * must be https/wss on one of the exchange's own API hosts (those in ccxt's default URLs, before
 * `exchangeUrl` rewrote them) or on an `allowKeysTo` host, and plain http/ws is accepted only to an
 * allowed loopback host (the local exchange server). Otherwise a ConfigError, before any request.
 * Errors from the client's REST calls have the credentials blanked out of their messages.
 * Callers must not repoint `urls` afterwards: the check would not see it.
 */
export function createPrivateExchange(opts: PrivateExchangeOptions): Exchange {
  const allowed = (opts.allowKeysTo ?? []).map(parseAllowedHost);
  const ex = createExchange(opts);
  const required = ex.requiredCredentials as Record<string, boolean>;
  const unsupported = Object.keys(required).filter((k) => required[k] && !(LOADED_FIELDS as string[]).includes(k));
  if (unsupported.length) {
    throw new ConfigError('exchange', `${ex.id} signs with ${unsupported.join(', ')}, which tradegym does not load; exchanges that sign with an API key and secret (binance, kraken, okx, ...) work`);
  }
  assertKeysStayHome(ex, ownApiHosts(opts.exchange, opts.pro), allowed);
  const creds = loadCredentials(opts.exchange, {
    need: { apiKey: required.apiKey, secret: required.secret, password: required.password },
    keyFile: opts.keyFile,
    env: opts.env,
  });
  for (const f of LOADED_FIELDS) if (creds[f] !== undefined) (ex as unknown as Record<string, string>)[f] = creds[f];
  redactErrors(ex, creds);
  return ex;
}

interface AllowedHost {
  hostname: string;
  port: string;
  /** As the user wrote it, for messages. */
  text: string;
}

function parseAllowedHost(text: string): AllowedHost {
  const bad = () => new ConfigError('allow-keys-to', `"${text}" must be a host or host:port, e.g. 127.0.0.1:8900 or testnet.binance.vision`);
  if (!text || /[/@?#\s]/.test(text)) throw bad();
  let u: URL;
  try {
    u = new URL(`http://${text}`);
  } catch {
    throw bad();
  }
  // URL drops a port equal to http's default; keep the one the user wrote.
  const port = /:(\d+)$/.exec(text)?.[1] ?? '';
  return { hostname: u.hostname, port: port ? String(Number(port)) : '', text };
}

const DEFAULT_PORT: Record<string, string> = { 'http:': '80', 'ws:': '80', 'https:': '443', 'wss:': '443' };

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

/** Every absolute URL a client may send requests to, with `{hostname}` filled in as ccxt does. */
function apiUrls(ex: Exchange): URL[] {
  const urls = ex.urls as Record<string, unknown>;
  const out: URL[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') {
      if (!/^(https?|wss?):\/\//i.test(v)) return;
      try {
        out.push(new URL(ex.implodeHostname(v)));
      } catch {
        // A URL whose host cannot be read cannot be checked either.
        throw new ConfigError('exchange-url', `cannot check where ${ex.id} sends its API keys: "${v}" is not a URL`);
      }
    } else if (v && typeof v === 'object') {
      for (const x of Object.values(v)) walk(x);
    }
  };
  for (const tree of ['api', 'test', 'demo', 'apiBackup']) walk(urls[tree]);
  return out;
}

/** host[:port] of every URL in ccxt's default configuration of the exchange: where its API lives. */
function ownApiHosts(exchange: string, pro?: boolean): Set<string> {
  const Ctor = exchangeClass(exchange, pro);
  return new Set(apiUrls(new Ctor({})).map((u) => u.host));
}

function assertKeysStayHome(ex: Exchange, own: Set<string>, allowed: AllowedHost[]): void {
  for (const u of apiUrls(ex)) {
    const secure = u.protocol === 'https:' || u.protocol === 'wss:';
    if (own.has(u.host) && secure) continue;
    const port = u.port || DEFAULT_PORT[u.protocol];
    const allow = allowed.find((a) => a.hostname === u.hostname && (a.port || DEFAULT_PORT[u.protocol]) === port);
    if (!allow) {
      const home = [...own].slice(0, 3).join(', ');
      throw new ConfigError('exchange-url', `${ex.id} API keys go only to ${ex.id}'s own API hosts (${home}${own.size > 3 ? ', ...' : ''}), not to ${u.host}; if you trust that host, add --allow-keys-to ${u.host}`);
    }
    if (!secure && !isLoopback(u.hostname)) {
      throw new ConfigError('allow-keys-to', `${allow.text} is reached over plain ${u.protocol.slice(0, -1)}, which shows the keys to the network; use https (plain http only to a loopback host such as 127.0.0.1)`);
    }
  }
}

/** Blanks the credentials out of errors from REST calls (ccxt quotes URLs and response bodies). */
function redactErrors(ex: Exchange, creds: Credentials): void {
  const request = ex.request.bind(ex);
  ex.request = async (...args: Parameters<Exchange['request']>) => {
    try {
      return await request(...args);
    } catch (err) {
      if (err instanceof Error) {
        err.message = redactCredentials(err.message, creds);
        if (err.stack) err.stack = redactCredentials(err.stack, creds);
      }
      throw err;
    }
  };
}
