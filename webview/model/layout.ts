/**
 * Left-to-right placement of the graph. Small graphs go to dagre (@dagrejs/dagre), chosen over ELK
 * (elkjs) by measurement (bench/panelLayout.bench.ts, docs/panel.md): on tape-shaped graphs of 10 to
 * 100 nodes dagre is as fast or up to 4× faster, it has no start-up cost (ELK's compiled-Java
 * runtime costs ≈ 0.3 s per page), and it is a fraction of the bundle. Neither library lays out a
 * large tape in an interactive budget (300 nodes: ELK 0.5 s, dagre 1.5 s; 10,000 nodes: ELK 32 s,
 * dagre overflows the stack), so beyond LIBRARY_MAX_NODES the graph keeps the linear-time layered placement below:
 * ranks by longest path (recorded order is topological, so one pass), order within a rank by the
 * barycentre of the inputs (one sweep). Every graph's first frame uses it too, so the library never
 * delays the first draw.
 */
import dagre from '@dagrejs/dagre';
import { layoutInput, type Graph } from './graphModel';

import { NODE_SIZES, type Direction, type SizeClass } from './viewport';

export const LIBRARY_MAX_NODES = 120;

/** Gives every node the size of its class; a folded group is wider (it carries a gradient trail). */
export function sizeNodes(graph: Graph, size: SizeClass = 'full'): void {
  const s = NODE_SIZES[size];
  for (const n of graph.nodes) {
    n.w = n.kind === 'group' ? Math.round(s.w * 1.6) : s.w;
    n.h = n.kind === 'leaf' ? s.leafH : n.kind === 'group' ? Math.max(s.h, 30) : s.h;
    // A reference to a leaf drawn elsewhere (references.ts) is a name tag: one line at the panel's text size.
    if (n.ref !== undefined) {
      n.w = Math.round(s.w * 0.6);
      n.h = Math.min(n.h, NODE_SIZES.name.h);
    }
  }
}

/** Places the nodes with dagre (sets x/y, top-left corners). */
export function libraryLayout(graph: Graph, dir: Direction = 'LR', size: SizeClass = 'full'): void {
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
 * Linear-time layered placement: what graphs above LIBRARY_MAX_NODES get (and the first frame of any).
 * Ranks follow the flow direction (left to right, or top to bottom); within a rank nodes are ordered
 * by the barycentre of their neighbours, swept down, up and down again to keep crossings low.
 */
export function layeredLayout(graph: Graph, dir: Direction = 'LR', size: SizeClass = 'full'): void {
  const { nodes } = graph;
  const s = NODE_SIZES[size];
  const rank = new Int32Array(nodes.length);
  // Node indices: leaves first, then ops in recorded (topological) order.
  for (const n of nodes) {
    if (n.kind === 'leaf') continue;
    let r = 0;
    for (const i of n.inputs) r = Math.max(r, rank[i] + 1);
    rank[n.index] = Math.max(r, 1);
  }
  // An op whose result is used only later moves up to just before its first consumer (shorter
  // edges, narrower ranks); reverse recorded order sees consumers first.
  for (let i = nodes.length - 1; i >= 0; i--) {
    const n = nodes[i];
    if (n.kind === 'leaf' || !n.consumers.length) continue;
    let r = Infinity;
    for (const c of n.consumers) r = Math.min(r, rank[c] - 1);
    if (r > rank[i]) rank[i] = r;
  }
  // A leaf sits just before its first consumer, so inputs are not stretched across the picture.
  for (const n of nodes) {
    if (n.kind !== 'leaf' || !n.consumers.length) continue;
    let r = Infinity;
    for (const c of n.consumers) r = Math.min(r, rank[c] - 1);
    rank[n.index] = Math.max(0, r);
  }
  const layers: number[][] = [];
  for (const n of nodes) (layers[rank[n.index]] ??= []).push(n.index);
  for (let r = 0; r < layers.length; r++) layers[r] ??= [];
  const order = new Float64Array(nodes.length);
  layers.forEach((layer) => layer.forEach((i, k) => (order[i] = k)));
  const sweep = (r: number, side: 'inputs' | 'consumers') => {
    const layer = layers[r];
    const key = new Float64Array(layer.length);
    layer.forEach((i, k) => {
      const ns = nodes[i][side];
      if (!ns.length) { key[k] = order[i]; return; }
      let sum = 0;
      for (const j of ns) sum += order[j];
      key[k] = sum / ns.length;
    });
    const idx = layer.map((_, k) => k).sort((a, b) => key[a] - key[b] || layer[a] - layer[b]);
    layers[r] = idx.map((k) => layer[k]);
    layers[r].forEach((i, k) => (order[i] = k));
  };
  for (let r = 1; r < layers.length; r++) sweep(r, 'inputs');
  for (let r = layers.length - 2; r >= 0; r--) sweep(r, 'consumers');
  for (let r = 1; r < layers.length; r++) sweep(r, 'inputs');
  const lr = dir === 'LR';
  // Extent of each rank across the flow, to centre the ranks on one another.
  let widest = 0;
  const extent = layers.map((layer) => {
    let e = 0;
    for (const i of layer) e += (lr ? nodes[i].h : nodes[i].w) + s.gapOrder;
    widest = Math.max(widest, e);
    return e;
  });
  let along = 0;
  layers.forEach((layer, r) => {
    let across = (widest - extent[r]) / 2;
    let depth = 0;
    for (const i of layer) {
      const n = nodes[i];
      if (lr) { n.x = along; n.y = across; across += n.h + s.gapOrder; depth = Math.max(depth, n.w); }
      else { n.y = along; n.x = across; across += n.w + s.gapOrder; depth = Math.max(depth, n.h); }
    }
    along += depth + s.gapRank;
  });
}

export function bounds(graph: Graph): { x: number; y: number; w: number; h: number } {
  if (!graph.nodes.length) return { x: 0, y: 0, w: 1, h: 1 };
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (const n of graph.nodes) {
    x0 = Math.min(x0, n.x);
    y0 = Math.min(y0, n.y);
    x1 = Math.max(x1, n.x + n.w);
    y1 = Math.max(y1, n.y + n.h);
  }
  return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
}
