// A recurrent Policy straight from a checkpoint folder: networks and observation statistics
// only (what backtests and deploy use), on either engine.
import { RunningMeanStd } from '../../envs/wrappers/running-stats.js';
import type { EngineKind } from '../ppo/engine.js';
import { adamOf } from '../ppo/trainer.js';
import { loadRecurrentCheckpoint } from './checkpoint.js';
import { createRecurrentEngine } from './create-engine.js';
import { recurrentLayout } from './layout.js';
import { RecurrentPpoPolicy, type RecurrentPolicyOptions } from './policy.js';

export async function loadRecurrentPolicy(dir: string, opts: Omit<RecurrentPolicyOptions, 'ownsEngine'> & { engine?: EngineKind } = {}): Promise<RecurrentPpoPolicy> {
  const ck = await loadRecurrentCheckpoint(dir, { optimizer: false });
  const { engine } = await createRecurrentEngine(opts.engine ?? 'fused', recurrentLayout(ck.spec), ck.params, adamOf(ck.config), { backend: ck.config.backend });
  const s = ck.state.obsStats;
  return new RecurrentPpoPolicy(engine, ck.actionSpace, s ? RunningMeanStd.fromJSON(s) : null, { ...opts, ownsEngine: true });
}
