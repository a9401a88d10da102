// The recurrent actor-critic as data: observations -> one LSTM (shared by policy and value, as
// CleanRL's ppo_atari_lstm) -> the PPO actor and critic MLPs of agents/nn/actor-critic-layout.ts
// reading the LSTM output instead of the observation. One flat parameter array holds the LSTM
// first, then the MLP layout shifted behind it, so the fused kernels, tfjs variables (TfjsParams),
// Adam and the checkpoint format all address it the same way.
import { ConfigError } from '../../data/errors.js';
import type { Rng } from '../../data/random.js';
import { paramLayout, type ActionHead, type DenseLayer, type NetLayout, type ParamEntry, type ParamLayout } from '../nn/actor-critic-layout.js';
import { initParams, orthogonal } from '../nn/orthogonal-init.js';

export interface RecurrentSpec {
  obsSize: number;
  /** LSTM units (the hidden and cell state have this many values per env). */
  lstmHidden: number;
  /** tanh hidden layers of the policy and value MLPs on top of the LSTM output. */
  actorHidden: number[];
  criticHidden: number[];
  head: ActionHead;
  initLogStd: number;
}

/** The LSTM's tensors. Gate order i, f, c (candidate), o: Keras' order, so weights map onto tf.layers.lstm. */
export interface LstmEntries {
  /** [obsSize, 4H]. */
  kernel: ParamEntry;
  /** [H, 4H]. */
  recurrent: ParamEntry;
  /** [4H]. */
  bias: ParamEntry;
}

export interface RecurrentLayout {
  spec: RecurrentSpec;
  lstm: LstmEntries;
  /**
   * The actor/critic MLP layout (spec.obsSize = lstmHidden) with offsets into the WHOLE flat
   * array, and `entries` listing the LSTM tensors too: a ParamLayout any existing helper
   * (TfjsParams, TfjsAdam, initParams) can take as is.
   */
  heads: ParamLayout;
  /** Floats in the flat array (entries plus 16-byte alignment gaps). */
  size: number;
}

const align4 = (n: number): number => Math.ceil(n / 4) * 4;

export function recurrentLayout(spec: RecurrentSpec): RecurrentLayout {
  const { obsSize: S, lstmHidden: H } = spec;
  if (!Number.isInteger(S) || S < 1) throw new ConfigError('obsSize', `must be a positive integer, got ${S}`);
  if (!Number.isInteger(H) || H < 1) throw new ConfigError('lstmHidden', `must be a positive integer, got ${H}`);
  let offset = 0;
  const add = (name: string, shape: number[]): ParamEntry => {
    const size = shape.reduce((a, b) => a * b, 1);
    const e = { name, shape, offset, size };
    offset += align4(size);
    return e;
  };
  const lstm: LstmEntries = { kernel: add('lstm/kernel', [S, 4 * H]), recurrent: add('lstm/recurrent_kernel', [H, 4 * H]), bias: add('lstm/bias', [4 * H]) };
  const base = paramLayout({ obsSize: H, actorHidden: spec.actorHidden, criticHidden: spec.criticHidden, head: spec.head, initLogStd: spec.initLogStd });
  // Shift every MLP entry behind the LSTM; NetLayouts must point at the shifted objects.
  const moved = new Map<ParamEntry, ParamEntry>(base.entries.map((e) => [e, { ...e, offset: e.offset + offset }]));
  const shift = (e: ParamEntry): ParamEntry => moved.get(e) as ParamEntry;
  const net = (n: NetLayout): NetLayout => ({ name: n.name, layers: n.layers.map((l): DenseLayer => ({ ...l, kernel: shift(l.kernel), bias: shift(l.bias) })) });
  const heads: ParamLayout = {
    spec: base.spec,
    entries: [lstm.kernel, lstm.recurrent, lstm.bias, ...base.entries.map(shift)],
    actor: net(base.actor),
    critic: net(base.critic),
    logStd: base.logStd ? shift(base.logStd) : undefined,
    size: offset + base.size,
  };
  return { spec, lstm, heads, size: heads.size };
}

/**
 * Seeded initial parameters: the MLPs as PPO's (orthogonal, CleanRL gains), the LSTM kernels
 * orthogonal with gain 1 (CleanRL's LSTM init), zero biases except the forget gate's 1
 * (Jozefowicz et al. 2015; Keras' unit_forget_bias), so memory is kept by default early on.
 */
export function initRecurrentParams(layout: RecurrentLayout, rng: Rng): Float32Array {
  const p = initParams(layout.heads, rng);
  const { kernel, recurrent, bias } = layout.lstm;
  const H = layout.spec.lstmHidden;
  p.set(orthogonal(kernel.shape[0], 4 * H, 1, rng), kernel.offset);
  p.set(orthogonal(H, 4 * H, 1, rng), recurrent.offset);
  p.fill(1, bias.offset + H, bias.offset + 2 * H);
  return p;
}
