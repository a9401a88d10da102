// Search spaces of a sweep: one per dotted config path. A range is searched in its "internal"
// space (log for log ranges, widened by half a step for integers), so uniform draws, grid steps
// and TPE's Gaussian kernels all treat a decade of learning rate like any other decade.
import { ConfigError } from '../../data/errors.js';
import type { Rng } from '../../data/random.js';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Dotted config path (`agent.lr`) -> the value a trial uses. */
export type Params = Record<string, JsonValue>;

export type SearchSpace =
  | { kind: 'categorical'; values: JsonValue[] }
  | { kind: 'range'; min: number; max: number; log: boolean; int: boolean; steps?: number };

/** Grids larger than this are refused: a typo (`int: true` over 0..1e6) should not start a week of work. */
export const MAX_GRID = 100_000;

/** Bounds of the internal space. */
export function internalBounds(s: Extract<SearchSpace, { kind: 'range' }>): [number, number] {
  const lo = s.int ? s.min - 0.5 : s.min;
  const hi = s.int ? s.max + 0.5 : s.max;
  return s.log ? [Math.log(Math.max(lo, s.min / 2)), Math.log(hi)] : [lo, hi];
}

export function toInternal(s: Extract<SearchSpace, { kind: 'range' }>, x: number): number {
  return s.log ? Math.log(x) : x;
}

/** Internal value -> the parameter (rounded and clamped for integers, clamped for floats). */
export function fromInternal(s: Extract<SearchSpace, { kind: 'range' }>, u: number): number {
  const x = s.log ? Math.exp(u) : u;
  const v = s.int ? Math.round(x) : x;
  return Math.min(s.max, Math.max(s.min, v));
}

export function sampleUniform(s: SearchSpace, rng: Rng): JsonValue {
  if (s.kind === 'categorical') return s.values[rng.int(s.values.length)];
  const [lo, hi] = internalBounds(s);
  return fromInternal(s, lo + rng.next() * (hi - lo));
}

export function sampleParams(spaces: ReadonlyArray<[string, SearchSpace]>, rng: Rng): Params {
  const out: Params = {};
  for (const [key, s] of spaces) out[key] = sampleUniform(s, rng);
  return out;
}

/** The grid points of one parameter. */
export function gridValues(key: string, s: SearchSpace): JsonValue[] {
  if (s.kind === 'categorical') return s.values;
  if (s.steps !== undefined) {
    const [lo, hi] = s.log ? [Math.log(s.min), Math.log(s.max)] : [s.min, s.max];
    const pts = Array.from({ length: s.steps }, (_, i) => fromInternal(s, lo + ((hi - lo) * i) / (s.steps! - 1)));
    return [...new Set(pts)];
  }
  if (s.int) {
    const n = s.max - s.min + 1;
    if (n > MAX_GRID) throw new ConfigError(`params.${key}`, `${n} integers is too many for a grid; give steps: N or values: [...]`);
    return Array.from({ length: n }, (_, i) => s.min + i);
  }
  throw new ConfigError(`params.${key}`, 'grid search needs values: [...], int: true or steps: N for a continuous range');
}

/** Cartesian product in the order the params are written; the last one varies fastest. */
export function gridPoints(spaces: ReadonlyArray<[string, SearchSpace]>): Params[] {
  const axes = spaces.map(([key, s]) => [key, gridValues(key, s)] as const);
  const size = axes.reduce((n, [, v]) => n * v.length, 1);
  if (size > MAX_GRID) throw new ConfigError('params', `the grid has ${size} points (more than ${MAX_GRID}); use method: random or tpe`);
  let points: Params[] = [{}];
  for (const [key, values] of axes) points = points.flatMap((p) => values.map((v) => ({ ...p, [key]: v })));
  return points;
}

/** `{ 'agent.lr': 1e-3 }` -> `{ agent: { lr: 1e-3 } }`. */
export function nestParams(params: Params): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [path, value] of Object.entries(params)) {
    const parts = path.split('.');
    let node = out;
    for (const p of parts.slice(0, -1)) {
      const next = node[p];
      if (typeof next !== 'object' || next === null || Array.isArray(next)) node[p] = {};
      node = node[p] as Record<string, unknown>;
    }
    node[parts[parts.length - 1]] = value;
  }
  return out;
}

/** JSON with object keys sorted, so equal values always print (and hash) the same. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (typeof v === 'object' && v !== null) {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).sort().filter((k) => o[k] !== undefined).map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}
