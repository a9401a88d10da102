// The actor-critic network as data: two MLPs (tanh hidden layers, linear outputs, no shared
// trunk, as CleanRL's PPO) and, for Gaussian actions, a state-independent log std. Both engines
// and the checkpoint format address parameters through this one layout, so weights move between
// the fused and the tfjs engine unchanged.
import { ConfigError } from '../../data/errors.js';

export type ActionHead =
  | { kind: 'categorical'; n: number }
  | { kind: 'gaussian'; dim: number };

export interface ActorCriticSpec {
  obsSize: number;
  /** Widths of the policy network's tanh hidden layers. */
  actorHidden: number[];
  /** Widths of the value network's tanh hidden layers. */
  criticHidden: number[];
  head: ActionHead;
  /** Initial log std of Gaussian actions (CleanRL: 0). */
  initLogStd: number;
}

export interface ParamEntry {
  /** e.g. "actor/dense_1/kernel"; kernels are [in, out] row-major, as tfjs dense layers. */
  name: string;
  shape: number[];
  /** Offset in the flat parameter array, in floats (a multiple of 4: SIMD alignment). */
  offset: number;
  size: number;
}

export interface DenseLayer {
  kernel: ParamEntry;
  bias: ParamEntry;
  inSize: number;
  outSize: number;
  /** Orthogonal init gain (CleanRL's layer_init: sqrt(2) hidden, 0.01 policy out, 1 value out). */
  gain: number;
  /** tanh after this layer (all but the last). */
  tanh: boolean;
}

export interface NetLayout {
  name: 'actor' | 'critic';
  layers: DenseLayer[];
}

export interface ParamLayout {
  spec: ActorCriticSpec;
  entries: ParamEntry[];
  actor: NetLayout;
  critic: NetLayout;
  logStd?: ParamEntry;
  /** Length of the flat parameter array in floats (entries plus alignment gaps). */
  size: number;
}

/** Outputs of the policy network: logits (categorical) or means (Gaussian). */
export function headSize(head: ActionHead): number {
  return head.kind === 'categorical' ? head.n : head.dim;
}

function checkWidths(field: string, widths: number[]): void {
  if (widths.length === 0 || widths.some((w) => !Number.isInteger(w) || w < 1)) {
    throw new ConfigError(field, `hidden layer widths must be positive integers, got [${widths.join(', ')}]`);
  }
}

export function paramLayout(spec: ActorCriticSpec): ParamLayout {
  checkWidths('actorHidden', spec.actorHidden);
  checkWidths('criticHidden', spec.criticHidden);
  if (!Number.isInteger(spec.obsSize) || spec.obsSize < 1) throw new ConfigError('obsSize', `must be a positive integer, got ${spec.obsSize}`);
  const entries: ParamEntry[] = [];
  let offset = 0;
  const add = (name: string, shape: number[]): ParamEntry => {
    const size = shape.reduce((a, b) => a * b, 1);
    const e = { name, shape, offset, size };
    entries.push(e);
    offset += Math.ceil(size / 4) * 4;
    return e;
  };
  const net = (name: 'actor' | 'critic', hidden: number[], out: number, outGain: number): NetLayout => {
    const sizes = [spec.obsSize, ...hidden, out];
    const layers: DenseLayer[] = [];
    for (let l = 0; l + 1 < sizes.length; l++) {
      const last = l + 2 === sizes.length;
      layers.push({
        kernel: add(`${name}/dense_${l}/kernel`, [sizes[l], sizes[l + 1]]),
        bias: add(`${name}/dense_${l}/bias`, [sizes[l + 1]]),
        inSize: sizes[l],
        outSize: sizes[l + 1],
        gain: last ? outGain : Math.SQRT2,
        tanh: !last,
      });
    }
    return { name, layers };
  };
  const actor = net('actor', spec.actorHidden, headSize(spec.head), 0.01);
  const logStd = spec.head.kind === 'gaussian' ? add('actor/log_std', [spec.head.dim]) : undefined;
  const critic = net('critic', spec.criticHidden, 1, 1);
  return { spec, entries, actor, critic, logStd, size: offset };
}
