// Run reports and `tradegym compare`: two synthetic run folders, report.html and compare.html opened
// in headless Chromium (tests/helpers/browser.ts, via playwright-core), charts checked by their
// pixels, tables by their rows, names checked to be escaped, and the page loading nothing from
// the network. The page tests skip where no browser is found; CI has one and allows no skip.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createRunDir, parseLog, readRun, runDirName, writeRunFiles, type LogRecord, type PolicyMetrics, type RunCurvesInput, type RunMetrics } from '../experiments/run-dir.js';
import { TRADING_COLUMNS, resolveMetric } from '../experiments/report/columns.js';
import { escapeHtml, jsonForScript } from '../experiments/report/html.js';
import { alignSeries, drawdown, keepIndices, tradeBars } from '../experiments/report/series.js';
import { metricCells, renderReport, writeReport } from '../experiments/report/render-report.js';
import { compareRuns } from '../scripts/commands/compare.js';
import { reportCommand } from '../scripts/commands/report.js';
import { launchBrowser } from './helpers/browser.js';
import { BROWSER, describeIf } from './helpers/requirements.js';
import { METRICS_HEADER, metricsRow } from '../scripts/commands/metrics-table.js';

const EVIL = '<script>alert(1)</script>';
const dir = mkdtempSync(join(tmpdir(), 'tg-report-'));
const runA = join(dir, 'runs', 'ppo-20240301T000000Z');
const runB = join(dir, 'runs', 'ddpg-20240302T000000Z');
const bare = join(dir, 'runs', 'bare-20240303T000000Z');

// mulberry32: a seeded uniform stream for the synthetic market.
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const metrics = (sharpe: number, totalReturn: number, maxDrawdown: number, extra: Partial<PolicyMetrics> = {}): PolicyMetrics => ({
  totalReturn, cagr: totalReturn * 4, sharpe, sortino: sharpe * 1.3, calmar: sharpe / 2, maxDrawdown, winRate: 0.5, turnover: 12, exposure: 0.6, fees: 3.5, trades: 40, steps: 499, ...extra,
});

/** A random-walk market and policies that follow simple rules on it. */
function curves(seed: number, names: string[], n = 500): RunCurvesInput {
  const r = rng(seed);
  const ts = new Float64Array(n);
  const close = new Float64Array(n);
  let p = 100;
  for (let i = 0; i < n; i++) {
    ts[i] = Date.UTC(2024, 0, 1) + i * 3_600_000;
    p *= 1 + (r() - 0.48) * 0.02;
    close[i] = p;
  }
  const policies: RunCurvesInput['policies'] = {};
  names.forEach((name, k) => {
    const equity = new Float64Array(n);
    const position = new Float64Array(n);
    let e = 10_000;
    for (let i = 0; i < n; i++) {
      position[i] = Math.floor(i / (20 + 7 * k)) % 3 === 0 ? 0 : Math.floor(i / (20 + 7 * k)) % 3 === 1 ? 1 : -1;
      if (i > 0) e *= 1 + position[i - 1] * (close[i] / close[i - 1] - 1);
      equity[i] = e;
    }
    policies[name] = { equity, position };
  });
  return { ts, close, policies };
}

const trainingLog = (): LogRecord[] => {
  const out: LogRecord[] = [{ event: 'start', time: 0 }];
  for (let s = 1; s <= 60; s++) {
    out.push({ step: s * 2048, 'charts/episodic_return': Math.log(s) / 10 + Math.sin(s) * 0.02, 'charts/SPS': 3000 + s, 'losses/value_loss': 1 / s, 'losses/policy_loss': -0.01 * Math.cos(s) });
  }
  return out;
};

const runMetrics = (name: string, policies: Record<string, PolicyMetrics>, extra: Partial<RunMetrics> = {}): RunMetrics => ({
  name, createdAt: '2024-03-01T00:00:00.000Z', seed: 7, data: { exchange: 'coinbase', symbol: 'BTC/USD', timeframe: '1h' },
  split: { from: '2024-01-01T00:00:00.000Z', to: '2024-01-21T19:00:00.000Z' }, policies, ...extra,
});

const policiesA = {
  ppo: metrics(1.8, 0.12, 0.08),
  'ma-cross': metrics(0.4, 0.03, 0.15, { winRate: NaN }),
  [EVIL]: metrics(-0.5, -0.04, 0.2),
  'logistic-regression': metrics(1.1, 0.06, 0.1, { ml: { accuracy: 0.53, precision: 0.55, recall: 0.6, f1: 0.57, auc: 0.54 } }),
};
const policiesB = { ppo: metrics(2.5, 0.2, 0.05), ddpg: metrics(0.9, 0.07, 0.25) };

let browser: Browser | undefined;

/** Chromium, started once, by the first page test. */
async function getBrowser(): Promise<Browser> {
  browser ??= await launchBrowser();
  return browser;
}

beforeAll(async () => {
  await writeRunFiles(runA, {
    metrics: runMetrics('ppo btc 1h', policiesA, {
      best: 'ppo',
      walkForward: [1, 2, 3].map((fold) => ({ fold, from: `2023-0${fold}-01T00:00:00.000Z`, to: `2023-0${fold + 1}-01T00:00:00.000Z`, policies: { ppo: metrics(fold - 1, 0.01 * fold, 0.05), 'ma-cross': metrics(0.3, -0.01, 0.1) } })),
    }),
    curves: curves(1, Object.keys(policiesA)),
    config: `# resolved\ndata:\n  exchange: coinbase\n  symbol: BTC/USD\nnote: "${EVIL} & <b>bold</b>"\n`,
    log: trainingLog(),
  });
  await writeRunFiles(runB, { metrics: runMetrics('ddpg btc 1h', policiesB), curves: curves(2, Object.keys(policiesB)), config: 'seed: 7\n' });
  await writeRunFiles(bare, { metrics: runMetrics('bare', { flat: metrics(0, 0, 0) }) });
});

afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Opened {
  page: Page;
  requests: string[];
  dialogs: string[];
  errors: string[];
}

async function open(path: string): Promise<Opened> {
  const page = await (await getBrowser()).newPage({ viewport: { width: 1280, height: 900 } });
  const o: Opened = { page, requests: [], dialogs: [], errors: [] };
  page.on('request', (r) => o.requests.push(r.url()));
  page.on('dialog', (d) => {
    o.dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('pageerror', (e) => o.errors.push(e.message));
  await page.goto(pathToFileURL(path).href);
  await page.waitForFunction('window.__reportReady === true', undefined, { timeout: 20_000 });
  const error = await page.evaluate('document.body.dataset.error || null');
  expect(error, 'the page script failed').toBeNull();
  expect(o.errors).toEqual([]);
  return o;
}

/** Per chart slot: canvas size and how many pixels are close to a colour (the first line colour by default). */
const CANVAS_STATS = `(() => {
  const near = (d, i, c) => Math.abs(d[i] - c[0]) < 40 && Math.abs(d[i + 1] - c[1]) < 40 && Math.abs(d[i + 2] - c[2]) < 40 && d[i + 3] > 200;
  return [...document.querySelectorAll('[data-chart]')].map((slot) => {
    const cv = slot.querySelector('canvas');
    if (!cv) return { id: slot.dataset.chart, canvas: false };
    const d = cv.getContext('2d').getImageData(0, 0, cv.width, cv.height).data;
    let painted = 0, blue = 0, amber = 0, green = 0;
    const colours = new Set();
    for (let i = 0; i < d.length; i += 4) {
      if (d[i + 3] > 0) painted++;
      if (near(d, i, [37, 99, 235])) blue++;
      if (near(d, i, [245, 158, 11])) amber++;
      if (near(d, i, [22, 163, 74])) green++;
      if (i % 64 === 0) colours.add(d[i] + ',' + d[i + 1] + ',' + d[i + 2] + ',' + d[i + 3]);
    }
    return { id: slot.dataset.chart, canvas: true, w: cv.width, h: cv.height, painted, blue, amber, green, colours: colours.size };
  });
})()`;

interface CanvasStat {
  id: string;
  canvas: boolean;
  w: number;
  h: number;
  painted: number;
  blue: number;
  amber: number;
  green: number;
  colours: number;
}

const tableColumn = (page: Page, table: string, col: number): Promise<string[]> =>
  page.evaluate(`[...document.querySelectorAll('#${table} tbody tr')].map((r) => r.cells[${col}].textContent)`) as Promise<string[]>;

describe('run folder files', () => {
  it('round-trips metrics (NaN as null), typed-array curves, config and log', async () => {
    const run = await readRun(runA);
    expect(run.metrics.best).toBe('ppo');
    expect(Object.keys(run.metrics.policies)).toEqual(Object.keys(policiesA));
    expect(run.metrics.policies['ma-cross'].winRate).toBeNaN();
    expect(JSON.parse(readFileSync(join(runA, 'metrics.json'), 'utf8')).policies['ma-cross'].winRate).toBeNull();
    expect(run.curves?.ts).toHaveLength(500);
    expect(Array.isArray(run.curves?.policies.ppo.equity)).toBe(true);
    expect(run.config).toContain('exchange: coinbase');
    expect(run.log).toHaveLength(61);
    const bareRun = await readRun(bare);
    expect(bareRun.curves).toBeUndefined();
    expect(bareRun.log).toBeUndefined();
  });

  it('names the path when a folder or file is missing or wrong', async () => {
    await expect(readRun(join(dir, 'runs', 'nope'))).rejects.toThrow(/runs\/nope: no such run folder/);
    const empty = join(dir, 'empty-run');
    await writeRunFiles(empty, { config: 'x: 1' });
    await expect(readRun(empty)).rejects.toThrow(new RegExp(`${join(empty, 'metrics.json')}.*missing metrics.json`));
    const bad = join(dir, 'bad-run');
    await writeRunFiles(bad, { metrics: { ...runMetrics('bad', { a: metrics(1, 0, 0) }), best: 'zzz' } });
    await expect(readRun(bad)).rejects.toThrow(/metrics\.json, best: best is "zzz"/);
    await expect(writeRunFiles(bad, { curves: { ts: [1, 2], close: [1], policies: {} } })).rejects.toThrow(/curves\.json, close: close has 1 values, ts has 2/);
    const badCurves = join(dir, 'bad-curves');
    await writeRunFiles(badCurves, { metrics: runMetrics('bad', { a: metrics(1, 0, 0) }) });
    writeFileSync(join(badCurves, 'curves.json'), '{"ts":[1,2],"close":[1,2],"policies":{"a":{"equity":[1,"x"],"position":[0,0]}}}');
    await expect(readRun(badCurves)).rejects.toThrow(/curves\.json, policies\.a\.equity: item 1 is "x", not a number/);
  });

  it('parses log.jsonl, dropping only a torn last line', () => {
    expect(parseLog('{"step":1}\n{"step":2}\n{"st', 'log.jsonl')).toEqual([{ step: 1 }, { step: 2 }]);
    expect(() => parseLog('{"step":1}\n{bad\n{"step":3}\n', 'log.jsonl')).toThrow(/log\.jsonl, row 2/);
  });

  it('creates run folders named <name>-<utc stamp>', async () => {
    const when = new Date(Date.UTC(2024, 4, 6, 7, 8, 9));
    expect(runDirName('ppo', when)).toBe('ppo-20240506T070809Z');
    const a = await createRunDir(join(dir, 'made'), 'ppo', when);
    const b = await createRunDir(join(dir, 'made'), 'ppo', when);
    expect(a.endsWith('ppo-20240506T070809Z')).toBe(true);
    expect(b.endsWith('ppo-20240506T070809Z-2')).toBe(true);
  });
});

describe('chart data', () => {
  it('downsamples to the first point and bucket ends', () => {
    expect(keepIndices(5, 10)).toEqual([0, 1, 2, 3, 4]);
    const k = keepIndices(1000, 100);
    expect(k[0]).toBe(0);
    expect(k[k.length - 1]).toBe(999);
    expect(k.length).toBeLessThanOrEqual(100);
  });

  it('computes drawdown, trade bars and aligned series', () => {
    expect(drawdown([1, 2, 1, 3])).toEqual([0, 0, -0.5, 0]);
    expect(tradeBars([0, 1, 1, -1, 0])).toEqual({ up: [1, 4], down: [3] });
    expect(alignSeries([{ x: [1, 3], y: [10, 30] }, { x: [2, 3], y: [20, 31] }])).toEqual({ x: [1, 2, 3], ys: [[10, null, 30], [null, 20, 31]] });
  });

  it('formats metric cells exactly as the backtest table does', () => {
    expect(TRADING_COLUMNS.map((c) => c.label)).toEqual(METRICS_HEADER.slice(1));
    const m = policiesA['ma-cross'];
    expect(metricCells(m, TRADING_COLUMNS).map((c) => c.text)).toEqual(metricsRow('x', m).slice(1));
  });

  it('escapes text for HTML and for JSON in a script element', () => {
    expect(escapeHtml(`${EVIL}&"'`)).toBe('&lt;script&gt;alert(1)&lt;/script&gt;&amp;&quot;&#39;');
    const json = jsonForScript({ name: EVIL });
    expect(json).not.toContain('<');
    expect(JSON.parse(json)).toEqual({ name: EVIL });
  });
});

describe('report.html', () => {
  let reportPath: string;
  beforeAll(async () => {
    reportPath = await writeReport(runA);
  });

  it('is one self-contained file with names escaped', () => {
    const html = readFileSync(reportPath, 'utf8');
    expect(html).not.toContain(EVIL);
    expect(html).toContain(escapeHtml(EVIL));
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|https?:\/\/(?!github\.com)/);
  });

  describeIf([BROWSER], 'in Chromium', () => {
    it('draws every chart, loads nothing from the network, and shows the tables', async () => {
      const { page, requests, dialogs } = await open(reportPath);
      expect(dialogs).toEqual([]);
      expect(requests.every((u) => u.startsWith('file:') || u.startsWith('data:'))).toBe(true);

      // equity, drawdown, position and 4 training tags (charts/episodic_return, charts/SPS, losses/*)
      expect(await page.evaluate('document.body.dataset.charts')).toBe('7');
      expect(await page.evaluate('document.querySelectorAll("canvas").length')).toBe(7);
      const stats = (await page.evaluate(CANVAS_STATS)) as CanvasStat[];
      expect(stats.map((s) => s.id)).toEqual(['equity', 'drawdown', 'position', 'train-0', 'train-1', 'train-2', 'train-3']);
      for (const s of stats) {
        expect(s.canvas, s.id).toBe(true);
        expect(s.w, s.id).toBeGreaterThan(300);
        expect(s.colours, `${s.id} is a single colour`).toBeGreaterThan(2);
        expect(s.painted, s.id).toBeGreaterThan(1000);
      }
      // line colours: the first policy (blue) on equity and drawdown, the position (amber) and buy markers (green)
      const byId = Object.fromEntries(stats.map((s) => [s.id, s]));
      expect(byId.equity.blue).toBeGreaterThan(200);
      expect(byId.drawdown.blue).toBeGreaterThan(200);
      expect(byId.position.amber).toBeGreaterThan(200);
      expect(byId.position.green).toBeGreaterThan(20);

      // metrics table: every policy once, in file order, the hostile name as plain text
      expect(await tableColumn(page, 'metrics-table', 0)).toEqual(Object.keys(policiesA));
      expect(await page.evaluate('document.querySelectorAll("script").length')).toBe(3);
      expect(await page.evaluate('document.querySelector("#metrics-table tr.best td").textContent')).toBe('ppo');
      const header = (await page.evaluate('[...document.querySelectorAll("#metrics-table thead th")].map((th) => th.textContent)')) as string[];
      expect(header).toEqual([...METRICS_HEADER, 'accuracy', 'precision', 'recall', 'F1', 'AUC']);
      expect(await page.evaluate(`document.querySelector('select[data-switch="position"]').options[2].textContent`)).toBe(EVIL);

      // click to sort by Sharpe: highest first, then lowest first
      await page.click('#metrics-table thead th:nth-child(4) button');
      expect(await tableColumn(page, 'metrics-table', 0)).toEqual(['ppo', 'logistic-regression', 'ma-cross', EVIL]);
      await page.click('#metrics-table thead th:nth-child(4) button');
      expect(await tableColumn(page, 'metrics-table', 0)).toEqual([EVIL, 'ma-cross', 'logistic-regression', 'ppo']);

      // walk-forward: 3 folds x 2 policies, and the across-folds summary
      // (each fold's policies by the run's metric, Sharpe: fold 1 has ma-cross 0.3 above ppo 0)
      expect(await tableColumn(page, 'walk-forward-table', 3)).toEqual(['ma-cross', 'ppo', 'ppo', 'ma-cross', 'ppo', 'ma-cross']);
      expect(await tableColumn(page, 'walk-forward-summary', 0)).toEqual(['ppo', 'ma-cross']);

      // config shown as text
      expect(await page.evaluate('document.querySelector("pre.config").textContent')).toContain(`note: "${EVIL} & <b>bold</b>"`);

      // switching the position chart to another policy redraws it
      await page.selectOption('select[data-switch="position"]', '1');
      expect(await page.evaluate('document.querySelectorAll("[data-chart=position] canvas").length')).toBe(1);
      const legend = (await page.evaluate('document.querySelector("[data-chart=position] .u-legend").textContent')) as string;
      expect(legend).toMatch(/buy \(\d+\)/);
      expect(legend).toMatch(/sell \(\d+\)/);
      expect(dialogs).toEqual([]);
      await page.close();
    });

    it('renders a run without curves or log: tables only, ready with 0 charts', async () => {
      await writeReport(bare);
      const { page } = await open(join(bare, 'report.html'));
      expect(await page.evaluate('document.body.dataset.charts')).toBe('0');
      expect(await tableColumn(page, 'metrics-table', 0)).toEqual(['flat']);
      await page.close();
    });
  });

  it('`tradegym report <runDir>` rewrites report.html', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const out = join(dir, 'other-report.html');
    await (reportCommand.handler as (a: object) => Promise<void>)({ runDir: runB, out, 'max-points': 5000 });
    log.mockRestore();
    expect(readFileSync(out, 'utf8')).toContain('<title>ddpg btc 1h</title>');
    expect(renderReport(await readRun(runB), { generatedAt: new Date(0) })).toContain('1970-01-01T00:00:00.000Z');
  });
});

describe('compare', () => {
  it('sorts rows by a metric, best first by default', async () => {
    const bySharpe = await compareRuns([runA, runB], { sort: 'sharpe' });
    const ids = (r: typeof bySharpe) => r.entries.map((e) => `${e.run}:${e.policy}`);
    expect(ids(bySharpe)).toEqual([
      'ddpg-20240302T000000Z:ppo', 'ppo-20240301T000000Z:ppo', 'ppo-20240301T000000Z:logistic-regression',
      'ddpg-20240302T000000Z:ddpg', 'ppo-20240301T000000Z:ma-cross', `ppo-20240301T000000Z:${EVIL}`,
    ]);
    expect(bySharpe.header.slice(0, 3)).toEqual(['run', 'policy', 'return']);
    expect(bySharpe.rows[0].slice(0, 2)).toEqual(['ddpg-20240302T000000Z', 'ppo']);
    const lines = bySharpe.text.split('\n');
    expect(lines).toHaveLength(8);
    expect(lines[2]).toMatch(/^ddpg-20240302T000000Z\s+ppo\s+20\.00%/);

    // drawdown: lowest first; --order flips it; label and kebab forms name the same metric
    const byDd = await compareRuns([runA, runB], { sort: 'max-drawdown' });
    expect(byDd.entries.map((e) => e.metrics.maxDrawdown)).toEqual([0.05, 0.08, 0.1, 0.15, 0.2, 0.25]);
    const byDdDesc = await compareRuns([runA, runB], { sort: 'max DD', order: 'desc' });
    expect(byDdDesc.entries.map((e) => e.metrics.maxDrawdown)).toEqual([0.25, 0.2, 0.15, 0.1, 0.08, 0.05]);
    // NaN last whatever the order
    const byWin = await compareRuns([runA, runB], { sort: 'winRate', order: 'asc' });
    expect(byWin.entries[byWin.entries.length - 1].policy).toBe('ma-cross');

    const onlyPpo = await compareRuns([runA, runB], { sort: 'totalReturn', policy: 'ppo' });
    expect(ids(onlyPpo)).toEqual(['ddpg-20240302T000000Z:ppo', 'ppo-20240301T000000Z:ppo']);
  });

  it('gives clear errors', async () => {
    await expect(compareRuns([runA, join(dir, 'runs', 'gone')])).rejects.toThrow(/runs\/gone: no such run folder/);
    await expect(compareRuns([runA], { sort: 'happiness' })).rejects.toThrow(/sort: unknown metric "happiness"; one of: totalReturn, cagr, sharpe/);
    await expect(compareRuns([runA, runB], { policy: 'ma-cross' })).rejects.toThrow(new RegExp(`policy: ${join(runB, 'metrics.json')} has no policy "ma-cross"; it has: ppo, ddpg`));
    expect(resolveMetric('AUC').key).toBe('auc');
  });

  describeIf([BROWSER], 'in Chromium', () => {
    it('writes compare.html with both runs charted and a sortable table', async () => {
      await writeReport(runB);
      const out = join(dir, 'compare.html');
      const r = await compareRuns([runA, runB], { sort: 'sharpe', out });
      expect(r.out).toBe(out);
      const { page, requests, dialogs } = await open(out);
      expect(requests.every((u) => u.startsWith('file:'))).toBe(true);
      expect(await page.evaluate('document.body.dataset.charts')).toBe('2');
      const stats = (await page.evaluate(CANVAS_STATS)) as CanvasStat[];
      expect(stats.map((s) => s.id)).toEqual(['equity', 'drawdown']);
      for (const s of stats) expect(s.colours, s.id).toBeGreaterThan(2);
      expect(stats[0].blue).toBeGreaterThan(200);
      const legend = (await page.evaluate('document.querySelector("[data-chart=equity] .u-legend").textContent')) as string;
      expect(legend).toContain('ppo-20240301T000000Z · ppo');
      expect(legend).toContain('ddpg-20240302T000000Z · ppo');
      expect(await tableColumn(page, 'compare-table', 1)).toEqual(r.entries.map((e) => e.policy));
      expect(await page.evaluate('document.querySelector("#compare-table th[aria-sort]").textContent')).toBe('Sharpe');
      // sort by max DD in the page: numeric columns sort highest first on the first click
      await page.click('#compare-table thead th:nth-child(8) button');
      expect(await tableColumn(page, 'compare-table', 1)).toEqual(['ddpg', EVIL, 'ma-cross', 'logistic-regression', 'ppo', 'ppo']);
      expect(await page.evaluate('document.querySelector("#runs-table a").getAttribute("href")')).toBe('runs/ppo-20240301T000000Z/report.html');
      expect(dialogs).toEqual([]);
      await page.close();
    });
  });
});

describe('report and comparison pages: scrolling, colours, sorting', () => {
  /** Pixels near an rgb colour on each chart's canvas. */
  const colourPixels = (rgb: [number, number, number]) => `(() => Object.fromEntries([...document.querySelectorAll('[data-chart]')].map((slot) => {
    const cv = slot.querySelector('canvas');
    if (!cv) return [slot.dataset.chart, 0];
    const d = cv.getContext('2d').getImageData(0, 0, cv.width, cv.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (Math.abs(d[i] - ${rgb[0]}) < 30 && Math.abs(d[i + 1] - ${rgb[1]}) < 30 && Math.abs(d[i + 2] - ${rgb[2]}) < 30 && d[i + 3] > 200) n++;
    return [slot.dataset.chart, n];
  })))()`;
  const hexRgb = (hex: string): [number, number, number] => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];

  describeIf([BROWSER], 'in Chromium', () => {
    it('a table wider than the window scrolls in its own box; the page does not', async () => {
      const reportPath = await writeReport(runA);
      const page = await (await getBrowser()).newPage({ viewport: { width: 360, height: 800 } });
      await page.goto(pathToFileURL(reportPath).href);
      await page.waitForFunction('window.__reportReady === true', undefined, { timeout: 20_000 });
      const sizes = (await page.evaluate(`(() => {
        const wrap = document.querySelector('#metrics-table').parentElement;
        wrap.scrollLeft = 150;
        return { page: document.documentElement.scrollWidth, window: document.documentElement.clientWidth,
          table: wrap.scrollWidth, box: wrap.clientWidth, scrolled: wrap.scrollLeft, overflow: getComputedStyle(wrap).overflowX };
      })()`)) as Record<string, number | string>;
      expect(sizes.table).toBeGreaterThan(sizes.box as number);
      expect(sizes.overflow).toBe('auto');
      expect(sizes.scrolled).toBe(150);
      expect(sizes.page).toBeLessThanOrEqual(sizes.window as number);
      await page.close();
    });

    it('a policy is drawn in its own colour in the report and in the comparison', async () => {
      const { policyColour } = await import('../experiments/report/colours.js');
      const report = await open(await writeReport(runA));
      // ma-cross is the second line of the report; its colour is ma-cross's, not the palette's second
      const maCross = (await report.page.evaluate(colourPixels(hexRgb(policyColour('ma-cross'))))) as Record<string, number>;
      expect(maCross.equity).toBeGreaterThan(100);
      const swatch = await report.page.evaluate(`getComputedStyle(document.querySelector('#metrics-table tbody tr:nth-child(2) td.policy'), '::before').backgroundColor`);
      expect(swatch).toBe(`rgb(${hexRgb(policyColour('ma-cross')).join(', ')})`);
      await report.page.close();
      const out = join(dir, 'compare-colours.html');
      await compareRuns([runB, runA], { sort: 'sharpe', out }); // each run's best: ppo in both
      const cmp = await open(out);
      const ppo = (await cmp.page.evaluate(colourPixels(hexRgb(policyColour('ppo'))))) as Record<string, number>;
      expect(ppo.equity).toBeGreaterThan(200);
      expect(await cmp.page.evaluate(`getComputedStyle(document.querySelector('#compare-table tbody td.policy'), '::before').backgroundColor`))
        .toBe(`rgb(${hexRgb(policyColour('ppo')).join(', ')})`);
      await cmp.page.close();
    });

    it('walk-forward rows sort within their fold when a header is clicked', async () => {
      const { page } = await open(await writeReport(runA));
      const folds = () => tableColumn(page, 'walk-forward-table', 0);
      // Sharpe (column 7: fold, from, to, policy, return, CAGR, Sharpe) starts sorted highest first
      // (the run's metric), so a click gives lowest first and the next highest first again.
      expect(await page.evaluate(`document.querySelector('#walk-forward-table th[aria-sort]').textContent`)).toBe('Sharpe');
      await page.click('#walk-forward-table thead th:nth-child(7) button');
      expect(await folds()).toEqual(['1', '1', '2', '2', '3', '3']);
      expect(await tableColumn(page, 'walk-forward-table', 3)).toEqual(['ppo', 'ma-cross', 'ma-cross', 'ppo', 'ma-cross', 'ppo']);
      await page.click('#walk-forward-table thead th:nth-child(7) button');
      expect(await folds()).toEqual(['1', '1', '2', '2', '3', '3']);
      expect(await tableColumn(page, 'walk-forward-table', 3)).toEqual(['ma-cross', 'ppo', 'ppo', 'ma-cross', 'ppo', 'ma-cross']);
      // the fold column itself sorts the folds
      await page.click('#walk-forward-table thead th:nth-child(1) button');
      expect(await folds()).toEqual(['3', '3', '2', '2', '1', '1']);
      await page.close();
    });
  });
});
