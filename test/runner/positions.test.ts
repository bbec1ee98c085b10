// Positions between calls (the probe's index is stale there): what the runner does about it.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Trace } from '../../src/protocol/trace';
import { disposeBundlers } from '../../src/runner/host/bundlerProcess';
import { currentPosition, newProbeBuffer, probeSlots, SHARED_POSITIONS } from '../../src/runner/shared/probe';
import { runScratch } from '../../src/runner/host/scratchRun';
import { buildRunner, fixture, WORKER } from './helpers';

/** Runs `lines` as an unsaved scratch file next to the fixtures. */
const runText = (name: string, lines: string[], timeoutMs = 5000): Promise<Trace> => runScratch({ file: fixture(name), text: lines.join('\n') + '\n', workerFile: WORKER, timeoutMs });

describe('runner: positions between calls', function () {
  this.timeout(30_000);
  before(() => buildRunner());
  after(() => disposeBundlers());

  it('the shared probe: the host reads the latest call, in the scratch file or one it imports; nothing unknown or past its size', () => {
    const buf = newProbeBuffer();
    const inputs = ['/main.grad.ts', '/lib.ts'];
    assert.equal(currentPosition(buf, inputs), undefined);
    const slots = probeSlots(buf, [{ line: 3, column: 7 }, { line: 9, column: 2, file: '/lib.ts' }, undefined, { line: 4, column: 1, file: '/unknown.ts' }], inputs);
    slots[0] = 0;
    assert.deepEqual(currentPosition(buf, inputs), { line: 3, column: 7 });
    slots[0] = 1;
    assert.deepEqual(currentPosition(buf, inputs), { line: 9, column: 2, file: '/lib.ts' });
    slots[0] = 2;
    assert.equal(currentPosition(buf, inputs), undefined);
    slots[0] = 3;
    assert.equal(currentPosition(buf, inputs), undefined);
    slots[0] = SHARED_POSITIONS + 5;
    assert.equal(currentPosition(buf, inputs), undefined);
    // Without a buffer (in-process runs), the probes still have a slot to write.
    assert.equal(probeSlots(undefined, [], []).length, 1);
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

  it('an endless loop in an imported file is placed there', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gradtape-positions-'));
    try {
      fs.writeFileSync(path.join(dir, 'spin.ts'), ['export function spin(): number {', '  let n = 1;', '  while (n > 0) n = (n * 7) % 1000 + 1;', '  return n;', '}', ''].join('\n'));
      const file = path.join(dir, 'main.grad.ts');
      fs.writeFileSync(file, ['import * as tf from "gradtape";', 'import { spin } from "./spin";', 'tf.square(tf.constant(1));', 'spin();', ''].join('\n'));
      const t = await runScratch({ file, workerFile: WORKER, timeoutMs: 1000 });
      assert.equal(t.error?.message, 'stopped after 1 s; it was at line 3 of spin.ts');
      assert.deepEqual([t.error?.pos?.file, t.error?.pos?.line], [path.join(dir, 'spin.ts'), 3]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
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

  it('a thrown non-Error is placed at its throw, not at the latest call or op', async () => {
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
    assert.equal(t.error?.pos?.line, 4);
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
