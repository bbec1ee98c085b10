import assert from 'node:assert/strict';
import { backwardWalk, Evaluator, fdCheck, forwardJvp, nodeStep, relErr } from '../../webview/model/miniEval';
import { KNOWN_OPS, canonicalOp, fillNames, opInfo, reductionAxes, size, tensor, type T } from '../../webview/model/ops';
import { seedTrace, summary, trainingTrace } from './fixtures/traceBuilder';
import type { Trace, TraceTape } from '../../src/protocol/trace';
import fs from 'node:fs';
import path from 'node:path';
import { ALL_OPS } from '../../src/engine/ops';

const evaluator = (t: Trace, tapeIndex = 0) => new Evaluator(t.tapes[tapeIndex], t.tapes);

describe('finite-difference check', () => {
  it('agrees with autodiff for the seed weights: about [-0.4, -0.8]', () => {
    const t = seedTrace();
    const r = fdCheck(evaluator(t), t.gradients[0], 2);
    assert.ok(r.ok, r.reason);
    assert.equal(r.rows.length, 2);
    assert.ok(Math.abs(r.rows[0].numeric - -0.4) < 1e-6);
    assert.ok(Math.abs(r.rows[1].numeric - -0.8) < 1e-6);
    assert.ok(r.agrees);
    assert.ok(r.maxRelErr < 1e-6, String(r.maxRelErr));
  });
  it('checks an intermediate node and a training step', () => {
    const t = trainingTrace();
    const out = t.tapes[1].nodes[1].outputId; // MatMul of step 1
    const r = fdCheck(evaluator(t, 1), t.gradients[1], out);
    assert.ok(r.ok && r.agrees, r.reason);
    assert.ok(Math.abs(r.rows[0].numeric - 3.86) < 1e-4);
  });
  it('does not agree when the recorded gradient is wrong', () => {
    const t = seedTrace();
    t.gradients[0].adjoints[2] = { tensorId: 2, value: summary([0.4, -0.8], [2, 1]) };
    const r = fdCheck(evaluator(t), t.gradients[0], 2);
    assert.ok(r.ok);
    assert.equal(r.agrees, false);
    assert.ok(r.rows[0].relErr > 1);
  });
  it('shows the numbers autodiff withheld when a source gradient is null', () => {
    const t = seedTrace();
    t.gradients[0].sources[0] = { tensorId: 2, name: 'weights', gradient: null, nullReason: { kind: 'notWatched', message: 'weights was not watched' } };
    t.gradients[0].adjoints = t.gradients[0].adjoints.filter((a) => a.tensorId !== 2);
    const r = fdCheck(evaluator(t), t.gradients[0], 2);
    assert.ok(r.ok);
    assert.equal(r.nullReason, 'weights was not watched');
    assert.equal(r.rows[0].autodiff, null);
    assert.ok(Math.abs(r.rows[0].numeric + 0.4) < 1e-6);
    assert.equal(r.agrees, false);
  });
  it('reports 0 for a tensor off the path and agrees', () => {
    const t = seedTrace();
    const r = fdCheck(evaluator(t), t.gradients[0], 1); // input: constant, not a source
    assert.ok(r.ok);
    // d loss / d input is not 0 mathematically, but autodiff never computed it: the check says so
    assert.equal(r.rows[0].autodiff, 0);
    assert.equal(r.agrees, false);
  });
  it('marks a relu at 0 as a non-differentiable point', () => {
    const t = seedTrace();
    // loss2 = relu(output - 0.55) → at the kink
    t.tapes[0].leaves.push({ tensorId: 10, kind: 'constant', watched: false, value: summary([Math.fround(0.55)], []) });
    t.tapes[0].nodes.push({ id: 3, op: 'Sub', inputs: [{ name: 'a', tensorId: 4 }, { name: 'b', tensorId: 10 }], outputId: 11, output: summary([0], [1, 1]), tapeIds: [1] });
    t.tapes[0].nodes.push({ id: 4, op: 'Relu', inputs: [{ name: 'x', tensorId: 11 }], outputId: 12, output: summary([0], [1, 1]), tapeIds: [1] });
    const g = { ...t.gradients[0], targets: [{ tensorId: 12, value: summary([0], [1, 1]) }], adjoints: [{ tensorId: 12, value: summary([1], [1, 1]) }, { tensorId: 11, value: summary([0], [1, 1]) }, { tensorId: 4, value: summary([0], [1, 1]) }] };
    const r = fdCheck(evaluator(t), g, 4);
    assert.ok(r.ok, r.reason);
    assert.equal(r.rows[0].kink, true);
    assert.ok(Math.abs(r.rows[0].numeric - 0.5) < 1e-6, 'central difference straddles the kink');
  });
  it('says so when the tape was truncated before the target', () => {
    const t = seedTrace();
    t.tapes[0].nodes.pop(); // SquaredDifference (the target's op) dropped by the detail budget
    t.tapes[0].truncated = true;
    const r = fdCheck(evaluator(t), t.gradients[0], 2);
    assert.equal(r.ok, false);
    assert.match(r.reason!, /truncated/);
  });
  it('says why when an op cannot be re-computed', () => {
    const t = seedTrace();
    t.tapes[0].nodes[1] = { ...t.tapes[0].nodes[1], op: 'MysteryOp' };
    const r = fdCheck(evaluator(t), t.gradients[0], 2);
    assert.equal(r.ok, false);
    assert.match(r.reason!, /MysteryOp/);
  });
  it('relative error is symmetric and zero for equal numbers', () => {
    assert.equal(relErr(2, 2), 0);
    assert.equal(relErr(1, 2), relErr(2, 1));
    assert.equal(relErr(0, 0), 0);
  });
});

describe('backward walkthrough and forward mode', () => {
  it('builds each adjoint from upstream × local and ends at the recorded adjoints', () => {
    const t = seedTrace();
    const steps = backwardWalk(evaluator(t), t.gradients[0]);
    assert.deepEqual(steps.map((s) => s.node.op), ['SquaredDifference', 'MatMul']);
    const sq = steps[0].contributions.find((c) => c.tensorId === 4)!;
    assert.ok(sq.complete);
    assert.ok(Math.abs(sq.accumulated!.data[0] - -0.4) < 1e-6);
    assert.equal(steps[0].contributions.find((c) => c.tensorId === 3)!.skipped, true, 'yTrue is a constant: skipped');
    const w = steps[1].contributions.find((c) => c.tensorId === 2)!;
    assert.deepEqual([...w.accumulated!.data].map((v) => +v.toFixed(6)), [-0.4, -0.8]);
    assert.deepEqual([...w.recorded!.data].map((v) => +v.toFixed(6)), [-0.4, -0.8]);
    assert.equal(steps[1].local[1], '∂L/∂b = aᵀ · ∂L/∂out');
  });
  it('accumulates where a tensor fans out', () => {
    const t = seedTrace();
    // loss = output · output: two contributions to output's adjoint
    t.tapes[0].nodes[1] = { ...t.tapes[0].nodes[1], op: 'Mul', inputs: [{ name: 'a', tensorId: 4 }, { name: 'b', tensorId: 4 }], output: summary([Math.fround(0.55 * 0.55)], [1, 1]) };
    const grad = { ...t.gradients[0], adjoints: [{ tensorId: 5, value: summary([1], [1, 1]) }, { tensorId: 4, value: summary([1.1], [1, 1]) }, { tensorId: 2, value: summary([1.1, 2.2], [2, 1]) }] };
    const [mul] = backwardWalk(evaluator(t), grad);
    assert.equal(mul.contributions[0].complete, false);
    assert.equal(mul.contributions[1].complete, true);
    assert.ok(Math.abs(mul.contributions[1].accumulated!.data[0] - 1.1) < 1e-6);
  });
  it('one node’s step (the inspector’s chain rule) equals that step of the walkthrough', () => {
    const t = seedTrace();
    const ev = evaluator(t);
    const walk = backwardWalk(ev, t.gradients[0]);
    const one = nodeStep(ev, t.gradients[0], t.tapes[0].nodes[0])!;
    assert.deepEqual([...one.contributions[1].contribution!.data], [...walk[1].contributions[1].contribution!.data]);
    assert.equal(one.contributions[0].skipped, true);
    assert.equal(nodeStep(ev, { ...t.gradients[0], adjoints: [] }, t.tapes[0].nodes[0]), undefined, 'off the path: no step');
  });
  it('forward mode gives the same entry of the gradient as reverse mode', () => {
    const t = seedTrace();
    for (const el of [0, 1]) {
      const r = forwardJvp(evaluator(t), t.gradients[0], 2, el);
      assert.ok(r.ok, r.reason);
      assert.ok(Math.abs(r.targetTangent! - [-0.4, -0.8][el]) < 1e-6);
    }
  });
});

describe('op table', () => {
  const rnd = (shape: number[], seed: number): T => tensor(shape, Array.from({ length: size(shape) }, (_, i) => Math.sin(seed * 7.3 + i * 1.7) * 0.8 + (seed === 9 ? 2 : 0.1)));
  const shapesFor: Record<string, [number[][], number[]]> = {
    MatMul: [[[2, 3], [3, 2]], [2, 2]], Sum: [[[2, 3]], [3]], Mean: [[[2, 3]], [2, 1]], Max: [[[2, 3]], []], Min: [[[2, 3]], [2]],
    LogSumExp: [[[2, 3]], [2]], Reshape: [[[2, 3]], [3, 2]], BroadcastTo: [[[1, 3]], [2, 3]], Transpose: [[[2, 3]], [3, 2]],
    Softmax: [[[2, 3]], [2, 3]], LogSoftmax: [[[2, 3]], [2, 3]], ClipByValue: [[[2, 3], [], []], [2, 3]], Select: [[[2, 3], [2, 3], [2, 3]], [2, 3]],
  };
  it('every op has the math and one local derivative per input', () => {
    for (const op of KNOWN_OPS) {
      const info = opInfo(op)!;
      assert.ok(info.math.includes('out'), op);
      assert.ok(info.local.length >= 1, op);
    }
    assert.equal(fillNames(opInfo('Mul')!.local[0], ['a', 'b']), '∂out/∂a = b');
    assert.equal(canonicalOp('AddV2'), 'Add');
    assert.equal(canonicalOp('multiply'), 'Mul');
  });
  // Selection ops, cross-entropy and batched matmul (broadcast batch dimensions) as well.
  Object.assign(shapesFor, {
    Concat: [[[2, 3], [2, 2]], [2, 5]], Pack: [[[2, 3], [2, 3]], [2, 2, 3]], Slice: [[[3, 4]], [2, 3]], Tile: [[[2, 3]], [4, 3]],
    Pad: [[[2, 3]], [3, 5]], SoftmaxCrossEntropyWithLogits: [[[2, 3], [2, 3]], [2]],
  });
  const extra: [string, number[][], number[]][] = [['MatMul', [[2, 2, 3], [1, 3, 2]], [2, 2, 2]], ['MatMul', [[3, 2], [2, 2, 3]], [2, 3, 3]]];
  it('every re-computable op: JVP matches central differences, and VJP is its transpose', () => {
    let checked = 0;
    const cases: [string, number[][], number[]][] = [
      ...KNOWN_OPS.map((op): [string, number[][], number[]] => [op, ...(shapesFor[op] ?? [opInfo(op)!.local.length === 2 ? [[2, 3], [3]] : [[2, 3]], [2, 3]])]),
      ...extra,
    ];
    for (const [op, ins, out] of cases) {
      const impls = opInfo(op)!.impls(ins, out);
      if (!impls.length) continue;
      const impl = impls[0];
      let xs = ins.map((s, i) => rnd(s, i + (op === 'Pow' || op === 'Log' || op === 'Sqrt' || op === 'Rsqrt' ? 9 : 1)));
      if (op === 'ClipByValue') xs = [xs[0], tensor([], [-0.2]), tensor([], [0.5])];
      const y = impl.fwd(xs);
      const dxs = ins.map((s, i) => rnd(s, 20 + i));
      const dy = rnd(y.shape, 40);
      const jv = impl.jvp(xs, y, dxs);
      // ⟨dy, J·dx⟩ = ⟨Jᵀ·dy, dx⟩
      const vj = impl.vjp(xs, y, dy);
      const lhs = jv.data.reduce((s, v, i) => s + v * dy.data[i], 0);
      const rhs = vj.reduce((s, g, k) => s + (g ? g.data.reduce((a, v, i) => a + v * dxs[k].data[i], 0) : 0), 0);
      if (op !== 'StopGradient' && op !== 'Select') assert.ok(Math.abs(lhs - rhs) < 1e-9 * Math.max(1, Math.abs(lhs)), `${op}: ${lhs} vs ${rhs}`);
      // J·dx ≈ (f(x + h dx) − f(x − h dx)) / 2h
      if (op !== 'StopGradient' && op !== 'Sign' && op !== 'Select' && !(impl.kink?.(xs, 1e-3) ?? false)) {
        const h = 1e-6;
        const yp = impl.fwd(xs.map((x, k) => tensor(x.shape, x.data.map((v, i) => v + h * dxs[k].data[i]))));
        const ym = impl.fwd(xs.map((x, k) => tensor(x.shape, x.data.map((v, i) => v - h * dxs[k].data[i]))));
        jv.data.forEach((v, i) => assert.ok(Math.abs(v - (yp.data[i] - ym.data[i]) / (2 * h)) < 1e-5, `${op}[${i}]`));
      }
      checked++;
    }
    assert.ok(checked >= 38, `checked ${checked} ops`);
  });
  it('infers reduction axes from the shapes', () => {
    assert.deepEqual(reductionAxes([2, 3], [3]), [[0]]);
    assert.deepEqual(reductionAxes([2, 3], [2, 1]), [[1]]);
    assert.deepEqual(reductionAxes([2, 2], [2]), [[0], [1]], 'ambiguous: both are tried and verified');
    assert.deepEqual(reductionAxes([2, 3], []), [[0, 1]]);
  });
});

describe('op table against the engine', () => {
  it('has an entry for every op the engine registers', () => {
    const missing = ALL_OPS.map((o) => o.name).filter((n) => !opInfo(n));
    assert.deepEqual(missing, []);
    assert.ok(ALL_OPS.length > 40);
  });
});

describe('finite-difference check: ops whose attributes the trace does not carry', () => {
  const load = (f: string): Trace => JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', f), 'utf8'));
  it('re-derives each attribute of test/webview/fixtures/ops-shape.grad.ts from shapes and values, as the program wrote it', () => {
    const t = load('cli-ops-shape.json');
    const ev = evaluator(t);
    const notes = t.tapes[0].nodes.filter((n) => !/^(Mul|Add|Sum|Mean|Square|Sin|Tanh|ExpandDims)$/.test(n.op)).map((n) => {
      const impl = ev.impl(n);
      assert.notEqual(typeof impl, 'string', `${n.op}: ${impl}`);
      return `${n.op}: ${typeof impl === 'string' ? impl : impl.note ?? ''}`;
    });
    assert.deepEqual(notes, [
      'ConcatV2: axis 1', // tf.concat([a, b], 1)
      'Pack: axis 1', // tf.stack([a, b], 1)
      'Slice: begin [0, 1], size [2, 3]', // tf.slice(joined, [0, 1], [2, 3])
      'GatherV2: axis 1', // tf.gather(b, idx, 1)
      'Tile: multiples [2, 1]',
      'Pad: paddings [[1, 0], [0, 2]]',
      'SoftmaxCrossEntropyWithLogits: last axis',
      'SigmoidCrossEntropyWithLogits: ',
      'Slice: begin [0, 0], size [2, 2]',
      'MatMul: batched over 2',
    ]);
    // …and the check then agrees with autodiff through all of them, for every source.
    for (const src of t.gradients[0].sources) {
      const r = fdCheck(ev, t.gradients[0], src.tensorId);
      assert.ok(r.ok && r.agrees, `${src.name}: ${r.reason ?? r.maxRelErr}`);
    }
  });
  it('refuses an attribute several values would explain (a slice of a constant tensor) instead of picking one', () => {
    const tape = {
      leaves: [{ tensorId: 1, kind: 'variable', watched: true, name: 'x', value: summary([1, 1, 1, 1], [4]) }],
      nodes: [{ id: 1, op: 'Slice', inputs: [{ name: 'input', tensorId: 1 }], outputId: 2, output: summary([1, 1], [2]), tapeIds: [1] }],
    } as unknown as Pick<TraceTape, 'nodes' | 'leaves'>;
    const impl = new Evaluator(tape).impl(tape.nodes[0]);
    assert.equal(typeof impl, 'string');
    assert.match(impl as string, /does not record its begin, and more than one \(begin \[0\], size \[2\]; begin \[1\], size \[2\]\)/);
    // With distinct values the begin is determined.
    const distinct = { ...tape, leaves: [{ ...tape.leaves[0], value: summary([1, 2, 3, 4], [4]) }], nodes: [{ ...tape.nodes[0], output: summary([2, 3], [2]) }] };
    const ok = new Evaluator(distinct).impl(distinct.nodes[0]);
    assert.equal(typeof ok === 'string' ? ok : ok.note, 'begin [1], size [2]');
  });
  it('says why a custom gradient cannot be checked, and still checks the nodes after it', () => {
    const t = load('custom-gradient.json');
    const ev = evaluator(t);
    const g = t.gradients[0];
    const x = g.sources[0].tensorId;
    const r = fdCheck(ev, g, x);
    assert.equal(r.ok, false);
    assert.match(r.reason!, /^CustomGradient \(line \d+\): a user-defined gradient \(tf\.customGradient\) cannot be re-derived/);
    const sin = t.tapes[0].nodes.find((n) => n.op === 'Sin')!;
    const after = fdCheck(ev, g, sin.outputId);
    assert.ok(after.ok && after.agrees, after.reason);
  });
});
