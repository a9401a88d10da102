// API keys (issue 11): public-data commands never carry keys, whatever the environment holds; the
// private client sends them only to the exchange's own hosts or an `--allow-keys-to` host, and is
// refused before any request otherwise; one documented set of variable names, or a key file of
// mode 0600; and nothing a command writes (output, store, runs, logs) holds a key or secret.
// A logging HTTP server on 127.0.0.1 sees exactly what the real ccxt client sends.
import { execFile } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import yargs from 'yargs';
import { stringify } from 'yaml';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startExchangeSim, type ExchangeSim } from './exchange-sim/server.js';
import { startLoggingProxy, type LoggedRequest, type LoggingProxy } from './helpers/logging-proxy.js';
import { ConfigError } from '../data/errors.js';
import { emptyCandles } from '../data/types.js';
import { createPrivateExchange, exchangeIds } from '../data/sources/exchange.js';
import { loadCredentials } from '../data/sources/credentials.js';
import { exchangeUrlOption, privateExchangeFromArgs, privateKeyOptions } from '../scripts/commands/options.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'tradegym.js');
const dir = mkdtempSync(join(tmpdir(), 'tg-keys-'));
const exec = promisify(execFile);

// Distinctive, so that a hit anywhere is this key and nothing else.
const KEY = 'tgKEYzq7Xw1Lm9Vr4Tn8Bc2';
const SECRET = 'tgSECRETp5Hd3Jf6Ks0Qy9Wu';
const PASSWORD = 'tgPASSk3Rt7Gm1Zx8Lq5';
const KEYS_ENV = { TRADEGYM_BINANCE_API_KEY: KEY, TRADEGYM_BINANCE_API_SECRET: SECRET };

/** Every captured stdout / stderr, for the grep test. */
const outputs: string[] = [];

async function cli(env: Record<string, string>, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  // HOME and TMPDIR inside `dir`, so whatever a command writes outside the store is searched too.
  const base = { TRADEGYM_STORE: join(dir, 'store'), TRADEGYM_PROGRESS_EVERY: '60', HOME: join(dir, 'home'), TMPDIR: join(dir, 'tmp') };
  let r: { code: number; out: string; err: string };
  try {
    const x = await exec(process.execPath, [BIN, ...args], { cwd: dir, env: { ...process.env, ...base, ...env }, maxBuffer: 16 << 20 });
    r = { code: 0, out: x.stdout, err: x.stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    r = { code: x.code, out: x.stdout, err: x.stderr };
  }
  outputs.push(r.out, r.err);
  return r;
}

function keyFile(name: string, content: string, mode = 0o600): string {
  const path = join(dir, 'keys', name);
  mkdirSync(join(dir, 'keys'), { recursive: true });
  writeFileSync(path, content);
  chmodSync(path, mode);
  return path;
}

/** The error `fn` throws (and that it is a ConfigError whose message holds no credential). */
function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    const e = err as ConfigError;
    for (const s of [KEY, SECRET, PASSWORD]) expect(`${e.message}\n${e.stack}`).not.toContain(s);
    return e;
  }
  throw new Error('expected a ConfigError');
}

/** The key or a signature anywhere in a request the server saw. */
function signed(r: LoggedRequest): boolean {
  const text = `${r.url}\n${r.body}\n${JSON.stringify(r.headers)}`;
  return text.includes(KEY) || /signature=/i.test(text) || 'x-mbx-apikey' in r.headers;
}

let sim: ExchangeSim;
let proxy: LoggingProxy;
beforeAll(async () => {
  mkdirSync(join(dir, 'home'));
  mkdirSync(join(dir, 'tmp'));
  const c = emptyCandles('binance', 'BTC/USDT', '1h', 48);
  for (let i = 0; i < 48; i++) {
    c.ts[i] = Date.UTC(2024, 0, 1) + i * 3_600_000;
    c.open[i] = c.low[i] = 100 + i;
    c.close[i] = c.high[i] = 101 + i;
    c.volume[i] = 5;
  }
  sim = await startExchangeSim({ candles: [c] });
  proxy = await startLoggingProxy({ target: sim.url });
});
afterAll(async () => {
  await proxy?.close();
  await sim?.close();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => {
  vi.unstubAllEnvs();
});

describe('public-data commands', () => {
  it('data fetch and data record send no key, no signature and call no private endpoint, with keys set', async () => {
    // Every way keys can be given, the old variable name and a world-readable key file included:
    // a public command reads none of them, so none of them can get in its way either.
    const loose = keyFile('loose.yaml', stringify({ apiKey: KEY, secret: SECRET }), 0o644);
    const env = { ...KEYS_ENV, TRADEGYM_BINANCE_SECRET: SECRET, TRADEGYM_BINANCE_API_PASSWORD: PASSWORD, TRADEGYM_BINANCE_KEY_FILE: loose };
    const fetch = await cli(env, 'data', 'fetch', '--exchange-url', proxy.url, '--data', 'binance:BTC/USDT:1h', '--since', '2024-01-01', '--until', '2024-01-02');
    expect(fetch.err).not.toMatch(/retry|error/); // stderr has the progress lines only
    expect(fetch.code).toBe(0);
    expect(fetch.out).toMatch(/fetched 24 BTC\/USDT 1h candles from binance/);
    const record = await cli(env, 'data', 'record', '--exchange-url', proxy.url, '--exchange', 'binance', '--symbols', 'BTC/USDT', '--depth', '5', '--flush-ms', '500', '--duration', '3');
    expect(record.code).toBe(0);
    expect(record.out).toMatch(/flushed BTC\/USDT: [1-9]\d* books/);

    expect(proxy.requests.length).toBeGreaterThan(2);
    expect(proxy.requests.some((r) => r.upgrade)).toBe(true); // the websockets went through it too
    expect(proxy.requests.filter(signed)).toEqual([]);
    expect(proxy.requests.map((r) => r.url).filter((u) => !u.startsWith('/api/v3/') && !u.startsWith('/ws'))).toEqual([]);
  });
});

describe('the private client', () => {
  it('is refused before any request when --exchange-url points elsewhere, without --allow-keys-to', async () => {
    const server = await startLoggingProxy();
    try {
      for (const pro of [false, true]) {
        const e = configError(() => createPrivateExchange({ exchange: 'binance', exchangeUrl: server.url, pro, env: KEYS_ENV }));
        expect(e.message).toBe(`exchange-url: binance API keys go only to binance's own API hosts (api.binance.com, dapi.binance.com, eapi.binance.com, ...), not to ${server.host}; if you trust that host, add --allow-keys-to ${server.host}`);
      }
      // A host without a port means the scheme's default port, not any port.
      configError(() => createPrivateExchange({ exchange: 'binance', exchangeUrl: server.url, allowKeysTo: ['127.0.0.1'], env: KEYS_ENV }));
      configError(() => createPrivateExchange({ exchange: 'binance', exchangeUrl: server.url, allowKeysTo: ['api.binance.com'], env: KEYS_ENV }));
      expect(server.requests).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it('sends the keys to an --allow-keys-to host, and blanks them out of the errors it throws', async () => {
    // A server that answers as Binance does to a bad key, quoting the key back.
    const server = await startLoggingProxy({ respond: (r) => ({ status: 401, body: JSON.stringify({ code: -2015, msg: `Invalid API-key ${String(r.headers['x-mbx-apikey'])}, IP, or permissions for action.` }) }) });
    try {
      vi.stubEnv('TRADEGYM_BINANCE_API_KEY', KEY);
      vi.stubEnv('TRADEGYM_BINANCE_API_SECRET', SECRET);
      // The flags as yargs parses them for a command that calls private endpoints.
      const argv = await privateKeyOptions(exchangeUrlOption(yargs([]))).parse(['--exchange-url', server.url, '--allow-keys-to', server.host]);
      const ex = await privateExchangeFromArgs('binance', argv);
      const err = await ex.privateGetAccount().then(() => undefined, (e: unknown) => e as Error);
      expect(server.requests).toHaveLength(1);
      expect(server.requests[0].headers['x-mbx-apikey']).toBe(KEY);
      expect(server.requests[0].url).toMatch(/^\/api\/v3\/account\?timestamp=\d+.*&signature=[0-9a-f]{64}$/);
      expect(err?.message).toMatch(/Invalid API-key <apiKey>, IP/);
      expect(`${err?.message}\n${err?.stack}`).not.toContain(KEY);
    } finally {
      await server.close();
    }
  });

  it('goes to the exchange\'s own hosts without being told, and to no host over plain http except loopback', () => {
    const ex = createPrivateExchange({ exchange: 'binance', env: KEYS_ENV });
    expect([ex.apiKey, ex.secret]).toEqual([KEY, SECRET]);
    expect(createPrivateExchange({ exchange: 'binance', pro: true, env: KEYS_ENV }).apiKey).toBe(KEY);
    // An https proxy the user names is fine; the same host over plain http shows the keys to the network.
    expect(createPrivateExchange({ exchange: 'binance', exchangeUrl: 'https://proxy.example:8443', allowKeysTo: ['proxy.example:8443'], env: KEYS_ENV }).apiKey).toBe(KEY);
    expect(configError(() => createPrivateExchange({ exchange: 'binance', exchangeUrl: 'http://proxy.example:8080', allowKeysTo: ['proxy.example:8080'], env: KEYS_ENV })).message)
      .toBe('allow-keys-to: proxy.example:8080 is reached over plain http, which shows the keys to the network; use https (plain http only to a loopback host such as 127.0.0.1)');
    expect(configError(() => createPrivateExchange({ exchange: 'binance', allowKeysTo: ['http://127.0.0.1:8900'], env: KEYS_ENV })).message)
      .toBe('allow-keys-to: "http://127.0.0.1:8900" must be a host or host:port, e.g. 127.0.0.1:8900 or testnet.binance.vision');
    // Hosts given with {hostname} in ccxt's URLs (okx) are compared after ccxt fills it in.
    expect(createPrivateExchange({ exchange: 'okx', env: { TRADEGYM_OKX_API_KEY: KEY, TRADEGYM_OKX_API_SECRET: SECRET, TRADEGYM_OKX_API_PASSWORD: PASSWORD } }).password).toBe(PASSWORD);
  });

  it('accepts the default URLs of every ccxt exchange it can load keys for (no false refusals)', () => {
    const refused: string[] = [];
    for (const pro of [false, true]) {
      for (const id of exchangeIds(pro)) {
        const up = id.toUpperCase();
        const env = { [`TRADEGYM_${up}_API_KEY`]: KEY, [`TRADEGYM_${up}_API_SECRET`]: SECRET, [`TRADEGYM_${up}_API_PASSWORD`]: PASSWORD };
        try {
          createPrivateExchange({ exchange: id, pro, env });
        } catch (err) {
          if (!/^exchange: \w+ signs with /.test((err as Error).message)) refused.push(`${pro ? 'pro.' : ''}${id}: ${(err as Error).message}`);
        }
      }
    }
    expect(refused).toEqual([]);
  });

  it('asks for the password where the exchange signs with one, and refuses what it cannot load', () => {
    expect(configError(() => createPrivateExchange({ exchange: 'okx', env: { TRADEGYM_OKX_API_KEY: KEY, TRADEGYM_OKX_API_SECRET: SECRET } })).message)
      .toBe('keys: okx needs TRADEGYM_OKX_API_PASSWORD too');
    expect(configError(() => createPrivateExchange({ exchange: 'hyperliquid', env: {} })).message)
      .toMatch(/^exchange: hyperliquid signs with privateKey, walletAddress, which tradegym does not load/);
  });
});

describe('credential sources', () => {
  it('reads one pair of names, and names the right one for the old name', () => {
    expect(loadCredentials('binance', { env: KEYS_ENV })).toEqual({ apiKey: KEY, secret: SECRET });
    expect(configError(() => loadCredentials('binance', { env: { TRADEGYM_BINANCE_API_KEY: KEY, TRADEGYM_BINANCE_SECRET: SECRET } })).message)
      .toBe('TRADEGYM_BINANCE_SECRET: is not read; name it TRADEGYM_BINANCE_API_SECRET');
    // Set under both names: still an error, never a silent choice.
    configError(() => loadCredentials('binance', { env: { ...KEYS_ENV, TRADEGYM_BINANCE_SECRET: SECRET } }));
    expect(configError(() => loadCredentials('binance', { env: { TRADEGYM_BINANCE_API_KEY: KEY } })).message)
      .toBe('keys: binance needs TRADEGYM_BINANCE_API_SECRET too');
    expect(configError(() => loadCredentials('binance', { env: {} })).message)
      .toBe('keys: this command needs binance API keys: set TRADEGYM_BINANCE_API_KEY and TRADEGYM_BINANCE_API_SECRET, or give --key-file FILE (YAML or JSON with apiKey, secret; mode 0600)');
  });

  it('reads a YAML or JSON key file of mode 0600 (flag or variable), and refuses a wider one', () => {
    const yamlFile = keyFile('binance.yaml', `apiKey: ${KEY}\nsecret: ${SECRET}\n`);
    const jsonFile = keyFile('binance.json', JSON.stringify({ apiKey: KEY, secret: SECRET }), 0o400);
    expect(loadCredentials('binance', { keyFile: yamlFile, env: {} })).toEqual({ apiKey: KEY, secret: SECRET });
    expect(loadCredentials('binance', { env: { TRADEGYM_BINANCE_KEY_FILE: jsonFile } })).toEqual({ apiKey: KEY, secret: SECRET });
    const wide = keyFile('wide.yaml', `apiKey: ${KEY}\nsecret: ${SECRET}\n`, 0o640);
    expect(configError(() => loadCredentials('binance', { keyFile: wide, env: {} })).message)
      .toBe(`key-file: key file ${wide} has mode 0640, so other users can read it; run chmod 600 ${wide}`);
    expect(configError(() => loadCredentials('binance', { env: { TRADEGYM_BINANCE_KEY_FILE: wide } })).message).toMatch(/^TRADEGYM_BINANCE_KEY_FILE: key file .* has mode 0640/);
    // The flag beats the variable (a wide file named by the variable is not even opened).
    expect(loadCredentials('binance', { keyFile: yamlFile, env: { TRADEGYM_BINANCE_KEY_FILE: wide } })).toEqual({ apiKey: KEY, secret: SECRET });
  });

  it('refuses a key file owned by someone else, keys in two places, and a broken file without quoting it', () => {
    const theirs = keyFile('theirs.yaml', `apiKey: ${KEY}\nsecret: ${SECRET}\n`);
    // Tests run as root on CI (as here); a non-root user cannot open another user's 0600 file at all.
    if (process.getuid?.() === 0) chownSync(theirs, 65534, 65534);
    else chmodSync(theirs, 0o000);
    expect(configError(() => loadCredentials('binance', { keyFile: theirs, env: {} })).message)
      .toMatch(process.getuid?.() === 0 ? /belongs to another user \(uid 65534\); it must be your own$/ : /cannot read key file .* \(EACCES\)$/);

    const good = keyFile('good.yaml', `apiKey: ${KEY}\nsecret: ${SECRET}\n`);
    expect(configError(() => loadCredentials('binance', { keyFile: good, env: { TRADEGYM_BINANCE_API_KEY: KEY } })).message)
      .toBe('key-file: TRADEGYM_BINANCE_API_KEY is set too; give the keys in one place (unset the variables or drop the key file)');
    const broken = keyFile('broken.yaml', `apiKey: ${KEY}\nsecret: [${SECRET}\n`);
    expect(configError(() => loadCredentials('binance', { keyFile: broken, env: {} })).message).toMatch(/^key-file: key file .*broken\.yaml is not valid YAML or JSON \(line \d+, column \d+\)$/);
    // A key pasted as a field name is not echoed; a misspelt field gets the right name.
    const pasted = keyFile('pasted.yaml', `${KEY}: ${SECRET}\n`);
    expect(configError(() => loadCredentials('binance', { keyFile: pasted, env: {} })).message).toMatch(/has a field that is not one of apiKey, secret, password$/);
    const snake = keyFile('snake.yaml', `api_key: ${KEY}\nsecret: ${SECRET}\n`);
    expect(configError(() => loadCredentials('binance', { keyFile: snake, env: {} })).message).toMatch(/has a field that is not one of apiKey, secret, password; did you mean apiKey\?$/);
    const numeric = keyFile('numeric.yaml', `apiKey: 0123456789\nsecret: ${SECRET}\n`);
    expect(configError(() => loadCredentials('binance', { keyFile: numeric, env: {} })).message).toMatch(/field apiKey of key file .* must be a non-empty string \(quote it\)$/);
  });
});

describe('nothing written holds a key', () => {
  it('stdout, stderr, the store, run folders and anything else written: 0 hits for the key and secret', async () => {
    const cfg = join(dir, 'baseline.yaml');
    writeFileSync(cfg, stringify({ extends: join(ROOT, 'experiments', 'configs', 'quickstart.yaml'), name: 'keys', baselines: { models: ['ma-cross'], walkForwardFolds: 0 } }));
    const file = keyFile('grep.yaml', stringify({ apiKey: KEY, secret: SECRET }));
    const envs: Record<string, string>[] = [{ ...KEYS_ENV, TRADEGYM_BINANCE_API_PASSWORD: PASSWORD }, { TRADEGYM_BINANCE_KEY_FILE: file }];
    for (const env of envs) {
      const runs = [
        await cli(env, 'data', 'fetch', '--exchange-url', proxy.url, '--data', 'binance:BTC/USDT:1h', '--since', '2024-01-01', '--kind', 'ohlcv'),
        await cli(env, 'data', 'fetch', '--exchange-url', proxy.url, '--data', 'binance:BTC/EUR:1h', '--since', '2024-01-01'), // fails: unknown symbol
        await cli(env, 'data', 'record', '--exchange-url', proxy.url, '--exchange', 'binance', '--symbols', 'BTC/USDT', '--depth', '5', '--flush-ms', '500', '--duration', '2'),
        await cli(env, 'data', 'ls'),
        await cli(env, 'data', 'export', '--data', 'binance:BTC/USDT:1h', '--out', join(dir, 'export.csv')),
        await cli(env, 'baseline', cfg, '--runs', join(dir, 'runs')),
      ];
      expect(runs.map((r) => r.code)).toEqual([0, 2, 0, 0, 0, 0]);
    }
    // The store, the run folder and the export exist, so the search below covers real files.
    expect(readdirSync(join(dir, 'runs')).some((d) => d.startsWith('keys-'))).toBe(true);
    expect(readdirSync(join(dir, 'store'))).toEqual(expect.arrayContaining(['ohlcv', 'books']));

    const files: string[] = [];
    const walk = (p: string): void => {
      if (statSync(p).isDirectory()) for (const f of readdirSync(p)) walk(join(p, f));
      else if (!p.startsWith(join(dir, 'keys'))) files.push(p); // the key files themselves
    };
    walk(dir);
    expect(files.length).toBeGreaterThan(10);
    const hits: string[] = [];
    const needles = [KEY, SECRET, PASSWORD].map((s) => Buffer.from(s));
    outputs.forEach((o, i) => needles.forEach((n) => o.includes(n.toString()) && hits.push(`output ${i}: ${n.toString()}`)));
    for (const f of files) {
      const bytes = readFileSync(f);
      for (const n of needles) if (bytes.includes(n)) hits.push(`${f}: ${n.toString()}`);
    }
    expect(hits).toEqual([]);
  });
});
