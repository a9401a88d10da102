// YAML experiment configs with `extends:` (a path relative to the file) and validation that names
// the field, the file and the allowed values. The resolved config is what runs save.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../data/errors.js';

type Plain = Record<string, unknown>;
const isPlain = (x: unknown): x is Plain => typeof x === 'object' && x !== null && !Array.isArray(x);

/**
 * Objects merge key by key; anything else (arrays included) in `over` replaces `base`. With
 * `switchReplaces` (how `extends` merges files), a section that switches its `algo` or `kind`
 * replaces the parent's section: PPO's fields mean nothing to TD3. Sweeps set single fields and
 * merge plainly.
 */
export function deepMerge(base: Plain, over: Plain, opts: { switchReplaces?: boolean } = {}): Plain {
  const out: Plain = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    const switches = opts.switchReplaces === true && isPlain(v) && isPlain(b) && (['algo', 'kind'] as const).some((d) => d in v && v[d] !== b[d]);
    out[k] = isPlain(v) && isPlain(b) && !switches ? deepMerge(b, v, opts) : v;
  }
  return out;
}

/** Reads a YAML file and everything it `extends`, merged (the file's own keys win). */
export function readConfigTree(path: string, seen: string[] = []): Plain {
  const abs = resolve(path);
  if (seen.includes(abs)) throw new ConfigError('extends', `cycle: ${[...seen, abs].join(' -> ')}`);
  let raw: unknown;
  try {
    raw = parse(readFileSync(abs, 'utf8'));
  } catch (err) {
    throw new ConfigError(path, `cannot read: ${(err as Error).message}`);
  }
  if (!isPlain(raw)) throw new ConfigError(path, 'must be a YAML mapping');
  const { extends: parent, ...own } = raw;
  if (parent === undefined) return own;
  if (typeof parent !== 'string') throw new ConfigError(`${path}: extends`, 'must be a path to another YAML file');
  return deepMerge(readConfigTree(resolve(dirname(abs), parent), [...seen, abs]), own, { switchReplaces: true });
}

/** Validates with a zod schema; the first problem becomes a ConfigError naming file and field. */
export function validateConfig<S extends z.ZodType>(schema: S, raw: unknown, source: string): z.infer<S> {
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  const lines = r.error.issues.slice(0, 5).map((issue) => {
    const path = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys.join(', ');
      const where = path ? `${path}.` : '';
      const allowed = allowedKeys(schema, issue.path);
      return `${where}${keys}: unknown field${allowed ? `; allowed: ${allowed}` : ''}`;
    }
    return `${path || '(root)'}: ${issue.message}`;
  });
  throw new ConfigError(source, lines.join('; '));
}

/** The fields of an object schema, or of every option of a union (e.g. the agent algorithms). */
function shapeOf(s: unknown): Record<string, unknown> | undefined {
  const u = unwrap(s) as { shape?: Record<string, unknown>; options?: unknown[] } | undefined;
  if (u?.shape) return u.shape;
  if (Array.isArray(u?.options)) return Object.assign({}, ...u.options.map((o) => shapeOf(o) ?? {}));
  return undefined;
}

/** The keys a (strict) object schema accepts at `path`, for error messages. */
function allowedKeys(schema: z.ZodType, path: PropertyKey[]): string | undefined {
  let s: unknown = schema;
  for (const p of path) {
    const shape = shapeOf(s);
    if (!shape || typeof p !== 'string') return undefined;
    s = shape[p];
  }
  const shape = shapeOf(s);
  return shape ? Object.keys(shape).join(', ') : undefined;
}

function unwrap(s: unknown): unknown {
  let cur = s as { def?: { innerType?: unknown; type?: string } } | undefined;
  while (cur?.def?.innerType) cur = cur.def.innerType as typeof cur;
  return cur;
}
