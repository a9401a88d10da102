// What reports and comparison pages draw and list, checked on their data (no browser): one
// buy-and-hold line, buy / sell markers, one colour per policy on every page, walk-forward and
// comparison tables sorted by the chosen metric, bar counts as the CLI prints them.
import { describe, expect, it } from 'vitest';
import type { PolicyMetrics, Run, RunCurves, RunMetrics, WalkForwardFold } from '../experiments/run-dir.js';
import { resolveMetric } from '../experiments/report/columns.js';
import { BUY_AND_HOLD_COLOUR, policyColour, REPEAT_DASHES } from '../experiments/report/colours.js';
import { compareCharts, compareEntries, renderComparePage } from '../experiments/report/compare.js';
import { renderTable } from '../experiments/report/html.js';
import { chosenMetric, metricsTable, renderReport, scoredBars, splitLabel } from '../experiments/report/render-report.js';
import { curveCharts, normalise, tradeBars } from '../experiments/report/series.js';
import { foldSummaryTable, foldTable } from '../experiments/report/walk-forward.js';

const metrics = (sharpe: number, totalReturn: number, maxDrawdown: number, extra: Partial<PolicyMetrics> = {}): PolicyMetrics => ({
  totalReturn, cagr: totalReturn * 4, sharpe, sortino: sharpe * 1.3, calmar: sharpe / 2, maxDrawdown, winRate: 0.5, turnover: 12, exposure: 0.6, fees: 3.5, trades: 40, steps: 9, ...extra,
});

/** 10 bars; buy-and-hold's equity differs from the close (fees, next-open fill), as in a real run. */
function curves(names: string[]): RunCurves {
  const ts = Array.from({ length: 10 }, (_, i) => Date.UTC(2024, 0, 1) + i * 3_600_000);
  const close = [100, 101, 99, 102, 104, 103, 105, 107, 106, 108];
  const policies: RunCurves['policies'] = {
    'buy-and-hold': { equity: [10_000, 10_000, 9_790, 10_085, 10_283, 10_184, 10_382, 10_580, 10_481, 10_679], position: [0, 1, 1, 1, 1, 1, 1, 1, 1, 1] },
  };
  names.forEach((n, k) => {
    policies[n] = { equity: close.map((c, i) => 10_000 + (k + 1) * i * 10), position: [0, 1, 1, 0, -1, -1, 0, 1, 1, 0] };
  });
  return { ts, close, policies };
}

const runMetrics = (name: string, policies: Record<string, PolicyMetrics>, extra: Partial<RunMetrics> = {}): RunMetrics => ({
  name, createdAt: '2024-03-01T00:00:00.000Z', seed: 7, data: { exchange: 'coinbase', symbol: 'BTC/USD', timeframe: '1h' },
  split: { name: 'test', from: '2024-01-01T00:00:00.000Z', to: '2024-01-01T09:00:00.000Z' }, policies, ...extra,
});

describe('buy-and-hold', () => {
  it('is one line, drawn from the buy-and-hold policy the run scored (the numbers of its metrics)', () => {
    const c = curves(['ppo', 'rsi']);
    const charts = curveCharts(c, { best: 'ppo', maxPoints: 100 });
    for (const chart of [charts.equity, charts.drawdown]) {
      const labels = chart.series.map((s) => s.label);
      expect(labels).toEqual(['buy-and-hold', 'ppo', 'rsi']);
      expect(labels.some((l) => l.includes('&'))).toBe(false);
      expect(chart.series[0]).toMatchObject({ dashed: true, colour: BUY_AND_HOLD_COLOUR });
    }
    expect(charts.equity.series[0].values).toEqual(normalise(c.policies['buy-and-hold'].equity).map((v) => +v.toPrecision(7)));
    expect(charts.equity.series[0].values).not.toEqual(normalise(c.close).map((v) => +v.toPrecision(7)));
  });

  it('falls back to the close price, saying so, when the run scored no buy-and-hold', () => {
    const c = curves(['ppo']);
    delete c.policies['buy-and-hold'];
    const charts = curveCharts(c, { maxPoints: 100 });
    expect(charts.equity.series.map((s) => s.label)).toEqual(['buy-and-hold (close)', 'ppo']);
    expect(charts.equity.series[0].values[9]).toBeCloseTo(1.08, 6);
  });

  it('the summary quotes the buy-and-hold policy, not a price line with other numbers', () => {
    const policies = { ppo: metrics(1.2, 0.1, 0.05), 'buy-and-hold': metrics(0.8, 0.0679, 0.0208) };
    const html = renderReport({ dir: '/runs/x', metrics: runMetrics('x', policies, { best: 'ppo' }), curves: curves(['ppo']) }, { generatedAt: new Date(0) });
    expect(html).toContain('buy-and-hold 6.79%');
    expect(html).toContain('buy-and-hold 2.08%');
    expect(html).not.toContain('buy &amp; hold');
  });

  it('a comparison draws one buy-and-hold per market, from a run that scored it', () => {
    const a = { dir: '/runs/a', metrics: runMetrics('a', { ppo: metrics(1, 0.1, 0.1), 'buy-and-hold': metrics(0.5, 0.07, 0.02) }), curves: curves(['ppo']) } satisfies Run;
    const b = { dir: '/runs/b', metrics: runMetrics('b', { ppo: metrics(2, 0.2, 0.1) }), curves: { ...curves(['ppo']), policies: { ppo: curves(['x', 'ppo']).policies.ppo } } } satisfies Run;
    const charts = compareCharts([{ label: 'b', run: b }, { label: 'a', run: a }], undefined, 100)!;
    expect(charts.equity.series.map((s) => s.label)).toEqual(['buy-and-hold', 'b · ppo', 'a · ppo']);
    expect(charts.equity.series[0].values).toEqual(curveCharts(a.curves, { maxPoints: 100 }).equity.series[0].values);
  });
});

describe('trade markers', () => {
  it('say buy and sell, with their counts', () => {
    const c = curves(['ppo']);
    const pos = curveCharts(c, { maxPoints: 100 }).positions.find((p) => p.title === 'ppo')!;
    const t = tradeBars(c.policies.ppo.position);
    const markers = pos.series.filter((s) => s.markers);
    expect(markers.map((s) => [s.label, s.markers])).toEqual([[`buy (${t.up.length})`, 'up'], [`sell (${t.down.length})`, 'down']]);
    expect(t).toEqual({ up: [1, 6, 7], down: [3, 4, 9] }); // -1 -> 0 at bar 6 is a buy (covering the short)
  });
});

describe('policy colours', () => {
  it('are fixed for known policies and stable for any other name', () => {
    expect(policyColour('ppo')).toBe('#2563eb');
    expect(policyColour('buy-and-hold')).toBe(BUY_AND_HOLD_COLOUR);
    const known = ['ppo', 'recurrent-ppo', 'ddpg', 'td3', 'ma-cross', 'rsi', 'logistic-regression', 'random-forest', 'lstm', 'gru', 'buy-and-hold'].map(policyColour);
    expect(new Set(known).size).toBe(known.length);
    expect(policyColour('my-agent-v2')).toBe(policyColour('my-agent-v2'));
    expect(policyColour('my-agent-v2')).toMatch(/^#[0-9a-f]{6}$/);
    expect(known).not.toContain(policyColour('my-agent-v2'));
  });

  it('a policy has its colour in the report, in a comparison and in both tables', () => {
    const a: Run = { dir: '/runs/a', metrics: runMetrics('a', { rsi: metrics(1, 0.1, 0.1), ppo: metrics(2, 0.2, 0.1) }, { best: 'ppo' }), curves: curves(['rsi', 'ppo']) };
    const b: Run = { dir: '/runs/b', metrics: runMetrics('b', { ppo: metrics(1.5, 0.1, 0.1) }, { best: 'ppo' }), curves: curves(['ppo']) };
    // In the report ppo comes second; its colour is still ppo's, not the palette's second.
    const report = curveCharts(a.curves!, { best: 'ppo', maxPoints: 100 }).equity.series;
    expect(report.find((s) => s.label === 'ppo')?.colour).toBe(policyColour('ppo'));
    expect(report.find((s) => s.label === 'rsi')?.colour).toBe(policyColour('rsi'));
    // Two runs' ppo lines: the same colour, told apart by the dash pattern.
    const compare = compareCharts([{ label: 'a', run: a }, { label: 'b', run: b }], undefined, 100)!.equity.series.slice(1);
    expect(compare.map((s) => s.colour)).toEqual([policyColour('ppo'), policyColour('ppo')]);
    expect(compare[0].dash).toBeUndefined();
    expect(compare[1].dash).toEqual(REPEAT_DASHES[1]);
    // Table cells carry the colour as a swatch (CSS draws it; the cell text stays the name).
    const table = renderTable(metricsTable('m', a.metrics.policies, 'ppo'));
    expect(table).toContain(`style="--swatch: ${policyColour('ppo')}"`);
    expect(table).toContain(`style="--swatch: ${policyColour('rsi')}"`);
    const page = renderComparePage([{ label: 'a', run: a }, { label: 'b', run: b }], compareEntries([{ label: 'a', run: a }, { label: 'b', run: b }]), { generatedAt: new Date(0) });
    expect(page).toContain(`<td class="policy swatch" style="--swatch: ${policyColour('ppo')}"`);
  });
});

describe('tables sorted by the chosen metric', () => {
  const folds: WalkForwardFold[] = [2, 1].map((fold) => ({
    fold, from: `2023-0${fold}-01T00:00:00.000Z`, to: `2023-0${fold + 1}-01T00:00:00.000Z`,
    policies: {
      ppo: metrics(fold === 1 ? 0.1 : 2, 0.01, fold === 1 ? 0.3 : 0.05, { sortino: fold === 1 ? 3 : 0.2 }),
      rsi: metrics(1, -0.01, 0.1, { sortino: 1 }),
      'buy-and-hold': metrics(0.5, 0.02, 0.2, { sortino: 0.5, calmar: NaN }),
    },
  }));
  const policyCol = (t: ReturnType<typeof foldTable>, col: number) => t.rows.map((r) => (typeof r.cells[col] === 'string' ? r.cells[col] : r.cells[col].text));

  it('walk-forward folds stay in order, policies best first within each fold', () => {
    const bySharpe = foldTable(folds, resolveMetric('sharpe'));
    expect(policyCol(bySharpe, 0)).toEqual(['1', '1', '1', '2', '2', '2']);
    expect(policyCol(bySharpe, 3)).toEqual(['rsi', 'buy-and-hold', 'ppo', 'ppo', 'rsi', 'buy-and-hold']);
    expect(bySharpe.header.find((h) => h.sorted)?.text).toBe('Sharpe');
    expect(bySharpe.groupCol).toBe(0);
    expect(renderTable(bySharpe)).toContain('data-group-col="0"');
    const bySortino = foldTable(folds, resolveMetric('sortino'));
    expect(policyCol(bySortino, 3)).toEqual(['ppo', 'rsi', 'buy-and-hold', 'rsi', 'buy-and-hold', 'ppo']);
    // lower is better: smallest drawdown first, and the arrow says ascending
    const byDd = foldTable(folds, resolveMetric('maxDrawdown'));
    expect(policyCol(byDd, 3)).toEqual(['rsi', 'buy-and-hold', 'ppo', 'ppo', 'rsi', 'buy-and-hold']);
    expect(byDd.header.find((h) => h.sorted)).toMatchObject({ text: 'max DD', sorted: 'ascending' });
    // NaN last
    expect(policyCol(foldTable(folds, resolveMetric('calmar')), 3).slice(0, 3)).toEqual(['rsi', 'ppo', 'buy-and-hold']);
  });

  it('the across-folds summary ranks by the mean of the chosen metric', () => {
    const bySharpe = foldSummaryTable(folds, resolveMetric('sharpe'));
    expect(bySharpe.header.map((h) => h.text)).toEqual(['policy', 'folds', 'mean return', 'mean Sharpe', 'Sharpe sd', 'worst Sharpe', 'worst max DD', 'folds with return > 0']);
    expect(policyCol(bySharpe, 0)).toEqual(['ppo', 'rsi', 'buy-and-hold']); // means 1.05, 1, 0.5
    expect(bySharpe.header.find((h) => h.sorted)).toMatchObject({ text: 'mean Sharpe', sorted: 'descending' });
    const bySortino = foldSummaryTable(folds, resolveMetric('sortino'));
    expect(policyCol(bySortino, 0)).toEqual(['ppo', 'rsi', 'buy-and-hold']); // 1.6, 1, 0.5
    expect(policyCol(bySortino, 5)).toEqual(['0.20', '1.00', '0.50']); // worst = lowest
    const byDd = foldSummaryTable(folds, resolveMetric('maxDrawdown'));
    expect(byDd.header.map((h) => h.text)).toEqual(['policy', 'folds', 'mean return', 'mean max DD', 'max DD sd', 'worst max DD', 'folds with return > 0']);
    expect(policyCol(byDd, 0)).toEqual(['rsi', 'ppo', 'buy-and-hold']); // 0.1, 0.175, 0.2
    expect(policyCol(byDd, 5)).toEqual(['10.00%', '30.00%', '20.00%']); // worst = highest
  });

  it('a report sorts its walk-forward tables by the run\'s selectBy', () => {
    const m = runMetrics('x', { ppo: metrics(1, 0.1, 0.1) }, { selectBy: 'sortino', walkForward: folds });
    expect(chosenMetric(m).key).toBe('sortino');
    expect(chosenMetric({ ...m, selectBy: undefined }).key).toBe('sharpe');
    const html = renderReport({ dir: '/runs/x', metrics: m }, { generatedAt: new Date(0) });
    expect(html).toContain('Across folds, by mean Sortino, highest first');
    expect(html).toContain('<th scope="col" data-col="3" data-type="num" aria-sort="descending"><button type="button">mean Sortino</button></th>');
  });

  it('a comparison page starts in the order of its sort column, whatever order it is given', () => {
    const a: Run = { dir: '/runs/a', metrics: runMetrics('a', { rsi: metrics(1, 0.1, 0.3), ppo: metrics(2, 0.2, 0.1) }) };
    const runs = [{ label: 'a', run: a }];
    const entries = compareEntries(runs);
    const page = renderComparePage(runs, entries, { sortedBy: resolveMetric('maxDrawdown'), generatedAt: new Date(0) });
    const body = page.slice(page.indexOf('id="compare-table"'));
    expect(body.indexOf('>ppo<')).toBeLessThan(body.indexOf('>rsi<'));
    expect(body).toContain('aria-sort="ascending"><button type="button">max DD</button>');
  });
});

describe('bar counts', () => {
  it('are the scored steps, as `tradegym run` prints them, with the split named', () => {
    const m = runMetrics('x', { ppo: metrics(1, 0.1, 0.1, { steps: 1234 }), 'buy-and-hold': metrics(1, 0.1, 0.1, { steps: 1234 }) });
    expect(scoredBars(m)).toBe(1234);
    expect(splitLabel(m)).toBe('test split (1234 bars): 2024-01-01 00:00Z .. 2024-01-01 09:00Z');
    expect(splitLabel({ ...m, split: { ...m.split, name: 'valid' } })).toMatch(/^valid split \(1234 bars\)/);
    // a folder from before splits were named was scored on test
    expect(splitLabel({ ...m, split: { from: m.split.from, to: m.split.to } })).toMatch(/^test split/);
    const html = renderReport({ dir: '/runs/x', metrics: m, curves: curves(['ppo']) }, { generatedAt: new Date(0) });
    expect(html).toContain('test split (1234 bars)');
    expect(html).toContain('1234 bars, test split');
    expect(html).not.toContain('10 bars');
  });
});
