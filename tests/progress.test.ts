// Progress display (scripts/progress.ts) as users see it: `tradegym train` on a pipe (CI logs)
// prints plain lines, every field filled in, steps monotone, ending at 100 %; on a terminal (a
// real pseudo-terminal from util-linux `script`) it redraws one bar in place that ends full and on
// its own line; a job that fails leaves the bar marked stopped with its line ended.
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { createProgress } from '../scripts/progress.js';
import { describeIf, type Requirement } from './helpers/requirements.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'tradegym.js');
const QUICKSTART = join(ROOT, 'experiments', 'configs', 'quickstart.yaml');
const dir = mkdtempSync(join(tmpdir(), 'tg-progress-'));
const run = promisify(execFile);
/** Clear to the end of the line: what each terminal redraw ends with. */
const CLEAR_EOL = '\u001b[K';

// A few PPO updates of 8 envs x 128 steps; not a whole number of updates, so the trainer stops
// short of the planned total and the display must still end at 100 %.
const config = join(dir, 'tiny.yaml');
writeFileSync(config, `extends: ${JSON.stringify(QUICKSTART)}\nname: tiny\nseeds: 1\nagent:\n  totalTimesteps: 8500\ntraining:\n  evalEvery: 2048\n`);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Everything a line may show; a raw `{placeholder}` or a NaN fails it. */
const LOG_LINE = /^train (\d+)\/(\d+) steps \((\d+)%\) \| (?:-|[\d.]+[kM]?) steps\/s \| (?:ETA (?:-|\d+s|\d+m\d\ds|\d+h\d\dm)|done) \| return \S+ \| v_loss \S+ \| entropy \S+ \| valid .+$/;

function parseLine(l: string): { steps: number; total: number; pct: number } {
  const m = LOG_LINE.exec(l);
  if (!m) throw new Error(`not a progress line: ${JSON.stringify(l)}`);
  return { steps: Number(m[1]), total: Number(m[2]), pct: Number(m[3]) };
}

describe('on a pipe', () => {
  it('prints a plain line per interval with every field filled in, monotone, ending at 100 %', async () => {
    // TRADEGYM_PROGRESS_EVERY=0: a line per update, so even a short run shows its course.
    const r = await run(process.execPath, [BIN, 'train', '--config', config, '--runs', join(dir, 'runs-pipe')], {
      env: { ...process.env, TRADEGYM_PROGRESS_EVERY: '0' },
    });
    expect(r.stderr.includes('\r') || r.stderr.includes('\u001b')).toBe(false); // nothing drawn for a terminal
    expect(r.stderr).not.toMatch(/[{}]|NaN|undefined/);
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('train '));
    expect(lines.length).toBeGreaterThanOrEqual(3);
    const parsed = lines.map(parseLine);
    for (let i = 1; i < parsed.length; i++) {
      expect(parsed[i].steps).toBeGreaterThanOrEqual(parsed[i - 1].steps);
      expect(parsed[i].pct).toBeGreaterThanOrEqual(parsed[i - 1].pct);
    }
    // Once a rate is measured, the ETA is a time, not a placeholder.
    expect(lines.slice(1, -1).some((l) => /\| ETA \d/.test(l))).toBe(true);
    const last = parsed[parsed.length - 1];
    expect(lines[lines.length - 1]).toMatch(/\| done \|/);
    expect(last.pct).toBe(100);
    // The final count is the steps really trained, the same number the command reports.
    const trained = /done: (\d+) steps/.exec(r.stdout);
    expect(trained).not.toBeNull();
    expect(last.steps).toBe(Number(trained![1]));
    expect(last.total).toBe(last.steps);
    expect(parsed.slice(0, -1).every((p) => p.pct < 100)).toBe(true);
  });

  it('marks a job that fails as stopped, never as 100 %', () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (d: Buffer) => (text += d.toString()));
    const p = createProgress({ label: 'fetch', total: 1000, fields: ['rows'], stream: out, logEverySec: 3600 });
    p.update(100, { rows: '5' });
    p.update(400, { rows: '20' });
    p.log('retry 1 in 500 ms: timeout');
    p.stop();
    p.finish(); // too late: the job already failed
    expect(text.split('\n')).toEqual([
      'fetch 10% | ETA - | rows 5',
      'retry 1 in 500 ms: timeout',
      expect.stringMatching(/^fetch 40% \| stopped \| rows 20$/),
      '',
    ]);
  });
});

const SCRIPT: Requirement = {
  name: 'util-linux script',
  available: /util-linux/.test(spawnSync('script', ['--version'], { encoding: 'utf8' }).stdout ?? ''),
  missing: 'no util-linux `script` (a pseudo-terminal runner): apt-get install -y bsdutils',
};

/** Runs a shell command on a pseudo-terminal of 100 columns; returns what the terminal received, clear-to-end-of-line as <EOL>. */
async function onTerminal(command: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const r = await run('script', ['-qfec', `stty cols 100 rows 40; ${command}`, '/dev/null'], { cwd: ROOT, env, maxBuffer: 64 << 20 });
  return r.stdout.replaceAll(CLEAR_EOL, '<EOL>');
}

/** The bar frames drawn in place: each starts after a carriage return and ends with clear-to-end-of-line. */
function frames(raw: string, label: string): string[] {
  return raw.split(/\r|\n/).map((s) => s.replaceAll('<EOL>', '')).filter((s) => s.startsWith(`${label} [`));
}

describeIf([SCRIPT], 'on a terminal', () => {
  it('redraws one bar in place that ends full, at 100 %, on a line of its own', async () => {
    const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    const raw = await onTerminal(`${quote(process.execPath)} ${quote(BIN)} train --config ${quote(config)} --runs ${quote(join(dir, 'runs-tty'))}`);
    expect(raw).not.toMatch(/[{}]|NaN|undefined/);
    const f = frames(raw, 'train');
    expect(f.length).toBeGreaterThanOrEqual(2);
    for (const s of f) expect(s.length).toBeLessThanOrEqual(99); // never wraps a 100-column terminal
    const last = f[f.length - 1];
    expect(last).toMatch(new RegExp(`^train \\[\\u2588{20}\\] (\\d+)/\\1 steps \\(100%\\) \\| \\S+ steps/s \\| done`));
    expect(f.slice(0, -1).every((s) => !s.includes('(100%)'))).toBe(true);
    // The command's own output starts on a fresh line after the finished bar.
    expect(raw).toMatch(/\| done[^\r\n]*<EOL>\r?\ndone: \d+ steps/);
  });

  it('leaves a failed job\'s bar marked stopped and its line ended before the error', async () => {
    const driver = join(dir, 'fail.mts'); // .mts: an ES module (top-level await) outside the package
    writeFileSync(driver, [
      `import { createProgress } from ${JSON.stringify(join(ROOT, 'scripts', 'progress.ts'))};`,
      `const p = createProgress({ label: 'fetch', total: 1000, fields: ['rows'] });`,
      `p.update(100, { rows: '5' });`,
      `await new Promise((r) => setTimeout(r, 150));`,
      `p.update(400, { rows: '20' });`,
      `p.stop();`,
      `console.error('error: connection reset');`,
    ].join('\n'));
    const raw = await onTerminal(`node --import tsx ${driver}`);
    const f = frames(raw, 'fetch');
    expect(f[f.length - 1]).toMatch(/^fetch \[\u2588{8}\u2591{12}\] 40% \| stopped \| rows 20$/);
    expect(raw).not.toContain('100%');
    expect(raw).toMatch(/stopped \| rows 20<EOL>\r?\nerror: connection reset/);
  });
});
