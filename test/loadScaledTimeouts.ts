/**
 * Mocha's per-test time limit is a safety net against a hung test, not a measure of speed (those
 * live in `npm run bench`). On a machine whose cores are shared (CI runs beside other work), a live
 * but slowed test must not fail for it: each test's limit grows with the load average per core,
 * read as the test starts (up to 8×).
 */
import os from 'node:os';

export function loadFactor(): number {
  const perCore = os.loadavg()[0] / Math.max(1, os.availableParallelism());
  return Math.min(8, Math.max(1, perCore));
}

export const mochaHooks = {
  beforeEach(this: Mocha.Context): void {
    const test = this.currentTest;
    const limit = test?.timeout() ?? 0;
    if (test && limit > 0) test.timeout(Math.round(limit * loadFactor()));
  },
};

/** A wait's limit in ms, grown with the load as the tests' own limits are (for Playwright's waits). */
export function scaled(ms: number): number {
  return Math.round(ms * loadFactor());
}
