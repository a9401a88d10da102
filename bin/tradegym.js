#!/usr/bin/env node
// Entry point of the installed `tradegym` command. It runs the compiled CLI in dist/ (built by
// `npm run build`, which `npm ci` runs as npm's `prepare`), so nothing is compiled at start-up.
// In a checkout it first rebuilds dist/ when a source changed since the last build (a ~5 ms check,
// ~0.5 s to rebuild), so an edited source never runs stale.
import { existsSync } from 'node:fs';

const builder = new URL('../scripts/build.js', import.meta.url);
if (existsSync(builder)) {
  const { isStale, buildDist } = await import(builder.href);
  if (isStale()) {
    try {
      await buildDist();
    } catch (err) {
      const built = existsSync(new URL('../dist/scripts/cli.js', import.meta.url));
      console.error(`${built ? 'warning' : 'error'}: cannot rebuild dist/ (${err.message.split('\n')[0]}); run \`npm ci\` in the checkout`);
      if (!built) process.exit(1);
    }
  }
}
await import('../dist/scripts/cli.js');
