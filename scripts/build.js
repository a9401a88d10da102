// `npm run build` (also npm's `prepare`, so `npm ci` runs it): compiles the TypeScript sources to
// dist/, one JavaScript file per source file, so `tradegym` starts without compiling anything.
// esbuild only strips types (about a second for the whole tree); `npm run typecheck` is the type
// check. Plain JavaScript, because it runs before anything is compiled.
//
// Files are rewritten only when their content changes, each through a temp file and a rename, so
// a command starting during a build reads either the old file or the new one. `--if-stale` builds
// only when a source is newer than the last build (bin/tradegym.js uses it in a checkout).
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const DIST = join(ROOT, 'dist');
const STAMP = join(DIST, '.build-stamp');
/** What ships compiled: the library layers, the CLI and the exchange simulator used by demos. */
const SOURCES = ['index.ts', 'data', 'envs', 'agents', 'experiments', 'deploy', 'dashboard', 'scripts', 'tests/exchange-sim'];

/** Source files with their modification times (ms). */
export function sourceFiles() {
  const out = [];
  const walk = (path) => {
    let st;
    try {
      st = statSync(path);
    } catch {
      return;
    }
    if (st.isDirectory()) {
      for (const name of readdirSync(path)) if (name !== 'node_modules' && name !== 'samples') walk(join(path, name));
    } else if (path.endsWith('.ts') && !path.endsWith('.d.ts') && !path.endsWith('.test.ts')) {
      out.push({ path, mtimeMs: st.mtimeMs });
    }
  };
  for (const s of SOURCES) walk(join(ROOT, s));
  return out;
}

/** True when dist/ is missing or older than a source, or a source was added or removed since. */
export function isStale(files = sourceFiles()) {
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(STAMP, 'utf8'));
  } catch {
    return true;
  }
  return stamp.count !== files.length || files.some((f) => f.mtimeMs > stamp.builtAt);
}

function writeIfChanged(path, contents) {
  try {
    if (Buffer.compare(readFileSync(path), contents) === 0) return false;
  } catch {
    // missing: write it
  }
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, contents);
  renameSync(tmp, path);
  return true;
}

function listFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

export async function buildDist() {
  const startedAt = Date.now();
  const files = sourceFiles();
  // Imported here so that the staleness check alone stays cheap (esbuild is a devDependency).
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: files.map((f) => f.path),
    outdir: DIST,
    outbase: ROOT,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: 'linked',
    write: false,
    logLevel: 'warning',
  });
  let written = 0;
  const produced = new Set();
  for (const f of result.outputFiles) {
    produced.add(f.path);
    if (writeIfChanged(f.path, Buffer.from(f.contents))) written++;
  }
  // Outputs of deleted sources would still import and run: remove them (type declarations come
  // from tsc at pack time and are left alone).
  let removed = 0;
  for (const f of listFiles(DIST)) {
    if (produced.has(f) || !(f.endsWith('.js') || f.endsWith('.js.map'))) continue;
    rmSync(f, { force: true });
    removed++;
  }
  writeIfChanged(STAMP, Buffer.from(JSON.stringify({ builtAt: startedAt, count: files.length })));
  return { files: files.length, written, removed, ms: Date.now() - startedAt };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (process.argv.includes('--if-stale') && !isStale()) process.exit(0);
  const r = await buildDist();
  if (!process.argv.includes('--quiet')) console.log(`built dist/: ${r.files} modules (${r.written} rewritten, ${r.removed} removed) in ${r.ms} ms`);
}
