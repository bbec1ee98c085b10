// Keras objects in a run: each layer call that records ops becomes a TraceScope over its node ids,
// layer weights keep their Keras names (not the line's), the model's result takes the source's
// name, and summary() reaches the console.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { TraceScope } from '../../src/protocol/trace';
import type { TraceEvent } from '../../src/protocol/worker';
import { ScopeRows } from '../../src/runner/run/recorder';
import { layerCalls } from '../webview/fixtures/layerCalls';
import { runScratch } from '../../src/runner/host/scratchRun';
import { TraceAssembler } from '../../src/runner/host/assemble';
import { disposeBundlers } from '../../src/runner/host/bundlerProcess';
import { buildRunner, example, fixture, WORKER } from './helpers';
import { buildGraph, gradientsFor, tapesAtStep } from '../../webview/model/graphModel';
import { foldLayers, layerKey, scopeResultNames } from '../../webview/model/layers';

const SOURCE = `
import * as tf from "gradtape";
const model = new tf.keras.Sequential([
  new tf.keras.layers.Dense(4, { activation: "relu", kernelInitializer: new tf.keras.initializers.GlorotUniform({ seed: 1 }) }),
  new tf.keras.layers.Dense(2, { kernelInitializer: new tf.keras.initializers.GlorotUniform({ seed: 2 }) }),
]);
const x = tf.constant([[1, 2, 3]]);
const tape = new tf.GradientTape();
const loss = tape.record(() => {
  const logits = model(x, { training: true });
  return tf.reduceSum(tf.square(logits));
});
const grads = tape.gradient(loss, model.trainableVariables);
model.summary();
`;

describe('runner/keras', function () {
  this.timeout(60_000);
  before(() => buildRunner());
  after(() => disposeBundlers());

  it('records layer calls as scopes, keeps Keras names on weights and names the model\'s result', async () => {
    const t = await runScratch({ file: fixture('keras-inline.grad.ts'), text: SOURCE, workerFile: WORKER, timeoutMs: 20_000 });
    assert.equal(t.ok, true, JSON.stringify(t.error));
    const scopes = t.scopes ?? [];
    assert.deepEqual(
      scopes.map((s) => [s.name, s.className, s.model, s.parentId === undefined ? null : scopes.find((p) => p.id === s.parentId)?.name]),
      [
        ['sequential', 'Sequential', true, null],
        ['dense', 'Dense', false, 'sequential'],
        ['dense_1', 'Dense', false, 'sequential'],
      ],
    );
    const tape = t.tapes[0];
    const inScope = (name: string) => {
      const s = scopes.find((x) => x.name === name)!;
      return tape.nodes.filter((n) => n.id > s.afterNodeId && n.id <= s.lastNodeId).map((n) => n.op);
    };
    assert.deepEqual(inScope('dense'), ['MatMul', 'Add', 'Relu']);
    assert.deepEqual(inScope('dense_1'), ['MatMul', 'Add']);
    assert.deepEqual(inScope('sequential'), ['MatMul', 'Add', 'Relu', 'MatMul', 'Add']);
    assert.equal(scopes[0].pos?.line, 10);
    const vars = tape.leaves.filter((l) => l.kind === 'variable').map((l) => l.name);
    assert.deepEqual(vars, ['dense/kernel', 'dense/bias', 'dense_1/kernel', 'dense_1/bias']);
    // The ops inside the layers are not all named by the line; the model's result is, through its scope.
    assert.deepEqual(tape.nodes.map((n) => n.name), [undefined, undefined, undefined, undefined, undefined, undefined, 'loss']);
    const last = tape.nodes[4];
    assert.equal(scopes[0].outputId, last.outputId);
    assert.equal(scopes[0].resultName, 'logits');
    assert.equal(scopes[1].resultName, undefined);
    const g = t.gradients[0];
    assert.deepEqual(g.sources.map((s) => s.name), ['dense/kernel', 'dense/bias', 'dense_1/kernel', 'dense_1/bias']);
    const text = t.console.map((l) => l.text).join('\n');
    assert.match(text, /Model: "sequential"/);
    assert.match(text, /│ dense_1 \(Dense\)\s+│ \(None, 2\)\s+│\s+10 │/);
    assert.match(text, / Total params: 26 \(104\.00 B\)/);

    // The panel: each layer one box (its weights inside), the model a frame around them.
    const tapes = tapesAtStep(t, 0);
    const graph = buildGraph(tapes, gradientsFor(t, tapes)[0], scopeResultNames(t.scopes));
    const view = foldLayers(graph, t.scopes, new Set())!;
    assert.deepEqual(view.nodes.map((n) => [n.kind, n.title]), [['leaf', 'x'], ['group', 'dense (Dense)'], ['group', 'dense_1 (Dense)'], ['op', 'square(logits)'], ['op', 'loss']]);
    assert.deepEqual(view.nodes.filter((n) => n.kind === 'group').map((n) => [n.title, n.op]), [['dense (Dense)', '3 ops · 2 leaves'], ['dense_1 (Dense)', '2 ops · 2 leaves → logits']]);
    assert.equal(view.nodes.filter((n) => n.kind === 'leaf').length, 1, 'only x: the weights are inside their layers');
    assert.deepEqual(view.frames?.map((f) => [f.label, f.members.map((m) => view.nodes[m].title)]), [['sequential (Sequential)', ['dense (Dense)', 'dense_1 (Dense)']]]);
    // Opened: dense_1's ops and weights are drawn, framed, and its result is titled by the source.
    const open = foldLayers(graph, t.scopes, new Set([layerKey(t.scopes![2])]))!;
    assert.deepEqual(open.nodes.filter((n) => n.kind === 'group').map((n) => n.title), ['dense (Dense)']);
    assert.ok(open.nodes.some((n) => n.kind === 'op' && n.title === 'logits'));
    const frame = open.frames?.find((f) => f.label === 'dense_1 (Dense)');
    assert.deepEqual(frame?.members.map((m) => open.nodes[m].title).sort(), ['dense_1/bias', 'dense_1/kernel', 'logits', 'matMul(dense, dense_1/kernel)'].sort());
  });

  it('examples/10-keras-iris: the training loop runs, learns iris, and its layers are scopes with Keras-named weights', async () => {
    const t = await runScratch({ file: example('10-keras-iris.grad.ts'), workerFile: WORKER, timeoutMs: 60_000 });
    assert.equal(t.ok, true, JSON.stringify(t.error));
    const acc = Number(/validation accuracy after 20 epochs: ([\d.]+)/.exec(t.console.map((l) => l.text).join('\n'))?.[1]);
    assert.ok(acc >= 0.9, `validation accuracy ${acc}`);
    const loss = t.curves.find((c) => c.name === 'loss')!;
    assert.equal(loss.points.length, 20 * 8);
    assert.ok(Number(loss.points[loss.points.length - 1].value) < Number(loss.points[0].value) / 4, 'the loss falls');
    const first = t.tapes[0];
    assert.deepEqual(first.leaves.filter((l) => l.kind === 'variable').map((l) => l.name), ['dense/kernel', 'dense/bias', 'dense_1/kernel', 'dense_1/bias', 'dense_2/kernel', 'dense_2/bias']);
    assert.deepEqual(t.gradients[0].sources.map((s) => s.name), ['dense/kernel', 'dense/bias', 'dense_1/kernel', 'dense_1/bias', 'dense_2/kernel', 'dense_2/bias']);
    const ids = new Set(first.nodes.map((n) => n.id));
    const names = (t.scopes ?? []).filter((s) => ids.has(s.lastNodeId)).map((s) => s.name);
    assert.deepEqual(names, ['sequential', 'dense', 'dense_1', 'dense_2']);
  });

  it('examples/11-keras-subclassed-model: fields are tracked, custom layers nest their weights, and it fits', async () => {
    const t = await runScratch({ file: example('11-keras-subclassed-model.grad.ts'), workerFile: WORKER, timeoutMs: 60_000 });
    assert.equal(t.ok, true, JSON.stringify(t.error));
    const lines = t.console.map((l) => l.text);
    assert.equal(
      lines[0],
      'dense/kernel:0, dense/bias:0, residual/layer_normalization/gamma:0, residual/layer_normalization/beta:0, residual/dense_2/kernel:0, residual/dense_2/bias:0, residual_1/layer_normalization_1/gamma:0, residual_1/layer_normalization_1/beta:0, residual_1/dense_3/kernel:0, residual_1/dense_3/bias:0, batch_normalization/gamma:0, batch_normalization/beta:0, dense_1/kernel:0, dense_1/bias:0',
    );
    const loss = Number(/inference loss: ([\d.e-]+)/.exec(lines.join('\n'))?.[1]);
    assert.ok(loss < 0.1, `inference loss ${loss}`);
    const scopes = t.scopes ?? [];
    const block = scopes.find((s) => s.name === 'residual')!;
    assert.deepEqual(scopes.filter((s) => s.parentId === block.id).map((s) => s.name), ['layer_normalization', 'dense_2']);
  });

  it('examples/12-keras-conv-digits: Conv2D, MaxPooling2D, Flatten, Dense learn the digits; the last step keeps the feature maps inside the conv2d frame', async () => {
    const t = await runScratch({ file: example('12-keras-conv-digits.grad.ts'), workerFile: WORKER, timeoutMs: 60_000 });
    assert.equal(t.ok, true, JSON.stringify(t.error));
    const text = t.console.map((l) => l.text).join('\n');
    const acc = Number(/test accuracy \(new shifts and noise\) ([\d.]+)/.exec(text)?.[1]);
    assert.ok(acc >= 0.8, `test accuracy ${acc}`);
    assert.match(text, /│ conv2d \(Conv2D\)\s+│ \(None, 8, 8, 8\)\s+│\s+80 │/);
    assert.deepEqual(t.gradients[0].sources.map((s) => s.name), ['conv2d/kernel', 'conv2d/bias', 'dense/kernel', 'dense/bias']);
    const last = t.tapes.filter((tape) => tape.detailed).at(-1)!;
    assert.equal(last.step, 5 * 15 - 1, 'the last step is detailed');
    const ids = new Set(last.nodes.map((n) => n.id));
    const calls = (t.scopes ?? []).filter((s) => ids.has(s.lastNodeId));
    assert.deepEqual(calls.map((s) => s.name), ['sequential', 'conv2d', 'max_pooling2d', 'flatten', 'dense']);
    const conv = calls[1];
    const maps = last.nodes.find((n) => n.id === conv.lastNodeId)!;
    assert.equal(maps.op, 'Relu');
    assert.deepEqual(maps.output.shape, [8, 8, 8, 8]);
    assert.equal(maps.output.values?.length, 8 * 8 * 8 * 8, 'the feature maps are kept, for the panel to draw as images');
  });

  it('layer calls cross to the host as columns and come back field for field, in order (property)', () => {
    const pos = fc.record({ line: fc.integer({ min: 1, max: 1e5 }), column: fc.nat(200), file: fc.constantFrom('/ws/a.ts', '/ws/layers.ts') }, { noNullPrototype: true, requiredKeys: ['line', 'column'] });
    fc.assert(fc.property(fc.array(layerCalls(pos), { minLength: 1, maxLength: 3 }), (batches) => {
      const a = new TraceAssembler('/x.grad.ts', new Date());
      const rows = new ScopeRows();
      for (const batch of batches) {
        for (const s of batch) rows.add(s);
        const e = rows.take();
        if (batch.length === 0) assert.equal(e, undefined, 'no event without a call');
        else {
          // Numbers only, in typed-array columns (the panel wire's), and each name once per batch.
          const clone = structuredClone(e!) as Extract<TraceEvent, { kind: 'scopeRows' }>;
          for (const col of [clone.scopes.id, clone.scopes.parentId, clone.scopes.name, clone.scopes.afterNodeId, clone.scopes.pos.line, clone.scopes.resultName]) {
            assert.ok(col instanceof Int32Array && col.length === batch.length);
          }
          assert.equal(new Set(clone.strings).size, clone.strings.length);
          a.apply(clone);
        }
      }
      // The recorder's objects, field for field and key for key (the CLI's --json is compared as text).
      assert.equal(JSON.stringify((a as unknown as { scopes: TraceScope[] }).scopes), JSON.stringify(batches.flat()));
    }), { numRuns: 200 });
  });

  it('a long run keeps its layer calls bounded: those holding no kept node go, the newest stay', () => {
    const a = new TraceAssembler('/x.grad.ts', new Date());
    const rows = new ScopeRows();
    for (let i = 1; i <= 20_000; i++) {
      rows.add({ id: i, name: 'dense', className: 'Dense', model: false, afterNodeId: 10 * i, lastNodeId: 10 * i + 3 });
      a.apply(rows.take()!);
    }
    const internal = (a as unknown as { scopes: unknown[] }).scopes;
    assert.ok(internal.length <= 8192 + 1, `${internal.length} scopes held`);
    assert.equal(a.finish(undefined, 1).scopes, undefined, 'none holds a kept node');
  });
});

