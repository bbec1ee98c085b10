// The repeat search's quick look (webview/model/repeats.ts, mayRepeat): a graph it lets skip the
// search never holds a repeat, so skipping changes no drawn graph.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import type { Trace } from '../../src/protocol/trace';
import { buildGraph, makeNode, type Graph, type GraphNode } from '../../webview/model/graphModel';
import { findRepeats, mayRepeat, periodicRuns, signatureIds } from '../../webview/model/repeats';
import { largeTrace, summary } from './fixtures/traceBuilder';

const value = summary([1], []);

/** A chain of ops, each reading the one before (and a second input when its arity is 2), recorded at (op, line, arity). */
function chainGraph(steps: { op: string; line: number; arity: number }[]): Graph {
  const nodes: GraphNode[] = [makeNode({ index: 0, kind: 'leaf', tensorId: 0, title: 'x', op: 'Variable', value })];
  for (const [i, s] of steps.entries()) {
    const index = i + 1;
    const inputs = s.arity === 2 ? [0, index - 1] : [index - 1];
    nodes.push(makeNode({ index, kind: 'op', tensorId: index, title: `t${index}`, op: s.op, value, pos: { line: s.line, column: 3 }, inputs }));
    for (const j of inputs) nodes[j].consumers.push(index);
  }
  return { nodes, edges: [], tapes: [], byTensor: new Map(), byNodeId: new Map() };
}

const step = fc.record({ op: fc.constantFrom('Add', 'Mul', 'Tanh'), line: fc.integer({ min: 1, max: 4 }), arity: fc.constantFrom(1, 2) });
/** Chains made of pieces: a few ops as they come, or a body of 1-6 ops written out 1-5 times (a loop). */
const piece = fc.oneof(
  fc.array(step, { minLength: 1, maxLength: 8 }),
  fc.tuple(fc.array(step, { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 5 })).map(([body, times]) => Array.from({ length: times }, () => body).flat()),
);
const chain = fc.array(piece, { maxLength: 8 }).map((ps) => ps.flat());

const shape = (rs: ReturnType<typeof findRepeats>) => rs.map((r) => `${r.period}×${r.count}@${r.members[0]}:${r.ops.join(',')}`);

describe('panel: the repeat search skipped when nothing can repeat', () => {
  it('never skips a chain that has a repeat, for any least count and longest period', () => {
    let skipped = 0, found = 0;
    fc.assert(
      fc.property(chain, fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 8 }), (steps, minRepeats, maxPeriod) => {
        const g = chainGraph(steps);
        const ops = g.nodes.filter((n) => n.kind === 'op');
        const sig = signatureIds(ops);
        const full = periodicRuns(ops, sig, minRepeats, maxPeriod);
        const may = mayRepeat(sig, minRepeats, maxPeriod);
        if (!may) skipped++;
        if (full.length) found++;
        assert.ok(may || full.length === 0, `skipped a chain with ${shape(full).join(' ')}`);
        // With or without the look, the graph folds the same.
        assert.deepEqual(shape(findRepeats(g, minRepeats, maxPeriod)), shape(full));
      }),
      { numRuns: 500 },
    );
    // Both kinds of chain were generated: the look skipped some, the search found repeats in others.
    assert.ok(skipped > 20 && found > 100, `skipped ${skipped}, with repeats ${found}`);
  });

  it('skips the 10,000-node benchmark tape (no loop), not the RNN unrolled 400 times', () => {
    const sigOf = (g: Graph) => signatureIds(g.nodes.filter((n) => n.kind === 'op'));
    const big = largeTrace(10_000);
    assert.equal(mayRepeat(sigOf(buildGraph(big.tapes, big.gradients[0]))), false);
    const rnn: Trace = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'trace-rnn-400.json'), 'utf8'));
    const g = buildGraph(rnn.tapes, rnn.gradients[0]);
    assert.equal(mayRepeat(sigOf(g)), true);
    assert.equal(findRepeats(g)[0].count, 400);
  });
});
