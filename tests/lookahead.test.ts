// The lookahead check: the data cut after bar t, every feature and decision rebuilt, compared with
// the full data. The shipped configs pass through the real CLI (a trained agent too); two leaks a
// user can really write are caught: a custom feature that reads later bars (a centred moving
// average, registered at run time) and a normaliser fitted on all rows (through the library, and
// in a checkpoint trained that way). A cut at every bar agrees with the streaming FeatureStream.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataError } from '../data/errors.js';
import { registerFeature, type CustomFeature } from '../data/features/feature-catalog.js';
import { FeatureStream, fitPipeline, transform } from '../data/features/pipeline.js';
import { SAMPLES_STORE } from '../data/store/catalog.js';
import { readCandles } from '../data/store/candle-store.js';
import { candleMarket } from '../envs/candle-market.js';
import { VecEnv } from '../envs/vec-env.js';
import { trainPpo } from '../agents/ppo/index.js';
import { loadExperiment } from '../experiments/schema.js';
import { prepareExperiment } from '../experiments/prepare.js';
import { assertNoLookahead, checkLookahead, cutCandles, featureBuilderProbe, firstDifference, LookaheadError } from '../experiments/lookahead/check-lookahead.js';
import { checkExperimentLookahead } from '../experiments/lookahead/experiment-probes.js';
import { cutPoints } from '../experiments/lookahead/cut-points.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'tradegym.js');
const CONFIGS = join(ROOT, 'experiments', 'configs');
const QUICKSTART = join(CONFIGS, 'quickstart.yaml');
const FIXTURES = join(ROOT, 'tests', 'fixtures', 'lookahead');
const dir = mkdtempSync(join(tmpdir(), 'tg-lookahead-'));
// An empty store: every command reads the shipped sample, whatever ./datastore holds.
const store = join(dir, 'store');
const exec = promisify(execFile);

async function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
  try {
    const r = await exec(process.execPath, [BIN, ...args], { cwd: dir, env: { ...process.env, TRADEGYM_STORE: store, TRADEGYM_PROGRESS_EVERY: '60', ...env }, maxBuffer: 16 << 20 });
    return { code: 0, out: r.stdout, err: r.stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, out: x.stdout, err: x.stderr };
  }
}

/** The user's feature definitions (plain JavaScript, also loaded into the CLI with --import). */
async function userFeatures(): Promise<{ smac: CustomFeature; trail: CustomFeature }> {
  return (await import(pathToFileURL(join(FIXTURES, 'user-features.mjs')).href)) as { smac: CustomFeature; trail: CustomFeature };
}

const unregister: (() => void)[] = [];
beforeAll(async () => {
  const { smac, trail } = await userFeatures();
  unregister.push(registerFeature('smac', smac), registerFeature('trail', trail));
});
afterAll(() => {
  for (const u of unregister) u();
  rmSync(dir, { recursive: true, force: true });
});

const ISO = '\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ';

describe('tradegym check lookahead', () => {
  it('passes the shipped configs: every feature and baseline agrees at every cut (exit 0)', async () => {
    const quick = await cli(['check', 'lookahead', QUICKSTART]);
    expect(quick.code, quick.err).toBe(0);
    for (const spec of ['logret:8', 'rsi:14', 'macd:12:26:9', 'bb:20:2', 'atr:14', 'vol:24', 'sma:10', 'sma:50']) {
      expect(quick.out).toMatch(new RegExp(`^feature ${spec}\\s.*\\s8\\s+\\d+\\s+same$`, 'm'));
    }
    for (const policy of ['ma-cross', 'rsi', 'logistic-regression', 'random-forest']) {
      // Named with the parameters the run picks on the valid split, e.g. "ma-cross (fast 5, slow 200)".
      expect(quick.out).toMatch(new RegExp(`^policy ${policy} \\(.+\\)\\s+action\\s+8\\s+\\d+\\s+same$`, 'm'));
    }
    expect(quick.out).toMatch(/note: the agent \(ppo\) is not checked: give its checkpoint or run folder with --checkpoint/);
    expect(quick.out).toMatch(/^no lookahead found: 8 features \(19 columns\) and 4 policies/m);

    const base = await cli(['check', 'lookahead', '--config', join(CONFIGS, 'baselines.yaml'), '--cuts', '3']);
    expect(base.code, base.err).toBe(0);
    expect(base.out).toMatch(/^policy random-forest \(threshold [\d.]+, minHold \d+\)\s+action\s+3\s+\d+\s+same$/m);
    expect(base.out).toMatch(/^no lookahead found/m);
  }, 120_000);

  it('a run folder: its config, its checkpoint\'s features and its agent\'s decisions', async () => {
    const cfg = join(dir, 'tiny.yaml');
    writeFileSync(cfg, stringify({
      extends: QUICKSTART, name: 'tiny',
      agent: { algo: 'ppo', totalTimesteps: 2048, numSteps: 64 },
      training: { numEnvs: 4, evalEvery: 1024 },
      baselines: { models: ['ma-cross'], walkForwardFolds: 0 },
    }));
    const runs = join(dir, 'runs');
    const train = await cli(['train', cfg, '--runs', runs]);
    expect(train.code, train.err).toBe(0);
    const run = join(runs, readdirSync(runs).find((d) => d.startsWith('tiny-')) as string);
    const r = await cli(['check', 'lookahead', run, '--cuts', '4']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^feature agent ppo features\s+logret_lag0 \.\. sma50 \(19\)\s+4\s+\d+\s+same$/m);
    expect(r.out).toMatch(/^policy agent ppo\s+action\s+4\s+\d+\s+same$/m);
    expect(r.out).not.toMatch(/note:/);
  }, 180_000);

  it('catches a normaliser fitted on all rows in a checkpoint trained through the library (exit 3)', async () => {
    // A user building features by hand: the honest config, but the pipeline fitted on every row.
    const config = loadExperiment(QUICKSTART, [`data.store=${store}`]);
    const p = await prepareExperiment(config);
    const allRows = fitPipeline(p.candles, config.features, { from: 0, to: p.candles.ts.length });
    const market = candleMarket(p.candles, transform(allRows, p.candles));
    const { trainer } = await trainPpo(new VecEnv(4, { market, range: p.splits.train, episodeLength: 720 }, 1), { totalTimesteps: 1024, numSteps: 64, seed: 1 });
    const checkpoint = join(dir, 'all-rows');
    await trainer.save(checkpoint, { lineage: { experiment: config, pipeline: allRows } });

    const r = await cli(['check', 'lookahead', QUICKSTART, '--checkpoint', checkpoint, '--cuts', '3']);
    expect(r.code).toBe(3);
    // Every row moves when rows are removed: the first one with a value is named.
    expect(r.err).toMatch(new RegExp(`^error: feature logret_lag0 \\(agent ppo features\\) peeks: bar 2017-07-01T12:00:00Z differs when the data ends at ${ISO} \\(\\S+ with the data cut, \\S+ with all of it\\)$`, 'm'));
    expect(r.err.trim().split('\n').filter((l) => !l.startsWith('check '))).toHaveLength(1);
    expect(r.out).toMatch(/^feature agent ppo features\s.*DIFFERS at 3 of 3 cuts, first at 2017-07-01T12:00:00Z$/m);
    // The config's own features, fitted on the train split, still pass.
    expect(r.out).toMatch(/^feature logret:8\s.*\ssame$/m);
  }, 180_000);

  it('custom features registered with NODE_OPTIONS=--import: a centred moving average is caught, a trailing one passes', async () => {
    const env = { NODE_OPTIONS: `--import ${pathToFileURL(join(FIXTURES, 'register-user-features.mjs')).href}` };
    const honest = await cli(['check', 'lookahead', QUICKSTART, '--set', 'features.features=[logret:8, trail:10]', '--cuts', '3'], env);
    expect(honest.code, honest.err).toBe(0);
    expect(honest.out).toMatch(/^feature trail:10\s+trail10\s+3\s+\d+\s+same$/m);

    const leak = await cli(['check', 'lookahead', QUICKSTART, '--set', 'features.features=[logret:8, smac:5]', '--cuts', '3'], env);
    expect(leak.code).toBe(3);
    expect(leak.err).toMatch(new RegExp(`^error: feature smac5 \\(smac:5\\) peeks: bar (${ISO}) differs when the data ends at (${ISO}) \\(\\S+ with the data cut, \\S+ with all of it\\)$`, 'm'));
    const [, bar, end] = leak.err.match(new RegExp(`bar (${ISO}) differs when the data ends at (${ISO})`)) as string[];
    expect(Date.parse(end) - Date.parse(bar)).toBe(4 * 3_600_000); // row t reads bars t+1 .. t+5: rows t-4 .. t move
    expect(leak.out).toMatch(/^feature smac:5\s+smac5\s+3\s+\d+\s+DIFFERS at 3 of 3 cuts/m);
    expect(leak.out).toMatch(/^policy ma-cross\s.*\ssame$/m); // the rule reads its own columns
  }, 120_000);

  it('refuses a bad --cuts with exit 2', async () => {
    const r = await cli(['check', 'lookahead', QUICKSTART, '--cuts', '0']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^error: cuts: want a whole number of cut points >= 1, got 0$/m);
  }, 60_000);
});

describe('the library API', () => {
  it('a centred moving average registered with registerFeature peeks at every cut, from bar t - k + 1', async () => {
    const config = loadExperiment(QUICKSTART, [`data.store=${store}`, 'features.features=[logret:8, smac:5, rsi:14]']);
    const { report } = await checkExperimentLookahead(config, { cuts: 6 });
    const by = Object.fromEntries(report.results.map((r) => [r.name.replace(/ \(.*\)$/, ''), r]));
    expect(by['smac:5'].differences).toHaveLength(6);
    for (const d of by['smac:5'].differences) expect(d.bar).toBe(d.cut - 4);
    for (const ok of ['logret:8', 'rsi:14', 'ma-cross', 'rsi']) expect(by[ok].differences, ok).toEqual([]);
    expect(firstDifference(report)?.probe).toBe('smac:5');
    expect(() => assertNoLookahead(report)).toThrow(LookaheadError);
    expect(() => assertNoLookahead(report)).toThrow(DataError); // exit 3
  }, 60_000);

  it('an LSTM / GRU predictor: its P(up) column and its signal\'s decisions agree at every cut', async () => {
    const config = loadExperiment(join(CONFIGS, 'baselines.yaml'), [`data.store=${store}`, 'baselines.models=[gru]', 'baselines.predictor={ epochs: 1, units: 4, seqLen: 8 }']);
    const { report } = await checkExperimentLookahead(config, { cuts: 2 });
    const gru = report.results.filter((r) => r.name.startsWith('gru'));
    expect(gru.map((r) => r.kind)).toEqual(['feature', 'policy']);
    expect(gru[0].columns).toEqual(['p_up_gru']);
    expect(gru[1].name).toMatch(/^gru \(threshold [\d.]+, minHold \d+\)$/); // the parameters the run picks
    for (const r of gru) {
      expect(r.differences).toEqual([]);
      expect(r.cuts).toBe(2);
      expect(r.values).toBeGreaterThan(2000);
    }
  }, 120_000);

  it('a normaliser fitted on all rows is caught; fitted on the train split it passes', async () => {
    const config = loadExperiment(QUICKSTART, [`data.store=${store}`]);
    const p = await prepareExperiment(config);
    const cuts = cutPoints({ from: p.splits.valid.from, to: p.candles.ts.length }, 4);
    const onTrain = featureBuilderProbe('train split', p.candles, (c) => transform(fitPipeline(c, config.features, p.splits.train), c));
    const onAll = featureBuilderProbe('all rows', p.candles, (c) => transform(fitPipeline(c, config.features, { from: 0, to: c.ts.length }), c));
    const report = checkLookahead(p.candles, [onTrain, onAll], cuts);
    expect(report.results[0].differences).toEqual([]);
    expect(report.results[0].values).toBeGreaterThan(4 * p.splits.valid.from * 19);
    expect(report.results[1].differences).toHaveLength(4);
    expect(report.results[1].differences.every((d) => d.bar === 1 && d.column === 'logret_lag0')).toBe(true);
    expect(() => assertNoLookahead(report)).toThrow(/^feature logret_lag0 \(all rows\) peeks: bar 2017-07-01T12:00:00Z differs when the data ends at /);
  }, 60_000);

  it('a cut at every bar of a short range agrees with FeatureStream, custom features included', async () => {
    const all = await readCandles(SAMPLES_STORE, { exchange: 'coinbase', symbol: 'BTC/USD', timeframe: '1h' });
    const c = cutCandles(all, 599);
    const features = ['logret:4', 'rsi:14', 'macd:12:26:9', 'bb:20:2', 'trail:10'];
    const pipeline = fitPipeline(c, { features, normalize: 'zscore', clip: 5 }, { from: 0, to: 400 });
    const cuts = Array.from({ length: 198 }, (_, k) => 400 + k);
    const report = checkLookahead(c, [featureBuilderProbe('pipeline', c, (x) => transform(pipeline, x))], cuts);
    expect(report.results[0].differences).toEqual([]);
    // Row t of the cut data is the last row, which is what the live stream gives at bar t.
    const batch = transform(pipeline, c).values;
    const stream = new FeatureStream(pipeline);
    const F = pipeline.columns.length;
    for (let t = 0; t < c.ts.length; t++) {
      const row = stream.update({ high: c.high[t], low: c.low[t], close: c.close[t], volume: c.volume[t] });
      for (let j = 0; j < F; j++) expect(Object.is(row[j], batch[t * F + j]), `${pipeline.columns[j]} at ${t}`).toBe(true);
    }
    // The peeking feature's live form (its last 11 bars) disagrees with its batch form: the
    // batch / streaming contract catches it too.
    const peek = fitPipeline(c, { features: ['smac:5'], normalize: 'none', clip: 0 }, { from: 0, to: 400 });
    const live = new FeatureStream(peek);
    const whole = transform(peek, c).values;
    let differ = 0;
    for (let t = 0; t < c.ts.length; t++) if (live.update({ high: c.high[t], low: c.low[t], close: c.close[t], volume: c.volume[t] })[0] !== whole[t]) differ++;
    expect(differ).toBeGreaterThan(500);
  }, 60_000);

  it('cut points: spread evenly over the region, inside it, the same every time', () => {
    expect(cutPoints({ from: 100, to: 200 }, 4)).toEqual([113, 137, 162, 186]);
    expect(cutPoints({ from: 100, to: 200 }, 4)).toEqual(cutPoints({ from: 100, to: 200 }, 4));
    expect(cutPoints({ from: 10, to: 14 }, 8)).toEqual([11, 12]);
    expect(() => cutPoints({ from: 0, to: 100 }, 1.5)).toThrow(/cuts: want a whole number/);
  });
});
