// Creates ccxt clients (REST and ccxt.pro websockets), optionally pointed at another host that
// serves the same API paths: a local exchange server in tests and demos, a proxy, or a testnet.
import ccxt from 'ccxt';
import type { Exchange } from 'ccxt';
import { ConfigError } from '../errors.js';

export interface ExchangeOptions {
  /** ccxt exchange id, e.g. "binance". */
  exchange: string;
  /** http(s)://host:port that replaces the origin of every API URL (paths are kept). */
  exchangeUrl?: string;
  /** Load spot markets only (one request instead of spot + futures + options). Default true. */
  spotOnly?: boolean;
  /** Use the ccxt.pro class (websockets). */
  pro?: boolean;
  /** Credentials, only for private endpoints; never logged. */
  apiKey?: string;
  secret?: string;
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
  return pro ? Object.keys(ccxt.pro).filter((k) => /^[a-z0-9]+$/.test(k)) : ccxt.exchanges;
}

/** Builds a ccxt client. Call `prepareExchange` before use when `exchangeUrl` uses ws://. */
export function createExchange(opts: ExchangeOptions): Exchange {
  const registry = (opts.pro ? ccxt.pro : ccxt) as unknown as Record<string, new (cfg: object) => Exchange>;
  const Ctor = registry[opts.exchange];
  if (!Ctor || !exchangeIds(opts.pro).includes(opts.exchange)) {
    throw new ConfigError('exchange', `unknown exchange "${opts.exchange}"${opts.pro ? ' (for live streams it must be supported by ccxt.pro)' : ''}; e.g. binance, kraken, coinbase, okx, bybit`);
  }
  const config: Record<string, unknown> = {
    enableRateLimit: true,
    timeout: opts.timeoutMs ?? 10_000,
    options: opts.spotOnly === false ? {} : { fetchMarkets: { types: ['spot'] }, defaultType: 'spot' },
  };
  if (opts.apiKey) config.apiKey = opts.apiKey;
  if (opts.secret) config.secret = opts.secret;
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
