// A large run's rows go to the panel as typed arrays (src/protocol/traceWire.ts, panelWire.ts): packed
// on the host, carried as a structured clone (what the webview channel does with typed arrays), checked
// and unpacked in the page, they give back the trace field for field, and what is malformed is refused.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { inspect } from '../../src/engine/inspect';
import type { HostToPanel, InspectAnswer } from '../../src/protocol/panel';
import { inspectJob } from '../../src/runner/host/inspectJob';
import { splitTrace } from '../../src/protocol/panelParts';
import { decodeFromHost, encodeForPanel, type HostToPanelWire } from '../../src/protocol/panelWire';
import type { Curve, Num, Trace, TraceGradient, TraceLeaf, TraceNode, TraceScope, TraceTape, ValueSummary } from '../../src/protocol/trace';
import { checkPackedRows, packRows, rowCount, unpackRows, type PackedRows } from '../../src/protocol/traceWire';
import { layerCalls } from './fixtures/layerCalls';
import { largeTrace, longLoopTrace, trainingTrace } from './fixtures/traceBuilder';

const goldenDir = path.join(__dirname, '..', 'runner', 'golden');
const goldens = fs
  .readdirSync(goldenDir).filter((f) => f.endsWith('.json')).map((f) => ({ f, trace: JSON.parse(fs.readFileSync(path.join(goldenDir, f), 'utf8')) as Trace }));

/** Through the channel and back: packed, structured-cloned, checked, unpacked. */
function roundTrip(tapes: TraceTape[], gradients: TraceGradient[], curves: Curve[] = [], scopes?: TraceScope[]) {
  const packed = structuredClone(packRows(tapes, gradients, curves, scopes));
  assert.equal(checkPackedRows(packed, curves.length), undefined);
  return unpackRows(packed, structuredClone(curves.map((c) => ({ ...c, points: [] }))));
}

/** Summaries a packing holds: one per node, leaf, adjoint and target, and per source with a gradient. */
const summaryCount = (tapes: TraceTape[], gradients: TraceGradient[]): number =>
  tapes.reduce((n, t) => n + t.nodes.length + t.leaves.length, 0) + gradients.reduce((n, g) => n + g.adjoints.length + g.targets.length + g.sources.filter((s) => s.gradient).length, 0);

/** The fields of a tape, call or layer call in the order the host's assembler and the runner write them (their JSON is compared as text). */
function assemblerOrder<T extends object>(x: T): T {
  const order = ['id', 'kind', 'persistent', 'watchAccessedVariables', 'tapeId', 'step', 'detailed', 'nodeCount', 'bytes', 'leaves', 'nodes', 'targets', 'sources', 'adjoints', 'pos', 'name', 'parentId', 'truncated', 'resultName'];
  const scopeOrder = ['id', 'name', 'className', 'model', 'afterNodeId', 'lastNodeId', 'parentId', 'pos', 'outputId', 'resultName'];
  const keys = 'className' in x ? scopeOrder : order;
  const out: Record<string, unknown> = {};
  for (const k of keys) if (k in x) out[k] = (x as Record<string, unknown>)[k];
  assert.equal(Object.keys(out).length, Object.keys(x).length, `a field outside ${keys.join(', ')}`);
  return out as T;
}

const load = (trace: Trace): HostToPanel => ({ type: 'didLoadRun', uri: 'file:///ws/a.grad.ts', fileName: 'a.grad.ts', run: { uri: 'file:///ws/a.grad.ts', version: 3, trace }, sentAt: 1 });

describe('panel: a run\'s rows as typed arrays', () => {
  it('gives back every golden trace of the runner, field for field', () => {
    let rows = 0, scopes = 0;
    for (const { f, trace } of goldens) {
      // The goldens keep a loop's later steps and long value lists as digests: those are not the runner's rows.
      const whole = (x: object) => !JSON.stringify(x).includes('sha256');
      const tapes = trace.tapes.filter(whole), gradients = trace.gradients.filter(whole), curves = trace.curves.filter(whole);
      rows += rowCount(tapes, gradients, curves, trace.scopes);
      scopes += trace.scopes?.length ?? 0;
      assert.deepEqual(roundTrip(tapes, gradients, curves, trace.scopes), { tapes, gradients, curves, ...(trace.scopes ? { scopes: trace.scopes } : {}) }, f);
    }
    assert.ok(rows > 300, `${rows} rows in the goldens`);
    assert.ok(scopes > 0, 'the goldens have layer calls');
  });

  it('gives back a 10,000-node tape and a 1,000-step loop, with the numbers in typed arrays rather than in JSON', () => {
    for (const trace of [largeTrace(10_000), longLoopTrace(1000)]) {
      const packed = packRows(trace.tapes, trace.gradients, trace.curves);
      assert.deepEqual(roundTrip(trace.tapes, trace.gradients, trace.curves), { tapes: trace.tapes, gradients: trace.gradients, curves: trace.curves });
      // What is left for JSON is the strings, the few attributes and null reasons: no value summaries, no rows, no points.
      const { summaries, nodes, leaves, adjoints, targets, sources, points, tapes, calls, ...plain } = packed;
      assert.ok(JSON.stringify(plain).length + JSON.stringify(nodes.attrs).length + JSON.stringify(sources.nullReasons).length < JSON.stringify(trace).length / 20, 'little is left as JSON');
      assert.ok(tapes.bytes instanceof Float64Array && tapes.id.length === trace.tapes.length && calls.id.length === trace.gradients.length, 'the tapes\' and calls\' own fields are columns');
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
    // Every optional field of a tape present or absent; parents are other tapes' ids (unique ids: the host keys tapes by id).
    const tape = (id: number): fc.Arbitrary<TraceTape> => fc.record({
      id: fc.constant(id), persistent: fc.boolean(), watchAccessedVariables: fc.boolean(), pos, name, step: fc.nat(1e6), detailed: fc.boolean(), nodeCount: fc.nat(1e6),
      truncated: fc.boolean(), bytes: fc.oneof(fc.nat(1e9), fc.double({ min: 0, max: 1e15, noNaN: true })), parentId: fc.nat(99).filter((p) => p !== id),
      leaves: fc.array(leaf, { maxLength: 4 }), nodes: fc.array(node, { maxLength: 5 }),
    }, { noNullPrototype: true, requiredKeys: ['id', 'persistent', 'watchAccessedVariables', 'step', 'detailed', 'nodeCount', 'bytes', 'leaves', 'nodes'] });
    const tapes = fc.uniqueArray(fc.nat(99), { maxLength: 4 }).chain((ids) => fc.tuple(...ids.map(tape)));
    const target = fc.record({ tensorId: fc.nat(1e6), name, value: summary }, { noNullPrototype: true, requiredKeys: ['tensorId', 'value'] });
    const reason = fc.record({ kind: fc.constantFrom('unconnected', 'notWatched'), message: fc.constantFrom('not on the tape', 'a constant no tape watched'), pos }, { noNullPrototype: true, requiredKeys: ['kind', 'message'] });
    const source = fc.record({ key: fc.oneof(fc.nat(99), fc.constantFrom('w', 'b', '')), tensorId: fc.nat(1e6), name, gradient: fc.option(summary, { nil: null }), nullReason: reason }, { noNullPrototype: true, requiredKeys: ['tensorId', 'gradient'] });
    // Calls of every kind, with and without a position and a result name (a jvp's tapeId may be any id).
    const gradient = (id: number): fc.Arbitrary<TraceGradient> => fc.record({
      id: fc.constant(id), kind: fc.constantFrom('gradient', 'jacobian', 'batchJacobian', 'jvp'), tapeId: fc.integer({ min: -1, max: 99 }), pos, step: fc.nat(1e6),
      targets: fc.array(target, { maxLength: 2 }), sources: fc.array(source, { maxLength: 3 }), adjoints: fc.array(fc.record({ tensorId: fc.nat(1e6), value: summary }, { noNullPrototype: true }), { maxLength: 4 }), resultName: name,
    }, { noNullPrototype: true, requiredKeys: ['id', 'kind', 'tapeId', 'step', 'targets', 'sources', 'adjoints'] }).map((g) => g as TraceGradient);
    const gradients = fc.uniqueArray(fc.nat(1e6), { maxLength: 3 }).chain((ids) => fc.tuple(...ids.map(gradient)));
    const curve: fc.Arbitrary<Curve> = fc.record({ name, kind: fc.constantFrom('summary', 'target'), pos, points: fc.array(fc.record({ step: fc.oneof(fc.nat(1e6), fc.double({ noNaN: true })), value: num }, { noNullPrototype: true }), { maxLength: 6 }) },
      { noNullPrototype: true, requiredKeys: ['name', 'kind', 'points'] });
    fc.assert(fc.property(tapes, gradients, fc.array(curve, { maxLength: 3 }), fc.option(layerCalls(pos), { nil: undefined }), (tapes, gradients, curves, scopes) => {
      const back = roundTrip(tapes, gradients, curves, scopes);
      assert.deepEqual(back, { tapes, gradients, curves, ...(scopes ? { scopes } : {}) });
      // Their own fields in the order the assembler and the runner write them.
      const own = (x: { tapes: TraceTape[]; gradients: TraceGradient[]; scopes?: TraceScope[] }) => JSON.stringify([
        x.tapes.map((t) => ({ ...t, leaves: t.leaves.length, nodes: t.nodes.length })), x.gradients.map((g) => ({ ...g, targets: g.targets.length, sources: g.sources.length, adjoints: g.adjoints.length })), x.scopes]);
      assert.equal(own(back), own({ tapes: tapes.map(assemblerOrder), gradients: gradients.map(assemblerOrder), scopes: scopes?.map(assemblerOrder) }));
    }), { numRuns: 200 });
  });

  it('packs only large runs, and gives back the messages the host meant, whole or in two parts', () => {
    const small = load(trainingTrace());
    assert.equal(encodeForPanel(small), small, 'a small run goes as it is');
    // A long loop whose steps keep no nodes goes packed: its tapes and calls are rows too.
    const bare = longLoopTrace(300);
    bare.tapes = bare.tapes.map((t) => ({ ...t, detailed: false, nodes: [], leaves: [] }));
    bare.gradients = bare.gradients.map((g) => ({ ...g, targets: [], sources: [], adjoints: [] }));
    bare.curves = [];
    const steps = structuredClone(encodeForPanel(load(bare))) as HostToPanelWire & { type: 'didLoadRun' };
    assert.ok(steps.rows && steps.run!.trace.tapes.length === 0 && steps.run!.trace.gradients.length === 0, 'no tape or call as an object');
    assert.deepEqual(decodeFromHost(steps), { ok: true, msg: load(bare), packMs: steps.packMs });
    // A Keras run's layer calls go packed, and come back.
    const keras: Trace = { ...largeTrace(600), scopes: [{ id: 1, name: 'dense', className: 'Dense', model: false, afterNodeId: 0, lastNodeId: 5, parentId: 2 }, { id: 2, name: 'model', className: 'Model', model: true, afterNodeId: 0, lastNodeId: 9, pos: { line: 4, column: 1 }, outputId: 3, resultName: 'logits' }] };
    const kw = structuredClone(encodeForPanel(load(keras))) as HostToPanelWire & { type: 'didLoadRun' };
    assert.ok(!('scopes' in kw.run!.trace) && kw.rows?.scopes?.id instanceof Int32Array, 'layer calls as columns');
    const kb = decodeFromHost(kw);
    assert.ok(kb.ok);
    assert.deepEqual(kb.msg, load(keras));
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
    const scopes: TraceScope[] = [
      { id: 1, name: 'dense', className: 'Dense', model: false, afterNodeId: 0, lastNodeId: 2, parentId: 2 },
      { id: 2, name: 'my_model', className: 'MyModel', model: true, afterNodeId: 0, lastNodeId: 3, pos: { line: 9, column: 3 }, outputId: 7, resultName: 'logits' },
    ];
    const good = () => structuredClone(packRows(trace.tapes, trace.gradients, curves, scopes));
    const g = trace.gradients.length;
    assert.equal(checkPackedRows(good(), 1), undefined);
    const sc = (p: PackedRows) => p.scopes!;
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
      // The tapes' own fields.
      ['one tape more than the rows are for', (p) => ((p.tapes.id = Int32Array.of(...p.tapes.id, 99)), (p.tapes.step = Int32Array.of(...p.tapes.step, 0)))],
      ['tape ids as a plain array', (p) => ((p.tapes as unknown as { id: unknown }).id = Array.from(p.tapes.id))],
      ['a tape id twice', (p) => (p.tapes.id = Int32Array.of(p.tapes.id[0], p.tapes.id[0]))],
      ['a short persistent column', (p) => (p.tapes.persistent = new Uint8Array(0))],
      ['a detailed flag of 2', (p) => (p.tapes.detailed[0] = 2)],
      ['bytes as Int32Array', (p) => ((p.tapes as unknown as { bytes: unknown }).bytes = Int32Array.from(p.tapes.bytes))],
      ['NaN bytes', (p) => (p.tapes.bytes[0] = NaN)],
      ['a negative step', (p) => (p.tapes.step[0] = -1)],
      ['a negative node count', (p) => (p.tapes.nodeCount[0] = -3)],
      ['a tape name past the strings', (p) => (p.tapes.name[0] = p.strings.length)],
      ['a tape file past the strings', (p) => (p.tapes.pos.file[0] = p.strings.length)],
      ['a tape its own parent', (p) => (p.tapes.parentId[0] = p.tapes.id[0])],
      ['a parent id below -1', (p) => (p.tapes.parentId[0] = -2)],
      ['a truncated flag of 3', (p) => (p.tapes.truncated[0] = 3)],
      ['no tapes at all', (p) => delete (p as Partial<PackedRows>).tapes],
      // The calls' own fields.
      ['one call more than the rows are for', (p) => (p.calls.id = Int32Array.of(...p.calls.id, 12345))],
      ['a call kind out of range', (p) => (p.calls.kind[0] = 4)],
      ['a call id twice', (p) => ((p.calls.id = Int32Array.of(1, 1)), (p.adjointAt = Int32Array.of(0, p.adjoints.tensorId.length, p.adjoints.tensorId.length)))],
      ['a result name past the strings', (p) => (p.calls.resultName[0] = p.strings.length)],
      ['a call step as Float64Array', (p) => ((p.calls as unknown as { step: unknown }).step = Float64Array.from(p.calls.step))],
      ['a short call position column', (p) => (p.calls.pos.line = p.calls.pos.line.subarray(1))],
      // Layer calls.
      ['a layer name past the strings', (p) => (sc(p).name[0] = p.strings.length)],
      ['an absent class name', (p) => (sc(p).className[1] = -1)],
      ['a layer its own parent', (p) => (sc(p).parentId[0] = sc(p).id[0])],
      ['a layer id twice', (p) => (sc(p).id[1] = sc(p).id[0])],
      ['a layer holding no node', (p) => (sc(p).lastNodeId[0] = sc(p).afterNodeId[0])],
      ['a model flag of 2', (p) => (sc(p).model[0] = 2)],
      ['an output id below -1', (p) => (sc(p).outputId[1] = -2)],
      ['a short result name column', (p) => (sc(p).resultName = Int32Array.of(-1))],
      ['layer positions as plain arrays', (p) => ((sc(p).pos as unknown as { line: unknown }).line = Array.from(sc(p).pos.line))],
    ];
    for (const [what, breakIt] of broken) {
      const p = good();
      breakIt(p);
      assert.notEqual(checkPackedRows(p, 1), undefined, what);
    }
    assert.notEqual(checkPackedRows(good(), 2), undefined, 'one curve more');
    assert.equal(g, 1, 'one call, so that two ids are one too many');
    // A message with broken rows is dropped, with the reason.
    const wire = structuredClone(encodeForPanel(load(trace))) as { rows: PackedRows };
    wire.rows.nodes.output[0] = -5;
    const r = decodeFromHost(wire);
    assert.equal(r.ok, false);
    assert.match((r as { reason: string }).reason, /didLoadRun: nodes: a summary out of range/);
    // Tapes both packed and plain are not what the host sends.
    const twice = structuredClone(encodeForPanel(load(trace))) as { run: { trace: Trace } };
    twice.run.trace.tapes = trace.tapes;
    assert.match((decodeFromHost(twice) as { reason: string }).reason, /didLoadRun: tapes or calls beside packed rows/);
  });
});

describe('panel: the inspector\'s answers with their numbers as typed arrays', () => {
  const inspected = (answer: InspectAnswer): HostToPanel => ({ type: 'didInspect', requestId: 7, result: { ok: true, answer } });
  /** Every list of numbers the wire form holds, and whether any is still a plain list. */
  const lists = (wire: unknown): { packed: number; plain: number } => {
    const out = { packed: 0, plain: 0 };
    const walk = (v: unknown, key: string): void => {
      if (v instanceof Float64Array) out.packed++;
      else if (Array.isArray(v)) {
        if (['upstream', 'contribution', 'values'].includes(key) || v.some((x) => typeof x === 'number')) out.plain++;
        for (const x of v) walk(x, key);
      } else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, k);
    };
    walk(wire, '');
    return out;
  };

  it('gives back the engine\'s node and walkthrough answers, every list of numbers a Float64Array on the way', () => {
    const traces = [trainingTrace(), JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'trace-mlp-adam.json'), 'utf8')) as Trace];
    let packed = 0;
    for (const trace of traces) {
      const g = trace.gradients[0];
      const tape = trace.tapes.find((t) => t.id === g.tapeId)!;
      const job = inspectJob(trace, g.id)!;
      const answers = [
        ...tape.nodes.map((n) => inspect(job, { kind: 'node', tensorId: n.outputId, nodeId: n.id })),
        ...g.sources.map((s) => inspect(job, { kind: 'walk', seed: s.tensorId, element: 0 })),
      ];
      for (const answer of answers) {
        const msg = inspected(answer);
        const wire = structuredClone(encodeForPanel(msg));
        const l = lists(wire);
        assert.equal(l.plain, 0, 'no list of numbers left for JSON');
        packed += l.packed;
        assert.deepEqual(decodeFromHost(wire), { ok: true, msg });
      }
    }
    assert.ok(packed > 20, `${packed} lists packed`);
  });

  it('gives back any answer, non-finite numbers and -0 as the engine spells them (property)', () => {
    const num: fc.Arbitrary<Num> = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom<Num>('NaN', 'Infinity', '-Infinity', -0));
    const values = fc.array(num, { maxLength: 6 });
    const term = fc.record({ input: fc.constantFrom('a', 'b'), tensorId: fc.nat(99), local: fc.constant('∂out/∂a = 1'), skipped: fc.boolean(), contribution: fc.option(values, { nil: null }) }, { noNullPrototype: true });
    const chain = fc.record({ nodeId: fc.nat(99), upstream: fc.option(values, { nil: null }), terms: fc.array(term, { maxLength: 3 }), reason: fc.constant('replaying failed') }, { noNullPrototype: true, requiredKeys: ['nodeId', 'upstream', 'terms'] });
    const node: fc.Arbitrary<InspectAnswer> = fc.record({ kind: fc.constant('node' as const), derivative: fc.constant({ text: '∂out/∂a = 1', local: ['∂out/∂a = 1'] }), chain, fd: fc.constant({ ok: false as const, reason: 'summary only' }) }, { noNullPrototype: true, requiredKeys: ['kind', 'fd'] });
    const step = chain.chain((c) => fc.record({
      accumulated: fc.array(fc.option(values, { nil: null }), { minLength: c.terms.length, maxLength: c.terms.length }), complete: fc.constant(c.terms.map(() => true)),
      matches: fc.constant(c.terms.map(() => null)), recorded: fc.array(fc.option(values, { nil: null }), { minLength: c.terms.length, maxLength: c.terms.length }),
    }, { noNullPrototype: true }).map((w) => ({ ...c, ...w })));
    const jvp = fc.oneof(fc.constant({ ok: false as const, reason: 'no tangent' }), fc.record({ ok: fc.constant(true as const), tangents: fc.array(fc.record({ nodeId: fc.nat(99), values }, { noNullPrototype: true }), { maxLength: 3 }), targetTangent: num, reverse: fc.option(num, { nil: null }) }, { noNullPrototype: true }));
    const walk: fc.Arbitrary<InspectAnswer> = fc.record({ kind: fc.constant('walk' as const), steps: fc.array(step, { maxLength: 3 }), jvp }, { noNullPrototype: true });
    fc.assert(fc.property(fc.oneof(node, walk), (answer) => {
      const msg = inspected(answer);
      const wire = structuredClone(encodeForPanel(msg));
      assert.equal(lists(wire).plain, 0);
      const back = decodeFromHost(wire);
      assert.deepEqual(back, { ok: true, msg });
      assert.equal(JSON.stringify(back.ok && back.msg), JSON.stringify(msg), 'key for key');
    }), { numRuns: 200 });
  });

  it('refuses an answer whose lists are not Float64Arrays or that is not shaped as one; a failure passes as it is', () => {
    const trace = trainingTrace();
    const g = trace.gradients[0];
    const walkAnswer = inspect(inspectJob(trace, g.id)!, { kind: 'walk', seed: g.sources[0].tensorId, element: 0 });
    assert.equal(walkAnswer.kind, 'walk');
    const good = () => structuredClone(encodeForPanel(inspected(walkAnswer))) as unknown as { result: { answer: Record<string, unknown> & { steps: Record<string, unknown>[] } } };
    assert.ok(decodeFromHost(good()).ok);
    const broken: [string, (w: ReturnType<typeof good>) => void][] = [
      ['an upstream as a plain list', (w) => (w.result.answer.steps[0].upstream = [1, 2])],
      ['an upstream as an Int32Array', (w) => (w.result.answer.steps[0].upstream = Int32Array.of(1))],
      ['no steps', (w) => delete (w.result.answer as Partial<typeof w.result.answer>).steps],
      ['terms that are not a list', (w) => (w.result.answer.steps[0].terms = {})],
      ['recorded adjoints as a string', (w) => (w.result.answer.steps[0].recorded = 'x')],
      ['an answer of another kind', (w) => (w.result.answer.kind = 'graph')],
      ['no jvp', (w) => delete w.result.answer.jvp],
    ];
    for (const [what, breakIt] of broken) {
      const w = good();
      breakIt(w);
      const r = decodeFromHost(w);
      assert.equal(r.ok, false, what);
      assert.match((r as { reason: string }).reason, /^didInspect: /, what);
      assert.equal((r as { requestId?: number }).requestId, 7, `${what}: names its question, so the page can fail it`);
    }
    const failed: HostToPanel = { type: 'didInspect', requestId: 3, result: { ok: false, error: 'the run shown is no longer held by the editor; run the file again' } };
    assert.deepEqual(decodeFromHost(structuredClone(encodeForPanel(failed))), { ok: true, msg: failed });
    assert.deepEqual(decodeFromHost({ type: 'didInspect', requestId: 3 }), { ok: false, reason: 'didInspect: no result', requestId: 3 });
    assert.deepEqual(decodeFromHost({ type: 'didInspect', requestId: 'x' }), { ok: false, reason: 'didInspect: no result' }, 'no question to fail');
  });
});
