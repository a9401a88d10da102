// Exchange API credentials, for the commands that call private endpoints (balances, orders: deploy
// and live trading) and only those: public-data commands never load them. One source at a time:
//   - the environment: TRADEGYM_<EXCHANGE>_API_KEY, TRADEGYM_<EXCHANGE>_API_SECRET and, where the
//     exchange asks for one (okx, kucoin, ...), TRADEGYM_<EXCHANGE>_API_PASSWORD;
//   - a key file (`--key-file FILE` or TRADEGYM_<EXCHANGE>_KEY_FILE): YAML or JSON with the fields
//     apiKey, secret, password, owned by the user and readable by nobody else (mode 0600 or 0400).
// Never flags: flags land in shell history and process lists. No error message quotes a value, a
// line of the file or a field name from it (a mangled file can put a key where a name should be).
import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { ConfigError } from '../errors.js';
import { didYouMean } from '../nearest-names.js';

export interface Credentials {
  apiKey?: string;
  secret?: string;
  /** ccxt's `password`: the passphrase some exchanges add to the key pair. */
  password?: string;
}

export type CredentialField = keyof Credentials;
const FIELDS: CredentialField[] = ['apiKey', 'secret', 'password'];

export interface CredentialOptions {
  /** The fields the exchange signs with (ccxt's `requiredCredentials`); default apiKey and secret. */
  need?: Partial<Record<CredentialField, boolean>>;
  /** `--key-file`; it beats TRADEGYM_<EXCHANGE>_KEY_FILE. */
  keyFile?: string;
  /** Default process.env. */
  env?: NodeJS.ProcessEnv;
}

/** The environment variable names for one exchange (ccxt ids are lower-case letters and digits). */
export function credentialEnvNames(exchange: string): Record<CredentialField | 'keyFile', string> {
  const p = `TRADEGYM_${exchange.toUpperCase()}_`;
  return { apiKey: `${p}API_KEY`, secret: `${p}API_SECRET`, password: `${p}API_PASSWORD`, keyFile: `${p}KEY_FILE` };
}

/**
 * Names that look like ours but are not read. An error, not a second accepted spelling: a secret
 * read under two names ends up set in one place and "rotated" in the other.
 */
const WRONG_NAMES: [suffix: string, field: CredentialField][] = [
  ['SECRET', 'secret'], // read by earlier versions, while the docs said API_SECRET
  ['SECRET_KEY', 'secret'],
  ['KEY', 'apiKey'],
  ['PASSWORD', 'password'],
  ['PASSPHRASE', 'password'],
  ['API_PASSPHRASE', 'password'],
];

/** Loads the credentials of `exchange` from the environment or a key file; ConfigError if they are missing or unsafe. */
export function loadCredentials(exchange: string, opts: CredentialOptions = {}): Credentials {
  const env = opts.env ?? process.env;
  const names = credentialEnvNames(exchange);
  const prefix = `TRADEGYM_${exchange.toUpperCase()}_`;
  for (const [suffix, field] of WRONG_NAMES) {
    if (env[prefix + suffix] !== undefined) {
      throw new ConfigError(prefix + suffix, `is not read; name it ${names[field]}`);
    }
  }
  const need = { apiKey: true, secret: true, ...opts.need };
  const fromEnv: Credentials = {};
  for (const f of FIELDS) if (env[names[f]]) fromEnv[f] = env[names[f]];
  const keyFile = opts.keyFile ?? (env[names.keyFile] || undefined);
  const source = opts.keyFile !== undefined ? 'key-file' : names.keyFile;

  let creds: Credentials;
  let where: (f: CredentialField) => string;
  if (keyFile !== undefined) {
    const set = FIELDS.filter((f) => fromEnv[f] !== undefined).map((f) => names[f]);
    if (set.length) throw new ConfigError(source, `${set.join(' and ')} ${set.length > 1 ? 'are' : 'is'} set too; give the keys in one place (unset the variables or drop the key file)`);
    creds = readKeyFile(keyFile, source, names);
    where = (f) => `field ${f} of key file ${keyFile}`;
  } else {
    creds = fromEnv;
    where = (f) => names[f];
    if (FIELDS.every((f) => creds[f] === undefined)) {
      const wanted = FIELDS.filter((f) => need[f]).map((f) => names[f]);
      throw new ConfigError('keys', `this command needs ${exchange} API keys: set ${wanted.join(' and ')}, or give --key-file FILE (YAML or JSON with ${FIELDS.filter((f) => need[f]).join(', ')}; mode 0600)`);
    }
  }
  const missing = FIELDS.filter((f) => need[f] && creds[f] === undefined);
  if (missing.length) throw new ConfigError(keyFile !== undefined ? source : 'keys', `${exchange} needs ${missing.map(where).join(' and ')} too`);
  return creds;
}

function readKeyFile(path: string, source: string, names: Record<CredentialField, string>): Credentials {
  if (process.platform === 'win32' || typeof process.getuid !== 'function') {
    throw new ConfigError(source, `key files are refused here: their permissions cannot be checked without POSIX file modes; set ${names.apiKey} and ${names.secret} instead`);
  }
  // Checked on the open descriptor, so the file read is the file checked.
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw new ConfigError(source, `cannot read key file ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let text: string;
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new ConfigError(source, `key file ${path} is not a file`);
    if (st.uid !== process.getuid()) throw new ConfigError(source, `key file ${path} belongs to another user (uid ${st.uid}); it must be your own`);
    if (st.mode & 0o077) {
      throw new ConfigError(source, `key file ${path} has mode ${(st.mode & 0o777).toString(8).padStart(4, '0')}, so other users can read it; run chmod 600 ${path}`);
    }
    text = readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (err) {
    // The parser's message quotes the offending line, which may hold a key: give the position only.
    const pos = (err as { linePos?: { line: number; col: number }[] }).linePos?.[0];
    throw new ConfigError(source, `key file ${path} is not valid YAML or JSON${pos ? ` (line ${pos.line}, column ${pos.col})` : ''}`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError(source, `key file ${path} must be a mapping with the fields ${FIELDS.join(', ')}`);
  }
  const out: Credentials = {};
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    if (!(FIELDS as string[]).includes(k)) {
      throw new ConfigError(source, `key file ${path} has a field that is not one of ${FIELDS.join(', ')}${didYouMean(k, FIELDS)}`);
    }
    // YAML reads an unquoted all-digit or 0x... value as a number and drops leading zeros.
    if (typeof v !== 'string' || !v) throw new ConfigError(source, `field ${k} of key file ${path} must be a non-empty string (quote it)`);
    out[k as CredentialField] = v;
  }
  return out;
}

/** `text` with every credential value (raw or URL-encoded) blanked out, for error messages and logs. */
export function redactCredentials(text: string, creds: Credentials): string {
  let out = text;
  for (const f of FIELDS) {
    const v = creds[f];
    if (!v) continue;
    for (const form of new Set([v, encodeURIComponent(v)])) out = out.split(form).join(`<${f}>`);
  }
  return out;
}
