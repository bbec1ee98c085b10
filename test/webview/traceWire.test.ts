// A large run's rows go to the panel as typed arrays (src/protocol/traceWire.ts, panelWire.ts): packed
// on the host, carried as a structured clone (what the webview channel does with typed arrays), checked
// and unpacked in the page, they give back the trace field for field, and what is malformed is refused.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import type { HostToPanel } from '../../src/protocol/panel';
import { splitTrace } from '../../src/protocol/panelParts';
import { decodeFromHost, encodeForPanel } from '../../src/protocol/panelWire';
import type { Curve, Num, Trace, TraceGradient, TraceLeaf, TraceNode, TraceTape, ValueSummary } from '../../src/protocol/trace';
import { checkPackedRows, packRows, rowCount, unpackRows, type PackedRows } from '../../src/protocol/traceWire';
import { largeTrace, longLoopTrace, trainingTrace } from './fixtures/traceBuilder';

const goldenDir = path.join(__dirname, '..', 'runner', 'golden');
const goldens = fs
  .readdirSync(goldenDir).filter((f) => f.endsWith('.json')).map((f) => ({ f, trace: JSON.parse(fs.readFileSync(path.join(goldenDir, f), 'utf8')) as Trace }));

/** Through the channel and back: packed, structured-cloned, checked, unpacked. */
function roundTrip(tapes: TraceTape[], gradients: TraceGradient[], curves: Curve[] = []) {
  const packed = structuredClone(packRows(tapes, gradients, curves));
  assert.equal(checkPackedRows(packed, tapes.length, gradients.length, curves.length), undefined);
  const bare = structuredClone({
    tapes: tapes.map((t) => ({ ...t, nodes: [], leaves: [] })),
    gradients: gradients.map((g) => ({ ...g, targets: [], sources: [], adjoints: [] })),
    curves: curves.map((c) => ({ ...c, points: [] })),
  });
  return unpackRows(packed, bare.tapes, bare.gradients, bare.curves);
}

/** Summaries a packing holds: one per node, leaf, adjoint and target, and per source with a gradient. */
const summaryCount = (tapes: TraceTape[], gradients: TraceGradient[]): number =>
  tapes.reduce((n, t) => n + t.nodes.length + t.leaves.length, 0) + gradients.reduce((n, g) => n + g.adjoints.length + g.targets.length + g.sources.filter((s) => s.gradient).length, 0);

const load = (trace: Trace): HostToPanel => ({ type: 'didLoadRun', uri: 'file:///ws/a.grad.ts', fileName: 'a.grad.ts', run: { uri: 'file:///ws/a.grad.ts', version: 3, trace }, sentAt: 1 });

describe('panel: a run\'s rows as typed arrays', () => {
  it('gives back every golden trace of the runner, field for field', () => {
    let rows = 0;
    for (const { f, trace } of goldens) {
      // The goldens keep a loop's later steps and long value lists as digests: those are not the runner's rows.
      const whole = (x: object) => !JSON.stringify(x).includes('sha256');
      const tapes = trace.tapes.filter(whole), gradients = trace.gradients.filter(whole), curves = trace.curves.filter(whole);
      rows += rowCount(tapes, gradients, curves);
      assert.deepEqual(roundTrip(tapes, gradients, curves), { tapes, gradients, curves }, f);
    }
    assert.ok(rows > 300, `${rows} rows in the goldens`);
  });

  it('gives back a 10,000-node tape and a 1,000-step loop, with the numbers in typed arrays rather than in JSON', () => {
    for (const trace of [largeTrace(10_000), longLoopTrace(1000)]) {
      const packed = packRows(trace.tapes, trace.gradients, trace.curves);
      assert.deepEqual(roundTrip(trace.tapes, trace.gradients, trace.curves), { tapes: trace.tapes, gradients: trace.gradients, curves: trace.curves });
      // What is left for JSON is the strings, the few attributes and null reasons: no value summaries, no rows, no points.
      const { summaries, nodes, leaves, adjoints, targets, sources, points, ...plain } = packed;
      assert.ok(JSON.stringify(plain).length + JSON.stringify(nodes.attrs).length + JSON.stringify(sources.nullReasons).length < JSON.stringify(trace).length / 20, 'little is left as JSON');
      assert.ok(summaries.numbers instanceof Float64Array && leaves.value instanceof Int32Array && adjoints.value instanceof Int32Array && targets.value instanceof Int32Array && sources.gradient instanceof Int32Array && points.value instanceof Float64Array);
      assert.equal(summaries.count, summaryCount(trace.tapes, trace.gradients), 'one summary per node, leaf, adjoint, target and source gradient');
      assert.equal(points.step.length, trace.curves.reduce((n, c) => n + c.points.length, 0));
    }
    // A long loop's own rows are its calls and curve points: they make it large enough to pack.
    const loop = longLoopTrace(1000);
    assert.ok(rowCount(loop.tapes.map((t) => ({ ...t, nodes: [], leaves: [] })), loop.gradients.map((g) => ({ ...g, adjoints: [] })), loop.curves) >= 1000);
  });

  it('keeps non-finite numbers as the trace spells them, and -0', () => {
    const v: ValueSummary = { shape: [2, 2], dtype: 'float32', size: 4, min: '-Infinity', max: 'Infinity', mean: 'NaN', norm: 'Infinity', nanCount: 1, infCount: 2, first: ['NaN', 'Infinity', '-Infinity', -0], values: ['NaN', 'Infinity', '-Infinity', -0] };
    const tape: TraceTape = { id: 0, persistent: false, watchAccessedVariables: true, step: 0, detailed: true, nodeCount: 1, bytes: 16, leaves: [],
      nodes: [{ id: 1, op: 'Log', inputs: [{ name: 'x', tensorId: 0 }], outputId: 2, output: v, tapeIds: [0], nonFinite: true, pos: { line: 3, column: 5, file: '/ws/lib.ts' } }] };
    const back = roundTrip([tape], []);
    assert.deepEqual(back.tapes[0].nodes[0].output, v);
    assert.ok(Object.is(back.tapes[0].nodes[0].output.values![3], -0));
  });

  it('gives back any rows (property)', () => {
    const num: fc.Arbitrary<Num> = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom<Num>('NaN', 'Infinity', '-Infinity'), fc.integer({ min: -5, max: 5 }));
    const summary: fc.Arbitrary<ValueSummary> = fc.record({
      shape: fc.array(fc.nat(9), { maxLength: 3 }), dtype: fc.constantFrom('float32', 'float64', 'int32', 'bool'), size: fc.nat(1e6), min: num, max: num, mean: num, norm: num,
      nanCount: fc.nat(9), infCount: fc.nat(9), first: fc.array(num, { maxLength: 8 }), values: fc.array(num, { maxLength: 12 }),
    }, { noNullPrototype: true, requiredKeys: ['shape', 'dtype', 'size', 'min', 'max', 'mean', 'norm', 'nanCount', 'infCount', 'first'] });
    const pos = fc.record({ line: fc.integer({ min: 1, max: 1e5 }), column: fc.nat(200), file: fc.constantFrom('/ws/a.ts', '/ws/b.ts') }, { noNullPrototype: true, requiredKeys: ['line', 'column'] });
    const name = fc.constantFrom('w', 'loss', 'h', 'σ', '');
    const node: fc.Arbitrary<TraceNode> = fc.record({
      id: fc.nat(1e6), op: fc.constantFrom('MatMul', 'Add', 'Tanh'), inputs: fc.array(fc.record({ name: fc.constantFrom('a', 'b', 'x'), tensorId: fc.nat(1e6) }, { noNullPrototype: true }), { maxLength: 3 }),
      outputId: fc.nat(1e6), output: summary, attrs: fc.dictionary(fc.constantFrom('axes', 'keepdims', 'perm'), fc.oneof(fc.boolean(), fc.array(fc.integer({ min: -3, max: 3 }), { maxLength: 3 })), { maxKeys: 2, noNullPrototype: true }),
      pos, name, call: name, tapeIds: fc.array(fc.nat(9), { minLength: 1, maxLength: 3 }), nonFinite: fc.boolean(),
    }, { noNullPrototype: true, requiredKeys: ['id', 'op', 'inputs', 'outputId', 'output', 'tapeIds'] });
    const leaf: fc.Arbitrary<TraceLeaf> = fc.record({ tensorId: fc.nat(1e6), kind: fc.constantFrom('variable', 'constant', 'tensor'), name, trainable: fc.boolean(), watched: fc.boolean(), value: summary, pos },
      { noNullPrototype: true, requiredKeys: ['tensorId', 'kind', 'watched', 'value'] });
    const tape: fc.Arbitrary<TraceTape> = fc.record({ id: fc.nat(99), nodes: fc.array(node, { maxLength: 5 }), leaves: fc.array(leaf, { maxLength: 4 }) }, { noNullPrototype: true })
      .map(({ id, nodes, leaves }) => ({ id, persistent: false, watchAccessedVariables: true, step: 0, detailed: true, nodeCount: nodes.length, bytes: 0, nodes, leaves }));
    const target = fc.record({ tensorId: fc.nat(1e6), name, value: summary }, { noNullPrototype: true, requiredKeys: ['tensorId', 'value'] });
    const reason = fc.record({ kind: fc.constantFrom('unconnected', 'notWatched'), message: fc.constantFrom('not on the tape', 'a constant no tape watched'), pos }, { noNullPrototype: true, requiredKeys: ['kind', 'message'] });
    const source = fc.record({ key: fc.oneof(fc.nat(99), fc.constantFrom('w', 'b', '')), tensorId: fc.nat(1e6), name, gradient: fc.option(summary, { nil: null }), nullReason: reason }, { noNullPrototype: true, requiredKeys: ['tensorId', 'gradient'] });
    const gradient: fc.Arbitrary<TraceGradient> = fc.tuple(fc.array(fc.record({ tensorId: fc.nat(1e6), value: summary }, { noNullPrototype: true }), { maxLength: 4 }), fc.array(target, { maxLength: 2 }), fc.array(source, { maxLength: 3 }))
      .map(([adjoints, targets, sources]) => ({ id: 0, kind: 'gradient', tapeId: 0, step: 0, targets, sources, adjoints } as TraceGradient));
    const curve: fc.Arbitrary<Curve> = fc.record({ name, kind: fc.constantFrom('summary', 'target'), pos, points: fc.array(fc.record({ step: fc.oneof(fc.nat(1e6), fc.double({ noNaN: true })), value: num }, { noNullPrototype: true }), { maxLength: 6 }) },
      { noNullPrototype: true, requiredKeys: ['name', 'kind', 'points'] });
    fc.assert(fc.property(fc.array(tape, { maxLength: 4 }), fc.array(gradient, { maxLength: 3 }), fc.array(curve, { maxLength: 3 }), (tapes, gradients, curves) => {
      assert.deepEqual(roundTrip(tapes, gradients, curves), { tapes, gradients, curves });
    }), { numRuns: 200 });
  });

  it('packs only large runs, and gives back the messages the host meant, whole or in two parts', () => {
    const small = load(trainingTrace());
    assert.equal(encodeForPanel(small), small, 'a small run goes as it is');
    const trace = longLoopTrace(1000);
    const whole = load(trace);
    const wire = structuredClone(encodeForPanel(whole));
    assert.ok('rows' in wire && wire.rows, 'a large run goes packed');
    const back = decodeFromHost(wire);
    assert.ok(back.ok && typeof back.packMs === 'number');
    assert.deepEqual(back.msg, whole);
    const parts = splitTrace(trace)!;
    const first = load(parts.first);
    const rest: HostToPanel = { type: 'didLoadRunRest', uri: 'file:///ws/a.grad.ts', startedAt: trace.startedAt, sentAt: 1, rest: parts.rest };
    for (const m of [first, rest]) {
      const r = decodeFromHost(structuredClone(encodeForPanel(m, 1)));
      assert.ok(r.ok);
      assert.deepEqual(r.msg, m);
    }
    // Other messages pass as they are; what is not a host message is refused.
    assert.deepEqual(decodeFromHost({ type: 'didMoveCursor', uri: 'u', line: 3 }), { ok: true, msg: { type: 'didMoveCursor', uri: 'u', line: 3 } });
    assert.equal(decodeFromHost({ type: 'ready' }).ok, false);
    assert.equal(decodeFromHost('didLoadRun').ok, false);
  });

  it('refuses packed rows that do not fit: a wrong kind of column, offsets or indices out of range, rows for other tapes', () => {
    const trace = largeTrace(600);
    const curves: Curve[] = [{ name: 'loss', kind: 'summary', points: [{ step: 0, value: 1 }, { step: 1, value: 'NaN' }] }];
    const good = () => structuredClone(packRows(trace.tapes, trace.gradients, curves));
    const n = trace.tapes.length, g = trace.gradients.length;
    assert.equal(checkPackedRows(good(), n, g, 1), undefined);
    const broken: [string, (p: PackedRows) => void][] = [
      ['a Float64Array for ids', (p) => ((p.nodes as unknown as { id: unknown }).id = Float64Array.from(p.nodes.id))],
      ['an output past the summaries', (p) => (p.nodes.output[3] = p.summaries.count)],
      ['an op name past the strings', (p) => (p.nodes.op[0] = p.strings.length)],
      ['decreasing input offsets', (p) => (p.nodes.inputAt[2] = p.nodes.inputAt[1] - 1)],
      ['values past the numbers', (p) => (p.summaries.valuesLen[0] = p.summaries.numbers.length + 1)],
      ['a short stats column', (p) => (p.summaries.stats = p.summaries.stats.subarray(1))],
      ['an unknown dtype', (p) => (p.summaries.dtype[0] = 9)],
      ['a leaf kind out of range', (p) => (p.leaves.kind[0] = 7)],
      ['an adjoint past the summaries', (p) => (p.adjoints.value[0] = -1)],
      ['attrs on a node that is not there', (p) => p.nodes.attrs.push([p.nodes.id.length, {}])],
      ['a target past the summaries', (p) => (p.targets.value[0] = p.summaries.count)],
      ['a source gradient below -1', (p) => (p.sources.gradient[0] = -2)],
      ['a source key kind out of range', (p) => (p.sources.keyKind[0] = 2)],
      ['a string key past the strings', (p) => ((p.sources.keyKind[0] = 1), (p.sources.key[0] = p.strings.length))],
      ['a null reason without a message', (p) => p.sources.nullReasons.push([0, {} as never])],
      ['source offsets past the rows', (p) => (p.sourceAt[g] = p.sources.tensorId.length + 1)],
      ['curve points as an array', (p) => ((p.points as unknown as { value: unknown }).value = Array.from(p.points.value))],
    ];
    for (const [what, breakIt] of broken) {
      const p = good();
      breakIt(p);
      assert.notEqual(checkPackedRows(p, n, g, 1), undefined, what);
    }
    assert.notEqual(checkPackedRows(good(), n + 1, g, 1), undefined, 'one tape more than the rows are for');
    assert.notEqual(checkPackedRows(good(), n, g + 1, 1), undefined, 'one gradient call more');
    assert.notEqual(checkPackedRows(good(), n, g, 2), undefined, 'one curve more');
    // A message with broken rows is dropped, with the reason.
    const wire = structuredClone(encodeForPanel(load(trace))) as { rows: PackedRows };
    wire.rows.nodes.output[0] = -5;
    const r = decodeFromHost(wire);
    assert.equal(r.ok, false);
    assert.match((r as { reason: string }).reason, /didLoadRun: nodes: a summary out of range/);
  });
});
