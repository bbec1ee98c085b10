/**
 * Left-to-right placement of the graph. Small graphs go to dagre (@dagrejs/dagre), chosen over ELK
 * (elkjs) by measurement (bench/panelLayout.bench.ts, docs/panel.md): on tape-shaped graphs of 10 to
 * 100 nodes dagre is as fast or up to 4× faster, it has no start-up cost (ELK's compiled-Java
 * runtime costs ≈ 0.3 s per page), and it is a fraction of the bundle. Neither library lays out a
 * large tape in an interactive budget (300 nodes: ELK 0.5 s, dagre 1.5 s; 10,000 nodes: ELK 32 s,
 * dagre overflows the stack), so beyond LIBRARY_MAX_NODES the graph keeps the linear-time layered placement below:
 * ranks by longest path (recorded order is topological, so one pass), order within a rank by the
 * barycentre of the neighbours (three sweeps). Every graph's first frame uses it too, so the library never
 * delays the first draw.
 */
import dagre from '@dagrejs/dagre';
import { layoutInput, type Graph, type GraphNode } from './graphModel';

import { sortByKey } from './sortByKey';
import { NODE_SIZES, type Direction, type SizeClass } from './viewport';

export const LIBRARY_MAX_NODES = 120;

/**
 * A node's box depends only on its shape class: op (or note), leaf or folded group, each either
 * itself or a reference to a leaf drawn elsewhere (references.ts). Six classes.
 */
const CLASSES = 6;
function shapeClass(n: GraphNode): number {
  return (n.kind === 'leaf' ? 1 : n.kind === 'group' ? 2 : 0) + (n.ref !== undefined ? 3 : 0);
}

/** A class's width in a size; a folded group is wider (it carries a gradient trail). */
function classW(c: number, s: (typeof NODE_SIZES)[SizeClass]): number {
  // A reference is a name tag: one line at the panel's text size.
  return c >= 3 ? Math.round(s.w * 0.6) : c === 2 ? Math.round(s.w * 1.6) : s.w;
}

function classH(c: number, s: (typeof NODE_SIZES)[SizeClass]): number {
  const k = c % 3;
  const h = k === 1 ? s.leafH : k === 2 ? Math.max(s.h, 30) : s.h;
  return c >= 3 ? Math.min(h, NODE_SIZES.name.h) : h;
}

/** Each shape class's width and height in a size, whole pixels. */
function classSides(s: (typeof NODE_SIZES)[SizeClass]): { w: Int32Array; h: Int32Array } {
  // Int32Array: whole pixels read back as small integers, the representation every node's w and h
  // already has (a double here migrated all 10,000 nodes to a new shape: 10 ms).
  const w = new Int32Array(CLASSES), h = new Int32Array(CLASSES);
  for (let c = 0; c < CLASSES; c++) { w[c] = classW(c, s); h[c] = classH(c, s); }
  return { w, h };
}

/** Gives every node the size of its class (layeredLayout does this in its own pass). */
function sizeNodes(graph: Graph, size: SizeClass = 'full'): void {
  const { w, h } = classSides(NODE_SIZES[size]);
  // Indexed loops here and in bounds: they run before the first frame, where a for-of's steps make garbage.
  for (let i = 0; i < graph.nodes.length; i++) {
    const n = graph.nodes[i];
    const c = shapeClass(n);
    n.w = w[c];
    n.h = h[c];
  }
}

/** Sizes the nodes for `size` and places them with dagre (sets x/y, top-left corners). */
export function libraryLayout(graph: Graph, dir: Direction = 'LR', size: SizeClass = 'full'): void {
  sizeNodes(graph, size);
  const input = layoutInput(graph);
  const s = NODE_SIZES[size];
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: dir, nodesep: s.gapOrder, ranksep: s.gapRank, marginx: 0, marginy: 0 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of input.nodes) g.setNode(n.id, { width: n.width, height: n.height });
  for (const e of input.edges) g.setEdge(e.source, e.target);
  dagre.layout(g);
  for (const id of g.nodes()) {
    const p = g.node(id);
    const n = graph.nodes[Number(id)];
    // dagre gives centres
    n.x = p.x - n.w / 2;
    n.y = p.y - n.h / 2;
  }
}

/**
 * Ranks and the order within each rank: `members` lists node indices rank by rank, rank r at
 * [start[r], start[r + 1]); `cls[i]` is node i's shape class and `classes[r * CLASSES + c]` counts
 * rank r's nodes of class c, which is all the rank's size depends on.
 */
interface LayerOrder { start: Int32Array; members: Int32Array; cls: Uint8Array; classes: Int32Array }

/**
 * The order depends only on the graph's structure, not on the direction or node size, so it is worked
 * out once per graph: choosing a layout for the pane tries up to six (direction, size) placements.
 */
const orders = new WeakMap<GraphNode[], { count: number; order: LayerOrder }>();

/**
 * Each op's rank along the flow: the longest path from the leaves (ops are in recorded, so
 * topological, order), then an op whose result is used only later moved up to just before its first
 * consumer (shorter edges, narrower ranks). Leaves stay 0 here: layerOrder puts each just before its
 * first consumer. The one rule for the layout and for references.ts (which asks which uses of a leaf
 * are far from its first).
 */
export function opRanks(nodes: readonly GraphNode[]): Int32Array {
  const n = nodes.length;
  const rank = new Int32Array(n);
  // Indexed loops: this runs once per graph, in cold code, before the first frame.
  for (let i = 0; i < n; i++) {
    const node = nodes[i];
    if (node.kind === 'leaf') continue;
    const ins = node.inputs;
    let r = 1;
    for (let k = 0; k < ins.length; k++) if (rank[ins[k]] + 1 > r) r = rank[ins[k]] + 1;
    rank[i] = r;
  }
  // Reverse recorded order sees consumers first.
  for (let i = n - 1; i >= 0; i--) {
    const node = nodes[i];
    const outs = node.consumers;
    if (node.kind === 'leaf' || !outs.length) continue;
    let r = Infinity;
    for (let k = 0; k < outs.length; k++) if (rank[outs[k]] - 1 < r) r = rank[outs[k]] - 1;
    if (r > rank[i]) rank[i] = r;
  }
  return rank;
}

/**
 * Op ranks a step before the layout already worked out for these nodes (references.ts: it adds and
 * relinks leaves only, so every op keeps its rank), taken by the layout instead of a second pass.
 */
const givenRanks = new WeakMap<GraphNode[], Int32Array>();

/** `rank`: opRanks of a graph whose ops and their links are these nodes', at the same indices (any leaf's entry 0). */
export function shareOpRanks(nodes: GraphNode[], rank: Int32Array): void {
  givenRanks.set(nodes, rank);
}

function layerOrder(nodes: GraphNode[]): LayerOrder {
  const known = orders.get(nodes);
  if (known && known.count === nodes.length) return known.order;
  const n = nodes.length;
  // The graph's structure in typed arrays, read from the nodes once: inputs of i at
  // ins[inAt[i], inAt[i + 1]), consumers at outs[outAt[i], outAt[i + 1]). The passes below read
  // them six times; node objects spread over the heap made each pass cost several times more.
  const cls = new Uint8Array(n);
  const inAt = new Int32Array(n + 1), outAt = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    const node = nodes[i];
    cls[i] = shapeClass(node);
    inAt[i + 1] = inAt[i] + node.inputs.length;
    outAt[i + 1] = outAt[i] + node.consumers.length;
  }
  const ins = new Int32Array(inAt[n]), outs = new Int32Array(outAt[n]);
  for (let i = 0; i < n; i++) {
    const node = nodes[i];
    ins.set(node.inputs, inAt[i]);
    outs.set(node.consumers, outAt[i]);
  }
  // Taken once: the leaves' ranks are written into it below, and nodes added later need a new pass.
  const given = givenRanks.get(nodes);
  givenRanks.delete(nodes);
  const rank = given && given.length === n ? given : opRanks(nodes);
  // A leaf sits just before its first consumer, so inputs are not stretched across the picture.
  let ranks = 0;
  for (let i = 0; i < n; i++) {
    if (cls[i] % 3 === 1 && outAt[i] < outAt[i + 1]) { // a leaf, or a reference to one
      let r = Infinity;
      for (let k = outAt[i]; k < outAt[i + 1]; k++) r = Math.min(r, rank[outs[k]] - 1);
      rank[i] = Math.max(0, r);
    }
    if (rank[i] + 1 > ranks) ranks = rank[i] + 1;
  }
  // Counting sort into ranks, index order within each (as the first sweep's tie-break).
  const start = new Int32Array(ranks + 1);
  for (let i = 0; i < n; i++) start[rank[i] + 1]++;
  for (let r = 0; r < ranks; r++) start[r + 1] += start[r];
  const members = new Int32Array(n);
  const fill = start.slice(0, ranks);
  for (let i = 0; i < n; i++) members[fill[rank[i]]++] = i;
  const pos = new Float64Array(n);
  for (let r = 0; r < ranks; r++) for (let k = start[r]; k < start[r + 1]; k++) pos[members[k]] = k - start[r];
  // Within a rank, nodes by the barycentre of their neighbours, swept down, up and down again to keep
  // crossings low. Typed arrays and no closures: at 100,000 nodes the sweeps were most of the layout.
  const key = new Float64Array(n);
  const scratch = new Int32Array(n);
  const sweep = (r: number, inputs: boolean) => {
    const a = start[r], b = start[r + 1];
    if (b - a < 2) return;
    const at = inputs ? inAt : outAt, list = inputs ? ins : outs;
    for (let k = a; k < b; k++) {
      const i = members[k];
      const from = at[i], to = at[i + 1];
      if (from === to) { key[i] = pos[i]; continue; }
      let sum = 0;
      for (let m = from; m < to; m++) sum += pos[list[m]];
      key[i] = sum / (to - from);
    }
    sortByKey(members, a, b, key, scratch);
    for (let k = a; k < b; k++) pos[members[k]] = k - a;
  };
  for (let r = 1; r < ranks; r++) sweep(r, true);
  for (let r = ranks - 2; r >= 0; r--) sweep(r, false);
  for (let r = 1; r < ranks; r++) sweep(r, true);
  const classes = new Int32Array(ranks * CLASSES);
  for (let i = 0; i < n; i++) classes[rank[i] * CLASSES + cls[i]]++;
  const order = { start, members, cls, classes };
  orders.set(nodes, { count: n, order });
  return order;
}

/**
 * Linear-time layered placement: what graphs above LIBRARY_MAX_NODES get (and the first frame of any).
 * Sizes every node for `size` (as sizeNodes) and places it. Ranks follow the flow direction (left to right, or top to bottom); within a rank nodes are ordered
 * by the barycentre of their neighbours, swept down, up and down again to keep crossings low.
 */
export function layeredLayout(graph: Graph, dir: Direction = 'LR', size: SizeClass = 'full'): void {
  const { nodes } = graph;
  const s = NODE_SIZES[size];
  const order = layerOrder(nodes);
  const { start, members, cls } = order;
  const ranks = start.length - 1;
  const lr = dir === 'LR';
  const { extent, depth, widest } = rankSpans(order, s, lr);
  const { w, h } = classSides(s);
  // One pass over the nodes (each a read from far in the heap): sized and placed, ranks centred on one another.
  let along = 0;
  for (let r = 0; r < ranks; r++) {
    let across = (widest - extent[r]) / 2;
    for (let k = start[r]; k < start[r + 1]; k++) {
      const i = members[k], c = cls[i], node = nodes[i];
      node.w = w[c];
      node.h = h[c];
      if (lr) { node.x = along; node.y = across; across += h[c] + s.gapOrder; }
      else { node.y = along; node.x = across; across += w[c] + s.gapOrder; }
    }
    along += depth[r] + s.gapRank;
  }
}

/**
 * Each rank's extent across the flow (its nodes' sides, a gap after each) and depth along it (its
 * deepest node), from the counts of each class: sizes are whole pixels, so the sums are exact in any order.
 */
function rankSpans(order: LayerOrder, s: (typeof NODE_SIZES)[SizeClass], lr: boolean): { extent: Float64Array; depth: Float64Array; widest: number } {
  const { start, classes } = order;
  const ranks = start.length - 1;
  const { w, h } = classSides(s);
  const extent = new Float64Array(ranks), depth = new Float64Array(ranks);
  let widest = 0;
  for (let r = 0; r < ranks; r++) {
    let e = 0, d = 0;
    for (let c = 0; c < CLASSES; c++) {
      const count = classes[r * CLASSES + c];
      if (!count) continue;
      e += count * ((lr ? h[c] : w[c]) + s.gapOrder);
      d = Math.max(d, lr ? w[c] : h[c]);
    }
    extent[r] = e;
    depth[r] = d;
    if (e > widest) widest = e;
  }
  return { extent, depth, widest };
}

/**
 * The bounds layeredLayout would give the graph for this direction and size, without moving or
 * sizing a node: choosing a layout measures up to six placements, then makes one.
 */
export function layeredBounds(graph: Graph, dir: Direction = 'LR', size: SizeClass = 'full'): { x: number; y: number; w: number; h: number } {
  const { nodes } = graph;
  if (!nodes.length) return { x: 0, y: 0, w: 1, h: 1 };
  const s = NODE_SIZES[size];
  const order = layerOrder(nodes);
  const { start } = order;
  const ranks = start.length - 1;
  const lr = dir === 'LR';
  const { depth, widest } = rankSpans(order, s, lr);
  // As layeredLayout: ranks along the flow, each as deep as its deepest node.
  let along = 0, from = NaN, to = 0;
  for (let r = 0; r < ranks; r++) {
    if (start[r + 1] > start[r]) {
      if (Number.isNaN(from)) from = along;
      to = along + depth[r];
    }
    along += depth[r] + s.gapRank;
  }
  // Across the flow the widest rank starts at 0 and ends a gap short of its extent.
  const across = widest - s.gapOrder;
  return lr ? { x: from, y: 0, w: to - from, h: across } : { x: 0, y: from, w: across, h: to - from };
}

export function bounds(graph: Graph): { x: number; y: number; w: number; h: number } {
  if (!graph.nodes.length) return { x: 0, y: 0, w: 1, h: 1 };
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (let i = 0; i < graph.nodes.length; i++) {
    const n = graph.nodes[i];
    x0 = Math.min(x0, n.x);
    y0 = Math.min(y0, n.y);
    x1 = Math.max(x1, n.x + n.w);
    y1 = Math.max(y1, n.y + n.h);
  }
  return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
}
