// Function parameters name tensors through runScratch (a real worker): statically where a call is
// passed to a function of the file, at run time where an unnamed tensor reaches a parameter.
import assert from 'node:assert/strict';
import path from 'node:path';
import os from 'node:os';
import fs from 'node:fs';
import type { Trace, TraceLeaf } from '../../src/protocol/trace';
import { disposeBundlers } from '../../src/runner/host/bundlerProcess';
import { runScratch } from '../../src/runner/host/scratchRun';
import { buildRunner, fixture, WORKER } from './helpers';

const run = (name: string): Promise<Trace> => runScratch({ file: fixture(name), workerFile: WORKER, timeoutMs: 5000 });
const leafNames = (leaves: TraceLeaf[]): string[] => leaves.map((l) => `${l.kind} ${l.name ?? '?'}`);

describe('runner: parameters name what is passed to them', function () {
  this.timeout(30_000);
  before(() => buildRunner());
  after(() => disposeBundlers());

  it('a temporary takes the parameter name; a variable and named tensors keep theirs; destructured parameters too', async () => {
    const t = await run('runner-params.grad.ts');
    assert.equal(t.ok, true, JSON.stringify(t.error));
    const [tape] = t.tapes;
    const byOp = (op: string, line: number): string | undefined => tape.nodes.find((n) => n.op === op && n.pos?.line === line)?.name;
    // lossOf(tf.add(a, b)): the Add is `w` (a node: named when it ran, from the call site).
    assert.equal(byOp('Add', 16), 'w');
    // scaled({ x: tf.reshape(a, [2]), scale: tf.fill([2], 3) }): the Reshape is `x`, the filled constant `scale`.
    assert.equal(byOp('Reshape', 18), 'x');
    // lossOf(weights) and the watched a, b keep their own names; pair([tf.reshape(b, [2]), a]) makes `p`
    // and leaves `a` (passed for q) as it was.
    assert.deepEqual(leafNames(tape.leaves).sort(), ['constant a', 'constant b', 'constant scale', 'tensor p', 'variable weights']);
  });

  it('at run time: callbacks, helpers called with named or unnamed tensors, nested calls, dataset map functions', async () => {
    const t = await run('runner-params-runtime.grad.ts');
    assert.equal(t.ok, true, JSON.stringify(t.error));
    assert.equal(t.tapes.length, 2);
    const [tape, dsTape] = t.tapes;
    // samples.map((item) => …) names the two array elements; `input` and the variable `w` keep their
    // names though they are passed for `sample` and `weight`; outer(tf.constant(…)) names it `u`
    // at the call site, and score(u, w) inside does not rename it `sample`.
    assert.deepEqual(leafNames(tape.leaves), ['variable w', 'constant item', 'constant item', 'constant input', 'constant u']);
    assert.ok(!leafNames(tape.leaves).some((n) => /sample|weight/.test(n)));
    // Dataset elements are made by the engine while iterating: the map function's parameter names them.
    assert.deepEqual(leafNames(dsTape.leaves), ['constant element', 'constant element']);
    assert.deepEqual(dsTape.leaves.map((l) => l.value.first), [[1, 1], [2, 2]]);
  });

  it('a declaration binding a call of the file\'s own function names what it returns: leaves and nodes', async () => {
    const t = await run('runner-bindings.grad.ts');
    assert.equal(t.ok, true, JSON.stringify(t.error));
    const [tape] = t.tapes;
    // const [xs, ys] = makeSet(); const { inputs: ins, targets } = pair(): constants made inside the functions.
    const names = tape.leaves.map((l) => l.name);
    for (const n of ['xs', 'ys', 'w']) assert.ok(names.includes(n), `${n} in ${names.join(', ')}`);
    // const pred = scale(…): the Mul ran inside scale (line 6) and went out unnamed; it takes `pred` afterwards.
    const muls = tape.nodes.filter((n) => n.op === 'Mul' && n.pos?.line === 6).map((n) => n.name);
    assert.deepEqual(muls, ['pred']);
    // Unwatched, so off the tape: ins and targets (an object pattern) and kept (scale's result) label the leaf they make.
    assert.ok(names.includes('mul(mul(ins, targets), kept)'), names.join(', '));
  });

  it('one call that runs several ops names only its result; the same op repeated in a loop keeps every name', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gradtape-results-'));
    const file = path.join(dir, 'results.grad.ts');
    fs.writeFileSync(file, [
      'import * as tf from "gradtape";',
      'const w = tf.variable([3, 4], { name: "w" });',
      'const tape = new tf.GradientTape();',
      'const total = tape.record(() => {',
      '  const n = tf.norm(w);',
      '  let x = n;',
      '  for (let i = 0; i < 3; i++) x = tf.add(x, 1);',
      '  return x;',
      '});',
      'tape.gradient(total, w);',
    ].join('\n'));
    const t = await runScratch({ file, workerFile: WORKER, timeoutMs: 10_000 });
    assert.equal(t.ok, true, JSON.stringify(t.error));
    const nodes = t.tapes[0].nodes;
    // tf.norm is several ops at line 5: only the last, whose value n binds, is `n`.
    const atNorm = nodes.filter((n) => n.pos?.line === 5);
    assert.ok(atNorm.length > 1, atNorm.map((n) => n.op).join(', '));
    assert.deepEqual(atNorm.map((n) => n.name ?? null), [...atNorm.slice(1).map(() => null), 'n']);
    // x = tf.add(x, 1) three times: each Add is x.
    assert.deepEqual(nodes.filter((n) => n.pos?.line === 7).map((n) => n.name), ['x', 'x', 'x']);
  });
});
