/**
 * From a Trace to what the graph view draws: which tapes make up a training step, the DAG of their
 * leaves and nodes, and each edge's gradient magnitude. Pure data, tested under Node.
 */
import type { NullReason, SourcePos, TraceGradient, TraceLeaf, TraceNode, TraceTape, ValueSummary } from '../../src/protocol/trace';
import { formatNum, formatShape, hasNonFinite, toNumber } from './format';
import type { GroupInfo } from './repeats';

// The trace queries the editor and the CLI share (one copy, in src/protocol/); re-exported for the views.
export { gradientsFor, groupTapes, maxStep, tapesAtStep, type TapeGroup } from '../../src/protocol/traceQueries';

export const NODE_W = 176;
export const NODE_H = 74;
export const LEAF_H = 74;

/** Depth of each tape among the given ones: 0 for outermost, parent's depth + 1 for nested tapes. */
export function tapeDepths(tapes: TraceTape[]): Map<number, number> {
  const byId = new Map(tapes.map((t) => [t.id, t]));
  const depth = new Map<number, number>();
  const get = (t: TraceTape, guard = 0): number => {
    const known = depth.get(t.id);
    if (known !== undefined) return known;
    const parent = t.parentId !== undefined ? byId.get(t.parentId) : undefined;
    const d = parent && guard < 64 ? get(parent, guard + 1) + 1 : 0;
    depth.set(t.id, d);
    return d;
  };
  for (const t of tapes) get(t);
  return depth;
}

export interface GraphNode {
  index: number;
  /** A recorded op, a leaf tensor, or (drawn graphs only, see repeats.ts) a folded run of repeated ops. */
  kind: 'op' | 'leaf' | 'group' | 'note';
  /** TraceNode.id for op nodes. */
  nodeId?: number;
  tensorId: number;
  /** The name from the source, else the expression that ran (`matmul(xb, w1)`), never an id. */
  title: string;
  /** Op name; for leaves `Variable`, `Constant` or `Tensor`. */
  op: string;
  value: ValueSummary;
  /** ∂target/∂this tensor: a summary, null (a source without gradient), undefined (not on the path). */
  grad: ValueSummary | null | undefined;
  nullReason?: NullReason;
  nonFinite: boolean;
  pos?: SourcePos;
  tapeIds: number[];
  /** Nesting layer: the deepest tape among those drawn that recorded it. */
  depth: number;
  leaf?: TraceLeaf;
  node?: TraceNode;
  inputs: number[];
  consumers: number[];
  group?: GroupInfo;
  /** A short reference to a leaf drawn elsewhere (see references.ts): the drawn index of that leaf. */
  ref?: number;
  /** A note drawn where a gradient's chain breaks (see breaks.ts): the sentence that says why. */
  note?: { role: 'break' | 'target'; message: string };
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface GraphEdge {
  from: number;
  to: number;
  input: string;
  tensorId: number;
  /** Root-mean-square of the gradient flowing back along this edge, when on the path. */
  gradRms?: number;
  /** 0 (smallest on this graph) … 1 (largest), on a log scale; undefined off the path. */
  heat?: number;
  /** Drawn as a broken link: the chain of gradients stops here (see breaks.ts). */
  broken?: boolean;
}

export interface Graph {
  nodes: GraphNode[];
  edges: GraphEdge[];
  tapes: TraceTape[];
  gradient?: TraceGradient;
  byTensor: Map<number, number>;
  byNodeId: Map<number, number>;
}

const rms = (v: ValueSummary) => (v.size ? toNumber(v.norm) / Math.sqrt(v.size) : 0);

/** What a node must say; makeNode fills in the rest. */
export type NodeFields = Partial<GraphNode> & Pick<GraphNode, 'index' | 'kind' | 'tensorId' | 'title' | 'op' | 'value'>;

/**
 * Every drawn node is made here, with every field present and in one order, so all of them share one
 * hidden class: the layout and drawing loops read x, y, w, h of 100,000 nodes per pass, and nodes of
 * eight shapes (leaves, ops, groups, references, notes, with and without a null reason) made those
 * reads megamorphic (a third of the 10,000-node first draw).
 */
export function makeNode(f: NodeFields): GraphNode {
  return {
    index: f.index, kind: f.kind, nodeId: f.nodeId, tensorId: f.tensorId, title: f.title, op: f.op, value: f.value,
    grad: f.grad, nullReason: f.nullReason, nonFinite: f.nonFinite ?? false, pos: f.pos, tapeIds: f.tapeIds ?? [], depth: f.depth ?? 0,
    leaf: f.leaf, node: f.node, inputs: f.inputs ?? [], consumers: f.consumers ?? [], group: f.group, ref: f.ref, note: f.note,
    // -0, not 0: positions are fractional, and a first node made with small-integer positions had
    // every node's fields stored as such, so placing 10,000 nodes migrated each one twice (x, then
    // y) to a new layout; -0 is stored as a double from the first node on, and reads as 0.
    x: f.x || -0, y: f.y || -0, w: f.w ?? NODE_W, h: f.h ?? NODE_H,
  };
}

/** A copy of a node with some fields changed (same shape as every other node). */
export function copyNode(n: GraphNode, changes: Partial<GraphNode>): GraphNode {
  // Object.assign onto fields the copy already has keeps its shape.
  return Object.assign(makeNode(n), changes);
}

/** `resultNames`: names the source gives tensors no node name covers (a Keras model's result: Trace.scopes), by tensor id. */
export function buildGraph(tapes: TraceTape[], gradient?: TraceGradient, resultNames?: ReadonlyMap<number, string>): Graph {
  const depths = tapeDepths(tapes);
  const adj = new Map<number, ValueSummary>();
  for (const a of gradient?.adjoints ?? []) adj.set(a.tensorId, a.value);
  const sources = new Map((gradient?.sources ?? []).map((s) => [s.tensorId, s]));
  const nodes: GraphNode[] = [];
  const byTensor = new Map<number, number>();
  const byNodeId = new Map<number, number>();
  // Each drawn node's adjoint (by index): its edges out read it below, rather than the map again per edge.
  const adjOf: (ValueSummary | undefined)[] = [];
  const gradOf = (tensorId: number, a: ValueSummary | undefined): ValueSummary | null | undefined => {
    const s = sources.get(tensorId);
    if (s && s.gradient === null) return null;
    return a ?? s?.gradient ?? undefined;
  };
  const nullOf = (tensorId: number): NullReason | undefined => {
    const s = sources.get(tensorId);
    return s && s.gradient === null ? s.nullReason : undefined;
  };

  // Leaves first (a leaf shared by several tapes is drawn once), then nodes in recorded order.
  for (const t of tapes) {
    for (const l of t.leaves) {
      if (byTensor.has(l.tensorId)) continue;
      byTensor.set(l.tensorId, nodes.length);
      const a = adj.get(l.tensorId);
      adjOf.push(a);
      nodes.push(makeNode({
        index: nodes.length, kind: 'leaf', tensorId: l.tensorId,
        title: l.name ?? leafTitle(l), op: l.kind === 'variable' ? 'Variable' : l.kind === 'constant' ? 'Constant' : 'Tensor',
        value: l.value, grad: gradOf(l.tensorId, a), nullReason: nullOf(l.tensorId), nonFinite: hasNonFinite(l.value), pos: l.pos, tapeIds: [t.id], depth: depths.get(t.id) ?? 0, leaf: l, h: LEAF_H,
      }));
    }
  }
  // The loops over nodes and edges below are indexed: this runs before the first frame in code not yet
  // optimised, where each step of a for-of makes an object (10,000 nodes: megabytes for the collector).
  let allNodes: TraceNode[];
  if (tapes.length === 1) allNodes = tapes[0].nodes; // one tape records each node once
  else {
    // A node recorded by nested tapes is in each of them: drawn once.
    const seenNodes = new Set<number>();
    allNodes = [];
    for (const t of tapes) {
      for (let i = 0; i < t.nodes.length; i++) {
        const n = t.nodes[i];
        if (seenNodes.has(n.id)) continue;
        seenNodes.add(n.id);
        allNodes.push(n);
      }
    }
  }
  // Recorded order (a sort only when it is not already: several tapes interleave).
  let sorted = true;
  for (let i = 1; i < allNodes.length && sorted; i++) sorted = allNodes[i - 1].id < allNodes[i].id;
  if (!sorted) allNodes = [...allNodes].sort((a, b) => a.id - b.id);
  // allNodes[k] is drawn at firstOp + k.
  const firstOp = nodes.length;
  // Most nodes share their neighbour's tapes: the last depth looked up is kept.
  let lastTape = NaN, lastDepth = 0;
  for (let k = 0; k < allNodes.length; k++) {
    const n = allNodes[k];
    let depth = 0;
    for (let j = 0; j < n.tapeIds.length; j++) {
      if (n.tapeIds[j] !== lastTape) lastDepth = depths.get((lastTape = n.tapeIds[j])) ?? 0;
      depth = Math.max(depth, lastDepth);
    }
    byTensor.set(n.outputId, nodes.length);
    byNodeId.set(n.id, nodes.length);
    const a = adj.get(n.outputId);
    adjOf.push(a);
    nodes.push(makeNode({
      index: nodes.length, kind: 'op', nodeId: n.id, tensorId: n.outputId, title: n.name ?? resultNames?.get(n.outputId) ?? '', op: n.op,
      value: n.output, grad: gradOf(n.outputId, a), nullReason: nullOf(n.outputId), nonFinite: !!n.nonFinite || hasNonFinite(n.output), pos: n.pos, tapeIds: n.tapeIds, depth, node: n, h: NODE_H,
    }));
  }
  const edges: GraphEdge[] = [];
  // Each node's gradient RMS, worked out once for all its edges out (NaN: not yet).
  const rmsOf = new Float64Array(nodes.length).fill(NaN);
  for (let k = 0; k < allNodes.length; k++) {
    const n = allNodes[k];
    const to = firstOp + k;
    for (let j = 0; j < n.inputs.length; j++) {
      const inp = n.inputs[j];
      const from = byTensor.get(inp.tensorId);
      if (from === undefined) continue; // produced outside the drawn tapes (e.g. by another step)
      // The node byTensor names for a tensor is the one whose tensor it is: its adjoint is the tensor's.
      const g = adjOf[from];
      if (g && Number.isNaN(rmsOf[from])) rmsOf[from] = rms(g);
      // Every field present from the start (heat is set below): adding one later gave each edge a new layout and a property store.
      edges.push({ from, to, input: inp.name, tensorId: inp.tensorId, gradRms: g ? rmsOf[from] : undefined, heat: undefined, broken: undefined });
      nodes[to].inputs.push(from);
      nodes[from].consumers.push(to);
    }
  }
  // A gradient call's result named in the source (`const dy = tape.gradient(y, x)`, then
  // `outer.gradient(dy, x)`) was recorded before it had its name: the call's target and source names hold it.
  const given = new Map<number, string>();
  for (const g of gradient ? [gradient] : []) {
    for (const t of g.targets) if (t.name) given.set(t.tensorId, t.name);
    for (const s of g.sources) if (s.name) given.set(s.tensorId, s.name);
  }
  // An op no source name covers reads as the expression that ran, with the function the source
  // called (`matmul(xb, w1)`, TraceNode.call), else the op's name (`matMul(…)`), never an id;
  // nodes are in recorded order, so an input's title is final before its consumers read it.
  for (let k = 0; k < nodes.length; k++) {
    const node = nodes[k];
    if (node.kind !== 'op' || node.node!.name !== undefined || node.title !== '') continue;
    const name = given.get(node.tensorId);
    if (name !== undefined) {
      node.title = name;
      continue;
    }
    const ins = node.node!.inputs;
    let args = '';
    for (let j = 0; j < ins.length; j++) {
      const from = byTensor.get(ins[j].tensorId);
      args += `${j ? ', ' : ''}${from === undefined ? '…' : nodes[from].title}`;
    }
    const fn = node.node!.call ?? `${node.op.charAt(0).toLowerCase()}${node.op.slice(1)}`;
    node.title = clipTitle(`${fn}(${args})`);
  }
  assignHeat(edges);
  return { nodes, edges, tapes, gradient, byTensor, byNodeId };
}

/** Expression titles stay short enough for a node box; the inspector shows the whole record. */
const TITLE_MAX = 32;
function clipTitle(text: string): string {
  return text.length > TITLE_MAX ? `${text.slice(0, TITLE_MAX - 1)}…` : text;
}

/** Why a gradient is null, in a few words for a node's label (the inspector gives the full sentence). */
export function nullPhrase(kind: NullReason['kind'] | undefined): string {
  switch (kind) {
    case 'notWatched': return 'no gradient: not watched';
    case 'constant': return 'no gradient: a constant';
    case 'notTrainable': return 'no gradient: not trainable';
    case 'integerDtype': return 'no gradient: integer dtype';
    case 'stopGradient': return 'no gradient: cut by stopGradient';
    case 'stopRecording': return 'no gradient: ran in stopRecording';
    case 'reset': return 'no gradient: the tape was reset';
    case 'leftEngine': return 'no gradient: left the engine';
    case 'noPath': return 'no gradient: target does not use it';
    case undefined: return 'no gradient';
  }
}

/** Maps each edge's gradient magnitude to 0…1 on a log scale over this graph's range. */
export function assignHeat(edges: GraphEdge[]): void {
  // Two indexed loops, no per-edge closure or array of logs: this runs before the first frame.
  // (Not Math.min(...logs): a spread of 100,000+ edges overflows the stack.)
  let lo = Infinity;
  let hi = -Infinity;
  for (let k = 0; k < edges.length; k++) {
    const r = edges[k].gradRms;
    if (r === undefined || !(r > 0) || !Number.isFinite(r)) continue;
    const l = Math.log10(r);
    if (l < lo) lo = l;
    if (l > hi) hi = l;
  }
  for (let k = 0; k < edges.length; k++) {
    const e = edges[k], r = e.gradRms;
    if (r === undefined) e.heat = undefined;
    else if (!Number.isFinite(r)) e.heat = 1; // exploded: as hot as it gets
    else if (!(r > 0)) e.heat = 0; // exactly zero
    else e.heat = hi > lo ? (Math.log10(r) - lo) / (hi - lo) : 0.5;
  }
}

/** Indices of nodes whose title, op or line matches a search query (case-insensitive; `:12` is line 12). */
export function searchNodes(graph: Graph, query: string): number[] {
  const q = query.trim().toLowerCase();
  if (!q) return [];
  const line = /^:(\d+)$/.exec(q);
  return graph.nodes
    .filter((n) => (line ? n.pos?.line === Number(line[1]) : n.title.toLowerCase().includes(q) || n.op.toLowerCase().includes(q)))
    .map((n) => n.index);
}

/** Nodes recorded at a 1-based source line (the editor's cursor line). */
export function nodesAtLine(graph: Graph, line: number): number[] {
  const out: number[] = [];
  // Lines are 1-based: no cursor yet (0) matches nothing, without a pass over the nodes.
  if (!(line >= 1)) return out;
  for (const n of graph.nodes) if (n.kind === 'op' && n.pos !== undefined && n.pos.line === line && !n.pos.file) out.push(n.index);
  return out;
}

/** What the layout library gets: sizes and edges, nothing else. */
export function layoutInput(graph: Graph): { nodes: { id: string; width: number; height: number }[]; edges: { id: string; source: string; target: string }[] } {
  return {
    nodes: graph.nodes.map((n) => ({ id: String(n.index), width: n.w, height: n.h })),
    edges: graph.edges.map((e, i) => ({ id: `e${i}`, source: String(e.from), target: String(e.to) })),
  };
}

/**
 * A leaf the source gives no name (a literal, a constant a library call made): a scalar reads as its
 * value (`8`), anything else as its kind and shape (`constant (8, 4)`), never as an id.
 */
export function leafTitle(l: TraceLeaf): string {
  const v = l.value;
  if (v.size === 1 && v.first.length === 1) return formatNum(v.first[0]);
  return `${l.kind} ${formatShape(v.shape)}`;
}
