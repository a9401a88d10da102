// Classic rules as Policies. They read their indicator columns from the observation by name, so
// the env must be built with those features un-normalised (normalize: 'none'): the model form of
// sma:n is close / SMA(n) - 1 and of rsi:n is RSI / 100 - 0.5 (data/features/feature-catalog.ts).
import type { Space } from '../../envs/spaces.js';
import type { Policy, PolicyOutput } from '../policy.js';

function actionFor(space: Space, target: -1 | 0 | 1): number {
  if (space.kind !== 'discrete') return target;
  return space.n === 3 ? target + 1 : Math.max(0, target);
}

function columnIndex(names: readonly string[], name: string): number {
  const i = names.indexOf(name);
  if (i < 0) throw new Error(`the observation has no column "${name}" (columns: ${names.join(', ')})`);
  return i;
}

/**
 * Moving-average crossover: long while SMA(fast) > SMA(slow), short (or flat when long-only)
 * otherwise. With f = close / SMA - 1, SMA(fast) > SMA(slow) exactly when f_fast < f_slow.
 */
export function maCrossPolicy(space: Space, names: readonly string[], fast: number, slow: number, obsSize = names.length + 2): Policy {
  const fi = columnIndex(names, `sma${fast}`);
  const si = columnIndex(names, `sma${slow}`);
  const short = space.kind === 'discrete' && space.n === 2 ? 0 : -1;
  const out: PolicyOutput = { actions: new Float32Array(64) };
  return {
    name: `ma-cross(${fast},${slow})`,
    act(obs, batch) {
      if (out.actions.length < batch) out.actions = new Float32Array(batch);
      for (let b = 0; b < batch; b++) {
        const o = b * obsSize;
        out.actions[b] = actionFor(space, obs[o + fi] < obs[o + si] ? 1 : (short as -1 | 0));
      }
      return out;
    },
  };
}

/**
 * RSI thresholds (mean reversion): enter long when RSI falls below `lower`, leave when it rises
 * above `upper`; symmetric short entries when shorting is allowed. The position is state, kept
 * per env index of the batch.
 */
export function rsiPolicy(space: Space, names: readonly string[], period: number, lower: number, upper: number, obsSize = names.length + 2): Policy {
  const ri = columnIndex(names, `rsi${period}`);
  const canShort = !(space.kind === 'discrete' && space.n === 2) && !(space.kind === 'box' && space.low[0] >= 0);
  let held = new Int8Array(64);
  const out: PolicyOutput = { actions: new Float32Array(64) };
  return {
    name: `rsi(${period},${lower},${upper})`,
    reset(envs) {
      if (!envs) held.fill(0);
      else for (const i of envs) held[i] = 0;
    },
    act(obs, batch) {
      if (out.actions.length < batch) {
        out.actions = new Float32Array(batch);
        const h = new Int8Array(batch);
        h.set(held);
        held = h;
      }
      for (let b = 0; b < batch; b++) {
        const rsi = (obs[b * obsSize + ri] + 0.5) * 100;
        if (rsi < lower) held[b] = 1;
        else if (rsi > upper) held[b] = canShort ? -1 : 0;
        out.actions[b] = actionFor(space, held[b] as -1 | 0 | 1);
      }
      return out;
    },
  };
}
