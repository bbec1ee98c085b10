// The panel's inspector questions, answered by the runner's inspect thread (dist/worker.js, role
// 'inspect'), which replays recorded nodes through the engine's real ops; and a new op, defined in
// one place, that the inspector answers for with nothing else changed.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defineOp } from '../../src/engine/op';
import { inspect, type InspectAnswer, type Num } from '../../src/engine/inspect';
import { GradientTape, Tensor, multiply, reduceSum, variable } from '../../src/engine/index';
import type { Trace } from '../../src/protocol/trace';
import { inspectJob } from '../../src/runner/host/inspectJob';
import { disposeInspector, inspectTrace } from '../../src/runner/host/scratchRun';
import { runScratch } from '../../src/runner/host/scratchRun';
import { summary } from '../webview/fixtures/traceBuilder';
import { example, WORKER } from './helpers';

const node = (a: InspectAnswer) => (a.kind === 'node' ? a : assert.fail('a node answer'));
const n = (v: Num) => Number(v);

describe('runner: the inspect thread', function () {
  this.timeout(60_000);
  after(() => disposeInspector());

  it('answers as the engine does in this thread, quickly once warm; a second question reuses the replayed tape', async () => {
    const trace = await runScratch({ file: example('03-training-loop.grad.ts'), workerFile: WORKER });
    const g = trace.gradients[0];
    const tape = trace.tapes.find((t) => t.id === g.tapeId)!;
    const mm = tape.nodes.find((x) => x.op === 'MatMul')!;
    const query = { kind: 'node' as const, tensorId: mm.outputId, nodeId: mm.id };
    let t0 = performance.now();
    const first = await inspectTrace(trace, { gradientId: g.id, tapeIds: [], query }, WORKER);
    const cold = performance.now() - t0;
    assert.deepEqual(first, inspect(inspectJob(trace, g.id)!, query));
    const a = node(first);
    assert.equal(a.derivative?.text, '∂L/∂a = ∂L/∂out · bᵀ, ∂L/∂b = aᵀ · ∂L/∂out');
    assert.ok(a.fd.ok && a.fd.agrees, JSON.stringify(a.fd));
    t0 = performance.now();
    const walk = await inspectTrace(trace, { gradientId: g.id, tapeIds: [], query: { kind: 'walk', seed: g.sources[0].tensorId, element: 1 } }, WORKER);
    const warm = performance.now() - t0;
    assert.equal(walk.kind, 'walk');
    if (walk.kind === 'walk') {
      assert.ok(walk.steps.every((s) => s.matches.every((m, k) => m !== false || !s.complete[k])), 'every completed adjoint equals the recorded one');
      assert.ok(walk.jvp.ok && Math.abs(n(walk.jvp.targetTangent) - n(walk.jvp.reverse!)) < 1e-4, JSON.stringify(walk.jvp));
    }
    console.log(`      inspect thread: first answer ${cold.toFixed(0)} ms (thread start), next ${warm.toFixed(1)} ms`);
  });

  it('answers for the convolution and pooling ops (replayed with their recorded attributes): FD check and forward mode agree', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gradtape-conv-'));
    const file = path.join(dir, 'conv.grad.ts');
    fs.writeFileSync(file, [
      'import * as tf from "gradtape";',
      'const x = tf.constant([[[[0.1], [0.9], [-0.4], [0.3]], [[0.5], [-0.2], [0.8], [0.6]], [[-0.7], [0.4], [0.2], [-0.1]], [[0.3], [0.7], [-0.5], [0.25]]]]);',
      'const w = tf.variable(tf.constant([[[[0.5, -0.3]], [[0.2, 0.8]]], [[[-0.6, 0.1]], [[0.4, 0.7]]]]), { name: "w" });',
      'const tape = new tf.GradientTape();',
      'const loss = tape.record(() => tf.reduceSum(tf.square(tf.nn.avgPool2d(tf.nn.maxPool2d(tf.nn.conv2d(x, w, 1, "SAME"), 2, 1, "VALID"), 2, 1, "SAME"))));',
      'const dw = tape.gradient(loss, w);',
    ].join('\n'));
    const trace = await runScratch({ file, workerFile: WORKER });
    fs.rmSync(dir, { recursive: true, force: true });
    assert.ok(trace.ok, JSON.stringify(trace.error));
    const g = trace.gradients[0];
    const tape = trace.tapes.find((t) => t.id === g.tapeId)!;
    assert.deepEqual(tape.nodes.map((x) => x.op), ['Conv2D', 'MaxPool', 'AvgPool', 'Square', 'Sum']);
    const job = inspectJob(trace, g.id)!;
    for (const nd of tape.nodes.slice(0, 3)) {
      const a = node(inspect(job, { kind: 'node', tensorId: nd.outputId, nodeId: nd.id }));
      assert.ok(a.derivative && a.derivative.text.length > 0, nd.op);
      assert.ok(a.fd.ok && a.fd.agrees, `${nd.op}: ${JSON.stringify(a.fd)}`);
    }
    const fdW = node(inspect(job, { kind: 'node', tensorId: g.sources[0].tensorId })).fd;
    assert.ok(fdW.ok && fdW.agrees, JSON.stringify(fdW));
    const walk = inspect(job, { kind: 'walk', seed: g.sources[0].tensorId, element: 3 });
    assert.ok(walk.kind === 'walk' && walk.jvp.ok && Math.abs(n(walk.jvp.targetTangent) - n(walk.jvp.reverse!)) < 1e-4, JSON.stringify(walk.kind === 'walk' && walk.jvp));
  });

  it('says why when there is nothing to answer: an unknown gradient call, a value kept only as a summary', async () => {
    const trace = await runScratch({ file: example('01-squared-difference.grad.ts'), workerFile: WORKER });
    await assert.rejects(inspectTrace(trace, { gradientId: 987654, tapeIds: [], query: { kind: 'node', tensorId: 1 } }, WORKER), /no gradient call 987654/);
    const g = trace.gradients[0];
    const tape = trace.tapes.find((t) => t.id === g.tapeId)!;
    const leaf = tape.leaves[0];
    delete leaf.value.values; // as the runner keeps a large tensor
    const a = node(await inspectTrace(trace, { gradientId: g.id, tapeIds: [], query: { kind: 'node', tensorId: leaf.tensorId } }, WORKER));
    assert.deepEqual(a.fd, { ok: false, reason: 'the value is too large to be kept in the trace' });
  });
});

describe('inspector: a new op is answered for from its one definition', () => {
  // The op's one file: forward, gradient rule, derivative text. Nothing under webview/ knows it.
  const Cube = defineOp({
    name: 'TestCube',
    inputs: ['x'],
    derivative: '∂out/∂x = 3x²',
    forward: ([x]) => multiply(multiply(x, x), x),
    gradient: (dy, [x]) => [() => multiply(dy, multiply(3, multiply(x, x)))],
  });

  it('derivative text, chain-rule product, finite-difference check and JVP', () => {
    // Record a tape with the op and write it as the runner would (TraceNode, values, adjoints).
    const x = variable(new Tensor(Float32Array.from([0.5, -1.5]), [2], 'float32'));
    const tape = new GradientTape();
    let y!: Tensor, s!: Tensor;
    tape.record(() => {
      y = Cube.apply([x]);
      s = reduceSum(y);
    });
    const dx = tape.gradient(s, x) as Tensor;
    const trace: Trace = {
      version: 1, file: '/ws/cube.grad.ts', startedAt: 'now', durationMs: 1, ok: true, console: [], curves: [], diagnostics: [], unrecordedLines: [],
      stats: { ops: 2, recordedOps: 2, tapes: 1, gradientCalls: 1, droppedSteps: 0 },
      tapes: [{
        id: 1, persistent: false, watchAccessedVariables: true, step: 0, detailed: true, nodeCount: 2, bytes: 0,
        leaves: [{ tensorId: x.id, kind: 'variable', name: 'x', trainable: true, watched: true, value: summary([...x.data], [2]) }],
        nodes: [
          { id: 1, op: 'TestCube', inputs: [{ name: 'x', tensorId: x.id }], outputId: y.id, output: summary([...y.data], [2]), tapeIds: [1] },
          { id: 2, op: 'Sum', inputs: [{ name: 'x', tensorId: y.id }], outputId: s.id, output: summary([...s.data], []), tapeIds: [1], attrs: { axes: [0], keepdims: false } },
        ],
      }],
      gradients: [{
        id: 1, kind: 'gradient', tapeId: 1, step: 0, targets: [{ tensorId: s.id, value: summary([...s.data], []) }],
        sources: [{ tensorId: x.id, name: 'x', gradient: summary([...dx.data], [2]) }],
        adjoints: [{ tensorId: s.id, value: summary([1], []) }, { tensorId: y.id, value: summary([1, 1], [2]) }, { tensorId: x.id, value: summary([...dx.data], [2]) }],
      }],
    };
    const job = inspectJob(trace, 1)!;
    const a = node(inspect(job, { kind: 'node', tensorId: y.id, nodeId: 1 }));
    assert.deepEqual(a.derivative, { text: '∂out/∂x = 3x²', local: ['∂out/∂x = 3x²'] });
    assert.deepEqual(a.chain?.terms[0].contribution?.map(n), [0.75, 6.75]); // 1 · 3x²
    const fdX = node(inspect(job, { kind: 'node', tensorId: x.id })).fd;
    assert.ok(fdX.ok && fdX.agrees && fdX.rows.length === 2, JSON.stringify(fdX));
    if (fdX.ok) fdX.rows.forEach((r, i) => assert.ok(Math.abs(n(r.numeric) - [0.75, 6.75][i]) < 1e-6, `${r.numeric}`));
    const w = inspect(job, { kind: 'walk', seed: x.id, element: 1 });
    assert.ok(w.kind === 'walk' && w.jvp.ok);
    if (w.kind === 'walk' && w.jvp.ok) {
      assert.deepEqual(w.jvp.tangents[0].values.map(n), [0, 6.75]);
      assert.ok(Math.abs(n(w.jvp.targetTangent) - 6.75) < 1e-9);
    }
  });
});
