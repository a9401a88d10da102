// An env checker in the spirit of Gymnasium's check_env: spaces are well formed, observations stay
// inside the observation space and finite, types are right, the same seed replays the same
// episode, and an episode ends by termination or truncation. Throws an Error listing what failed.
import { makeRng } from '../data/random.js';
import type { Env } from './env.js';
import { contains, flatSize, sample } from './spaces.js';

export interface CheckEnvOptions {
  steps?: number;
  seed?: number;
}

export function checkEnv<I>(env: Env<I>, opts: CheckEnvOptions = {}): void {
  const steps = opts.steps ?? 500;
  const seed = opts.seed ?? 123;
  const problems: string[] = [];
  const obsSize = flatSize(env.observationSpace);
  const act = new Float32Array(flatSize(env.actionSpace));

  const run = (): { obs: number[]; rewards: number[]; ends: number } => {
    const rng = makeRng(seed);
    const obs: number[] = [];
    const rewards: number[] = [];
    let ends = 0;
    let r = env.reset({ seed });
    if (!(r.obs instanceof Float32Array)) problems.push('reset() obs is not a Float32Array');
    if (r.obs.length !== obsSize) problems.push(`reset() obs has ${r.obs.length} values, the space ${obsSize}`);
    for (let k = 0; k < steps; k++) {
      if (!contains(env.observationSpace, r.obs)) problems.push(`step ${k}: observation outside the observation space or not finite`);
      for (let j = 0; j < r.obs.length; j++) if (!Number.isFinite(r.obs[j])) problems.push(`step ${k}: obs[${j}] = ${r.obs[j]}`);
      obs.push(...r.obs);
      sample(env.actionSpace, rng, act);
      const s = env.step(env.actionSpace.kind === 'discrete' ? act[0] : act);
      if (typeof s.reward !== 'number' || !Number.isFinite(s.reward)) problems.push(`step ${k}: reward ${s.reward} is not a finite number`);
      if (typeof s.terminated !== 'boolean' || typeof s.truncated !== 'boolean') problems.push(`step ${k}: terminated / truncated must be booleans`);
      rewards.push(s.reward);
      r = s;
      if (s.terminated || s.truncated) {
        ends++;
        r = env.reset();
      }
      if (problems.length > 20) break;
    }
    return { obs, rewards, ends };
  };

  const a = run();
  const b = run();
  if (a.obs.length !== b.obs.length || a.obs.some((v, i) => !Object.is(v, b.obs[i]))) problems.push('same seed, different observations (not deterministic)');
  if (a.rewards.some((v, i) => !Object.is(v, b.rewards[i]))) problems.push('same seed, different rewards (not deterministic)');
  const space = env.actionSpace;
  // NaN always; below / above the bounds where they are finite; non-integers for Discrete.
  const outside = space.kind === 'discrete'
    ? [NaN, -1, space.n, 0.5]
    : [NaN, space.low[0] - 1, space.high[0] + 1].filter((v, k) => k === 0 || Number.isFinite(v));
  for (const bad of outside) {
    try {
      env.reset({ seed });
      env.step(space.kind === 'discrete' ? bad : Float32Array.of(bad));
      problems.push(`action ${bad} outside the action space was accepted`);
    } catch (err) {
      if (!(err instanceof RangeError)) problems.push(`action ${bad}: expected a RangeError, got ${String(err)}`);
    }
  }
  if (problems.length) throw new Error(`checkEnv found ${problems.length} problem(s):\n- ${[...new Set(problems)].slice(0, 20).join('\n- ')}`);
}
