// A two-env VecEnvLike with scripted observations and episode ends, for rollout tests: env 0 is
// truncated every 4 steps, env 1 terminated every 3.
import type { VecEnvLike } from '../../agents/common/vec-env-like.js';
import { box, type Space } from '../../envs/spaces.js';

export class ScriptedEnv implements VecEnvLike {
  readonly n = 2;
  readonly obsSize = 3;
  readonly observationSpace: Space = box([3], -Infinity, Infinity);
  readonly actionSpace: Space = { kind: 'discrete', n: 2 };
  readonly obs = new Float32Array(6);
  readonly rewards = new Float64Array(2);
  readonly terminated = new Uint8Array(2);
  readonly truncated = new Uint8Array(2);
  readonly finalObs = new Float32Array(6);
  readonly episodeReturn = new Float64Array(2);
  readonly episodeLength = new Int32Array(2);
  private t = [0, 0];
  reset(): Float32Array {
    this.t = [0, 0];
    this.write(0);
    this.write(1);
    return this.obs;
  }
  private write(i: number): void {
    for (let k = 0; k < 3; k++) this.obs[3 * i + k] = Math.sin(this.t[i] + k + 3 * i);
  }
  step(): void {
    for (let i = 0; i < 2; i++) {
      this.t[i]++;
      this.rewards[i] = 0.1 * this.t[i];
      this.write(i);
      const end = i === 0 ? this.t[i] === 4 : this.t[i] === 3;
      this.terminated[i] = end && i === 1 ? 1 : 0;
      this.truncated[i] = end && i === 0 ? 1 : 0;
      if (end) {
        this.finalObs.set(this.obs.subarray(3 * i, 3 * i + 3), 3 * i);
        this.episodeReturn[i] = 0.1 * (this.t[i] * (this.t[i] + 1)) / 2;
        this.episodeLength[i] = this.t[i];
        this.t[i] = 0;
        this.write(i);
      }
    }
  }
}
