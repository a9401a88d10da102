// Ends a test run with what was skipped and why: each missing requirement once with its how-to
// line, then the suites it skipped with their test counts. The requirement travels in the suite's
// meta (set by describeIf in requirements.ts), which vitest copies to every test inside it.
import type { Reporter, TestCase, TestModule, TestSuite } from 'vitest/node';
import type { MissingRequirements } from './requirements.js';

interface Skipped {
  missing: string;
  /** "file > suite" -> skipped tests */
  where: Map<string, number>;
}

/** Each requirement the test misses, with the outermost suite that declared it. */
function missingOf(test: TestCase): Map<string, { missing: string; suite: TestSuite | undefined }> {
  const out = new Map<string, { missing: string; suite: TestSuite | undefined }>();
  const note = (reqs: MissingRequirements | undefined, suite: TestSuite | undefined) => {
    for (const [name, missing] of Object.entries(reqs ?? {})) out.set(name, { missing, suite });
  };
  note(test.meta().missingRequirements, undefined);
  // Walking outwards, a later hit is further out: that suite is the describeIf that named it.
  for (let s: TestSuite | TestModule = test.parent; s.type === 'suite'; s = s.parent) note(s.meta().missingRequirements, s);
  return out;
}

const add = (counts: Map<string, number>, key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
const tests = (n: number) => `${n} test${n === 1 ? '' : 's'}`;

export function skipSummary(modules: ReadonlyArray<TestModule>): string[] {
  const byRequirement = new Map<string, Skipped>();
  const unexplained = new Map<string, number>();
  for (const module of modules) {
    for (const test of module.children.allTests()) {
      if (test.result().state !== 'skipped') continue;
      const missing = missingOf(test);
      if (missing.size === 0) add(unexplained, module.relativeModuleId);
      for (const [name, { missing: line, suite }] of missing) {
        const entry = byRequirement.get(name) ?? { missing: line, where: new Map<string, number>() };
        byRequirement.set(name, entry);
        add(entry.where, suite ? `${module.relativeModuleId} > ${suite.fullName}` : module.relativeModuleId);
      }
    }
  }
  if (byRequirement.size === 0 && unexplained.size === 0) return ['No test was skipped.'];
  const lines: string[] = [];
  if (byRequirement.size > 0) {
    lines.push('Skipped for missing requirements (`bash .ci/run` provides them all):');
    for (const [name, { missing, where }] of byRequirement) {
      lines.push(`  ${name}: ${missing}`);
      for (const [place, n] of where) lines.push(`    ${place}: ${tests(n)}`);
    }
  }
  if (unexplained.size > 0) {
    lines.push('Skipped with no requirement named (.skip, .todo, a filter):');
    for (const [file, n] of unexplained) lines.push(`  ${file}: ${tests(n)}`);
  }
  return lines;
}

export default class SkipSummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    console.log(`\n${skipSummary(modules).join('\n')}\n`);
  }
}
