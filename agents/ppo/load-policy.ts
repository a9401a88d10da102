// A Policy straight from a checkpoint folder: networks and observation statistics only, no
// training config, env or optimizer needed (what backtests and deploy use).
import { paramLayout } from '../nn/actor-critic-layout.js';
import { RunningMeanStd } from '../../envs/wrappers/running-stats.js';
import { adamOf } from './trainer.js';
import { loadPpoCheckpoint } from './checkpoint.js';
import { createEngine } from './create-engine.js';
import type { EngineKind } from './engine.js';
import { PpoPolicy, type PpoPolicyOptions } from './ppo-policy.js';

export async function loadPolicy(dir: string, opts: Omit<PpoPolicyOptions, 'ownsEngine'> & { engine?: EngineKind } = {}): Promise<PpoPolicy> {
  const ck = await loadPpoCheckpoint(dir, { optimizer: false });
  const { engine } = await createEngine(opts.engine ?? 'fused', paramLayout(ck.spec), ck.params, adamOf(ck.config), { backend: ck.config.backend });
  const s = ck.state.obsStats;
  const stats = s ? RunningMeanStd.fromJSON(s) : null;
  return new PpoPolicy(engine, ck.actionSpace, stats, { ...opts, ownsEngine: true });
}
