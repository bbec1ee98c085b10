/**
 * The Trace's packed wire form: what a large run's rows look like on their way to the panel. Every
 * tape's nodes and leaves, every gradient call's targets, sources and adjoints, every curve's points
 * and every value summary in them travel as columns of typed arrays (VS Code's webview.postMessage
 * moves ArrayBuffers as binary since 1.57; structured clones copy them in one piece), never as a JSON
 * object per row and a JSON number per value. What is left (the header, tapes' and calls' own
 * fields, curves' names, console) stays plain.
 *
 * `packRows(tapes, gradients, curves)` → {@link PackedRows}; `unpackRows(packed, tapes, gradients,
 * curves)` puts the rows back, field for field (a non-finite number comes back as its {@link Num}
 * string, as the runner wrote it). `checkPackedRows` tells whether a received value is a well-formed
 * PackedRows (the panel's ingress checks before unpacking): every column of the right kind and
 * length, every offset and index in range.
 */
import type { Curve, DType, Num, NullReason, SourcePos, TraceAttr, TraceGradient, TraceLeaf, TraceNode, TraceTape, ValueSummary } from './trace';

const DTYPES: readonly DType[] = ['float32', 'float64', 'int32', 'bool'];
const LEAF_KINDS: readonly TraceLeaf['kind'][] = ['variable', 'constant', 'tensor'];

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

/** The rows of tapes and gradient calls, as columns. Strings (op names, source names, files) are indices into `strings`; -1 is absent. */
export interface PackedRows {
  packed: 1;
  strings: string[];
  summaries: PackedSummaries;
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

/** Below this many rows (nodes, leaves, adjoints, targets, sources, curve points) packing gains nothing: small runs go as plain objects. */
export const PACK_MIN_ROWS = 500;

/** Nodes, leaves, adjoints, targets, sources and curve points in these tapes, calls and curves. */
export function rowCount(tapes: readonly TraceTape[], gradients: readonly TraceGradient[], curves: readonly Curve[] = []): number {
  let n = 0;
  for (const t of tapes) n += t.nodes.length + t.leaves.length;
  for (const g of gradients) n += g.adjoints.length + g.targets.length + g.sources.length;
  for (const c of curves) n += c.points.length;
  return n;
}

const toNumber = (v: Num): number => (typeof v === 'number' ? v : v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : -Infinity);
const toNum = (v: number): Num => (Number.isFinite(v) ? v : Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity');

/** Interns strings: each distinct one is sent once. */
class Strings {
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

/** The nodes and leaves of `tapes`, the adjoints, targets and sources of `gradients` and the points of `curves`, as columns. */
export function packRows(tapes: readonly TraceTape[], gradients: readonly TraceGradient[], curves: readonly Curve[] = []): PackedRows {
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
  return {
    packed: 1,
    strings: strings.list,
    summaries: packSummaries(summaries),
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
}

/** The tapes, calls and curves as they were packed: `tapes`, `gradients` and `curves` are the same lists with their rows left out (any rows they hold are replaced). */
export function unpackRows(packed: PackedRows, tapes: readonly TraceTape[], gradients: readonly TraceGradient[], curves: readonly Curve[] = []): { tapes: TraceTape[]; gradients: TraceGradient[]; curves: Curve[] } {
  const { strings, summaries: s, nodes: nc, leaves: lc, targets: tc, sources: sc, points } = packed;
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
  const pos = (c: PackedPos, i: number): SourcePos | undefined => {
    if (c.line[i] === 0) return undefined;
    const file = str(c.file[i]);
    return file === undefined ? { line: c.line[i], column: c.column[i] } : { line: c.line[i], column: c.column[i], file };
  };
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
  return {
    tapes: tapes.map((t, k) => ({ ...t, nodes: range(packed.nodeAt[k], packed.nodeAt[k + 1], node), leaves: range(packed.leafAt[k], packed.leafAt[k + 1], leaf) })),
    gradients: gradients.map((g, k) => ({
      ...g,
      targets: range(packed.targetAt[k], packed.targetAt[k + 1], target),
      sources: range(packed.sourceAt[k], packed.sourceAt[k + 1], source),
      adjoints: range(packed.adjointAt[k], packed.adjointAt[k + 1], (i) => ({ tensorId: packed.adjoints.tensorId[i], value: summary(packed.adjoints.value[i]) })),
    })),
    curves: curves.map((c, k) => ({ ...c, points: range(packed.pointAt[k], packed.pointAt[k + 1], (i) => ({ step: points.step[i], value: toNum(points.value[i]) })) })),
  };
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

/**
 * Why `v` is not well-formed PackedRows for `tapes` tapes, `gradients` gradient calls and `curves`
 * curves, or undefined when it is: a page unpacks only what passed.
 */
export function checkPackedRows(v: unknown, tapes: number, gradients: number, curves = 0): string | undefined {
  if (!isObj(v) || v.packed !== 1) return 'not packed rows';
  if (!Array.isArray(v.strings) || !v.strings.every((x) => typeof x === 'string')) return 'bad strings';
  const strings = v.strings.length;
  const bad = checkSummaries(v.summaries);
  if (bad) return bad;
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
