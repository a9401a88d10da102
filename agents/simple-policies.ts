// Reference policies for backtests and tests: buy-and-hold, flat, and seeded random.
import { makeRng } from '../data/random.js';
import type { Space } from '../envs/spaces.js';
import { sample } from '../envs/spaces.js';
import type { Policy, PolicyOutput } from './policy.js';

/** Always the action whose target exposure is `target` (+1 long, 0 flat) for the env's action space. */
export function constantPolicy(name: string, space: Space, target: number): Policy {
  const out: PolicyOutput = { actions: new Float32Array(64) };
  // Discrete spaces: {short, flat, long} has 3 actions, long-only {flat, long} has 2.
  const action = space.kind === 'discrete' ? (space.n === 3 ? target + 1 : target) : target;
  return {
    name,
    act(_obs, batch) {
      if (out.actions.length < batch) out.actions = new Float32Array(batch);
      out.actions.fill(action, 0, batch);
      return out;
    },
  };
}

export const buyAndHold = (space: Space) => constantPolicy('buy-and-hold', space, 1);
export const flat = (space: Space) => constantPolicy('flat', space, 0);

export function randomPolicy(space: Space, seed = 0): Policy {
  const rng = makeRng(`random-policy/${seed}`);
  const size = space.kind === 'discrete' ? 1 : space.low.length;
  const out: PolicyOutput = { actions: new Float32Array(64 * size) };
  return {
    name: 'random',
    act(_obs, batch) {
      if (out.actions.length < batch * size) out.actions = new Float32Array(batch * size);
      for (let i = 0; i < batch; i++) sample(space, rng, out.actions, i * size);
      return out;
    },
  };
}
