// The bundle step's limits: a time limit and a cancel that end a request at once (and its thread),
// and the size above which the bundle is not instrumented.
import assert from 'node:assert/strict';
import { bundleInProcess, disposeBundlers } from '../../src/runner/host/bundlerProcess';
import { instrument, INSTRUMENT_MAX_CHARS } from '../../src/runner/shared/instrument';
import { buildRunner, fixture, WORKER } from '../runner/helpers';

const FILE = fixture('runner-console.grad.ts');
const TEXT = 'import * as tf from "gradtape";\nconsole.log(tf.add(1, 2).dataSync()[0]);\n';

describe('runner: bundle step limits', function () {
  this.timeout(60_000);
  before(() => buildRunner());
  after(() => disposeBundlers());

  it('a request past its time limit ends with a timeout naming the file size; the next one bundles', async () => {
    const r = await bundleInProcess(WORKER, 'native', FILE, TEXT, { timeoutMs: 0 });
    assert.ok(!('code' in r));
    assert.equal(r.kind, 'timeout');
    assert.match(r.message, /^bundling the file \(0\.0 MB\) took more than 0 s; stopped$/);
    const again = await bundleInProcess(WORKER, 'native', FILE, TEXT, { timeoutMs: 30_000 });
    assert.ok('code' in again, JSON.stringify(again));
  });

  it('a cancel ends a request at once, and the next one bundles', async () => {
    const ac = new AbortController();
    const pending = bundleInProcess(WORKER, 'native', FILE, TEXT, { signal: ac.signal });
    ac.abort();
    const r = await pending;
    assert.ok(!('code' in r));
    assert.equal(r.kind, 'cancelled');
    const again = await bundleInProcess(WORKER, 'native', FILE, TEXT);
    assert.ok('code' in again, JSON.stringify(again));
  });

  it('a bundle over the instrumenting threshold is left as it is (positions come from stacks)', async () => {
    const big = `${TEXT}const data = [${'0,'.repeat(INSTRUMENT_MAX_CHARS / 2)}];\nconsole.log(data.length);\n`;
    const r = await bundleInProcess(WORKER, 'native', FILE, big);
    assert.ok('code' in r, JSON.stringify(r).slice(0, 300));
    assert.equal(r.instrumented, undefined);
    const small = await bundleInProcess(WORKER, 'native', FILE, TEXT);
    assert.ok('code' in small && small.instrumented, 'a small bundle is instrumented');
    assert.equal(instrument('f();'.repeat(INSTRUMENT_MAX_CHARS / 4 + 1), () => ({ line: 1, column: 1 })), undefined);
  });
});
