// The headless Chromium that page tests (reports, dashboard) drive through playwright-core.
//
// First choice: @sparticuz/chromium 143.0.4 (npm, MIT; Chromium 143.0.7499.0 headless shell),
// shipped brotli-packed inside the package, so `npm ci` brings a browser with no download and no
// install script (npm 11 runs none anyway). Measured here (2 shared cores, 2026-12): 64 MiB in
// node_modules (+19 small deps, mostly tar-fs, unused here); the binary inflates to 183 MiB in
// ~1.7 s once per install, then playwright-core starts it in ~0.6 s and drives it headless on
// file:// and http://127.0.0.1 pages (JS, clicks, canvas pixels, screenshots); the report tests
// pass on it as on Debian's Chromium 156. It links only libc, libexpat and libgcc, so it runs on a
// bare Debian. Only linux x64 is in the npm package (arm64 packs are release downloads), and
// 143.0.4 is the last version whose engines allow Node 20 (147+ need Node 22).
// We inflate the binary ourselves rather than through the package's executablePath(): that one
// writes /tmp/chromium in place, so two test workers starting at once (or an interrupted first
// run) could launch a half-written file; here it is written beside and renamed. Its fonts and
// SwiftShader packs are not needed: --disable-gpu draws canvases in software, and text uses the
// system's fonts (the tests read text from the DOM, not from pixels).
// Fallback: Debian's /usr/bin/chromium (apt-get install -y chromium).
import { createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createBrotliDecompress } from 'node:zlib';
import type { Browser } from 'playwright-core';

const DEBIAN_CHROMIUM = '/usr/bin/chromium';
const NPM_CHROMIUM = '@sparticuz/chromium';

/** Without the networking flags Chromium keeps dialling Google's hosts, which a closed network refuses. */
export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export interface FoundBrowser {
  /** Where it comes from, for messages. */
  source: string;
  /** The executable, inflated on first use for the npm one. */
  executable: () => Promise<string>;
}

/** The package folder of @sparticuz/chromium, or undefined when it is not installed. */
function npmChromiumDir(): string | undefined {
  let entry: string;
  try {
    entry = createRequire(import.meta.url).resolve(NPM_CHROMIUM);
  } catch {
    return undefined;
  }
  // Its `exports` hide package.json, so walk up from the entry point to the folder that holds it.
  for (let dir = dirname(entry); dir !== dirname(dir); dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === NPM_CHROMIUM) return dir;
  }
  return undefined;
}

async function inflateNpmChromium(pkgDir: string): Promise<string> {
  const { version } = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { version: string };
  // node_modules/.cache: gone with node_modules, so a reinstall never meets a stale binary.
  const cache = join(pkgDir, '..', '..', '.cache', `tradegym-chromium-${version}`);
  const exe = join(cache, 'chromium');
  if (existsSync(exe)) return exe;
  mkdirSync(cache, { recursive: true });
  const part = `${exe}.${process.pid}.tmp`;
  try {
    await pipeline(createReadStream(join(pkgDir, 'bin', 'chromium.br')), createBrotliDecompress(), createWriteStream(part, { mode: 0o755 }));
    renameSync(part, exe);
  } finally {
    rmSync(part, { force: true });
  }
  return exe;
}

/** The browser the page tests will launch, or undefined when this machine has none. Cheap: starts nothing. */
export function findBrowser(): FoundBrowser | undefined {
  const pkgDir = process.platform === 'linux' && process.arch === 'x64' ? npmChromiumDir() : undefined;
  if (pkgDir) return { source: `${NPM_CHROMIUM} (npm)`, executable: () => inflateNpmChromium(pkgDir) };
  if (existsSync(DEBIAN_CHROMIUM)) return { source: DEBIAN_CHROMIUM, executable: async () => DEBIAN_CHROMIUM };
  return undefined;
}

/** A headless Chromium; each launch gets a fresh, empty profile (Playwright passes its own --user-data-dir). */
export async function launchBrowser(): Promise<Browser> {
  const found = findBrowser();
  if (!found) throw new Error(`no browser: install ${NPM_CHROMIUM} (npm ci, linux x64) or Debian's chromium (apt-get install -y chromium)`);
  const { chromium } = await import('playwright-core');
  // headless: true makes Playwright add --headless itself. Under LANG=C.UTF-8 (this machine's) the
  // headless shell takes "en-US@posix" as its locale, which its own Intl rejects, so every page
  // that formats a date throws; --lang does not change that, the locale variables do.
  return chromium.launch({
    executablePath: await found.executable(), headless: true, args: CHROMIUM_ARGS,
    env: { ...process.env, LC_ALL: 'en_US.UTF-8' },
  });
}
