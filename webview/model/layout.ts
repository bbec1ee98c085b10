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

export const LIBRARY_MAX_NODES = 120;
const GAP_X = 56;
const GAP_Y = 22;

/** Places the nodes with dagre (sets x/y, top-left corners). */
export function libraryLayout(graph: Graph): void {
  const input = layoutInput(graph);
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'LR', nodesep: GAP_Y, ranksep: GAP_X, marginx: 0, marginy: 0 });
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

/** Linear-time layered placement: what graphs above LIBRARY_MAX_NODES get (and the first frame of any). */
export function layeredLayout(graph: Graph): void {
  const { nodes } = graph;
  const rank = new Int32Array(nodes.length);
  // Node indices: leaves first, then ops in recorded (topological) order.
  for (const n of nodes) {
    if (n.kind !== 'op') continue;
    let r = 0;
    for (const i of n.inputs) r = Math.max(r, rank[i] + 1);
    rank[n.index] = Math.max(r, 1);
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
  const order = new Float64Array(nodes.length);
  let tallest = 0;
  const heights: number[] = [];
  layers.forEach((layer = [], r) => {
    if (r > 0) {
      const bary = (i: number) => {
        const ins = nodes[i].inputs;
        if (!ins.length) return order[i] ?? 0;
        let s = 0;
        for (const j of ins) s += order[j];
        return s / ins.length;
      };
      const key = new Map(layer.map((i) => [i, bary(i)]));
      layer.sort((a, b) => key.get(a)! - key.get(b)! || a - b);
    }
    let h = 0;
    layer.forEach((i, k) => {
      order[i] = k;
      h += nodes[i].h + GAP_Y;
    });
    heights[r] = h;
    tallest = Math.max(tallest, h);
  });
  let x = 0;
  layers.forEach((layer = [], r) => {
    let y = (tallest - heights[r]) / 2;
    let w = 0;
    for (const i of layer) {
      nodes[i].x = x;
      nodes[i].y = y;
      y += nodes[i].h + GAP_Y;
      w = Math.max(w, nodes[i].w);
    }
    x += w + GAP_X;
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
