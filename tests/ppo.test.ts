// PPO: CartPole's dynamics on hand values, GAE on a hand example, truncation bootstrapping,
// learning (CartPole improves; on a held-out synthetic sine market PPO gets most of an oracle's
// return and beats buy-and-hold and random), exact resume from a checkpoint, flat tfjs memory,
// policies loaded from checkpoints by either engine. Deterministic seeds throughout.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../data/errors.js';
import { logReturnWindow } from '../data/features/log-return-window.js';
import { makeRng } from '../data/random.js';
import { candleMarket, type CandleMarket } from '../envs/candle-market.js';
import { CandleEnv } from '../envs/candle-env.js';
import { CARTPOLE_MAX_STEPS, CartPoleEnv, CartPoleVecEnv, cartpoleStep } from '../envs/cartpole.js';
import { checkEnv } from '../envs/check-env.js';
import { VecEnv } from '../envs/vec-env.js';
import { runBacktest } from '../agents/backtest.js';
import type { Policy } from '../agents/policy.js';
import { buyAndHold, randomPolicy } from '../agents/simple-policies.js';
import { computeGae } from '../agents/common/gae.js';
import { selectBackend } from '../agents/nn/backend.js';
import { DEFAULT_ADAM } from '../agents/nn/adam.js';
import { FusedEngine } from '../agents/ppo/fused-engine.js';
import { loadPolicy } from '../agents/ppo/load-policy.js';
import { PpoTrainer } from '../agents/ppo/trainer.js';
import { trainPpo } from '../agents/ppo/train.js';
import { TAGS, type PpoUpdateRecord } from '../agents/ppo/update-record.js';
import { sineCandles } from './helpers/sine-market.js';
import { ScriptedEnv } from './helpers/scripted-env.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tradegym-ppo-'));
  await selectBackend('wasm');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const params = (t: PpoTrainer): Float32Array => {
  const p = new Float32Array(t.layout.size);
  t.engine.readParams(p);
  return p;
};
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const returnsOf = (h: PpoUpdateRecord[]): number[] => h.flatMap((r) => (r.scalars[TAGS.episodicReturn] === undefined ? [] : [r.scalars[TAGS.episodicReturn] as number]));

describe('CartPole (Gymnasium CartPole-v1 dynamics)', () => {
  it('matches hand-computed Euler steps for both actions', () => {
    // x_acc, theta_acc from Gymnasium's equations at (0.01, -0.02, 0.03, 0.04), worked by hand:
    // push right: temp = 9.09091, theta_acc = -14.1534, x_acc = 9.73398.
    const s = Float64Array.from([0.01, -0.02, 0.03, 0.04]);
    expect(cartpoleStep(s, 0, 1)).toBe(false);
    const right = [0.009600000000000001, 0.17467919574755525, 0.030799999999999998, -0.2430687179600081];
    for (let k = 0; k < 4; k++) expect(s[k]).toBeCloseTo(right[k], 14);
    s.set([0.01, -0.02, 0.03, 0.04]);
    cartpoleStep(s, 0, 0);
    const left = [0.009600000000000001, -0.21553901710278936, 0.030799999999999998, 0.34199522377603914];
    for (let k = 0; k < 4; k++) expect(s[k]).toBeCloseTo(left[k], 14);
  });

  it('terminates past 12 degrees or 2.4 m, truncates at 500 steps, passes checkEnv', () => {
    expect(cartpoleStep(Float64Array.from([0, 0, 0.2094, 1]), 0, 1)).toBe(true); // theta -> 0.2294 > 0.2094
    expect(cartpoleStep(Float64Array.from([2.39, 1, 0, 0]), 0, 1)).toBe(true); // x -> 2.41
    const env = new CartPoleEnv(0);
    checkEnv(env, { steps: 300 });
    // A linear controller (push toward the lean, damped) balances the whole episode: cut at 500.
    let obs = env.reset({ seed: 1 }).obs;
    let steps = 0;
    let total = 0;
    for (;;) {
      const r = env.step(obs[2] + 0.5 * obs[3] + 0.01 * obs[0] + 0.1 * obs[1] > 0 ? 1 : 0);
      steps++;
      total += r.reward;
      obs = r.obs;
      if (r.terminated || r.truncated) {
        expect(r.truncated && !r.terminated).toBe(true);
        break;
      }
    }
    expect(steps).toBe(CARTPOLE_MAX_STEPS);
    expect(total).toBe(CARTPOLE_MAX_STEPS);
    expect(() => env.step(0)).toThrow(/reset/);
  });

  it('the vectorised form autoresets and reports final observations and episode returns', () => {
    const v = new CartPoleVecEnv(3, 5);
    v.reset(5);
    const single = new CartPoleEnv();
    let ended = 0;
    for (let k = 0; k < 200; k++) {
      v.step([1, 1, 1]);
      for (let i = 0; i < 3; i++) {
        if (v.terminated[i]) {
          ended++;
          expect(v.episodeReturn[i]).toBe(v.episodeLength[i]);
          expect(Math.abs(v.finalObs[4 * i + 2]) > 0.2094 || Math.abs(v.finalObs[4 * i]) > 2.4).toBe(true);
          for (let j = 0; j < 4; j++) expect(Math.abs(v.obs[4 * i + j])).toBeLessThanOrEqual(0.05);
        }
      }
    }
    expect(ended).toBeGreaterThan(10);
    expect(single.observationSpace.shape).toEqual(v.observationSpace.shape);
  });
});

describe('GAE', () => {
  it('matches a hand computation with an episode end in the middle', () => {
    // One env, 3 steps, gamma 0.5, lambda 0.5; the episode ends after step 1.
    const adv = new Float64Array(3);
    const ret = new Float64Array(3);
    computeGae({
      steps: 3, envs: 1, rewards: Float64Array.from([1, 2, 3]), values: Float64Array.from([0.5, 1, 2]),
      dones: Uint8Array.from([0, 1, 0]), lastValues: Float64Array.from([4]), gamma: 0.5, lambda: 0.5,
    }, adv, ret);
    // t=2: delta = 3 + 0.5*4 - 2 = 3;            A2 = 3
    // t=1: delta = 2 - 1 = 1 (done: no bootstrap); A1 = 1
    // t=0: delta = 1 + 0.5*1 - 0.5 = 1;           A0 = 1 + 0.25*1 = 1.25
    expect(Array.from(adv)).toEqual([1.25, 1, 3]);
    expect(Array.from(ret)).toEqual([1.75, 2, 5]);
  });
});

describe('PPO rollouts', () => {
  it('bootstraps truncated episodes with gamma V(final obs) and never terminated ones', async () => {
    const env = new ScriptedEnv();
    const t = await PpoTrainer.create(env, { numSteps: 8, numMinibatches: 2, totalTimesteps: 16, gamma: 0.9 });
    const before = new FusedEngine(t.layout, params(t), DEFAULT_ADAM);
    const rec = t.runUpdate();
    const b = t.buffer;
    const v = new Float32Array(1);
    const fin = new Float32Array(3);
    for (let step = 0; step < 8; step++) {
      // env 0: t = step % 4 + 1, truncated when 4; env 1: t = step % 3 + 1, terminated when 3.
      const t0 = (step % 4) + 1;
      const t1 = (step % 3) + 1;
      expect(b.dones[step * 2]).toBe(t0 === 4 ? 1 : 0);
      expect(b.dones[step * 2 + 1]).toBe(t1 === 3 ? 1 : 0);
      expect(b.rewards[step * 2 + 1]).toBeCloseTo(0.1 * t1, 12);
      if (t0 === 4) {
        for (let k = 0; k < 3; k++) fin[k] = Math.fround(Math.sin(4 + k));
        before.critic(fin, 1, v);
        expect(b.rewards[step * 2]).toBeCloseTo(0.4 + 0.9 * v[0], 6);
      } else {
        expect(b.rewards[step * 2]).toBeCloseTo(0.1 * t0, 12);
      }
    }
    expect(rec.episodes).toBe(2 + 2);
    expect(rec.scalars[TAGS.episodicReturn]).toBeCloseTo((1 + 1 + 0.6 + 0.6) / 4, 12);
    for (const tag of Object.values(TAGS)) expect(rec.scalars[tag], tag).toBeTypeOf('number');
  });

  it('anneals the learning rate linearly to 0 and stops the epochs once the KL passes the target', async () => {
    const cfg = { totalTimesteps: 4 * 2 * 32, numSteps: 32, numMinibatches: 2, updateEpochs: 4, learningRate: 1e-3 };
    const h = await (await PpoTrainer.create(new CartPoleVecEnv(2), { ...cfg, targetKl: 1e-9 })).learn();
    [1e-3, 0.75e-3, 0.5e-3, 0.25e-3].forEach((lr, i) => expect(h[i].scalars[TAGS.learningRate]).toBeCloseTo(lr, 15));
    expect(h.map((r) => r.epochs)).toEqual([1, 1, 1, 1]);
    const full = await (await PpoTrainer.create(new CartPoleVecEnv(2), { ...cfg, annealLr: false })).learn();
    expect(full.map((r) => r.epochs)).toEqual([4, 4, 4, 4]);
    expect(full.map((r) => r.scalars[TAGS.learningRate])).toEqual([1e-3, 1e-3, 1e-3, 1e-3]);
  });

  it('rejects bad configs naming the field', async () => {
    const env = new CartPoleVecEnv(3);
    await expect(PpoTrainer.create(env, { numSteps: 10, numMinibatches: 4 })).rejects.toThrow(/numMinibatches/);
    await expect(PpoTrainer.create(env, { learningRate: -1 })).rejects.toThrow(ConfigError);
    await expect(PpoTrainer.create(env, { lerningRate: 1 } as never)).rejects.toThrow(/lerningRate/);
  });
});

describe('PPO learns', () => {
  it('CartPole: the mean episodic return rises several-fold within 60k steps', async () => {
    const env = new CartPoleVecEnv(4, 1);
    const t = await PpoTrainer.create(env, { totalTimesteps: 60_000, seed: 1 });
    const h = await t.learn();
    const r = returnsOf(h);
    const first = mean(r.slice(0, 5));
    const last = mean(r.slice(-10));
    // Measured over seeds 1-5: first ~24, last 167-242.
    expect(first).toBeLessThan(40);
    expect(last).toBeGreaterThan(4 * first);
    expect(last).toBeGreaterThan(120);
  });

  for (const actions of ['discrete', 'continuous'] as const) {
    it(`a held-out noisy sine market, ${actions} actions: most of the oracle return, more than buy-and-hold and random`, async () => {
      const N = 5000;
      const SPLIT = 4000;
      const c = sineCandles(N, 30, 0.05, 0.003, 7);
      const market = candleMarket(c, logReturnWindow(c, 16));
      const execution = { takerFee: 0, halfSpread: 0, impactCoef: 0 };
      const env = new VecEnv(8, { market, range: { from: 0, to: SPLIT }, episodeLength: 256, execution, actions }, 3);
      const t = await PpoTrainer.create(env, {
        seed: 3, gamma: 0.9, normalizeObservation: true, normalizeReward: true,
        // The Gaussian head needs more steps and no entropy bonus to narrow its std.
        ...(actions === 'discrete' ? { totalTimesteps: 100_000 } : { totalTimesteps: 200_000, entCoef: 0, learningRate: 3e-4 }),
      });
      await t.learn();
      const heldOut = () => new CandleEnv({ market, range: { from: SPLIT, to: N }, execution, actions });
      const logGrowth = (p: Policy, e = heldOut()) => Math.log1p(runBacktest(e, p).metrics.totalReturn);
      const ppo = logGrowth(t.policy());
      const oracleEnv = heldOut();
      const oracle = logGrowth(nextBarOracle(oracleEnv, market, actions), oracleEnv);
      const hold = logGrowth(buyAndHold(env.actionSpace));
      const random = logGrowth(randomPolicy(env.actionSpace, 1));
      // Measured over several seeds: PPO gets ~92% of the oracle's log growth with either head.
      expect(oracle).toBeGreaterThan(5);
      expect(ppo).toBeGreaterThan(0.75 * oracle);
      expect(ppo).toBeGreaterThan(hold + 1);
      expect(ppo).toBeGreaterThan(random + 1);
    });
  }
});

/** Knows the next bar: long before a rise, short before a fall (Discrete {short, flat, long} or a target in [-1, 1]). */
function nextBarOracle(env: CandleEnv, m: CandleMarket, actions: 'discrete' | 'continuous'): Policy {
  const out = { actions: new Float32Array(1) };
  const [short, long] = actions === 'discrete' ? [0, 2] : [-1, 1];
  return {
    name: 'oracle',
    act() {
      const t = env.core.t[0];
      out.actions[0] = m.candles.close[t + 1] > m.candles.close[t] ? long : short;
      return out;
    },
  };
}

describe('checkpoints', () => {
  it('exact resume: save mid-training, load in a new trainer and env, continue = the uninterrupted run', async () => {
    const cfg = { totalTimesteps: 6 * 4 * 64, numSteps: 64, seed: 11, normalizeObservation: true, normalizeReward: true, targetKl: 0.5 };
    const straight = await PpoTrainer.create(new CartPoleVecEnv(4, 2), cfg);
    const hs = await straight.learn();

    const first = await PpoTrainer.create(new CartPoleVecEnv(4, 2), cfg);
    await first.learn({ updates: 3 });
    const ck = join(dir, 'cartpole');
    await first.save(ck);
    first.dispose();
    const resumed = await PpoTrainer.load(ck, new CartPoleVecEnv(4, 99));
    expect(resumed.update).toBe(3);
    const hr = await resumed.learn();
    expect(hr.map((r) => r.update)).toEqual([4, 5, 6]);
    expect(params(resumed)).toEqual(params(straight));
    const strip = (r: PpoUpdateRecord) => ({ ...r.scalars, [TAGS.sps]: 0, step: r.globalStep });
    expect(hr.map(strip)).toEqual(hs.slice(3).map(strip));
    const json = JSON.parse(await readFile(join(ck, 'policy.json'), 'utf8'));
    expect(json).toMatchObject({ algo: 'ppo', actionSpace: { kind: 'discrete', n: 2 }, counters: { update: 3, globalStep: 768 }, optimizer: { kind: 'adam', step: 48 } });
    expect(json.normalizer.observation.mean).toHaveLength(4);
  });

  it('exact resume on a candle VecEnv that keeps running, for both engines', async () => {
    const c = sineCandles(1500, 25, 0.03, 0.004, 1);
    const market = candleMarket(c, logReturnWindow(c, 8));
    const mk = () => new VecEnv(3, { market, episodeLength: 100, actions: 'continuous' }, 4);
    for (const engine of ['fused', 'tfjs'] as const) {
      const cfg = { totalTimesteps: 4 * 3 * 32, numSteps: 32, numMinibatches: 2, updateEpochs: 2, seed: 5, engine, normalizeObservation: true };
      const straight = await PpoTrainer.create(mk(), cfg);
      await straight.learn();
      const env = mk();
      const first = await PpoTrainer.create(env, cfg);
      await first.learn({ updates: 2 });
      await first.save(join(dir, engine));
      first.dispose();
      const resumed = await PpoTrainer.load(join(dir, engine), env, { continueEnv: true });
      await resumed.learn();
      expect(params(resumed), engine).toEqual(params(straight));
      straight.dispose();
      resumed.dispose();
    }
  });

  it('a loaded policy acts as the trained one, on either engine', async () => {
    const c = sineCandles(800, 20, 0.03, 0.002, 2);
    const market = candleMarket(c, logReturnWindow(c, 8));
    const env = new VecEnv(2, { market, episodeLength: 100 }, 1);
    const t = await PpoTrainer.create(env, { totalTimesteps: 2 * 2 * 64, numSteps: 64, normalizeObservation: true }, { observationNames: [...market.features.names, 'exposure', 'upnl'] });
    await t.learn();
    await t.save(join(dir, 'policy'), { lineage: { data: 'sine(800, 20)' } });
    const obs = new Float32Array(50 * env.obsSize);
    const rng = makeRng('obs');
    for (let i = 0; i < obs.length; i++) obs[i] = 0.01 * rng.normal();
    const want = Array.from(t.policy().act(obs, 50).actions.subarray(0, 50));
    expect(new Set(want).size).toBeGreaterThan(1);
    for (const engine of ['fused', 'tfjs'] as const) {
      const p = await loadPolicy(join(dir, 'policy'), { engine });
      expect(Array.from(p.act(obs, 50).actions.subarray(0, 50)), engine).toEqual(want);
      p.dispose();
    }
    const json = JSON.parse(await readFile(join(dir, 'policy', 'policy.json'), 'utf8'));
    expect(json.observation.names).toHaveLength(10);
    expect(json.lineage).toEqual({ data: 'sine(800, 20)' });
  });
});

describe('trainPpo', () => {
  it('checkpoints to <dir>/last and resumes from it to the end of the run', async () => {
    const cfg = { totalTimesteps: 4 * 2 * 32, numSteps: 32, numMinibatches: 2 };
    const seen: number[] = [];
    const a = await trainPpo(new CartPoleVecEnv(2), cfg, { checkpointDir: join(dir, 'run'), checkpointEvery: 1, onUpdate: (r) => { seen.push(r.update); return r.update < 2; } });
    expect(seen).toEqual([1, 2]);
    expect(a.trainer.update).toBe(2);
    const b = await trainPpo(new CartPoleVecEnv(2), {}, { resumeFrom: join(dir, 'run', 'last') });
    expect(b.history.map((r) => r.update)).toEqual([3, 4]);
    expect(b.trainer.done).toBe(true);
  });
});

describe('tfjs engine memory', () => {
  it('tf.memory().numTensors stays flat over many updates and policy calls', async () => {
    const env = new CartPoleVecEnv(2, 3);
    const t = await PpoTrainer.create(env, { engine: 'tfjs', totalTimesteps: 12 * 2 * 32, numSteps: 32, numMinibatches: 2, updateEpochs: 2 });
    const policy = t.policy({ deterministic: false });
    const obs = new Float32Array(8);
    t.runUpdate();
    policy.act(obs, 2);
    const base = tf.memory().numTensors;
    for (let k = 0; k < 10; k++) {
      t.runUpdate();
      policy.act(obs, 2);
    }
    expect(tf.memory().numTensors).toBe(base);
    t.dispose();
    expect(tf.memory().numTensors).toBeLessThan(base);
  });
});
