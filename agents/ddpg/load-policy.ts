// A Policy straight from a DDPG/TD3 checkpoint folder: the actor's weights and the observation
// statistics only (no training config, env, targets, optimizer or replay buffer), as deploy needs.
import { RunningMeanStd } from '../../envs/wrappers/running-stats.js';
import { loadDdpgCheckpoint } from './checkpoint.js';
import { DdpgPolicy } from './ddpg-policy.js';
import { DdpgEngine, type KernelChoice } from './fused-engine.js';
import { ddpgLayout } from './networks.js';
import { ddpgAdamOf } from './trainer.js';

export async function loadDdpgPolicy(dir: string, opts: { kernels?: KernelChoice; name?: string } = {}): Promise<DdpgPolicy> {
  const ck = await loadDdpgCheckpoint(dir, { training: false });
  const engine = new DdpgEngine(ddpgLayout(ck.spec), ck.params, ddpgAdamOf(ck.config), { kernels: opts.kernels });
  const s = ck.state.obsStats;
  return new DdpgPolicy(engine, s ? RunningMeanStd.fromJSON(s) : null, { ownsEngine: true, name: opts.name });
}
