// Positions between calls (the probe's index is stale there): what the runner does about it.
import assert from 'node:assert/strict';
import type { Trace } from '../../src/protocol/trace';
import { disposeBundlers } from '../../src/runner/bundler';
import { currentPosition, newProbeBuffer, probeSlots, SHARED_POSITIONS } from '../../src/runner/probe';
import { runScratch } from '../../src/runner/scratchRun';
import { buildRunner, fixture, WORKER } from './helpers';

/** Runs `lines` as an unsaved scratch file next to the fixtures. */
const runText = (name: string, lines: string[], timeoutMs = 5000): Promise<Trace> => runScratch({ file: fixture(name), text: lines.join('\n') + '\n', workerFile: WORKER, timeoutMs });

describe('runner: positions between calls', function () {
  this.timeout(30_000);
  before(() => buildRunner());
  after(() => disposeBundlers());

  it('the shared probe: the host reads the latest call of the scratch file, nothing for other files or past its size', () => {
    const buf = newProbeBuffer();
    assert.equal(currentPosition(buf), undefined);
    const slots = probeSlots(buf, [{ line: 3, column: 7 }, { line: 9, column: 2, file: '/elsewhere.ts' }, undefined]);
    slots[0] = 0;
    assert.deepEqual(currentPosition(buf), { line: 3, column: 7 });
    slots[0] = 1;
    assert.equal(currentPosition(buf), undefined);
    slots[0] = 2;
    assert.equal(currentPosition(buf), undefined);
    slots[0] = SHARED_POSITIONS + 5;
    assert.equal(currentPosition(buf), undefined);
    // Without a buffer (in-process runs), the probes still have a slot to write.
    assert.equal(probeSlots(undefined, []).length, 1);
  });

  it('an endless loop that runs no op is stopped at the loop, not at the last op before it', async () => {
    const t = await runText('runner-stale-spin.grad.ts', [
      'import * as tf from "gradtape";',
      'const x = tf.square(tf.constant(2));',
      'console.log(x.toString());',
      'let n = 0;',
      'while (n >= 0) {',
      '  n = (n + 1) % 1000;',
      '}',
    ], 1000);
    assert.equal(t.error?.kind, 'timeout');
    assert.equal(t.error?.message, 'stopped after 1 s; it was at line 5');
    assert.deepEqual([t.error?.pos?.line, t.error?.pos?.column], [5, 1]);
  });

  it('`new X` without parentheses is placed at its own line', async () => {
    const t = await runText('runner-stale-new.grad.ts', [
      'import * as tf from "gradtape";',
      'const w = tf.variable(2);',
      'console.log(w.shape.length);',
      'const tape = new tf.GradientTape;',
      'const y = tape.record(() => tf.square(w));',
    ]);
    assert.equal(t.ok, true, JSON.stringify(t.error));
    assert.equal(t.tapes[0].pos?.line, 4);
    assert.equal(t.tapes[0].name, 'tape');
  });

  it('an error whose stack has no frame of the user\'s is placed at the latest call, not the latest op', async () => {
    const t = await runText('runner-stale-nostack.grad.ts', [
      'import * as tf from "gradtape";',
      'Error.stackTraceLimit = 0;',
      'const y = tf.square(tf.constant(3));',
      'tf.linalg.matmul(tf.ones([2, 3]), tf.ones([2, 3]));',
    ]);
    assert.equal(t.error?.name, 'InvalidArgumentError');
    assert.equal(t.error?.pos?.line, 4);
  });

  it('a thrown non-Error is placed at the latest call, not the latest op', async () => {
    const t = await runText('runner-stale-nonerror.grad.ts', [
      'import * as tf from "gradtape";',
      'const y = tf.square(tf.constant(3));',
      'function fail(): never {',
      '  throw { code: 7 };',
      '}',
      'fail();',
    ]);
    assert.equal(t.error?.kind, 'exception');
    assert.match(t.error?.message ?? '', /a non-Error value was thrown: \{ code: 7 \}/);
    assert.equal(t.error?.pos?.line, 6);
  });

  it('an error thrown in the engine through an implicit call (a getter) is placed by its stack', async () => {
    const t = await runText('runner-stale-getter.grad.ts', [
      'import * as tf from "gradtape";',
      'const a = tf.ones([2, 3]);',
      'const model = {',
      '  get product() {',
      '    return tf.linalg.matmul(a, a);',
      '  },',
      '};',
      'tf.square(a);',
      'console.log(`${model.product}`);',
    ]);
    assert.equal(t.error?.name, 'InvalidArgumentError');
    assert.deepEqual([t.error?.pos?.line, t.error?.pos?.column], [5, 22]);
  });
});
