// tradegym as another project uses it: `npm pack` (what publishing ships), installed into an
// empty project, where the README's library snippet type-checks against the shipped declarations
// and runs, and the installed `tradegym` command starts.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'tg-pack-'));
const project = join(dir, 'project');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** The first ```ts block of the README's "As a library" section. */
function readmeSnippet(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## As a library'));
  const m = /```ts\n([\s\S]*?)```/.exec(section);
  if (!m) throw new Error('README.md has no ```ts block under "## As a library"');
  return m[1];
}

beforeAll(async () => {
  await run(NPM, ['pack', '--pack-destination', dir], { cwd: ROOT, maxBuffer: 64 << 20 });
  const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
  if (!tarball) throw new Error('npm pack wrote no tarball');
  rmSync(project, { recursive: true, force: true });
  await run('mkdir', ['-p', project]);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'uses-tradegym', private: true, type: 'module' }));
  // The dependencies come from npm's cache when `npm ci` filled it (offline-friendly).
  await run(NPM, ['install', join(dir, tarball), '--prefer-offline', '--no-audit', '--no-fund'], { cwd: project, maxBuffer: 64 << 20 });
}, 600_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the packed package', () => {
  it('ships the build, the declarations and the samples, and no sources or tests', () => {
    const pkg = join(project, 'node_modules', 'tradegym');
    const files = readdirSync(pkg, { recursive: true }).map(String);
    expect(files).toContain(join('dist', 'index.js'));
    expect(files).toContain(join('dist', 'index.d.ts'));
    expect(files).toContain(join('dist', 'scripts', 'cli.js'));
    expect(files.some((f) => f.startsWith(join('data', 'samples', 'ohlcv')))).toBe(true);
    expect(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
    expect(files.some((f) => f.includes('exchange-sim') || f.endsWith('.test.js'))).toBe(false);
  });

  it('the README snippet type-checks against the shipped types and runs', async () => {
    const code = readmeSnippet();
    expect(code).toMatch(/from 'tradegym'/);
    for (const name of ['CandleEnv', 'VecEnv', 'readCandles', 'trainPpo']) expect(code).toContain(name);
    writeFileSync(join(project, 'main.ts'), code);
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: true, types: ['node'] },
      files: ['main.ts'],
    }));
    // The snippet uses no type annotations, so the same text is also the JavaScript that runs.
    writeFileSync(join(project, 'main.mjs'), code);
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const typeRoots = join(ROOT, 'node_modules', '@types');
    await run(process.execPath, [tsc, '-p', project, '--typeRoots', typeRoots]);
    const out = await run(process.execPath, ['main.mjs'], { cwd: project, maxBuffer: 16 << 20 });
    expect(out.stdout).toMatch(/observation of \d+ numbers, reward -?\d+\.\d{5}/);
    expect(out.stdout).toMatch(/test split: PPO -?\d+\.\d %, buy-and-hold -?\d+\.\d %/);
  });

  it('names its other exports with types (loadAnyPolicy, the envs, the store)', async () => {
    const probe = `import * as tg from 'tradegym';\nconst names: (keyof typeof tg)[] = ['loadAnyPolicy', 'BookEnv', 'checkEnv', 'readBooks', 'runExperiment', 'indicators', 'augment'];\nconsole.log(names.map((n) => typeof tg[n]).join(','));\n`;
    writeFileSync(join(project, 'probe.ts'), probe);
    writeFileSync(join(project, 'tsconfig.probe.json'), JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: true, types: ['node'] },
      files: ['probe.ts'],
    }));
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    await run(process.execPath, [tsc, '-p', join(project, 'tsconfig.probe.json'), '--typeRoots', join(ROOT, 'node_modules', '@types')]);
    writeFileSync(join(project, 'probe.mjs'), probe.replace(': (keyof typeof tg)[]', ''));
    const out = await run(process.execPath, ['probe.mjs'], { cwd: project });
    expect(out.stdout.trim()).toBe('function,function,function,function,function,object,object');
  });

  it('installs the tradegym command, which runs the build and finds the shipped samples', async () => {
    const bin = join(project, 'node_modules', '.bin', 'tradegym');
    const help = await run(bin, ['--help'], { cwd: project });
    expect(help.stdout).toMatch(/tradegym run \[config\]/);
    const ls = await run(bin, ['data', 'ls'], { cwd: project, env: { ...process.env, TRADEGYM_STORE: join(project, 'store') } });
    expect(ls.stdout).toMatch(/samples\s+ohlcv\s+coinbase\s+BTC\/USD\s+1h/);
  });
});
