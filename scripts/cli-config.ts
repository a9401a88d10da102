// `--defaults file.yaml`: defaults for the data flags, validated so a typo names the field.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../data/errors.js';
import { didYouMean } from '../data/nearest-names.js';

const CliConfigSchema = z.strictObject({
  store: z.string().optional(),
  /** The default market, exchange:symbol:timeframe. */
  data: z.string().optional(),
  exchange: z.string().optional(),
  'exchange-url': z.url({ protocol: /^https?$/ }).optional(),
  symbol: z.string().optional(),
  symbols: z.string().optional(),
  timeframe: z.string().optional(),
  depth: z.number().int().positive().optional(),
});

export type CliConfig = z.infer<typeof CliConfigSchema>;

/** Reads and validates a CLI config file; camelCase keys are accepted for kebab-case flags. */
export function loadCliConfig(path: string): CliConfig {
  let raw: unknown;
  try {
    raw = parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ConfigError('config', `cannot read ${path}: ${(err as Error).message}`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigError('config', `${path} must be a YAML mapping`);
  const kebab = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`), v]));
  const parsed = CliConfigSchema.safeParse(kebab);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    if (issue.code === 'unrecognized_keys') {
      const key = issue.keys[0];
      const hint = didYouMean(key, Object.keys(CliConfigSchema.shape)) || `; allowed fields: ${Object.keys(CliConfigSchema.shape).join(', ')}`;
      throw new ConfigError(`${path}: ${key}`, `unknown field${hint}`);
    }
    throw new ConfigError(`${path}: ${issue.path.join('.') || 'config'}`, issue.message);
  }
  return parsed.data;
}
