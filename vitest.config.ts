import { defineConfig } from 'vitest/config';
import SkipSummaryReporter from './tests/helpers/skip-summary-reporter.js';

export default defineConfig({
  plugins: [
    {
      name: 'tradegym:skip-summary',
      // Added to whatever reporters are chosen: `--reporter=...` on the command line (as .ci/run
      // passes) replaces the config's list, and the summary must print there too.
      configureVitest({ vitest }) {
        vitest.config.reporters.push(new SkipSummaryReporter());
      },
    },
  ],
  test: {
    include: ['tests/**/*.test.ts'],
    // Tests start servers and child processes; 2 cores, so keep parallelism modest.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
