// The recorder's step budget from the inside: a lazily held last step comes out as an eager one
// would, a long loop keeps only a few hundred bytes per step, and adjoints sent as rows come back
// whole and in order.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { ValueSummary } from '../../src/protocol/trace';
import { TraceAssembler } from '../../src/runner/host/assemble';
import { bundleScratch } from '../../src/runner/bundler/bundleScratch';
import { disposeBundlers } from '../../src/runner/host/bundlerProcess';
import { runInThisThread } from '../../src/runner/run/runThread';
import { runScratch } from '../../src/runner/host/scratchRun';
import { buildRunner, fixture, WORKER } from './helpers';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Full collections on later turns (WeakRefs and other tests' leftovers go first). */
async function collect(): Promise<void> {
  for (let i = 0; i < 2; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    gc();
  }
}

describe('runner/recorder', function () {
  this.timeout(60_000);
  before(() => buildRunner());
  after(() => disposeBundlers());

  it("a lazily held last step lists its leaves as the first step does, with the values its ops read", async () => {
    const t = await runScratch({ file: fixture('runner-lazy-last-step.grad.ts'), workerFile: WORKER, timeoutMs: 10_000 });
    assert.equal(t.ok, true, JSON.stringify(t.error));
    assert.equal(t.tapes.length, 30);
    const [first, last] = [t.tapes[0], t.tapes[29]];
    assert.equal(last.detailed, true);
    const shape = (tape: typeof first) => tape.leaves.map((l) => [l.name, l.kind, l.watched]);
    // tape.watch(c) runs before the first op, so c is met first; reading w watches it.
    assert.deepEqual(shape(first), [['c', 'constant', true], ['w', 'variable', true]]);
    assert.deepEqual(shape(last), shape(first));
    // w was 29 when the last step's ops read it, and -1 by the time the run ended.
    assert.deepEqual(last.leaves[1].value.values, [29, 29]);
    assert.deepEqual(last.nodes.map((n) => [n.op, n.name]), first.nodes.map((n) => [n.op, n.name]));
    const g = t.gradients.find((x) => x.tapeId === last.id)!;
    assert.deepEqual(g.sources.map((s) => s.gradient?.values), [[1, 4], [58, 116]]);
    // Adjoints of every node and leaf the step shows, in the pass's order.
    const shown = new Set([...last.nodes.map((n) => n.outputId), ...last.leaves.map((l) => l.tensorId)]);
    assert.equal(g.adjoints.length, shown.size);
    for (const a of g.adjoints) assert.ok(shown.has(a.tensorId));
    assert.deepEqual(g.adjoints.find((a) => a.tensorId === last.leaves[1].tensorId)?.value.values, [1, 4]);
  });

  it('a long loop: the recorder keeps a few hundred bytes per step, not every op', async () => {
    const text = (steps: number): string => `
import * as tf from "gradtape";
const x = tf.constant([[1, 2], [3, 4]]);
const w = tf.variable([[0.1], [0.1]]);
for (let i = 0; i < ${steps}; i++) {
  const tape = new tf.GradientTape();
  const loss = tape.record(() => {
    const pred = tf.linalg.matmul(x, w);
    const err = tf.subtract(pred, 1);
    return tf.reduceMean(tf.square(err));
  });
  const grad = tape.gradient(loss, w);
  w.assignSub(tf.multiply(0.01, grad));
}`;
    const file = fixture('runner-lazy-last-step.grad.ts');
    const retained = async (steps: number): Promise<number> => {
      const out = await bundleScratch('native', file, text(steps));
      assert.ok('code' in out);
      await collect();
      const before = v8.getHeapStatistics().used_heap_size;
      // Not ended: what the recorder holds while the loop has run is what is measured.
      const restore = runInThisThread({ role: 'run', file, text: text(steps), bundle: out, memoryMb: 4096, startedAtMs: Date.now() }, () => {});
      await collect();
      const after = v8.getHeapStatistics().used_heap_size;
      restore();
      return after - before;
    };
    await retained(200); // warm-up: compiled code, caches
    // The least of two tries: the rest of a test process may allocate in between.
    const perStep = Math.min(((await retained(7000)) - (await retained(1000))) / 6000, ((await retained(7000)) - (await retained(1000))) / 6000);
    // About 300 bytes (a tape's row state); names kept in maps by tensor id once made it 1.1 KB and growing with ops.
    assert.ok(perStep < 600, `${perStep.toFixed(0)} bytes per step`);
  });

  it('a gradient call on a tape kept long past its step (the recorder let the step go) keeps its step, in the call and its curve point', async () => {
    const text = `
import * as tf from "gradtape";
const w = tf.variable(2);
const kept = [];
for (let i = 0; i < 300; i++) {
  const tape = new tf.GradientTape();
  const loss = tape.record(() => tf.multiply(tf.square(w), i + 1));
  kept.push([tape, loss]);
}
for (const [tape, loss] of kept) tape.gradient(loss, w);`;
    const t = await runScratch({ file: fixture('runner-lazy-last-step.grad.ts'), text, workerFile: WORKER, timeoutMs: 60_000 });
    assert.equal(t.ok, true, JSON.stringify(t.error));
    const steps = t.gradients.map((g) => g.step);
    assert.deepEqual(steps, Array.from({ length: 300 }, (_, i) => i), 'each call says its tape\'s step');
    const curve = t.curves.find((c) => c.kind === 'target')!;
    assert.deepEqual(curve.points.map((p) => p.step), Array.from({ length: 300 }, (_, i) => i));
    curve.points.forEach((p, i) => assert.equal(p.value, 4 * (i + 1)));
  });

  it('tapes made inside a loop\'s tapes keep their own parent and persistence, step by step (rows of one loop differ in both)', async () => {
    const text = `
import * as tf from "gradtape";
const w = tf.variable(2);
for (let i = 0; i < 200; i++) {
  const outer = new tf.GradientTape({ persistent: i % 3 === 0 });
  const g = outer.record(() => {
    const inner = new tf.GradientTape({ persistent: i % 2 === 0 });
    const y = inner.record(() => tf.multiply(w, w));
    return inner.gradient(y, w);
  });
  outer.gradient(g, w);
}`;
    const t = await runScratch({ file: fixture('runner-lazy-last-step.grad.ts'), text, workerFile: WORKER, timeoutMs: 60_000 });
    assert.equal(t.ok, true, JSON.stringify(t.error));
    assert.equal(t.tapes.length, 400);
    // Tapes are made in order: outer, inner, outer, inner, … (ids increase).
    for (let i = 0; i < 200; i++) {
      const [outer, inner] = [t.tapes[2 * i], t.tapes[2 * i + 1]];
      assert.equal(outer.step, i);
      assert.equal(inner.step, i);
      assert.equal(outer.parentId, undefined, `outer step ${i}`);
      assert.equal(inner.parentId, outer.id, `inner step ${i}`);
      assert.equal(outer.persistent, i % 3 === 0, `outer step ${i}`);
      assert.equal(inner.persistent, i % 2 === 0, `inner step ${i}`);
      assert.equal(inner.name, 'inner');
    }
  });

  it('adjoint rows come back in their places; a run stopped between two leaves no holes', () => {
    const like = (shape: number[], values: boolean): ValueSummary => ({ shape, dtype: 'float32', size: shape.reduce((a, b) => a * b, 1), min: 0, max: 0, mean: 0, norm: 0, nanCount: 0, infCount: 0, first: shape.length ? [0] : [0], ...(values ? { values: [0] } : {}) });
    const gradient = { id: 7, kind: 'gradient' as const, tapeId: 1, step: 0, targets: [], sources: [], adjoints: [] };
    const row = (v: number): number[] => [v, v, v, v, 0, 0, v];
    const scalar = { kind: 'adjointRows' as const, gradientId: 7, like: like([], false), ints: Int32Array.from([10, 0, 12, 2]), nums: Float64Array.from([...row(1), ...row(3)]) };
    const vector = { kind: 'adjointRows' as const, gradientId: 7, like: like([1], true), ints: Int32Array.from([11, 1]), nums: Float64Array.from([...row(2), 2]) };

    const whole = new TraceAssembler('/x.grad.ts', new Date(0));
    const call = { kind: 'gradientRows' as const, gradient, ints: Int32Array.from([7, 1, 0]), nums: new Float64Array(0), detailed: true as const };
    for (const e of [call, scalar, vector]) whole.apply(e);
    const g = whole.finish(undefined, 1).gradients[0];
    assert.deepEqual(g.adjoints.map((a) => [a.tensorId, a.value.min, a.value.shape, a.value.values]), [[10, 1, [], undefined], [11, 2, [1], [2]], [12, 3, [], undefined]]);

    const cut = new TraceAssembler('/x.grad.ts', new Date(0));
    for (const e of [call, scalar]) cut.apply(e);
    assert.deepEqual(cut.finish(undefined, 1).gradients[0].adjoints.map((a) => a.tensorId), [10, 12]);
  });

  it('nodes with NaN, and more kinds of node or gradient call at one position than row groups, come back whole as rows', async () => {
    // One position makes 20 shapes in a detailed tape, one of them NaN; a loop's undetailed steps call tape.gradient with 30 shapes.
    const text = `
import * as tf from "gradtape";
const tape = new tf.GradientTape();
const x = tf.variable([1]);
let total = tf.constant(0);
tape.record(() => {
  for (let i = 1; i <= 20; i++) {
    const part = tf.divide(tf.fill([i], i === 7 ? 0 : 1), tf.fill([i], i === 7 ? 0 : 2));
    total = tf.add(total, tf.reduceSum(tf.multiply(part, x)));
  }
});
for (let i = 1; i <= 30; i++) {
  const v = tf.variable(tf.ones([i]));
  const t = new tf.GradientTape();
  const loss = t.record(() => tf.reduceSum(tf.square(v)));
  t.gradient(loss, v);
}`;
    const t = await runScratch({ file: fixture('runner-lazy-last-step.grad.ts'), text, workerFile: WORKER, timeoutMs: 10_000 });
    assert.equal(t.ok, true, JSON.stringify(t.error));
    const parts = t.tapes[0].nodes.filter((n) => n.op === 'Mul');
    assert.deepEqual(parts.map((n) => n.output.shape), Array.from({ length: 20 }, (_, i) => [i + 1]));
    assert.deepEqual(parts.map((n) => n.nonFinite === true), Array.from({ length: 20 }, (_, i) => i === 6));
    assert.deepEqual(parts[6].output.values, Array(7).fill('NaN'));
    assert.equal(parts[6].output.nanCount, 7);
    assert.deepEqual(parts[5].output.values, [0.5, 0.5, 0.5, 0.5, 0.5, 0.5]);
    // Nodes keep recorded order and their own ids.
    const ids = t.tapes[0].nodes.map((n) => n.id);
    assert.deepEqual(ids, ids.slice().sort((a, b) => a - b));
    assert.equal(new Set(ids).size, ids.length);
    const calls = t.gradients.filter((g) => g.tapeId !== t.tapes[0].id);
    assert.deepEqual(calls.map((g) => g.sources[0].gradient?.shape), Array.from({ length: 30 }, (_, i) => [i + 1]));
    assert.deepEqual(calls.map((g) => g.sources[0].gradient?.max), Array.from({ length: 30 }, () => 2));
  });

  it('the values budget goes to a loop\'s last step first (the panel opens there), then to the samples between', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gradtape-budget-'));
    const file = path.join(dir, 'budget.grad.ts');
    // About 20,000 values per detailed step: the 200,000 budget cannot hold every sampled step.
    fs.writeFileSync(file, [
      'import * as tf from "gradtape";',
      'const w = tf.variable(tf.ones([64, 64]), { name: "w" });',
      'for (let step = 0; step < 60; step++) {',
      '  const tape = new tf.GradientTape();',
      '  const loss = tape.record(() => tf.reduceSum(tf.square(tf.matmul(w, w))));',
      '  tape.gradient(loss, w);',
      '}',
    ].join('\n'));
    const t = await runScratch({ file, workerFile: WORKER, timeoutMs: 20_000 });
    assert.equal(t.ok, true, JSON.stringify(t.error));
    const detailed = t.tapes.filter((tp) => tp.detailed && tp.nodes.length > 0);
    const last = detailed[detailed.length - 1];
    assert.equal(last.step, 59);
    const kept = (tp: (typeof detailed)[number]): boolean => tp.nodes.every((n) => n.output.values !== undefined);
    assert.ok(kept(last), 'the last step keeps its values');
    assert.ok(detailed.some((tp) => !kept(tp)), 'the budget ran out for some sampled step (else this test checks nothing)');
  });
});
