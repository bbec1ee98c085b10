// The integration suite's entry, in @vscode/test-electron's format: the extension host loads this module
// (out/test/integration/index.js) and awaits run(). It runs every bundled *.test.js beside it, so adding
// a test/integration/<name>.test.ts file is all it takes to add tests (scripts/build.mjs bundles each one).
//
// Output goes through console.log, which both hosts forward: code-server to the page's
// window.codeAutomationLog, desktop VS Code to the test runner's terminal. Every line starts with MARK so
// scripts/test.mjs can pick our lines out of the workbench's own noise, and the last one carries the counts.
import * as fs from 'fs';
import * as path from 'path';
import Mocha from 'mocha';

export const MARK = '[gradtape-it]';

function say(line: string): void {
  console.log(`${MARK} ${line}`);
}

/** A spec-like reporter that prints through console.log with MARK, one line per test. */
class MarkedReporter extends Mocha.reporters.Base {
  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    const { EVENT_SUITE_BEGIN, EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_TEST_PENDING, EVENT_RUN_END } = Mocha.Runner.constants;
    let passed = 0;
    let failed = 0;
    let pending = 0;
    const failures: string[] = [];
    runner.on(EVENT_SUITE_BEGIN, (suite: Mocha.Suite) => {
      if (suite.title) say(`${'  '.repeat(Math.max(0, suite.titlePath().length - 1))}${suite.title}`);
    });
    runner.on(EVENT_TEST_PASS, (test: Mocha.Test) => {
      passed++;
      say(`  ✓ ${test.fullTitle()} (${test.duration ?? 0} ms)`);
    });
    runner.on(EVENT_TEST_FAIL, (test: Mocha.Test, err: Error) => {
      failed++;
      say(`  ✗ ${test.fullTitle()}`);
      failures.push(`${test.fullTitle()}: ${err.stack ?? err.message}`);
    });
    runner.on(EVENT_TEST_PENDING, () => {
      pending++;
    });
    runner.once(EVENT_RUN_END, () => {
      failures.forEach((f, i) => f.split('\n').forEach((l, j) => say(`${j === 0 ? `${i + 1}) ` : '   '}${l}`)));
      say(`RESULT ${JSON.stringify({ passed, failed, pending })}`);
    });
  }
}

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 30_000, color: false, reporter: MarkedReporter });
  // GRADTAPE_IT_GREP narrows the run while working on one test (desktop runs pass it through the environment).
  const grep = process.env.GRADTAPE_IT_GREP;
  if (grep) mocha.grep(grep);
  const files = fs.readdirSync(__dirname).filter((f) => f.endsWith('.test.js')).sort();
  if (files.length === 0) return Promise.reject(new Error(`no *.test.js next to ${__filename}; run node scripts/build.mjs`));
  for (const f of files) mocha.addFile(path.join(__dirname, f));
  return new Promise((resolve, reject) => {
    try {
      mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} integration test(s) failed`)) : resolve()));
    } catch (err) {
      // A test file that throws while loading fails the whole run; say which.
      say(`RESULT ${JSON.stringify({ passed: 0, failed: 1, pending: 0 })}`);
      say(`loading the suite failed: ${err instanceof Error ? err.stack : String(err)}`);
      reject(err);
    }
  });
}
