// The DDPG/TD3 networks as data, in one flat parameter layout: the actor first (obs -> hidden ->
// tanh, scaled to the action bounds as CleanRL's action_scale / action_bias), then the critic(s)
// (Q(obs, action): [obs, action] -> hidden -> 1). The actor's and the critics' parameters are two
// contiguous ranges, so each has its own Adam step over its range; target networks are a second
// array in the same layout. Checkpoints and both the trainer and the policy address it by name.
import type { Rng } from '../../data/random.js';
import { ConfigError } from '../../data/errors.js';
import type { ParamEntry } from '../nn/actor-critic-layout.js';
import { FlatLayout, initDenseNet, type DenseNetLayout } from '../nn/fused-net.js';

export interface DdpgSpec {
  obsSize: number;
  actionDim: number;
  /** Hidden widths of the actor and of each critic. */
  hidden: number[];
  activation: 'relu' | 'tanh';
  /** TD3's second critic. */
  twinCritics: boolean;
  /** Action bounds the actor's tanh is scaled to (finite). */
  actionLow: number[];
  actionHigh: number[];
}

export interface DdpgLayout {
  spec: DdpgSpec;
  entries: ParamEntry[];
  actor: DenseNetLayout;
  qf1: DenseNetLayout;
  qf2: DenseNetLayout | null;
  /** Floats of the actor's range [0, actorSize); the critics' range is [actorSize, size). */
  actorSize: number;
  size: number;
}

export function ddpgLayout(spec: DdpgSpec): DdpgLayout {
  const { obsSize: S, actionDim: D } = spec;
  if (!Number.isInteger(S) || S < 1) throw new ConfigError('obsSize', `must be a positive integer, got ${S}`);
  if (!Number.isInteger(D) || D < 1) throw new ConfigError('actionDim', `must be a positive integer, got ${D}`);
  if (spec.actionLow.length !== D || spec.actionHigh.length !== D) throw new ConfigError('actionSpace', `bounds must have ${D} values`);
  for (let d = 0; d < D; d++) {
    if (!(Number.isFinite(spec.actionLow[d]) && Number.isFinite(spec.actionHigh[d]) && spec.actionLow[d] < spec.actionHigh[d])) {
      throw new ConfigError('actionSpace', `DDPG needs finite bounds low < high, got [${spec.actionLow[d]}, ${spec.actionHigh[d]}] in dimension ${d}`);
    }
  }
  const f = new FlatLayout();
  // Gains: sqrt(2) hidden (He for ReLU), a near-zero actor output (first actions ~ mid-range,
  // as the DDPG paper's U(-3e-3, 3e-3) final layer), 1 for the critics' outputs.
  const actor = f.mlp('actor', [S, ...spec.hidden, D], spec.activation, 'tanh', { hidden: Math.SQRT2, output: 0.01 });
  const actorSize = f.size;
  const qf1 = f.mlp('qf1', [S + D, ...spec.hidden, 1], spec.activation, 'linear', { hidden: Math.SQRT2, output: 1 });
  const qf2 = spec.twinCritics ? f.mlp('qf2', [S + D, ...spec.hidden, 1], spec.activation, 'linear', { hidden: Math.SQRT2, output: 1 }) : null;
  return { spec, entries: f.entries, actor, qf1, qf2, actorSize, size: f.size };
}

/** Fresh seeded parameters in the flat layout. */
export function initDdpgParams(layout: DdpgLayout, rng: Rng): Float32Array {
  const p = new Float32Array(layout.size);
  for (const net of [layout.actor, layout.qf1, layout.qf2]) if (net) initDenseNet(net, p, rng);
  return p;
}
