/**
 * Repeated structure in a tape, collapsed for drawing: a loop inside one tape (or an unrolled cell)
 * records the same ops from the same source positions again and again, so its recorded op sequence
 * is periodic. Each maximal periodic run of at least MIN_REPEATS iterations becomes one group node,
 * `400 × (Mul, Mul, Add, Tanh)`, carrying the gradient's size at each iteration so the chain's
 * vanishing (or exploding) gradient stays visible. Constants used only inside the run go into the
 * group too; a variable used by every iteration stays one node outside it. Pure, tested under Node.
 */
import { assignHeat, copyNode, type Graph, type GraphEdge, type GraphNode } from './graphModel';
import { counted, toNumber } from './format';

export const MIN_REPEATS = 3;
export const MAX_PERIOD = 32;
/** Graphs with fewer op nodes than this are drawn in full: nothing to gain from folding them. */
export const MIN_OPS_TO_GROUP = 40;

export interface Repeat {
  /** Stable across steps of a loop: first op's source position, period and count. */
  key: string;
  period: number;
  count: number;
  ops: string[];
  /** Base-graph indices of the ops in the run, in recorded order. */
  members: number[];
  /** A Keras layer's call folded the same way (layers.ts): its box's title, `dense_1 (Dense)`. */
  layer?: { title: string; resultName?: string };
  /** Which leaves used only by the run may go into it (default: all); a layer takes its own weights, not its input. */
  absorbs?: (leaf: GraphNode) => boolean;
}

/** An op's identity for periodicity: its name, arity and where in the source it was recorded. */
function signature(n: GraphNode): string {
  return `${n.op}/${n.inputs.length}@${n.pos ? `${n.pos.file ?? ''}:${n.pos.line}:${n.pos.column}` : ''}`;
}

/**
 * Each op's signature as a small id, equal ids for equal signatures. The parts are packed into one
 * exact number (op, arity, file, line, column: 9 + 5 + 8 + 20 + 11 bits < 2^53) rather than a string
 * per op: the first frame of a 10,000-op tape waits for this. Parts too large for their bits fall
 * back to the string.
 */
export function signatureIds(ops: GraphNode[]): Int32Array {
  const opIds = new Map<string, number>(), fileIds = new Map<string, number>();
  const byNum = new Map<number, number>(), byText = new Map<string, number>();
  let next = 0;
  const small = (m: Map<string, number>, k: string) => {
    let v = m.get(k);
    if (v === undefined) m.set(k, (v = m.size));
    return v;
  };
  const sig = new Int32Array(ops.length);
  for (let i = 0; i < ops.length; i++) {
    const n = ops[i], p = n.pos;
    const op = small(opIds, n.op), arity = n.inputs.length;
    const file = p ? small(fileIds, p.file ?? '') : 0, line = p ? p.line + 1 : 0, column = p ? p.column : 0;
    let id: number | undefined;
    if (op < 512 && arity < 32 && file < 256 && line >= (p ? 1 : 0) && line < 1 << 20 && column >= 0 && column < 1 << 11 && Number.isInteger(line) && Number.isInteger(column)) {
      const key = (((op * 32 + arity) * 256 + file) * 1048576 + line) * 2048 + column;
      id = byNum.get(key);
      if (id === undefined) byNum.set(key, (id = next++));
    } else {
      const key = signature(n);
      id = byText.get(key);
      if (id === undefined) byText.set(key, (id = next++));
    }
    sig[i] = id;
  }
  return sig;
}

/**
 * False only when no run of period ≤ maxPeriod repeats minRepeats times (one pass, against the
 * search's pass per period): in such a run of period p, each op after the first iteration has the
 * signature of the op p before it, so (minRepeats − 1)·p ≥ minRepeats − 1 ops in a row each repeat
 * a signature seen at most maxPeriod ops earlier. A tape without loops has few such ops, and rarely
 * two in a row.
 */
export function mayRepeat(sig: Int32Array, minRepeats = MIN_REPEATS, maxPeriod = MAX_PERIOD): boolean {
  const need = Math.max(1, minRepeats - 1);
  // Where each signature was last seen (ids are small: 0 … ops − 1).
  const last = new Int32Array(sig.length).fill(-1);
  let row = 0;
  for (let k = 0; k < sig.length; k++) {
    const s = sig[k], seen = last[s];
    last[s] = k;
    if (seen >= 0 && k - seen <= maxPeriod) {
      if (++row >= need) return true;
    } else row = 0;
  }
  return false;
}

/** Maximal periodic runs of the op sequence, largest coverage first, non-overlapping. O(ops × MAX_PERIOD). */
export function findRepeats(graph: Graph, minRepeats = MIN_REPEATS, maxPeriod = MAX_PERIOD): Repeat[] {
  const ops: GraphNode[] = [];
  const all = graph.nodes;
  for (let i = 0; i < all.length; i++) if (all[i].kind === 'op') ops.push(all[i]);
  const sig = signatureIds(ops);
  return mayRepeat(sig, minRepeats, maxPeriod) ? periodicRuns(ops, sig, minRepeats, maxPeriod) : [];
}

/** The search itself (findRepeats without its quick look): exported for the test that the look never skips a repeat. */
export function periodicRuns(ops: GraphNode[], sig: Int32Array, minRepeats = MIN_REPEATS, maxPeriod = MAX_PERIOD): Repeat[] {
  const n = sig.length;
  const cands: { start: number; period: number; count: number }[] = [];
  for (let p = 1; p <= Math.min(maxPeriod, n >> 1); p++) {
    let i = 0;
    while (i + p < n) {
      if (sig[i] !== sig[i + p]) { i++; continue; }
      let j = i;
      while (j + p < n && sig[j] === sig[j + p]) j++;
      const count = Math.floor((j - i + p) / p);
      if (count >= minRepeats && !isSmallerPeriod(sig, i, p)) cands.push({ start: i, period: p, count });
      i = j + 1;
    }
  }
  cands.sort((a, b) => b.count * b.period - a.count * a.period || a.period - b.period || a.start - b.start);
  const taken = new Uint8Array(n);
  const out: Repeat[] = [];
  for (const c of cands) {
    const end = c.start + c.count * c.period;
    let free = true;
    for (let i = c.start; i < end && free; i++) if (taken[i]) free = false;
    if (!free) continue;
    taken.fill(1, c.start, end);
    const members = ops.slice(c.start, end).map((m) => m.index);
    const first = ops[c.start];
    out.push({
      key: `${first.pos ? `${first.pos.line}:${first.pos.column}` : first.op}×${c.period}`,
      period: c.period, count: c.count, ops: ops.slice(c.start, c.start + c.period).map((m) => m.op), members,
    });
  }
  return out.sort((a, b) => a.members[0] - b.members[0]);
}

/** True when one iteration of period p is itself periodic (then the smaller period describes it). */
function isSmallerPeriod(sig: Int32Array, start: number, p: number): boolean {
  for (let q = 1; q < p; q++) {
    if (p % q) continue;
    let same = true;
    for (let i = start; i + q < start + p && same; i++) if (sig[i] !== sig[i + q]) same = false;
    if (same) return true;
  }
  return false;
}

export interface GroupInfo {
  key: string;
  count: number;
  period: number;
  ops: string[];
  /** Base-graph indices folded into the group: its ops, then the leaves used only by them. */
  members: number[];
  leafCount: number;
  /** RMS of ∂target/∂(each iteration's last output), in order; NaN where not on the gradient path. */
  gradTrail: number[];
  /** Set for a Keras layer's call (one iteration): what its box is titled. */
  layer?: { title: string; resultName?: string };
}

/** A drawn graph plus how its nodes map to the full one (the inspector and walkthrough use the full one). */
export interface ViewGraph extends Graph {
  /** For each drawn node, the base-graph index it stands for (a group: its last op). */
  baseOf: number[];
  /** For each base node, the drawn node that shows it (a member of a collapsed group: the group). */
  viewOf: Int32Array;
  groups: Repeat[];
  /** Frames drawn around Keras models' (and opened layers') nodes: drawn-node indices, label, nesting depth. */
  frames?: ViewFrame[];
}

export interface ViewFrame {
  label: string;
  members: number[];
  depth: number;
}

const rmsOf = (n: GraphNode) => (n.grad && n.grad.size ? toNumber(n.grad.norm) / Math.sqrt(n.grad.size) : NaN);

/**
 * The graph to draw: the base graph with each repeat not in `expanded` (by key) folded into one
 * group node. Edges into and out of a group are merged per outside node (the largest gradient kept).
 */
export function collapseRepeats(base: Graph, repeats: Repeat[], expanded: ReadonlySet<string> = new Set()): ViewGraph {
  const folded = repeats.filter((r) => !expanded.has(r.key));
  const groupOf = new Int32Array(base.nodes.length).fill(-1);
  folded.forEach((r, gi) => {
    for (const m of r.members) groupOf[m] = gi;
  });
  // Leaves used within one iteration only (a loop's per-step constant) go into the group; a leaf
  // used across iterations (a weight) stays one node outside, with one edge into the group.
  const iteration = new Int32Array(base.nodes.length).fill(-1);
  folded.forEach((r) => r.members.forEach((m, i) => (iteration[m] = Math.floor(i / r.period))));
  const leavesOf: number[][] = folded.map(() => []);
  for (const n of base.nodes) {
    if (n.kind !== 'leaf' || !n.consumers.length) continue;
    const g = groupOf[n.consumers[0]];
    const it = iteration[n.consumers[0]];
    if (g >= 0 && n.consumers.every((c) => groupOf[c] === g && iteration[c] === it) && (folded[g].absorbs?.(n) ?? true)) {
      groupOf[n.index] = g;
      leavesOf[g].push(n.index);
    }
  }
  const nodes: GraphNode[] = [];
  const baseOf: number[] = [];
  const viewOf = new Int32Array(base.nodes.length).fill(-1);
  const groupNode: number[] = folded.map(() => -1);
  for (const n of base.nodes) {
    const g = groupOf[n.index];
    if (g < 0) {
      viewOf[n.index] = nodes.length;
      baseOf.push(n.index);
      nodes.push(copyNode(n, { index: nodes.length, inputs: [], consumers: [] }));
      continue;
    }
    if (groupNode[g] >= 0 || n.kind === 'leaf') {
      if (groupNode[g] >= 0) viewOf[n.index] = groupNode[g];
      continue;
    }
    // The group is placed where its first op was recorded.
    const r = folded[g];
    const last = base.nodes[r.members[r.members.length - 1]];
    const gradTrail: number[] = [];
    for (let it = 0; it < r.count; it++) gradTrail.push(rmsOf(base.nodes[r.members[(it + 1) * r.period - 1]]));
    const index = nodes.length;
    groupNode[g] = index;
    viewOf[n.index] = index;
    baseOf.push(last.index);
    const leafCount = leavesOf[g].length;
    let depth = Infinity, nonFinite = false;
    const tapeIds = new Set<number>();
    for (const m of r.members) {
      const b = base.nodes[m];
      depth = Math.min(depth, b.depth);
      nonFinite ||= b.nonFinite;
      for (const t of b.tapeIds) tapeIds.add(t);
    }
    nodes.push(copyNode(last, {
      index, kind: 'group', nodeId: undefined, node: undefined, leaf: undefined,
      title: r.layer ? r.layer.title : `${r.count} × (${r.ops.join(', ')})`,
      op: `${counted(r.count * r.period, 'op')}${leafCount ? ` · ${counted(leafCount, 'leaf', 'leaves')}` : ''}${r.layer?.resultName ? ` → ${r.layer.resultName}` : ''}`,
      nonFinite, tapeIds: [...tapeIds],
      // A loop, not Math.min(...members): a spread of 100,000 members overflows the stack.
      depth, inputs: [], consumers: [],
      group: { key: r.key, count: r.count, period: r.period, ops: r.ops, members: [...r.members, ...leavesOf[g]], leafCount, gradTrail, ...(r.layer ? { layer: r.layer } : {}) },
    }));
  }
  for (const g of leavesOf.flat()) viewOf[g] = groupNode[groupOf[g]];
  const merged = new Map<number, GraphEdge>();
  for (const e of base.edges) {
    const from = viewOf[e.from], to = viewOf[e.to];
    if (from < 0 || to < 0 || from === to) continue;
    const k = from * nodes.length + to;
    const had = merged.get(k);
    if (!had) merged.set(k, { ...e, from, to });
    else if ((e.gradRms ?? -1) > (had.gradRms ?? -1)) merged.set(k, { ...e, from, to });
  }
  const edges = [...merged.values()];
  for (const e of edges) {
    nodes[e.to].inputs.push(e.from);
    nodes[e.from].consumers.push(e.to);
  }
  assignHeat(edges);
  const byTensor = new Map<number, number>();
  const byNodeId = new Map<number, number>();
  for (const [t, i] of base.byTensor) byTensor.set(t, viewOf[i]);
  for (const [id, i] of base.byNodeId) byNodeId.set(id, viewOf[i]);
  return { nodes, edges, tapes: base.tapes, gradient: base.gradient, byTensor, byNodeId, baseOf, viewOf, groups: folded };
}

/** The identity view: every base node drawn as itself. */
export function identityView(base: Graph): ViewGraph {
  // Loops, not Int32Array.from / map with a callback: this runs once per page, in cold code, before the first frame.
  const n = base.nodes.length;
  const viewOf = new Int32Array(n), baseOf = new Array<number>(n);
  for (let i = 0; i < n; i++) baseOf[i] = viewOf[i] = base.nodes[i].index;
  return { ...base, baseOf, viewOf, groups: [] };
}

/** The drawn graph for a base graph: repeats folded when the graph is large enough to need it. */
export function viewGraphFor(base: Graph, expanded: ReadonlySet<string>): { view: ViewGraph; repeats: Repeat[] } {
  let opCount = 0;
  for (let i = 0; i < base.nodes.length; i++) if (base.nodes[i].kind === 'op') opCount++;
  if (opCount < MIN_OPS_TO_GROUP) return { view: identityView(base), repeats: [] };
  const repeats = findRepeats(base);
  if (!repeats.length) return { view: identityView(base), repeats };
  return { view: collapseRepeats(base, repeats, expanded), repeats };
}
