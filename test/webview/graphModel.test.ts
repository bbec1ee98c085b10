import assert from 'node:assert/strict';
import { assignHeat, buildGraph, gradientsFor, groupTapes, layoutInput, maxStep, nodesAtLine, searchNodes, tapeDepths, tapesAtStep } from '../../webview/model/graphModel';
import { LIBRARY_MAX_NODES, bounds, layeredLayout, libraryLayout } from '../../webview/model/layout';
import { largeTrace, seedTrace, trainingTrace } from './fixtures/traceBuilder';
import seedJson from './fixtures/seed-01.json';
import trainingJson from './fixtures/training-03.json';
import type { Trace } from '../../src/protocol/trace';
import type { GraphEdge } from '../../webview/model/graphModel';
import fs from 'node:fs';
import path from 'node:path';
import { toNumber } from '../../webview/model/format';

describe('graph model', () => {
  it('colours 300,000 edges by gradient size without overflowing the stack (log scale, 0 … 1)', () => {
    const edges: GraphEdge[] = Array.from({ length: 300_000 }, (_, i) => ({ from: i, to: i + 1, input: 'x', tensorId: i, gradRms: i % 7 === 0 ? undefined : 10 ** ((i % 5) - 2) }));
    edges.push({ from: 0, to: 1, input: 'x', tensorId: -1, gradRms: 0 }, { from: 0, to: 1, input: 'x', tensorId: -2, gradRms: Infinity });
    assignHeat(edges);
    const heat = (rms: number) => edges.find((e) => e.gradRms === rms)!.heat;
    assert.equal(heat(0.01), 0);
    assert.equal(heat(100), 1);
    assert.equal(heat(1), 0.5);
    assert.equal(heat(0), 0);
    assert.equal(heat(Infinity), 1);
    assert.equal(edges[0].heat, undefined);
  });
  it('the committed JSON fixtures are what the builder makes', () => {
    assert.deepEqual(seedJson, JSON.parse(JSON.stringify(seedTrace())));
    assert.deepEqual(trainingJson, JSON.parse(JSON.stringify(trainingTrace())));
  });

  it('links every recorded input to its op, with the RMS of that tensor\'s adjoint, on every fixture', () => {
    const dir = path.join(__dirname, 'fixtures');
    const traces: Trace[] = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')));
    traces.push(largeTrace(3000));
    let checked = 0, withGrad = 0;
    for (const t of traces) {
      for (let s = 0; s <= Math.min(maxStep(t), 3); s++) {
        const tapes = tapesAtStep(t, s);
        for (const grad of gradientsFor(t, tapes)) {
          const g = buildGraph(tapes, grad);
          const adj = new Map(grad.adjoints.map((a) => [a.tensorId, a.value]));
          // What each edge should be, from the trace itself: one per input whose producer is drawn.
          const want: string[] = [];
          for (const n of g.nodes) {
            if (n.kind !== 'op') continue;
            for (const inp of n.node!.inputs) {
              if (!g.byTensor.has(inp.tensorId)) continue;
              const a = adj.get(inp.tensorId);
              want.push(`${g.byTensor.get(inp.tensorId)}→${n.index} ${inp.name} ${inp.tensorId} ${a ? (a.size ? toNumber(a.norm) / Math.sqrt(a.size) : 0) : 'none'}`);
              if (a) withGrad++;
            }
          }
          assert.deepEqual(g.edges.map((e) => `${e.from}→${e.to} ${e.input} ${e.tensorId} ${e.gradRms ?? 'none'}`), want);
          for (const e of g.edges) assert.equal(g.nodes[e.to].nodeId !== undefined && g.byNodeId.get(g.nodes[e.to].nodeId!), e.to);
          checked += want.length;
        }
      }
    }
    assert.ok(checked > 5000 && withGrad > 3000, `edges checked ${checked}, with a gradient ${withGrad}`);
  });

  it('draws the seed tape: three leaves feed MatMul and SquaredDifference, with values and gradients', () => {
    const t = seedTrace();
    const g = buildGraph(t.tapes, t.gradients[0]);
    assert.deepEqual(g.nodes.map((n) => `${n.kind}:${n.title}:${n.op}`), ['leaf:input:Constant', 'leaf:weights:Variable', 'leaf:yTrue:Constant', 'op:output:MatMul', 'op:loss:SquaredDifference']);
    assert.equal(g.edges.length, 4);
    const out = g.nodes[g.byNodeId.get(1)!];
    assert.deepEqual(out.value.values, [Math.fround(0.55)]);
    assert.deepEqual(out.grad?.values, [Math.fround(-0.39999998)]);
    assert.deepEqual(g.nodes[1].grad?.values, [Math.fround(-0.39999998), Math.fround(-0.79999995)]);
    assert.equal(g.nodes[0].grad, undefined, 'input is not on the path to a source');
    assert.deepEqual(out.inputs, [0, 1]);
    assert.deepEqual(out.consumers, [4]);
  });

  it('marks an unwatched source as null with the reason, and NaN outputs as non-finite', () => {
    const t: Trace = seedTrace();
    t.gradients[0].sources[0] = { tensorId: 2, name: 'weights', gradient: null, nullReason: { kind: 'notWatched', message: 'weights is a constant that no tape watched' } };
    t.gradients[0].adjoints = t.gradients[0].adjoints.filter((a) => a.tensorId !== 2);
    t.tapes[0].nodes[1].output = { ...t.tapes[0].nodes[1].output, nanCount: 1, values: ['NaN'] };
    const g = buildGraph(t.tapes, t.gradients[0]);
    assert.equal(g.nodes[1].grad, null);
    assert.equal(g.nodes[1].nullReason?.kind, 'notWatched');
    assert.equal(g.nodes[4].nonFinite, true);
    assert.equal(g.nodes[3].nonFinite, false);
  });

  it('gives edges a log-scaled heat from the gradient magnitude; off-path edges get none', () => {
    const t = seedTrace();
    const g = buildGraph(t.tapes, t.gradients[0]);
    const heat = Object.fromEntries(g.edges.map((e) => [`${g.nodes[e.from].title}->${g.nodes[e.to].title}`, e.heat]));
    assert.equal(heat['input->output'], undefined);
    assert.equal(heat['yTrue->loss'], undefined);
    // weights' rms gradient (≈0.63) is larger than output's (0.4): hotter
    assert.ok(heat['weights->output']! > heat['output->loss']!);
    assert.equal(heat['weights->output'], 1);
    assert.equal(heat['output->loss'], 0);
  });

  it('treats tapes made at one line as the steps of a loop', () => {
    const t = trainingTrace();
    assert.equal(groupTapes(t).length, 1);
    assert.equal(maxStep(t), 2);
    assert.deepEqual(tapesAtStep(t, 1).map((x) => x.step), [1]);
    assert.deepEqual(tapesAtStep(t, 9).map((x) => x.step), [2], 'past the end: the last step');
    const g = buildGraph(tapesAtStep(t, 2), gradientsFor(t, tapesAtStep(t, 2))[0]);
    assert.deepEqual(g.nodes.filter((n) => n.kind === 'op').map((n) => n.op), ['Reshape', 'MatMul', 'SquaredDifference']);
    assert.equal(g.gradient?.step, 2);
  });

  it('layers nested tapes by their depth', () => {
    const t = seedTrace();
    const inner = { ...t.tapes[0], id: 2, parentId: 1, nodes: [t.tapes[0].nodes[0]] };
    t.tapes[0].nodes[0] = { ...t.tapes[0].nodes[0], tapeIds: [1, 2] };
    inner.nodes = [t.tapes[0].nodes[0]];
    const depths = tapeDepths([t.tapes[0], inner]);
    assert.equal(depths.get(1), 0);
    assert.equal(depths.get(2), 1);
    const g = buildGraph([t.tapes[0], inner], t.gradients[0]);
    assert.equal(g.nodes.filter((n) => n.kind === 'op').length, 2, 'a node recorded by two tapes is drawn once');
    assert.equal(g.nodes[g.byNodeId.get(1)!].depth, 1);
    assert.equal(g.nodes[g.byNodeId.get(2)!].depth, 0);
  });

  it('finds nodes by name, op and line', () => {
    const t = seedTrace();
    const g = buildGraph(t.tapes, t.gradients[0]);
    assert.deepEqual(searchNodes(g, 'matmul').map((i) => g.nodes[i].title), ['output']);
    assert.deepEqual(searchNodes(g, 'WEIGHT').map((i) => g.nodes[i].title), ['weights']);
    assert.deepEqual(searchNodes(g, ':13').map((i) => g.nodes[i].op), ['SquaredDifference']);
    assert.deepEqual(nodesAtLine(g, 11).map((i) => g.nodes[i].op), ['MatMul']);
    assert.deepEqual(searchNodes(g, '  '), []);
  });

  it('hands the layout library sizes and edges only', () => {
    const t = seedTrace();
    const inp = layoutInput(buildGraph(t.tapes, t.gradients[0]));
    assert.equal(inp.nodes.length, 5);
    assert.deepEqual(inp.edges.map((e) => `${e.source}->${e.target}`), ['0->3', '1->3', '2->4', '3->4']);
  });
});

describe('graph layout', () => {
  const leftToRight = (t: Trace) => {
    const g = buildGraph(t.tapes, t.gradients[0]);
    return g;
  };
  it('dagre places every edge left to right without overlapping nodes', () => {
    const g = leftToRight(trainingTrace());
    libraryLayout(g);
    for (const e of g.edges) assert.ok(g.nodes[e.from].x + g.nodes[e.from].w <= g.nodes[e.to].x, 'edge runs rightwards');
    assertNoOverlap(g.nodes);
  });
  it('the linear layered placement does the same for a 10,000-node tape', function () {
    // Correctness on a large graph; its speed is measured in bench/panelLayout.bench.ts, not here.
    this.timeout(30_000);
    const t = largeTrace(10_000);
    const g = buildGraph(t.tapes, t.gradients[0]);
    assert.ok(g.nodes.length > LIBRARY_MAX_NODES);
    layeredLayout(g);
    for (const e of g.edges) assert.ok(g.nodes[e.from].x + g.nodes[e.from].w <= g.nodes[e.to].x);
    assertNoOverlap(g.nodes);
    const b = bounds(g);
    assert.ok(b.w > 0 && b.h > 0);
  });
});

function assertNoOverlap(nodes: { x: number; y: number; w: number; h: number }[]) {
  const sorted = [...nodes].sort((a, b) => a.x - b.x || a.y - b.y);
  for (let i = 0; i < sorted.length; i++)
    for (let j = i + 1; j < sorted.length && sorted[j].x < sorted[i].x + sorted[i].w; j++) {
      const a = sorted[i], b = sorted[j];
      const overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
      assert.ok(!overlap, `nodes overlap at (${a.x},${a.y}) and (${b.x},${b.y})`);
    }
}
