// The seed article's three programs, copied verbatim into examples/*.grad.py, run through the
// runner as the CLI and the extension run them: their printed numbers and their traces.
import assert from 'node:assert/strict';
import { disposePython, runScratch } from '../../src/runner/host/scratchRun';
import { buildRunner, example, WORKER } from '../runner/helpers';

const run = (name: string) => runScratch({ file: example(name), workerFile: WORKER, warm: true, timeoutMs: 60_000 });
const printed = (t: Awaited<ReturnType<typeof run>>): string => t.console.map((l) => l.text).join('\n');

describe('python: the seed programs as .grad.py', function () {
  // Pyodide's cold start takes seconds on a loaded machine (once; later runs take a warm worker).
  this.timeout(180_000);
  before(() => buildRunner());
  after(() => disposePython());

  it('01: the gradient of the squared difference, with the corrected sign, as TF prints the repr', async () => {
    const t = await run('01-squared-difference.grad.py');
    assert.equal(t.error, undefined, JSON.stringify(t.error));
    assert.equal(printed(t), '<tf.Tensor: shape=(2, 1), dtype=float32, numpy=\narray([[-0.39999998],\n       [-0.79999995]], dtype=float32)>');
    const [g] = t.gradients;
    assert.equal(g.resultName, 'gradients');
    assert.equal(g.pos?.line, 23);
    const tape = t.tapes[0];
    assert.equal(tape.name, 'tape');
    assert.deepEqual(tape.nodes.map((n) => [n.name, n.op, n.pos?.line]), [['output', 'MatMul', 19], ['loss', 'SquaredDifference', 21]]);
    // The call's column is the callee's last identifier, as for .grad.ts (`matmul` of tf.linalg.matmul).
    assert.equal(tape.nodes[0].pos?.column, 'output = tf.linalg.'.length + 4 + 1);
  });

  it('02: tape.watch on a constant and a persistent tape give the same gradient twice', async () => {
    const t = await run('02-watch-persistent.grad.py');
    assert.equal(t.error, undefined, JSON.stringify(t.error));
    assert.match(printed(t), /numpy=\narray\(\[\[-0\.39999998\],\n {7}\[-0\.79999995\]\], dtype=float32\)>$/);
    assert.equal(t.gradients.length, 2);
    assert.deepEqual(t.gradients.map((g) => g.resultName), ['gradients', 'gradients_copy']);
    assert.equal(t.tapes[0].persistent, true);
  });

  it("03: the training loop's final weights exactly", async () => {
    const t = await run('03-training-loop.grad.py');
    assert.equal(t.error, undefined, JSON.stringify(t.error));
    assert.equal(printed(t), "<tf.Variable 'Variable:0' shape=(2, 1) dtype=float32, numpy=\narray([[0.02995202],\n       [0.47385702]], dtype=float32)>");
    assert.equal(t.tapes.length, 3);
    // `for data, y_true in dataset` names each element's tensors.
    assert.ok(t.tapes[0].leaves.some((l) => l.name === 'y_true'), JSON.stringify(t.tapes[0].leaves.map((l) => l.name)));
  });
});
