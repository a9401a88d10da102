// Value checks shared by the augmentations: a bad parameter is a ConfigError naming the field,
// whether it came from YAML (through the schema in augmentation.ts) or from a direct call.
import { ConfigError } from '../errors.js';

export function positive(field: string, v: number): number {
  if (!(Number.isFinite(v) && v > 0)) throw new ConfigError(field, `${v} must be a finite number > 0`);
  return v;
}

export function nonNegative(field: string, v: number): number {
  if (!(Number.isFinite(v) && v >= 0)) throw new ConfigError(field, `${v} must be a finite number >= 0`);
  return v;
}

export function finite(field: string, v: number): number {
  if (!Number.isFinite(v)) throw new ConfigError(field, `${v} must be a finite number`);
  return v;
}

export function positiveInt(field: string, v: number): number {
  if (!(Number.isInteger(v) && v >= 1)) throw new ConfigError(field, `${v} must be an integer >= 1`);
  return v;
}
