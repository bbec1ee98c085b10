// Traces made by the real runner (`node dist/cli.js run FILE --json`, saved as fixtures): the panel's
// graph model draws them. (The inspector's numbers come from the engine: test/webview/golden/.)
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Trace } from '../../src/protocol/trace';
import { buildGraph, gradientsFor, maxStep, tapesAtStep } from '../../webview/model/graphModel';

const dir = path.join(__dirname, 'fixtures');
const load = (f: string): Trace => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
const files = fs.readdirSync(dir).filter((f) => f.startsWith('cli-') && f.endsWith('.json'));

describe('panel model on traces from the real runner', () => {
  it('has fixtures to check', () => assert.ok(files.length >= 4, files.join(', ')));
  for (const f of files) {
    describe(f, () => {
      const trace = load(f);
      it('each step draws as a graph with the gradient of that step', () => {
        for (let s = 0; s <= maxStep(trace); s++) {
          const tapes = tapesAtStep(trace, s);
          const g = buildGraph(tapes, gradientsFor(trace, tapes)[0]);
          assert.ok(g.nodes.some((n) => n.kind === 'op'));
          assert.equal(g.gradient?.step ?? s, s);
        }
      });
    });
  }
  it('the seed training file: MatMul and SquaredDifference per step, three loss points', () => {
    const t = load('cli-03.json');
    assert.equal(maxStep(t), 2);
    assert.deepEqual(t.curves[0].points.map((p) => p.step), [0, 1, 2]);
    const g = buildGraph(tapesAtStep(t, 0), t.gradients[0]);
    assert.deepEqual(g.nodes.filter((n) => n.kind === 'op').map((n) => n.op), ['MatMul', 'SquaredDifference']);
    assert.deepEqual(g.nodes.find((n) => n.title === 'weights')?.grad?.values, [35, 14]);
    // The runner names the loop variable and the leaf an unrecorded reshape made (not "constant 8").
    const leaves = g.nodes.filter((n) => n.kind !== 'op');
    assert.deepEqual(leaves.map((n) => n.title).sort(), ['reshape(x)', 'weights', 'y']);
    assert.equal(g.nodes.find((n) => n.op === 'SquaredDifference')!.inputs.map((i) => g.nodes[i].title).join(', '), 'y, output');
  });
});
