// A leaf used across the tape is drawn once, beside its first use, and its later uses read it
// through short references (webview/model/references.ts): no long edge across the picture (issue 17).
import assert from 'node:assert/strict';
import type { Trace, TraceNode } from '../../src/protocol/trace';
import fs from 'node:fs';
import path from 'node:path';
import { buildGraph, gradientsFor, maxStep, tapesAtStep, type Graph } from '../../webview/model/graphModel';
import { LIBRARY_MAX_NODES, layeredLayout } from '../../webview/model/layout';
import { viewGraphFor } from '../../webview/model/repeats';
import { addReferences, REF_SPAN } from '../../webview/model/references';
import { NODE_SIZES } from '../../webview/model/viewport';
import { largeTrace, summary } from './fixtures/traceBuilder';

/** `w` feeds the first MatMul and, after a chain of `depth` Tanh ops, the last one; `b` is used by one op only. */
function chain(depth: number): Trace {
  const v = summary([0.5], [1, 1]);
  const nodes: TraceNode[] = [];
  let id = 1;
  let prev = 1; // x
  const op = (name: string, inputs: number[]): number => {
    const outputId = 100 + id;
    nodes.push({ id, op: name, inputs: inputs.map((tensorId, i) => ({ name: `in${i}`, tensorId })), outputId, output: v, pos: { line: id, column: 1 }, tapeIds: [1] });
    id++;
    return outputId;
  };
  prev = op('MatMul', [prev, 2]);
  for (let i = 0; i < depth; i++) prev = op('Tanh', [prev]);
  prev = op('Add', [prev, 3]);
  prev = op('MatMul', [prev, 2]);
  const leaves = [
    { tensorId: 1, kind: 'constant' as const, name: 'x', watched: false, value: v },
    { tensorId: 2, kind: 'variable' as const, name: 'w', watched: true, trainable: true, value: v },
    { tensorId: 3, kind: 'variable' as const, name: 'b', watched: true, trainable: true, value: v },
  ];
  return {
    version: 1, file: '/ws/chain.grad.ts', startedAt: '', durationMs: 1, ok: true, console: [], curves: [], diagnostics: [], unrecordedLines: [],
    tapes: [{ id: 1, persistent: false, watchAccessedVariables: true, step: 0, detailed: true, nodeCount: nodes.length, bytes: 0, leaves, nodes }],
    gradients: [{ id: 1, kind: 'gradient', tapeId: 1, step: 0, targets: [{ tensorId: prev, value: v }], sources: [{ tensorId: 2, name: 'w', gradient: v }], adjoints: [{ tensorId: 2, value: v }, ...nodes.map((n) => ({ tensorId: n.outputId, value: v }))] }],
    stats: { ops: nodes.length, recordedOps: nodes.length, tapes: 1, gradientCalls: 1, droppedSteps: 0 },
  } as unknown as Trace;
}

const drawnGraph = (graph: Graph) => {
  const view = addReferences(viewGraphFor(graph, new Set()).view, REF_SPAN, 0);
  layeredLayout(view, 'LR', 'full');
  return view;
};
const drawn = (t: Trace) => drawnGraph(buildGraph(t.tapes, t.gradients[0]));

describe('panel: a leaf used across the tape is drawn once, with short references', () => {
  it('w feeds the first and the last MatMul of a 10-rank chain: one w, one reference beside the last, every edge short', () => {
    const g = drawn(chain(8));
    const ws = g.nodes.filter((n) => n.title === 'w');
    assert.equal(ws.length, 2);
    const [leaf, ref] = [ws.find((n) => n.ref === undefined)!, ws.find((n) => n.ref !== undefined)!];
    assert.equal(ref.ref, leaf.index, 'the reference points at the drawn leaf');
    assert.equal(g.baseOf[ref.index], g.baseOf[leaf.index], 'selecting the reference selects w');
    assert.ok(ref.h < leaf.h && ref.w < leaf.w, 'a reference is a small tag');
    // Every edge spans at most one rank step: nothing crosses the picture.
    const step = NODE_SIZES.full.w + NODE_SIZES.full.gapRank;
    for (const e of g.edges) assert.ok(g.nodes[e.to].x - g.nodes[e.from].x <= step + 1e-9, `${g.nodes[e.from].title} → ${g.nodes[e.to].title}`);
    // The edges are the same ones, rewired: the same count, the gradient kept on the reference's edge.
    const base = viewGraphFor(buildGraph(chain(8).tapes, chain(8).gradients[0]), new Set()).view;
    assert.equal(g.edges.length, base.edges.length);
    const refEdge = g.edges.find((e) => e.from === ref.index)!;
    assert.equal(refEdge.tensorId, 2);
    assert.notEqual(refEdge.gradRms, undefined);
    assert.deepEqual(leaf.consumers.map((c) => g.nodes[c].op), ['MatMul']);
  });

  it('the nested-tape Hessian: x, read by the forward ops and again by the backward pass, is one node and short references', () => {
    const t = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'trace-hessian.json'), 'utf8')) as Trace;
    const tapes = tapesAtStep(t, maxStep(t));
    const grads = gradientsFor(t, tapes);
    const g = drawnGraph(buildGraph(tapes, grads[grads.length - 1]));
    const xs = g.nodes.filter((n) => n.title === 'x');
    assert.equal(xs.filter((n) => n.ref === undefined).length, 1, 'x is drawn once');
    assert.ok(xs.some((n) => n.ref !== undefined), 'the backward pass reads x through a reference');
    // No edge from a leaf (or a reference) is longer than its cluster: REF_SPAN ranks past the first use.
    const step = NODE_SIZES.full.w + NODE_SIZES.full.gapRank;
    for (const e of g.edges) {
      if (g.nodes[e.from].kind !== 'leaf') continue;
      assert.ok(g.nodes[e.to].x - g.nodes[e.from].x <= (REF_SPAN + 1) * step + 1e-9, `${g.nodes[e.from].title} → ${g.nodes[e.to].title}`);
    }
  });

  it('leaves graphs dagre lays out alone (up to LIBRARY_MAX_NODES nodes): its ranking keeps their edges short', () => {
    const t = chain(8);
    const view = viewGraphFor(buildGraph(t.tapes, t.gradients[0]), new Set()).view;
    assert.equal(addReferences(view), view);
    const big = chain(LIBRARY_MAX_NODES);
    const bigView = viewGraphFor(buildGraph(big.tapes, big.gradients[0]), new Set()).view;
    assert.equal(addReferences(bigView).nodes.filter((n) => n.ref !== undefined).length, 1);
  });

  it('the layout takes the ops\' ranks references worked out, and places every node as it would have without them', () => {
    // The 10,000-node benchmark tape (leaves read all along it) and the Hessian's nested tapes, with and without references.
    const big = largeTrace(10_000);
    const hess = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'trace-hessian.json'), 'utf8')) as Trace;
    const hessTapes = tapesAtStep(hess, maxStep(hess));
    for (const [name, graph] of [['large', buildGraph(big.tapes, big.gradients[0])], ['hessian', buildGraph(hessTapes, gradientsFor(hess, hessTapes).at(-1))]] as const) {
      for (const span of [0, REF_SPAN, 1000]) {
        const shared = addReferences(viewGraphFor(graph, new Set()).view, span, 0);
        // The same nodes in a new array: nothing handed over, so the layout works the ranks out itself.
        const own = { ...shared, nodes: shared.nodes.map((n) => ({ ...n })) };
        for (const g of [shared, own]) {
          layeredLayout(g, 'TB', 'brief');
        }
        assert.ok(shared.nodes.length > 10);
        assert.deepEqual(shared.nodes.map((n) => [n.x, n.y]), own.nodes.map((n) => [n.x, n.y]), `${name}, span ${span}`);
        if (name === 'large' && span === REF_SPAN) assert.ok(shared.nodes.some((n) => n.ref !== undefined), 'references were drawn');
      }
    }
  });

  it('uses close together share the leaf: no reference in a short chain, none for a leaf used once', () => {
    const g = drawn(chain(0));
    assert.equal(g.nodes.filter((n) => n.ref !== undefined).length, 0);
    assert.equal(g.nodes.filter((n) => n.title === 'b').length, 1);
  });
});
