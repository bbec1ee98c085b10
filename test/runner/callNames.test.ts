// Names from the source text: an unnamed op is titled by the function the source called
// (`matmul(xb, w1)`, `reduce_mean(…)` in a .grad.py), and a gradient's result keeps its
// variable's name in an outer tape (`∂dy/∂x`, never `∂Add/∂x`). Issue 17.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { calleeAt, nameCalls } from '../../src/runner/host/callNames';
import { disposePython, runScratch } from '../../src/runner/host/scratchRun';
import type { TraceGradient, TraceNode, TraceTape } from '../../src/protocol/trace';
import { buildGraph } from '../../webview/model/graphModel';
import { TraceIndex } from '../../src/extension/format/traceIndex';
import { codeLenses, inlineValues } from '../../src/extension/format/editorMarks';
import { formatTensorHover } from '../../src/extension/format/hover';
import { buildRunner, WORKER } from './helpers';

const col = (line: string, needle: string): number => line.indexOf(needle) + 1;

describe('runner/callNames: the function the source called, at an op\'s position', () => {
  it('reads the callee at a call head, in TypeScript and Python spellings', () => {
    const lines = ['const y = tf.matmul(xb, w1);', 'loss = tf.math.reduce_mean(y)', 'const z = a + b;', 'const m = tf.max(x);', 'const g = f<number>(x);', 'const k = tf.add', '  (a, b);'];
    assert.equal(calleeAt(lines, 1, col(lines[0], 'matmul')), 'matmul');
    assert.equal(calleeAt(lines, 2, col(lines[1], 'reduce_mean')), 'reduce_mean');
    assert.equal(calleeAt(lines, 3, col(lines[2], 'a')), undefined, 'an operand is no callee');
    assert.equal(calleeAt(lines, 4, col(lines[3], 'ax')), undefined, 'the middle of an identifier is no call head');
    assert.equal(calleeAt(lines, 5, col(lines[4], 'f<')), 'f');
    assert.equal(calleeAt(lines, 6, col(lines[5], 'add')), 'add', 'arguments on the next line');
    assert.equal(calleeAt(lines, 9, 1), undefined);
  });

  it('names only the op whose result leaves its call, and never the ops a gradient call ran', () => {
    const summary = { shape: [], dtype: 'float32', size: 1, min: 0, max: 0, mean: 0, norm: 0, nanCount: 0, infCount: 0, first: [0] } as TraceNode['output'];
    const node = (id: number, op: string, inputs: number[], line: number, column: number): TraceNode => ({ id, op, inputs: inputs.map((tensorId) => ({ name: 'x', tensorId })), outputId: 100 + id, output: summary, pos: { line, column }, tapeIds: [1] });
    const source = ['const l = tf.losses.meanSquaredError(a, b);', 'const g = tape.gradient(l, w);'].join('\n');
    const c = col('const l = tf.losses.meanSquaredError(a, b);', 'meanSquaredError');
    const nodes = [node(1, 'Sub', [1, 2], 1, c), node(2, 'Square', [101], 1, c), node(3, 'Mean', [102], 1, c), node(4, 'Mul', [103], 2, 16)];
    const tape = { id: 1, nodes, leaves: [] } as unknown as TraceTape;
    nameCalls([tape], [{ pos: { line: 2, column: 16 } } as TraceGradient], source);
    assert.deepEqual(nodes.map((n) => n.call), [undefined, undefined, 'meanSquaredError', undefined]);
  });
});

describe('runner/callNames: names in a real run, in the graph and the editor', function () {
  this.timeout(180_000);
  before(() => buildRunner());
  after(() => disposePython());
  let dir: string;
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gradtape-callnames-'))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const run = async (name: string, text: string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    const trace = await runScratch({ file, workerFile: WORKER, timeoutMs: 120_000 });
    assert.equal(trace.error, undefined, JSON.stringify(trace.error));
    return trace;
  };

  it('titles unnamed ops of a .grad.ts by the calls as written (matmul, reduceMean), not the engine ops (MatMul, Mean)', async () => {
    const trace = await run('mlp.grad.ts', [
      "import * as tf from 'gradtape';",
      'const xb = tf.constant([[1, 2], [3, 4]]);',
      'const w1 = tf.variable([[0.1, 0.2], [0.3, 0.4]]);',
      'const tape = new tf.GradientTape();',
      'const loss = tape.record(() => tf.add(tf.reduceMean(tf.relu(tf.matmul(xb, w1))), 1));',
      'tape.gradient(loss, w1);',
    ].join('\n'));
    const g = buildGraph(trace.tapes, trace.gradients[0]);
    const titles = g.nodes.filter((n) => n.kind === 'op').map((n) => `${n.op}: ${n.title}`);
    assert.deepEqual(titles, ['MatMul: matmul(xb, w1)', 'Relu: relu(matmul(xb, w1))', 'Mean: reduceMean(relu(matmul(xb, w1)))', 'Add: loss']);
  });

  it('titles a .grad.py op by its Python spelling (reduce_mean)', async () => {
    const trace = await run('mean.grad.py', [
      'import tensorflow as tf',
      'x = tf.constant([[1.0, 2.0]])',
      'w = tf.Variable([[0.5], [0.25]])',
      'with tf.GradientTape() as tape:',
      '    loss = tf.math.square(tf.math.reduce_mean(tf.linalg.matmul(x, w)))',
      'g = tape.gradient(loss, w)',
    ].join('\n'));
    const g = buildGraph(trace.tapes, trace.gradients[0]);
    assert.deepEqual(g.nodes.filter((n) => n.kind === 'op').map((n) => n.title), ['matmul(x, w)', 'reduce_mean(matmul(x, w))', 'loss']);
  });

  it('const [y, dy] = outer.record(…): dy reads dy in the graph, CodeLens, hover and inline values, never Add', async () => {
    const text = [
      "import * as tf from 'gradtape';",
      'const x = tf.variable(3.0);',
      'const outer = new tf.GradientTape();',
      'const [y, dy] = outer.record(() => {',
      '  const tape = new tf.GradientTape();',
      '  const y = tape.record(() => tf.multiply(x, tf.multiply(x, x)));',
      '  const dy = tape.gradient(y, x);',
      '  return [y, dy];',
      '});',
      'const d2y = outer.gradient(dy, x);',
    ].join('\n');
    const trace = await run('hessian.grad.ts', text);
    const outerCall = trace.gradients.find((g) => g.pos?.line === 10)!;
    assert.equal(outerCall.targets[0].name, 'dy');
    const index = TraceIndex.of(trace);
    assert.equal(index.targetLabel(outerCall), 'dy');
    const lens = codeLenses(trace, text.split('\n')).map((l) => JSON.stringify(l)).join('\n');
    assert.match(lens, /∂dy\/∂x/);
    assert.doesNotMatch(lens, /Add/);
    const inline = JSON.stringify(inlineValues(trace));
    assert.match(inline, /∂dy\/∂x/);
    assert.doesNotMatch(inline, /∂Add/);
    const ref = index.tensors.get(outerCall.targets[0].tensorId)!;
    const hover = formatTensorHover(index, ref, { docUri: 'file:///h.grad.ts' } as never);
    assert.match(hover, /dy/);
    assert.doesNotMatch(hover, /∂Add/);
    const outerTape = trace.tapes.find((t) => t.id === outerCall.tapeId)!;
    const g = buildGraph([outerTape], outerCall);
    assert.equal(g.nodes[g.byTensor.get(outerCall.targets[0].tensorId)!].title, 'dy');
  });
});
