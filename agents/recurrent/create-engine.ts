// Builds the recurrent engine a config asks for; the tfjs one first activates a tfjs backend.
import type { AdamConfig } from '../nn/adam.js';
import { selectBackend, type BackendChoice, type BackendPreference } from '../nn/backend.js';
import type { EngineKind } from '../ppo/engine.js';
import type { KernelChoice } from '../ppo/fused-engine.js';
import type { RecurrentEngine } from './engine.js';
import { FusedRecurrentEngine } from './fused-engine.js';
import type { RecurrentLayout } from './layout.js';

export async function createRecurrentEngine(
  kind: EngineKind, layout: RecurrentLayout, params: Float32Array, adam: AdamConfig,
  opts: { backend?: BackendPreference; kernels?: KernelChoice } = {},
): Promise<{ engine: RecurrentEngine; backend: BackendChoice | null }> {
  if (kind === 'fused') return { engine: new FusedRecurrentEngine(layout, params, adam, opts.kernels), backend: null };
  const backend = await selectBackend(opts.backend ?? 'auto');
  // Imported here so a fused-only run never loads the tfjs code paths it does not use.
  const { TfjsRecurrentEngine } = await import('./tfjs-engine.js');
  return { engine: new TfjsRecurrentEngine(layout, params, adam), backend };
}
