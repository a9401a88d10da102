// YAML experiment configs with `extends:` (a path relative to the file) and validation that names
// the field, the file and the allowed values. The resolved config is what runs save.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../data/errors.js';
import { didYouMean } from '../data/nearest-names.js';

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

/** Validates with a zod schema; the first problems become a ConfigError naming file and field. */
export function validateConfig<S extends z.ZodType>(schema: S, raw: unknown, source: string): z.infer<S> {
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  const lines = r.error.issues.slice(0, 5).map((issue) => {
    const path = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      const where = path ? `${path}.` : '';
      const allowed = allowedKeys(schema, issue.path, raw);
      return issue.keys.map((key) => `${where}${key}: unknown field${unknownHint(key, allowed)}`).join('; ');
    }
    return `${path || '(root)'}: ${issue.message}`;
  });
  throw new ConfigError(source, lines.join('; '));
}

/** "did you mean ...?" when a name is close (a typo), else the names allowed there. */
function unknownHint(key: string, allowed: string[] | undefined): string {
  if (!allowed) return '';
  return didYouMean(key, allowed) || `; allowed: ${allowed.join(', ')}`;
}

/**
 * `--set path=value` overrides (repeatable): dotted paths into the config, values parsed as YAML
 * (`1e-4`, `true`, `[a, b]`, `{ kind: median }`). Applied to the merged file tree before
 * validation, so the same schema checks them; objects merge, anything else replaces.
 */
export function applySets(tree: Plain, sets: readonly string[]): Plain {
  let out = tree;
  for (const s of sets) {
    const eq = s.indexOf('=');
    const path = eq < 0 ? s : s.slice(0, eq);
    if (eq < 0 || !/^[A-Za-z_][\w-]*(\.[A-Za-z_][\w-]*)*$/.test(path)) {
      throw new ConfigError(`--set ${s}`, 'must be path=value with a dotted path, e.g. --set agent.learningRate=1e-4');
    }
    let value: unknown;
    try {
      value = parse(s.slice(eq + 1));
    } catch (err) {
      throw new ConfigError(`--set ${path}`, `the value is not valid YAML: ${(err as Error).message.split('\n')[0]}`);
    }
    const nested: Plain = {};
    let node = nested;
    const parts = path.split('.');
    for (const p of parts.slice(0, -1)) node = (node[p] = {}) as Plain;
    node[parts[parts.length - 1]] = value ?? null;
    out = deepMerge(out, nested);
  }
  return out;
}

/**
 * Reads a config file (with `extends`), validates it (errors name the file), then applies `--set`
 * overrides and validates again (errors name the override), so a mistake points at its source.
 */
export function loadConfigWithSets<S extends z.ZodType>(schema: S, path: string, sets: readonly string[] = []): z.infer<S> {
  const tree = readConfigTree(path);
  const fromFile = validateConfig(schema, tree, path);
  if (!sets.length) return fromFile;
  const source = sets.length === 1 ? `--set ${sets[0].split('=')[0]}` : `--set (${sets.map((s) => s.split('=')[0]).join(', ')})`;
  return validateConfig(schema, applySets(tree, sets), source);
}

/** The fields of an object schema; of a union, the option that `raw` selects (by algo or kind), else of every option. */
function shapeOf(s: unknown, raw?: unknown): Record<string, unknown> | undefined {
  const u = unwrap(s) as { shape?: Record<string, unknown>; options?: unknown[] } | undefined;
  if (u?.shape) return u.shape;
  if (!Array.isArray(u?.options)) return undefined;
  if (isPlain(raw)) {
    for (const d of ['algo', 'kind'] as const) {
      if (typeof raw[d] !== 'string') continue;
      const chosen = u.options.find((o) => {
        const lit = (shapeOf(o)?.[d] as { def?: { values?: unknown[] } } | undefined)?.def?.values;
        return Array.isArray(lit) && lit.includes(raw[d]);
      });
      if (chosen) return shapeOf(chosen);
    }
  }
  return Object.assign({}, ...u.options.map((o) => shapeOf(o) ?? {}));
}

/** The keys a (strict) object schema accepts at `path`, for error messages. */
function allowedKeys(schema: z.ZodType, path: PropertyKey[], raw: unknown): string[] | undefined {
  let s: unknown = schema;
  let value = raw;
  for (const p of path) {
    const shape = shapeOf(s, value);
    if (!shape || typeof p !== 'string') return undefined;
    s = shape[p];
    value = isPlain(value) ? value[p] : undefined;
  }
  const shape = shapeOf(s, value);
  return shape ? Object.keys(shape) : undefined;
}

function unwrap(s: unknown): unknown {
  let cur = s as { def?: { innerType?: unknown; type?: string; in?: unknown; out?: unknown } } | undefined;
  // Defaults and optionals wrap the schema (innerType); preprocess makes a pipe (out).
  while (cur?.def?.innerType || (cur?.def?.type === 'pipe' && cur.def.out)) cur = (cur.def.innerType ?? cur.def.out) as typeof cur;
  return cur;
}
