// Traces made by the real runner (`node dist/cli.js run FILE --json`, saved as fixtures): the panel's
// re-computation must reproduce every recorded node, and its checks must agree with the engine.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Trace } from '../../src/protocol/trace';
import { buildGraph, gradientsFor, maxStep, tapesAtStep } from '../../webview/model/graphModel';
import { backwardWalk, Evaluator, fdCheck, forwardJvp } from '../../webview/model/miniEval';
import { opInfo } from '../../webview/model/ops';

const dir = path.join(__dirname, 'fixtures');
const load = (f: string): Trace => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
const files = fs.readdirSync(dir).filter((f) => f.startsWith('cli-') && f.endsWith('.json'));

describe('panel model on traces from the real runner', () => {
  it('has fixtures to check', () => assert.ok(files.length >= 4, files.join(', ')));
  for (const f of files) {
    describe(f, () => {
      const trace = load(f);
      it('every recorded op is in the op table and re-computes to its recorded output', () => {
        for (const tape of trace.tapes) {
          const ev = new Evaluator(tape, trace.tapes);
          for (const n of tape.nodes) {
            assert.ok(opInfo(n.op), `${n.op} has an entry`);
            const impl = ev.impl(n);
            assert.notEqual(typeof impl, 'string', `${n.op} line ${n.pos?.line}: ${impl}`);
          }
        }
      });
      it('the finite-difference check agrees with autodiff for every tensor with a gradient', () => {
        let checked = 0;
        for (const g of trace.gradients) {
          const tape = trace.tapes.find((t) => t.id === g.tapeId)!;
          const ev = new Evaluator(tape, trace.tapes);
          for (const a of g.adjoints) {
            const r = fdCheck(ev, g, a.tensorId);
            assert.ok(r.ok, r.reason);
            assert.ok(r.agrees, `${f} tensor ${a.tensorId}: max rel. error ${r.maxRelErr}`);
            checked++;
          }
        }
        assert.ok(checked > 0);
      });
      it('the backward walkthrough rebuilds every recorded adjoint, and forward mode matches reverse mode', () => {
        for (const g of trace.gradients) {
          const tape = trace.tapes.find((t) => t.id === g.tapeId)!;
          const ev = new Evaluator(tape, trace.tapes);
          for (const s of backwardWalk(ev, g))
            for (const c of s.contributions)
              if (c.complete) c.accumulated!.data.forEach((v, i) => assert.ok(Math.abs(v - c.recorded!.data[i]) <= 1e-5 * Math.max(1, Math.abs(v)), `${s.node.op} → ${c.input}`));
          for (const src of g.sources) {
            if (!src.gradient?.values) continue;
            const r = forwardJvp(ev, g, src.tensorId, 0);
            assert.ok(r.ok, r.reason);
            const rev = src.gradient.values[0] as number;
            assert.ok(Math.abs(r.targetTangent! - rev) <= 1e-5 * Math.max(1, Math.abs(rev)), `${src.name}: ${r.targetTangent} vs ${rev}`);
          }
        }
      });
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
