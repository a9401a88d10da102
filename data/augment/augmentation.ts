// Augmentations as data, so envs and experiment YAML can declare them:
//   augment:
//     - { kind: block-bootstrap, blockSize: 50 }
//     - { kind: magnitude-scale, range: [0.7, 1.5] }
// `parseAugmentation` validates one entry (ConfigError naming the field and the allowed values);
// `applyAugmentations` runs a list in order, each step on its own fork of the rng, so adding a
// step at the end leaves the draws of the earlier steps unchanged.
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { timeframeMs } from '../timeframe.js';
import type { Books, Candles } from '../types.js';
import { blockBootstrap } from './block-bootstrap.js';
import { jitterBookSizes } from './book-jitter.js';
import { fitGbm, gbmPaths } from './gbm.js';
import { garchPaths } from './garch.js';
import { gaussianNoise } from './gaussian-noise.js';
import { magnitudeScale } from './magnitude-scale.js';
import { resample } from './resample.js';
import type { RngLike } from './rng-like.js';
import { toRng } from './rng-like.js';
import { timeWarp } from './time-warp.js';

const finite = () => z.number().refine(Number.isFinite, 'must be a finite number');
const positive = () => finite().refine((v) => v > 0, 'must be > 0');
const nonNegative = () => finite().refine((v) => v >= 0, 'must be >= 0');
const count = () => z.number().int().min(1);
const timeframe = () => z.string().refine((tf) => {
  try { timeframeMs(tf); return true; } catch { return false; }
}, 'is not a timeframe; use e.g. 1m, 5m, 15m, 1h, 4h, 1d, 1w');

const BlockBootstrapSchema = z.strictObject({
  kind: z.literal('block-bootstrap'),
  /** Bars per block (mean length when stationary). */
  blockSize: count(),
  /** Politis-Romano geometric block lengths. */
  stationary: z.boolean().optional(),
});

const GaussianNoiseSchema = z.strictObject({
  kind: z.literal('gaussian-noise'),
  sigma: nonNegative(),
  mode: z.enum(['multiplicative', 'additive']).optional(),
});

const MagnitudeScaleSchema = z.strictObject({
  kind: z.literal('magnitude-scale'),
  scale: positive().optional(),
  range: z.tuple([positive(), positive()]).refine(([lo, hi]) => lo <= hi, 'must be [lo, hi] with lo <= hi').optional(),
}).refine((v) => (v.scale === undefined) !== (v.range === undefined), {
  message: 'give exactly one of scale or range', path: ['scale'],
});

const TimeWarpSchema = z.strictObject({
  kind: z.literal('time-warp'),
  factor: positive().optional(),
  strength: nonNegative().optional(),
  knots: count().optional(),
});

const ResampleSchema = z.strictObject({
  kind: z.literal('resample'),
  timeframe: timeframe(),
});

const GbmSchema = z.strictObject({
  kind: z.literal('gbm'),
  /** Bars; default the source's length. mu/sigma default to fitGbm of the source. */
  n: count().optional(),
  mu: finite().optional(),
  sigma: nonNegative().optional(),
  /** Mean volume per bar; default the source's mean volume. */
  volume: nonNegative().optional(),
});

const Garch11Schema = z.strictObject({
  omega: positive(),
  alpha: nonNegative(),
  beta: nonNegative(),
  mu: finite(),
}).refine((p) => p.alpha + p.beta < 1, { message: 'alpha + beta must be < 1 (a stationary model)', path: ['beta'] });

const GarchSchema = z.strictObject({
  kind: z.literal('garch'),
  n: count().optional(),
  /** Omitted: fitted on the source series by maximum likelihood. */
  model: Garch11Schema.optional(),
});

export const AugmentationSchema = z.discriminatedUnion('kind', [
  BlockBootstrapSchema, GaussianNoiseSchema, MagnitudeScaleSchema, TimeWarpSchema, ResampleSchema, GbmSchema, GarchSchema,
]);

export const BookAugmentationSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('book-size-jitter'), sigma: nonNegative() }),
]);

/** One candle augmentation, as written in a config. */
export type Augmentation = z.infer<typeof AugmentationSchema>;
export type AugmentationKind = Augmentation['kind'];
/** One book augmentation, as written in a config. */
export type BookAugmentation = z.infer<typeof BookAugmentationSchema>;

export const AUGMENTATION_KINDS: readonly AugmentationKind[] = AugmentationSchema.options.map((o) => o.shape.kind.value);
export const BOOK_AUGMENTATION_KINDS: readonly BookAugmentation['kind'][] = BookAugmentationSchema.options.map((o) => o.shape.kind.value);

function parseWith<S extends z.ZodType>(schema: S, kinds: readonly string[], raw: unknown, field: string): z.infer<S> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError(field, `must be a mapping with a kind (${kinds.join(', ')}) and its fields, got ${JSON.stringify(raw)}`);
  }
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const at = [field, ...issue.path.map(String)].join('.');
  if ((issue.code === 'invalid_union' && issue.path.length === 0) || issue.path.join('.') === 'kind') {
    const got = (raw as { kind?: unknown }).kind;
    const what = got === undefined ? 'missing' : `${JSON.stringify(got)} is not an augmentation`;
    throw new ConfigError(`${field}.kind`, `${what}; use ${kinds.join(', ')}`);
  }
  if (issue.code === 'unrecognized_keys') {
    const kind = (raw as { kind: string }).kind;
    const option = (schema as unknown as z.ZodDiscriminatedUnion<z.ZodObject[]>).options.find((o) => o.shape.kind.value === kind);
    const shape = issue.path.length === 0 ? option?.shape : issue.path[0] === 'model' ? Garch11Schema.shape : undefined;
    const allowed = shape ? `; allowed fields: ${Object.keys(shape).filter((k) => k !== 'kind').join(', ')}` : '';
    throw new ConfigError(`${at}.${issue.keys.join(', ')}`, `unknown field for ${kind}${allowed}`);
  }
  throw new ConfigError(at, issue.message);
}

/** Validates one candle augmentation entry; `field` prefixes the error (e.g. "env.augment[2]"). */
export function parseAugmentation(raw: unknown, field = 'augment'): Augmentation {
  return parseWith(AugmentationSchema, AUGMENTATION_KINDS, raw, field);
}

export function parseBookAugmentation(raw: unknown, field = 'augment'): BookAugmentation {
  return parseWith(BookAugmentationSchema, BOOK_AUGMENTATION_KINDS, raw, field);
}

/** Applies one augmentation (validated first) and returns a new series; `c` is not modified. */
export function applyAugmentation(c: Candles, cfg: Augmentation, rng: RngLike): Candles {
  const a = parseAugmentation(cfg);
  switch (a.kind) {
    case 'block-bootstrap': return blockBootstrap(c, a, rng);
    case 'gaussian-noise': return gaussianNoise(c, a, rng);
    case 'magnitude-scale': return magnitudeScale(c, a, rng);
    case 'time-warp': return timeWarp(c, a, rng);
    case 'resample': return resample(c, a);
    case 'gbm': {
      const fit = a.mu === undefined || a.sigma === undefined ? fitGbm(c) : { mu: NaN, sigma: NaN };
      let meanVol = 0;
      for (let i = 0; i < c.volume.length; i++) meanVol += c.volume[i] / c.volume.length;
      return gbmPaths({
        s0: c.open[0], start: c.ts[0], timeframe: c.timeframe, n: a.n ?? c.ts.length,
        mu: a.mu ?? fit.mu, sigma: a.sigma ?? fit.sigma, volume: a.volume ?? meanVol,
        exchange: c.exchange, symbol: c.symbol,
      }, rng);
    }
    case 'garch': return garchPaths(c, a.model, { n: a.n }, rng);
  }
}

/** Applies a list in order; step i draws from `rng.fork("<i>:<kind>")`. */
export function applyAugmentations(c: Candles, cfgs: readonly Augmentation[], rng: RngLike): Candles {
  const r = toRng(rng);
  let out = c;
  cfgs.forEach((cfg, i) => { out = applyAugmentation(out, cfg, r.fork(`${i}:${cfg.kind}`)); });
  return out === c ? copyCandles(c) : out; // always a new series, even for an empty list
}

export function applyBookAugmentation(b: Books, cfg: BookAugmentation, rng: RngLike): Books {
  const a = parseBookAugmentation(cfg);
  switch (a.kind) {
    case 'book-size-jitter': return jitterBookSizes(b, a, rng);
  }
}

function copyCandles(c: Candles): Candles {
  return {
    exchange: c.exchange, symbol: c.symbol, timeframe: c.timeframe, ts: c.ts.slice(), open: c.open.slice(),
    high: c.high.slice(), low: c.low.slice(), close: c.close.slice(), volume: c.volume.slice(),
  };
}
