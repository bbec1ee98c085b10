// Leaves travel from the run thread to the host as rows of typed arrays (`leafRows`), as nodes and
// adjoints do: what crosses the run process's channel holds no array of numbers per leaf, and the
// leaves come back exactly as the runner summarised them (NaN, ±Infinity, −0, float32 and float64).
import assert from 'node:assert/strict';
import type { TraceLeaf, ValueSummary } from '../../src/protocol/trace';
import type { RunWorkerMessage, TraceEvent } from '../../src/protocol/worker';
import { TraceAssembler } from '../../src/runner/host/assemble';
import { disposeBundlers } from '../../src/runner/host/bundlerProcess';
import { RunProcess } from '../../src/runner/host/runProcess';
import { runScratch } from '../../src/runner/host/scratchRun';
import { summarize } from '../../src/runner/shared/summary';
import { buildRunner, fixture, WORKER } from './helpers';

/** runScratch, with every trace event as the caller received it from the run process. */
async function runAndCapture(text: string): Promise<{ trace: Awaited<ReturnType<typeof runScratch>>; events: TraceEvent[] }> {
  const events: TraceEvent[] = [];
  const emit = RunProcess.prototype.emit;
  RunProcess.prototype.emit = function (this: RunProcess, name: string | symbol, ...args: unknown[]) {
    const m = args[0] as RunWorkerMessage;
    if (name === 'message' && m.type === 'didRecord') events.push(...m.events);
    return emit.call(this, name, ...args);
  };
  try {
    const trace = await runScratch({ file: fixture('runner-lazy-last-step.grad.ts'), text, workerFile: WORKER, timeoutMs: 60_000 });
    return { trace, events };
  } finally {
    RunProcess.prototype.emit = emit;
  }
}

/** Numbers held in plain arrays anywhere in `v` (typed arrays not counted). */
function plainNumbers(v: unknown): number {
  if (ArrayBuffer.isView(v) || typeof v !== 'object' || v === null) return 0;
  let n = 0;
  for (const x of Array.isArray(v) ? v : Object.values(v)) n += typeof x === 'number' || typeof x === 'string' ? (Array.isArray(v) ? 1 : 0) : plainNumbers(x);
  return n;
}

describe('runner/leaf rows', function () {
  this.timeout(120_000);
  before(() => buildRunner());
  after(() => disposeBundlers());

  it("a long tape's thousands of constants cross to the host as typed-array rows, in the order the tape met them", async () => {
    const { trace, events } = await runAndCapture(`
import * as tf from "gradtape";
const w = tf.variable([0.5, -0.25]);
const tape = new tf.GradientTape();
const loss = tape.record(() => {
  let h = w;
  for (let i = 0; i < 2000; i++) h = tf.add(tf.multiply(h, 0.5), i);
  return tf.reduceSum(h);
});
tape.gradient(loss, w);`);
    assert.equal(trace.ok, true, JSON.stringify(trace.error));
    assert.equal(events.filter((e) => (e.kind as string) === 'leaf').length, 0, 'no leaf goes as an object of its own');
    const rows = events.filter((e): e is Extract<TraceEvent, { kind: 'leafRows' }> => e.kind === 'leafRows');
    let count = 0;
    for (const e of rows) {
      assert.ok(e.ints instanceof Int32Array && e.nums instanceof Float64Array, 'ints and nums are typed arrays after the process hop');
      count += e.ints.length / 2;
    }
    const leaves = trace.tapes[0].leaves;
    assert.equal(count, leaves.length);
    // w, then 0.5 and i for each i: the 0.5 constants and the i constants are two kinds of row, interleaved in the tape.
    assert.equal(leaves.length, 1 + 2 * 2000);
    assert.deepEqual(leaves[0].value.values, [0.5, -0.25]);
    for (let i = 0; i < 2000; i++) {
      assert.deepEqual(leaves[1 + 2 * i].value.values, [0.5], `leaf ${1 + 2 * i}`);
      assert.deepEqual(leaves[2 + 2 * i].value.values, [i], `leaf ${2 + 2 * i}`);
    }
    // The rows' templates hold a few numbers; the 4,001 leaves' numbers are all in typed arrays.
    const plain = rows.reduce((n, e) => n + plainNumbers(e.leaf), 0);
    assert.ok(plain < 20 * rows.length, `${plain} numbers in plain arrays over ${rows.length} leafRows events`);
    assert.ok(rows.reduce((n, e) => n + e.nums.length, 0) >= 4001 * 8, 'every leaf has its row of numbers');
  });

  it('NaN, ±Infinity, −0 and float32 vs float64 values come back exactly as the runner summarised them, in a first step and held ones', async () => {
    const odd = [NaN, Infinity, -Infinity, -0, 0.1, 1e-45, 3.4e38, -1.5];
    const { trace, events } = await runAndCapture(`
import * as tf from "gradtape";
const odd = [NaN, Infinity, -Infinity, -0, 0.1, 1e-45, 3.4e38, -1.5];
for (let step = 0; step < 3; step++) {
  const x32 = tf.constant(odd.map((v) => v * (step + 1)));
  const x64 = tf.constant(odd.map((v) => v * (step + 1)), "float64");
  const tape = new tf.GradientTape();
  tape.watch(x32);
  tape.watch(x64);
  const y = tape.record(() => tf.add(tf.reduceSum(x32), tf.cast(tf.reduceSum(x64), "float32")));
  tape.gradient(y, [x32, x64]);
}`);
    assert.equal(trace.ok, true, JSON.stringify(trace.error));
    assert.ok(events.some((e) => e.kind === 'detail'), 'the later steps are held and written out');
    assert.ok(!events.some((e) => e.kind === 'detail' && Object.keys(e).some((k) => k !== 'kind' && k !== 'tapeId')), 'a detail event carries no leaves or nodes of its own');
    const detailed = trace.tapes.filter((t) => t.detailed);
    // Step 0 recorded as it ran; steps 1 (a sample) and 2 (the last) held, then written out.
    assert.deepEqual(detailed.map((t) => t.step), [0, 1, 2]);
    for (const t of detailed) {
      const scaled = odd.map((v) => v * (t.step + 1));
      const expect = (dtype: 'float32' | 'float64'): ValueSummary => summarize([8], dtype, dtype === 'float32' ? Float32Array.from(scaled) : Float64Array.from(scaled), true);
      const [x32, x64] = t.leaves as [TraceLeaf, TraceLeaf];
      assert.deepStrictEqual(x32.value, expect('float32'), `step ${t.step} float32`);
      assert.deepStrictEqual(x64.value, expect('float64'), `step ${t.step} float64`);
      assert.ok(Object.is(x32.value.values![3], -0) && Object.is(x64.value.first[3], -0), '−0 stays −0');
      assert.deepEqual(x32.value.values!.slice(0, 3), ['NaN', 'Infinity', '-Infinity']);
      assert.equal(x32.value.values![4], Math.fround(0.1 * (t.step + 1)));
      assert.equal(x64.value.values![4], 0.1 * (t.step + 1));
      assert.deepEqual([x32.watched, x64.watched, x32.kind], [true, true, 'constant']);
    }
  });

  it('leaf rows go to their places in the tape; a tape whose detail was dropped takes none; a run cut between two events leaves no holes', () => {
    const like = (v: number[]): ValueSummary => summarize([v.length], 'float32', Float32Array.from(v), true);
    const row = (v: number[]): number[] => {
      const s = like(v);
      return [s.min, s.max, s.mean, s.norm, s.nanCount, s.infCount, ...s.first, ...s.values!].map(Number);
    };
    const tape = { kind: 'tapeRows' as const, tape: {}, ids: Int32Array.of(1, 2), steps: Int32Array.of(0, 1), nodeCounts: Int32Array.of(0, 0), bytes: Float64Array.of(0, 0), parentIds: Int32Array.of(-1, -1), flags: Uint8Array.of(4, 4) };
    const scalars: TraceEvent = { kind: 'leafRows', tapeId: 1, leaf: { tensorId: 0, kind: 'constant', watched: false, value: like([1]) }, ints: Int32Array.of(10, 0, 12, 2), nums: Float64Array.from([...row([1]), ...row([3])]) };
    const pair: TraceEvent = { kind: 'leafRows', tapeId: 1, leaf: { tensorId: 0, kind: 'variable', watched: true, name: 'w', trainable: true, value: like([0, 0]) }, ints: Int32Array.of(11, 1), nums: Float64Array.from(row([2, -0])) };
    const other: TraceEvent = { kind: 'leafRows', tapeId: 2, leaf: { tensorId: 0, kind: 'constant', watched: false, value: like([5]) }, ints: Int32Array.of(20, 0), nums: Float64Array.from(row([5])) };
    const dropped: TraceEvent = { kind: 'dropDetail', tapeId: 2 };

    const whole = new TraceAssembler('/x.grad.ts', new Date(0));
    for (const e of [tape, scalars, pair, dropped, other]) whole.apply(e);
    const [t1, t2] = whole.finish(undefined, 1).tapes;
    assert.deepEqual(t1.leaves.map((l) => [l.tensorId, l.kind, l.name, l.value.values]), [[10, 'constant', undefined, [1]], [11, 'variable', 'w', [2, -0]], [12, 'constant', undefined, [3]]]);
    assert.ok(Object.is(t1.leaves[1].value.values![1], -0));
    assert.deepEqual(Object.keys(t1.leaves[1]), ['tensorId', 'kind', 'watched', 'value', 'name', 'trainable'], 'the fields in the trace\'s order');
    assert.deepEqual(t2.leaves, []);

    const cut = new TraceAssembler('/x.grad.ts', new Date(0));
    for (const e of [tape, scalars]) cut.apply(e);
    assert.deepEqual(cut.finish(undefined, 1).tapes[0].leaves.map((l) => l.tensorId), [10, 12]);
  });
});
