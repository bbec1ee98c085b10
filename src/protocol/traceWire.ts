/**
 * The Trace's packed wire form: what a large run's rows look like on their way to the panel. Every
 * tape's nodes and leaves, every gradient call's targets, sources and adjoints, every curve's points
 * and every value summary in them travel as columns of typed arrays (VS Code's webview.postMessage
 * moves ArrayBuffers as binary since 1.57; structured clones copy them in one piece), never as a JSON
 * object per row and a JSON number per value. So do the tapes' and calls' own fields (a long
 * training loop's thousands of undetailed steps) and the Keras layer calls (`scopes`). What is left
 * (the header, curves' names, console) stays plain.
 *
 * `packRows(tapes, gradients, curves, scopes)` → {@link PackedRows}; `unpackRows(packed, curves)`
 * gives the tapes, calls and scopes back, and the curves' points, field for field (a non-finite
 * number comes back as its {@link Num} string, as the runner wrote it). `checkPackedRows` tells
 * whether a received value is a well-formed PackedRows (the panel's ingress checks before
 * unpacking): every column of the right kind and length, every offset and index in range.
 */
import type { Curve, DType, Num, NullReason, SourcePos, TraceAttr, TraceGradient, TraceLeaf, TraceNode, TraceScope, TraceTape, ValueSummary } from './trace';

const DTYPES: readonly DType[] = ['float32', 'float64', 'int32', 'bool'];
const LEAF_KINDS: readonly TraceLeaf['kind'][] = ['variable', 'constant', 'tensor'];
const CALL_KINDS: readonly TraceGradient['kind'][] = ['gradient', 'jacobian', 'batchJacobian', 'jvp'];

/** Value summaries, one row each. Numbers are float64 (exact for float32, int32 and counts); NaN and ±Infinity stand for their Num strings. */
export interface PackedSummaries {
  count: number;
  /** Index into ['float32', 'float64', 'int32', 'bool']. */
  dtype: Uint8Array;
  /** size, min, max, mean, norm, nanCount, infCount: 7 per row. */
  stats: Float64Array;
  /** Row i's shape is shapes[shapeAt[i] .. shapeAt[i+1]). */
  shapeAt: Int32Array;
  shapes: Int32Array;
  /** Row i's `first` is numbers[firstAt[i] .. firstAt[i] + firstLen[i]) (the start of its `values` when it has them). */
  firstAt: Int32Array;
  firstLen: Int32Array;
  /** Row i's `values` is numbers[valuesAt[i] .. valuesAt[i] + valuesLen[i]), or absent when valuesLen[i] is -1. */
  valuesAt: Int32Array;
  valuesLen: Int32Array;
  numbers: Float64Array;
}

/** Source positions, one row each: line 0 means no position; file -1 means the scratch file itself. */
interface PackedPos {
  line: Int32Array;
  column: Int32Array;
  file: Int32Array;
}

/** Keras layer and model calls ({@link TraceScope}), one row each; -1 is absent (parentId, outputId, resultName). */
export interface PackedScopes {
  id: Int32Array;
  parentId: Int32Array;
  name: Int32Array;
  className: Int32Array;
  model: Uint8Array;
  afterNodeId: Int32Array;
  lastNodeId: Int32Array;
  pos: PackedPos;
  outputId: Int32Array;
  resultName: Int32Array;
}

/** The rows of tapes and gradient calls, as columns. Strings (op names, source names, files) are indices into `strings`; -1 is absent. */
export interface PackedRows {
  packed: 1;
  strings: string[];
  summaries: PackedSummaries;
  /** The tapes' own fields, one row per tape (a long loop's steps are thousands of them). */
  tapes: {
    id: Int32Array;
    persistent: Uint8Array;
    watchAccessedVariables: Uint8Array;
    step: Int32Array;
    detailed: Uint8Array;
    nodeCount: Int32Array;
    bytes: Float64Array;
    pos: PackedPos;
    name: Int32Array;
    /** -1 absent. */
    parentId: Int32Array;
    /** -1 absent, 0 false, 1 true. */
    truncated: Int8Array;
  };
  /** The gradient calls' own fields, one row per call. */
  calls: {
    id: Int32Array;
    /** Index into ['gradient', 'jacobian', 'batchJacobian', 'jvp']. */
    kind: Uint8Array;
    tapeId: Int32Array;
    step: Int32Array;
    pos: PackedPos;
    resultName: Int32Array;
  };
  /** The run's Keras layer and model calls, when it has any (Trace.scopes). */
  scopes?: PackedScopes;
  /** Tape t's nodes are rows nodeAt[t] .. nodeAt[t+1]; its leaves leafAt[t] .. leafAt[t+1]. */
  nodeAt: Int32Array;
  leafAt: Int32Array;
  nodes: {
    id: Int32Array;
    op: Int32Array;
    outputId: Int32Array;
    /** Row in `summaries`. */
    output: Int32Array;
    name: Int32Array;
    call: Int32Array;
    /** -1 absent, 0 false, 1 true. */
    nonFinite: Int8Array;
    pos: PackedPos;
    /** Node i's inputs are rows inputAt[i] .. inputAt[i+1] of inputName / inputTensor. */
    inputAt: Int32Array;
    inputName: Int32Array;
    inputTensor: Int32Array;
    tapeIdAt: Int32Array;
    tapeIds: Int32Array;
    /** The few nodes with attributes: [row, attrs]. */
    attrs: [number, { [key: string]: TraceAttr }][];
  };
  leaves: {
    tensorId: Int32Array;
    kind: Uint8Array;
    name: Int32Array;
    /** -1 absent, 0 false, 1 true. */
    trainable: Int8Array;
    watched: Uint8Array;
    value: Int32Array;
    pos: PackedPos;
  };
  /** Gradient call g's adjoints are rows adjointAt[g] .. adjointAt[g+1]. */
  adjointAt: Int32Array;
  adjoints: { tensorId: Int32Array; value: Int32Array };
  /** Gradient call g's targets are rows targetAt[g] .. targetAt[g+1]. */
  targetAt: Int32Array;
  targets: { tensorId: Int32Array; name: Int32Array; value: Int32Array };
  /** Gradient call g's sources are rows sourceAt[g] .. sourceAt[g+1]. */
  sourceAt: Int32Array;
  sources: {
    tensorId: Int32Array;
    name: Int32Array;
    /** -1 absent, 0 a number (in `key`), 1 a string (its index in `strings`, in `key`). */
    keyKind: Int8Array;
    key: Int32Array;
    /** Row in `summaries`; -1 for a null gradient. */
    gradient: Int32Array;
    /** The few sources with a null reason: [row, reason]. */
    nullReasons: [number, NullReason][];
  };
  /** Curve c's points are rows pointAt[c] .. pointAt[c+1]; a value is a float64 (NaN and ±Infinity for their Num strings). */
  pointAt: Int32Array;
  points: { step: Float64Array; value: Float64Array };
}

/** Below this many rows (tapes, calls, layer calls, nodes, leaves, adjoints, targets, sources, curve points) packing gains nothing: small runs go as plain objects. */
export const PACK_MIN_ROWS = 500;

/** Tapes, gradient calls and layer calls, and the nodes, leaves, adjoints, targets, sources and curve points in them. */
export function rowCount(tapes: readonly TraceTape[], gradients: readonly TraceGradient[], curves: readonly Curve[] = [], scopes: readonly TraceScope[] = []): number {
  let n = tapes.length + gradients.length + scopes.length;
  for (const t of tapes) n += t.nodes.length + t.leaves.length;
  for (const g of gradients) n += g.adjoints.length + g.targets.length + g.sources.length;
  for (const c of curves) n += c.points.length;
  return n;
}

const toNumber = (v: Num): number => (typeof v === 'number' ? v : v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : -Infinity);
const toNum = (v: number): Num => (Number.isFinite(v) ? v : Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity');

/** A list of {@link Num}s as float64s (NaN and ±Infinity for their strings). */
export const numbersOf = (list: readonly Num[]): Float64Array => Float64Array.from(list, toNumber);
/** The list {@link numbersOf} packed, as the trace spells it. */
export const numsOf = (a: Float64Array): Num[] => Array.from(a, toNum);

/** Interns strings: each distinct one is sent once (here, and in the run thread's `scopeRows`). */
export class Strings {
  readonly list: string[] = [];
  private readonly ids = new Map<string, number>();

  id(v: string | undefined): number {
    if (v === undefined) return -1;
    let id = this.ids.get(v);
    if (id === undefined) {
      id = this.list.length;
      this.list.push(v);
      this.ids.set(v, id);
    }
    return id;
  }
}

/** Whether `first` is the start of `values` (it always is in the runner's summaries: then it is not sent twice). */
function isPrefix(first: readonly Num[], values: readonly Num[] | undefined): boolean {
  if (!values || values.length < first.length) return false;
  for (let j = 0; j < first.length; j++) if (!Object.is(first[j], values[j])) return false;
  return true;
}

/** The summaries as columns, in two passes (sizes, then the numbers): no intermediate arrays. */
function packSummaries(list: readonly ValueSummary[]): PackedSummaries {
  const n = list.length;
  let shapes = 0, numbers = 0;
  for (const v of list) {
    shapes += v.shape.length;
    numbers += (v.values ? v.values.length : 0) + (isPrefix(v.first, v.values) ? 0 : v.first.length);
  }
  const out: PackedSummaries = {
    count: n, dtype: new Uint8Array(n), stats: new Float64Array(7 * n), shapeAt: new Int32Array(n + 1), shapes: new Int32Array(shapes),
    firstAt: new Int32Array(n), firstLen: new Int32Array(n), valuesAt: new Int32Array(n), valuesLen: new Int32Array(n), numbers: new Float64Array(numbers),
  };
  let sh = 0, at = 0;
  for (let i = 0; i < n; i++) {
    const v = list[i];
    out.dtype[i] = DTYPES.indexOf(v.dtype);
    const k = 7 * i;
    out.stats[k] = v.size;
    out.stats[k + 1] = toNumber(v.min);
    out.stats[k + 2] = toNumber(v.max);
    out.stats[k + 3] = toNumber(v.mean);
    out.stats[k + 4] = toNumber(v.norm);
    out.stats[k + 5] = v.nanCount;
    out.stats[k + 6] = v.infCount;
    for (const d of v.shape) out.shapes[sh++] = d;
    out.shapeAt[i + 1] = sh;
    const shared = isPrefix(v.first, v.values);
    out.firstLen[i] = v.first.length;
    if (!shared) {
      out.firstAt[i] = at;
      for (const x of v.first) out.numbers[at++] = toNumber(x);
    }
    if (v.values) {
      if (shared) out.firstAt[i] = at;
      out.valuesAt[i] = at;
      out.valuesLen[i] = v.values.length;
      for (const x of v.values) out.numbers[at++] = toNumber(x);
    } else {
      out.valuesAt[i] = at;
      out.valuesLen[i] = -1;
    }
  }
  return out;
}

const flag = (v: boolean | undefined): number => (v === undefined ? -1 : v ? 1 : 0);

function posColumns(rows: readonly { pos?: SourcePos }[], strings: Strings): PackedPos {
  const out = { line: new Int32Array(rows.length), column: new Int32Array(rows.length), file: new Int32Array(rows.length) };
  for (let i = 0; i < rows.length; i++) {
    const pos = rows[i].pos;
    if (!pos) {
      out.file[i] = -1;
      continue;
    }
    out.line[i] = pos.line;
    out.column[i] = pos.column;
    out.file[i] = strings.id(pos.file);
  }
  return out;
}

/** The tapes' own fields as columns. */
function tapeColumns(tapes: readonly TraceTape[], strings: Strings): PackedRows['tapes'] {
  const n = tapes.length;
  const out: PackedRows['tapes'] = {
    id: new Int32Array(n), persistent: new Uint8Array(n), watchAccessedVariables: new Uint8Array(n), step: new Int32Array(n), detailed: new Uint8Array(n),
    nodeCount: new Int32Array(n), bytes: new Float64Array(n), pos: posColumns(tapes, strings), name: new Int32Array(n), parentId: new Int32Array(n), truncated: new Int8Array(n),
  };
  for (let i = 0; i < n; i++) {
    const t = tapes[i];
    out.id[i] = t.id;
    out.persistent[i] = t.persistent ? 1 : 0;
    out.watchAccessedVariables[i] = t.watchAccessedVariables ? 1 : 0;
    out.step[i] = t.step;
    out.detailed[i] = t.detailed ? 1 : 0;
    out.nodeCount[i] = t.nodeCount;
    out.bytes[i] = t.bytes;
    out.name[i] = strings.id(t.name);
    out.parentId[i] = t.parentId ?? -1;
    out.truncated[i] = flag(t.truncated);
  }
  return out;
}

/** The gradient calls' own fields as columns. */
function callColumns(gradients: readonly TraceGradient[], strings: Strings): PackedRows['calls'] {
  const n = gradients.length;
  const out: PackedRows['calls'] = { id: new Int32Array(n), kind: new Uint8Array(n), tapeId: new Int32Array(n), step: new Int32Array(n), pos: posColumns(gradients, strings), resultName: new Int32Array(n) };
  for (let i = 0; i < n; i++) {
    const g = gradients[i];
    out.id[i] = g.id;
    out.kind[i] = CALL_KINDS.indexOf(g.kind);
    out.tapeId[i] = g.tapeId;
    out.step[i] = g.step;
    out.resultName[i] = strings.id(g.resultName);
  }
  return out;
}

/** Layer calls as columns, their strings in `strings` (the panel wire, and the run thread's `scopeRows`). */
export function packScopes(scopes: readonly TraceScope[], strings: Strings): PackedScopes {
  const n = scopes.length;
  const out: PackedScopes = {
    id: new Int32Array(n), parentId: new Int32Array(n), name: new Int32Array(n), className: new Int32Array(n), model: new Uint8Array(n),
    afterNodeId: new Int32Array(n), lastNodeId: new Int32Array(n), pos: posColumns(scopes, strings), outputId: new Int32Array(n), resultName: new Int32Array(n),
  };
  for (let i = 0; i < n; i++) {
    const s = scopes[i];
    out.id[i] = s.id;
    out.parentId[i] = s.parentId ?? -1;
    out.name[i] = strings.id(s.name);
    out.className[i] = strings.id(s.className);
    out.model[i] = s.model ? 1 : 0;
    out.afterNodeId[i] = s.afterNodeId;
    out.lastNodeId[i] = s.lastNodeId;
    out.outputId[i] = s.outputId ?? -1;
    out.resultName[i] = strings.id(s.resultName);
  }
  return out;
}

/**
 * `tapes` and `gradients` (their own fields and their nodes, leaves, adjoints, targets and sources),
 * the points of `curves` and the layer calls `scopes` (when given), as columns.
 */
export function packRows(tapes: readonly TraceTape[], gradients: readonly TraceGradient[], curves: readonly Curve[] = [], scopes?: readonly TraceScope[]): PackedRows {
  const strings = new Strings();
  const nodes: TraceNode[] = [], leaves: TraceLeaf[] = [], adjoints: TraceGradient['adjoints'] = [];
  const targets: TraceGradient['targets'] = [], sources: TraceGradient['sources'] = [];
  for (const t of tapes) {
    for (const x of t.nodes) nodes.push(x);
    for (const x of t.leaves) leaves.push(x);
  }
  for (const g of gradients) {
    for (const x of g.adjoints) adjoints.push(x);
    for (const x of g.targets) targets.push(x);
    for (const x of g.sources) sources.push(x);
  }
  const offsets = <T>(groups: readonly T[], count: (g: T) => number) => {
    const at = new Int32Array(groups.length + 1);
    for (let i = 0; i < groups.length; i++) at[i + 1] = at[i] + count(groups[i]);
    return at;
  };
  const n = nodes.length, l = leaves.length, a = adjoints.length;
  // Summary rows: the nodes' outputs, then the leaves' values, the adjoints', the targets' and the sources' gradients.
  const summaries: ValueSummary[] = new Array(n + l + a);
  const inputAt = offsets(nodes, (x) => x.inputs.length);
  const tapeIdAt = offsets(nodes, (x) => x.tapeIds.length);
  const nc: PackedRows['nodes'] = {
    id: new Int32Array(n), op: new Int32Array(n), outputId: new Int32Array(n), output: new Int32Array(n), name: new Int32Array(n), call: new Int32Array(n),
    nonFinite: new Int8Array(n), pos: posColumns(nodes, strings), inputAt, inputName: new Int32Array(inputAt[n]), inputTensor: new Int32Array(inputAt[n]),
    tapeIdAt, tapeIds: new Int32Array(tapeIdAt[n]), attrs: [],
  };
  for (let i = 0; i < n; i++) {
    const x = nodes[i];
    nc.id[i] = x.id;
    nc.op[i] = strings.id(x.op);
    nc.outputId[i] = x.outputId;
    nc.output[i] = i;
    summaries[i] = x.output;
    nc.name[i] = strings.id(x.name);
    nc.call[i] = strings.id(x.call);
    nc.nonFinite[i] = flag(x.nonFinite);
    let j = inputAt[i];
    for (const input of x.inputs) {
      nc.inputName[j] = strings.id(input.name);
      nc.inputTensor[j++] = input.tensorId;
    }
    j = tapeIdAt[i];
    for (const id of x.tapeIds) nc.tapeIds[j++] = id;
    if (x.attrs) nc.attrs.push([i, x.attrs]);
  }
  const lc: PackedRows['leaves'] = {
    tensorId: new Int32Array(l), kind: new Uint8Array(l), name: new Int32Array(l), trainable: new Int8Array(l), watched: new Uint8Array(l), value: new Int32Array(l), pos: posColumns(leaves, strings),
  };
  for (let i = 0; i < l; i++) {
    const x = leaves[i];
    lc.tensorId[i] = x.tensorId;
    lc.kind[i] = LEAF_KINDS.indexOf(x.kind);
    lc.name[i] = strings.id(x.name);
    lc.trainable[i] = flag(x.trainable);
    lc.watched[i] = x.watched ? 1 : 0;
    lc.value[i] = n + i;
    summaries[n + i] = x.value;
  }
  const ac = { tensorId: new Int32Array(a), value: new Int32Array(a) };
  for (let i = 0; i < a; i++) {
    ac.tensorId[i] = adjoints[i].tensorId;
    ac.value[i] = n + l + i;
    summaries[n + l + i] = adjoints[i].value;
  }
  const tc = { tensorId: new Int32Array(targets.length), name: new Int32Array(targets.length), value: new Int32Array(targets.length) };
  for (let i = 0; i < targets.length; i++) {
    const x = targets[i];
    tc.tensorId[i] = x.tensorId;
    tc.name[i] = strings.id(x.name);
    tc.value[i] = summaries.length;
    summaries.push(x.value);
  }
  const m = sources.length;
  const sc: PackedRows['sources'] = { tensorId: new Int32Array(m), name: new Int32Array(m), keyKind: new Int8Array(m), key: new Int32Array(m), gradient: new Int32Array(m), nullReasons: [] };
  for (let i = 0; i < m; i++) {
    const x = sources[i];
    sc.tensorId[i] = x.tensorId;
    sc.name[i] = strings.id(x.name);
    sc.keyKind[i] = x.key === undefined ? -1 : typeof x.key === 'number' ? 0 : 1;
    sc.key[i] = x.key === undefined ? 0 : typeof x.key === 'number' ? x.key : strings.id(x.key);
    if (x.gradient === null) sc.gradient[i] = -1;
    else {
      sc.gradient[i] = summaries.length;
      summaries.push(x.gradient);
    }
    if (x.nullReason) sc.nullReasons.push([i, x.nullReason]);
  }
  const pointAt = offsets(curves, (c) => c.points.length);
  const points = { step: new Float64Array(pointAt[curves.length]), value: new Float64Array(pointAt[curves.length]) };
  let p = 0;
  for (const c of curves) {
    for (const x of c.points) {
      points.step[p] = x.step;
      points.value[p++] = toNumber(x.value);
    }
  }
  const out: PackedRows = {
    packed: 1,
    strings: strings.list,
    summaries: packSummaries(summaries),
    tapes: tapeColumns(tapes, strings),
    calls: callColumns(gradients, strings),
    nodeAt: offsets(tapes, (t) => t.nodes.length),
    leafAt: offsets(tapes, (t) => t.leaves.length),
    nodes: nc,
    leaves: lc,
    adjointAt: offsets(gradients, (g) => g.adjoints.length),
    adjoints: ac,
    targetAt: offsets(gradients, (g) => g.targets.length),
    targets: tc,
    sourceAt: offsets(gradients, (g) => g.sources.length),
    sources: sc,
    pointAt,
    points,
  };
  if (scopes) out.scopes = packScopes(scopes, strings);
  return out;
}

/**
 * The tapes, calls, curves and layer calls as they were packed (`scopes` only when some were): `curves`
 * are the same curves with their points left out (any points they hold are replaced).
 */
export function unpackRows(packed: PackedRows, curves: readonly Curve[] = []): { tapes: TraceTape[]; gradients: TraceGradient[]; curves: Curve[]; scopes?: TraceScope[] } {
  const { strings, summaries: s, nodes: nc, leaves: lc, targets: tc, sources: sc, points, tapes: tp, calls: cp } = packed;
  const str = (i: number): string | undefined => (i < 0 ? undefined : strings[i]);
  const summary = (r: number): ValueSummary => {
    const k = 7 * r;
    const fa = s.firstAt[r], va = s.valuesAt[r], vl = s.valuesLen[r], fl = s.firstLen[r];
    const first: Num[] = new Array(fl);
    for (let j = 0; j < fl; j++) first[j] = toNum(s.numbers[fa + j]);
    const shape: number[] = new Array(s.shapeAt[r + 1] - s.shapeAt[r]);
    for (let j = 0; j < shape.length; j++) shape[j] = s.shapes[s.shapeAt[r] + j];
    const v: ValueSummary = {
      shape,
      dtype: DTYPES[s.dtype[r]],
      size: s.stats[k],
      min: toNum(s.stats[k + 1]),
      max: toNum(s.stats[k + 2]),
      mean: toNum(s.stats[k + 3]),
      norm: toNum(s.stats[k + 4]),
      nanCount: s.stats[k + 5],
      infCount: s.stats[k + 6],
      first,
    };
    if (vl >= 0) {
      const values: Num[] = new Array(vl);
      for (let j = 0; j < vl; j++) values[j] = toNum(s.numbers[va + j]);
      v.values = values;
    }
    return v;
  };
  const pos = (c: PackedPos, i: number): SourcePos | undefined => posAt(c, i, strings);
  const attrs = new Map(nc.attrs);
  const node = (i: number): TraceNode => {
    const inputs: TraceNode['inputs'] = [];
    for (let j = nc.inputAt[i]; j < nc.inputAt[i + 1]; j++) inputs.push({ name: strings[nc.inputName[j]], tensorId: nc.inputTensor[j] });
    const out: TraceNode = { id: nc.id[i], op: strings[nc.op[i]], inputs, outputId: nc.outputId[i], output: summary(nc.output[i]), tapeIds: Array.from(nc.tapeIds.subarray(nc.tapeIdAt[i], nc.tapeIdAt[i + 1])) };
    const a = attrs.get(i);
    if (a) out.attrs = a;
    const p = pos(nc.pos, i);
    if (p) out.pos = p;
    const name = str(nc.name[i]), call = str(nc.call[i]);
    if (name !== undefined) out.name = name;
    if (call !== undefined) out.call = call;
    if (nc.nonFinite[i] >= 0) out.nonFinite = nc.nonFinite[i] === 1;
    return out;
  };
  const leaf = (i: number): TraceLeaf => {
    const out: TraceLeaf = { tensorId: lc.tensorId[i], kind: LEAF_KINDS[lc.kind[i]], watched: lc.watched[i] === 1, value: summary(lc.value[i]) };
    const name = str(lc.name[i]);
    if (name !== undefined) out.name = name;
    if (lc.trainable[i] >= 0) out.trainable = lc.trainable[i] === 1;
    const p = pos(lc.pos, i);
    if (p) out.pos = p;
    return out;
  };
  const range = <T>(from: number, to: number, row: (i: number) => T): T[] => {
    const out: T[] = new Array(to - from);
    for (let i = from; i < to; i++) out[i - from] = row(i);
    return out;
  };
  // The fields in the order the runner writes them (src/runner/run/gradients.ts).
  const target = (i: number): TraceGradient['targets'][number] => {
    const name = str(tc.name[i]);
    return { tensorId: tc.tensorId[i], ...(name !== undefined ? { name } : {}), value: summary(tc.value[i]) };
  };
  const reasons = new Map(sc.nullReasons);
  const source = (i: number): TraceGradient['sources'][number] => {
    const out: TraceGradient['sources'][number] = { tensorId: sc.tensorId[i], gradient: sc.gradient[i] < 0 ? null : summary(sc.gradient[i]) };
    if (sc.keyKind[i] >= 0) out.key = sc.keyKind[i] === 0 ? sc.key[i] : strings[sc.key[i]];
    const name = str(sc.name[i]);
    if (name !== undefined) out.name = name;
    const why = reasons.get(i);
    if (why) out.nullReason = why;
    return out;
  };
  // A tape's and a call's fields in the order the host's assembler writes them (src/runner/host/assemble.ts).
  const tape = (k: number): TraceTape => {
    const t: TraceTape = {
      id: tp.id[k], persistent: tp.persistent[k] === 1, watchAccessedVariables: tp.watchAccessedVariables[k] === 1, step: tp.step[k], detailed: tp.detailed[k] === 1,
      nodeCount: tp.nodeCount[k], bytes: tp.bytes[k], leaves: range(packed.leafAt[k], packed.leafAt[k + 1], leaf), nodes: range(packed.nodeAt[k], packed.nodeAt[k + 1], node),
    };
    const p = pos(tp.pos, k), name = str(tp.name[k]);
    if (p) t.pos = p;
    if (name !== undefined) t.name = name;
    if (tp.parentId[k] >= 0) t.parentId = tp.parentId[k];
    if (tp.truncated[k] >= 0) t.truncated = tp.truncated[k] === 1;
    return t;
  };
  const call = (k: number): TraceGradient => {
    const g: TraceGradient = {
      id: cp.id[k], kind: CALL_KINDS[cp.kind[k]], tapeId: cp.tapeId[k], step: cp.step[k],
      targets: range(packed.targetAt[k], packed.targetAt[k + 1], target),
      sources: range(packed.sourceAt[k], packed.sourceAt[k + 1], source),
      adjoints: range(packed.adjointAt[k], packed.adjointAt[k + 1], (i) => ({ tensorId: packed.adjoints.tensorId[i], value: summary(packed.adjoints.value[i]) })),
    };
    const p = pos(cp.pos, k), resultName = str(cp.resultName[k]);
    if (p) g.pos = p;
    if (resultName !== undefined) g.resultName = resultName;
    return g;
  };
  const out: { tapes: TraceTape[]; gradients: TraceGradient[]; curves: Curve[]; scopes?: TraceScope[] } = {
    tapes: range(0, tp.id.length, tape),
    gradients: range(0, cp.id.length, call),
    curves: curves.map((c, k) => ({ ...c, points: range(packed.pointAt[k], packed.pointAt[k + 1], (i) => ({ step: points.step[i], value: toNum(points.value[i]) })) })),
  };
  if (packed.scopes) out.scopes = unpackScopes(packed.scopes, strings);
  return out;
}

/** Row i's position, or undefined (line 0). */
function posAt(c: PackedPos, i: number, strings: readonly string[]): SourcePos | undefined {
  if (c.line[i] === 0) return undefined;
  return c.file[i] < 0 ? { line: c.line[i], column: c.column[i] } : { line: c.line[i], column: c.column[i], file: strings[c.file[i]] };
}

/** The layer calls of {@link PackedScopes}, field for field, in the order the runner writes them (src/runner/run/recorder.ts). */
export function unpackScopes(c: PackedScopes, strings: readonly string[]): TraceScope[] {
  const out: TraceScope[] = new Array(c.id.length);
  for (let i = 0; i < out.length; i++) {
    const s: TraceScope = { id: c.id[i], name: strings[c.name[i]], className: strings[c.className[i]], model: c.model[i] === 1, afterNodeId: c.afterNodeId[i], lastNodeId: c.lastNodeId[i] };
    if (c.parentId[i] >= 0) s.parentId = c.parentId[i];
    const p = posAt(c.pos, i, strings);
    if (p) s.pos = p;
    if (c.outputId[i] >= 0) s.outputId = c.outputId[i];
    if (c.resultName[i] >= 0) s.resultName = strings[c.resultName[i]];
    out[i] = s;
  }
  return out;
}

//#region checking what arrived
type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const ARRAY_TYPES = { Uint8Array, Int8Array, Int32Array, Float64Array } as const;
type ArrayKind = keyof typeof ARRAY_TYPES;

/** A typed array of `kind`, of `length` when given. */
function column(v: unknown, kind: ArrayKind, length?: number): boolean {
  return v instanceof ARRAY_TYPES[kind] && (length === undefined || (v as { length: number }).length === length);
}

/** Offsets from 0 to `total`, never decreasing, `rows + 1` of them. */
function offsets(v: unknown, rows: number, total: number): boolean {
  if (!column(v, 'Int32Array', rows + 1)) return false;
  const at = v as Int32Array;
  if (at[0] !== 0 || at[rows] !== total) return false;
  for (let i = 0; i < rows; i++) if (at[i + 1] < at[i]) return false;
  return true;
}

/** Every entry in [min, max). */
function within(v: ArrayLike<number>, min: number, max: number): boolean {
  for (let i = 0; i < v.length; i++) if (!(v[i] >= min && v[i] < max)) return false;
  return true;
}

function checkPos(v: unknown, rows: number, strings: number): v is PackedPos {
  return isObj(v) && column(v.line, 'Int32Array', rows) && column(v.column, 'Int32Array', rows) && column(v.file, 'Int32Array', rows) && within(v.file as Int32Array, -1, strings);
}

function checkSummaries(v: unknown): string | undefined {
  if (!isObj(v) || typeof v.count !== 'number' || !Number.isInteger(v.count) || v.count < 0) return 'summaries: no count';
  const n = v.count;
  if (!column(v.dtype, 'Uint8Array', n) || !within(v.dtype as Uint8Array, 0, DTYPES.length)) return 'summaries: bad dtype column';
  if (!column(v.stats, 'Float64Array', 7 * n)) return 'summaries: bad stats column';
  if (!column(v.shapes, 'Int32Array') || !offsets(v.shapeAt, n, (v.shapes as Int32Array).length)) return 'summaries: bad shapes';
  if (!column(v.numbers, 'Float64Array')) return 'summaries: no numbers';
  const total = (v.numbers as Float64Array).length;
  for (const [at, len, optional] of [['firstAt', 'firstLen', false], ['valuesAt', 'valuesLen', true]] as const) {
    if (!column(v[at], 'Int32Array', n) || !column(v[len], 'Int32Array', n)) return `summaries: bad ${at}`;
    const a = v[at] as Int32Array, l = v[len] as Int32Array;
    for (let i = 0; i < n; i++) {
      if (optional && l[i] === -1) continue;
      if (!(l[i] >= 0 && a[i] >= 0 && a[i] + l[i] <= total)) return `summaries: ${at} of row ${i} out of range`;
    }
  }
  return undefined;
}

const INT32_MAX = 2 ** 31;

/** An Int32Array of ids, `rows` long when given, no id twice. */
function ids(v: unknown, rows?: number): v is Int32Array {
  if (!column(v, 'Int32Array', rows)) return false;
  const seen = new Set<number>();
  for (const id of v as Int32Array) {
    if (seen.has(id)) return false;
    seen.add(id);
  }
  return true;
}

/** A parentId column: -1 (none) or an id other than the row's own. */
function parents(v: unknown, own: Int32Array): boolean {
  if (!column(v, 'Int32Array', own.length) || !within(v as Int32Array, -1, INT32_MAX)) return false;
  for (let i = 0; i < own.length; i++) if ((v as Int32Array)[i] === own[i]) return false;
  return true;
}

/** Why the tapes' own columns are not well-formed, or undefined. */
function checkTapes(v: unknown, strings: number): string | undefined {
  if (!isObj(v) || !ids(v.id)) return 'tapes: no ids, or an id twice';
  const n = (v.id as Int32Array).length;
  for (const k of ['persistent', 'watchAccessedVariables', 'detailed'] as const) if (!column(v[k], 'Uint8Array', n) || !within(v[k] as Uint8Array, 0, 2)) return `tapes: bad ${k} column`;
  if (!column(v.step, 'Int32Array', n) || !within(v.step as Int32Array, 0, INT32_MAX)) return 'tapes: bad step column';
  if (!column(v.nodeCount, 'Int32Array', n) || !within(v.nodeCount as Int32Array, 0, INT32_MAX)) return 'tapes: bad nodeCount column';
  if (!column(v.bytes, 'Float64Array', n) || !within(v.bytes as Float64Array, 0, Infinity)) return 'tapes: bad bytes column';
  if (!checkPos(v.pos, n, strings)) return 'tapes: bad pos';
  if (!column(v.name, 'Int32Array', n) || !within(v.name as Int32Array, -1, strings)) return 'tapes: bad name';
  if (!parents(v.parentId, v.id as Int32Array)) return 'tapes: bad parentId';
  if (!column(v.truncated, 'Int8Array', n) || !within(v.truncated as Int8Array, -1, 2)) return 'tapes: bad truncated column';
  return undefined;
}

/** Why the gradient calls' own columns are not well-formed, or undefined. */
function checkCalls(v: unknown, strings: number): string | undefined {
  if (!isObj(v) || !ids(v.id)) return 'calls: no ids, or an id twice';
  const n = (v.id as Int32Array).length;
  if (!column(v.kind, 'Uint8Array', n) || !within(v.kind as Uint8Array, 0, CALL_KINDS.length)) return 'calls: bad kind';
  if (!column(v.tapeId, 'Int32Array', n)) return 'calls: bad tapeId column';
  if (!column(v.step, 'Int32Array', n) || !within(v.step as Int32Array, 0, INT32_MAX)) return 'calls: bad step column';
  if (!checkPos(v.pos, n, strings)) return 'calls: bad pos';
  if (!column(v.resultName, 'Int32Array', n) || !within(v.resultName as Int32Array, -1, strings)) return 'calls: bad resultName';
  return undefined;
}

/** Why the layer calls' columns are not well-formed, or undefined. */
function checkScopes(v: unknown, strings: number): string | undefined {
  if (!isObj(v) || !ids(v.id)) return 'scopes: no ids, or an id twice';
  const own = v.id as Int32Array;
  const n = own.length;
  if (!parents(v.parentId, own)) return 'scopes: bad parentId';
  for (const k of ['name', 'className'] as const) if (!column(v[k], 'Int32Array', n) || !within(v[k] as Int32Array, 0, strings)) return `scopes: bad ${k}`;
  if (!column(v.model, 'Uint8Array', n) || !within(v.model as Uint8Array, 0, 2)) return 'scopes: bad model column';
  if (!column(v.afterNodeId, 'Int32Array', n) || !column(v.lastNodeId, 'Int32Array', n)) return 'scopes: bad node ids';
  for (let i = 0; i < n; i++) if (!((v.afterNodeId as Int32Array)[i] < (v.lastNodeId as Int32Array)[i])) return `scopes: row ${i} holds no node`;
  if (!checkPos(v.pos, n, strings)) return 'scopes: bad pos';
  if (!column(v.outputId, 'Int32Array', n) || !within(v.outputId as Int32Array, -1, INT32_MAX)) return 'scopes: bad outputId';
  if (!column(v.resultName, 'Int32Array', n) || !within(v.resultName as Int32Array, -1, strings)) return 'scopes: bad resultName';
  return undefined;
}

/**
 * Why `v` is not well-formed PackedRows for `curves` curves, or undefined when it is: a page
 * unpacks only what passed.
 */
export function checkPackedRows(v: unknown, curves = 0): string | undefined {
  if (!isObj(v) || v.packed !== 1) return 'not packed rows';
  if (!Array.isArray(v.strings) || !v.strings.every((x) => typeof x === 'string')) return 'bad strings';
  const strings = v.strings.length;
  const bad = checkSummaries(v.summaries) ?? checkTapes(v.tapes, strings) ?? checkCalls(v.calls, strings) ?? (v.scopes === undefined ? undefined : checkScopes(v.scopes, strings));
  if (bad) return bad;
  const tapes = ((v.tapes as Obj).id as Int32Array).length, gradients = ((v.calls as Obj).id as Int32Array).length;
  const summaries = (v.summaries as PackedSummaries).count;
  const nc = v.nodes, lc = v.leaves, ac = v.adjoints;
  if (!isObj(nc) || !isObj(lc) || !isObj(ac)) return 'a column group is missing';
  if (!column(nc.id, 'Int32Array')) return 'nodes: no ids';
  const n = (nc.id as Int32Array).length;
  if (!offsets(v.nodeAt, tapes, n)) return 'nodes: bad offsets per tape';
  for (const k of ['op', 'outputId', 'output', 'name', 'call'] as const) if (!column(nc[k], 'Int32Array', n)) return `nodes: bad ${k} column`;
  if (!within(nc.op as Int32Array, 0, strings) || !within(nc.name as Int32Array, -1, strings) || !within(nc.call as Int32Array, -1, strings)) return 'nodes: a string out of range';
  if (!within(nc.output as Int32Array, 0, summaries)) return 'nodes: a summary out of range';
  if (!column(nc.nonFinite, 'Int8Array', n) || !checkPos(nc.pos, n, strings)) return 'nodes: bad nonFinite or pos';
  if (!column(nc.inputName, 'Int32Array') || !column(nc.inputTensor, 'Int32Array', (nc.inputName as Int32Array).length)) return 'nodes: bad inputs';
  if (!offsets(nc.inputAt, n, (nc.inputName as Int32Array).length) || !within(nc.inputName as Int32Array, 0, strings)) return 'nodes: bad input offsets';
  if (!column(nc.tapeIds, 'Int32Array') || !offsets(nc.tapeIdAt, n, (nc.tapeIds as Int32Array).length)) return 'nodes: bad tape ids';
  if (!Array.isArray(nc.attrs) || !nc.attrs.every((a) => Array.isArray(a) && a.length === 2 && Number.isInteger(a[0]) && a[0] >= 0 && a[0] < n && isObj(a[1]))) return 'nodes: bad attrs';
  if (!column(lc.tensorId, 'Int32Array')) return 'leaves: no tensor ids';
  const l = (lc.tensorId as Int32Array).length;
  if (!offsets(v.leafAt, tapes, l)) return 'leaves: bad offsets per tape';
  if (!column(lc.kind, 'Uint8Array', l) || !within(lc.kind as Uint8Array, 0, LEAF_KINDS.length)) return 'leaves: bad kind';
  if (!column(lc.name, 'Int32Array', l) || !within(lc.name as Int32Array, -1, strings)) return 'leaves: bad name';
  if (!column(lc.trainable, 'Int8Array', l) || !column(lc.watched, 'Uint8Array', l) || !checkPos(lc.pos, l, strings)) return 'leaves: bad flags or pos';
  if (!column(lc.value, 'Int32Array', l) || !within(lc.value as Int32Array, 0, summaries)) return 'leaves: bad value';
  if (!column(ac.tensorId, 'Int32Array') || !offsets(v.adjointAt, gradients, (ac.tensorId as Int32Array).length)) return 'adjoints: bad offsets';
  if (!column(ac.value, 'Int32Array', (ac.tensorId as Int32Array).length) || !within(ac.value as Int32Array, 0, summaries)) return 'adjoints: bad value';
  const tc = v.targets, sc = v.sources, pc = v.points;
  if (!isObj(tc) || !isObj(sc) || !isObj(pc)) return 'a column group is missing';
  if (!column(tc.tensorId, 'Int32Array') || !offsets(v.targetAt, gradients, (tc.tensorId as Int32Array).length)) return 'targets: bad offsets';
  const t = (tc.tensorId as Int32Array).length;
  if (!column(tc.name, 'Int32Array', t) || !within(tc.name as Int32Array, -1, strings)) return 'targets: bad name';
  if (!column(tc.value, 'Int32Array', t) || !within(tc.value as Int32Array, 0, summaries)) return 'targets: bad value';
  if (!column(sc.tensorId, 'Int32Array') || !offsets(v.sourceAt, gradients, (sc.tensorId as Int32Array).length)) return 'sources: bad offsets';
  const m = (sc.tensorId as Int32Array).length;
  if (!column(sc.name, 'Int32Array', m) || !within(sc.name as Int32Array, -1, strings)) return 'sources: bad name';
  if (!column(sc.gradient, 'Int32Array', m) || !within(sc.gradient as Int32Array, -1, summaries)) return 'sources: bad gradient';
  if (!column(sc.keyKind, 'Int8Array', m) || !within(sc.keyKind as Int8Array, -1, 2) || !column(sc.key, 'Int32Array', m)) return 'sources: bad key';
  for (let i = 0; i < m; i++) if ((sc.keyKind as Int8Array)[i] === 1 && !within([(sc.key as Int32Array)[i]], 0, strings)) return 'sources: a key out of range';
  if (!Array.isArray(sc.nullReasons) || !sc.nullReasons.every((r) => Array.isArray(r) && r.length === 2 && Number.isInteger(r[0]) && r[0] >= 0 && r[0] < m && isObj(r[1]) && typeof r[1].message === 'string')) return 'sources: bad null reasons';
  if (!column(pc.step, 'Float64Array') || !column(pc.value, 'Float64Array', (pc.step as Float64Array).length) || !offsets(v.pointAt, curves, (pc.step as Float64Array).length)) return 'curves: bad points';
  return undefined;
}
//#endregion
