// Builds the engine a config asks for; the tfjs one first activates a tfjs backend.
import type { AdamConfig } from '../nn/adam.js';
import type { ParamLayout } from '../nn/actor-critic-layout.js';
import { selectBackend, type BackendChoice, type BackendPreference } from '../nn/backend.js';
import type { EngineKind, PpoEngine } from './engine.js';
import { FusedEngine, type KernelChoice } from './fused-engine.js';

export async function createEngine(
  kind: EngineKind, layout: ParamLayout, params: Float32Array, adam: AdamConfig,
  opts: { backend?: BackendPreference; kernels?: KernelChoice } = {},
): Promise<{ engine: PpoEngine; backend: BackendChoice | null }> {
  if (kind === 'fused') return { engine: new FusedEngine(layout, params, adam, opts.kernels), backend: null };
  const backend = await selectBackend(opts.backend ?? 'auto');
  // Imported here so a fused-only run never loads tfjs layers/ops code paths it does not use.
  const { TfjsEngine } = await import('./tfjs-engine.js');
  return { engine: new TfjsEngine(layout, params, adam), backend };
}
