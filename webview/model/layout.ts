/**
 * Left-to-right placement of the graph. Small and medium graphs go to ELK's layered algorithm
 * (elkjs), chosen over dagre by measurement (docs/panel.md: dagre overflows the stack at 10,000
 * nodes and is slower at 1,000). Neither library lays out 10,000 nodes within the 1 s first-draw
 * budget (ELK ≈ 7.5 s), so beyond ELK_MAX_NODES the graph keeps the linear-time layered placement
 * below: ranks by longest path (recorded order is topological, so one pass), order within a rank
 * by the barycentre of the inputs (one sweep).
 */
import ELK from 'elkjs/lib/elk.bundled.js';
import { layoutInput, type Graph } from './graphModel';

export const ELK_MAX_NODES = 600;
const GAP_X = 56;
const GAP_Y = 22;

/** Options that keep ELK's layered algorithm fast without visibly worse pictures on tape graphs. */
export const ELK_OPTIONS: Record<string, string> = {
  'elk.algorithm': 'layered',
  'elk.direction': 'RIGHT',
  'elk.spacing.nodeNode': String(GAP_Y),
  'elk.layered.spacing.nodeNodeBetweenLayers': String(GAP_X),
  // The panel draws its own edge curves, so ELK's routing and compaction passes are wasted work.
  'elk.edgeRouting': 'POLYLINE',
  'elk.layered.compaction.postCompaction.strategy': 'NONE',
};
/** Cheaper crossing minimisation for bigger graphs (measured: 1,000 nodes 2.6 s → 0.9 s). */
const ELK_FAST: Record<string, string> = {
  'elk.layered.thoroughness': '1',
  'elk.layered.nodePlacement.strategy': 'SIMPLE',
  'elk.layered.crossingMinimization.greedySwitch.type': 'OFF',
};

let elk: InstanceType<typeof ELK> | undefined;

/** Places the nodes with ELK (sets x/y, top-left corners). */
export async function elkLayout(graph: Graph): Promise<void> {
  elk ??= new ELK();
  const input = layoutInput(graph);
  const res = await elk.layout({
    id: 'root',
    layoutOptions: graph.nodes.length > 150 ? { ...ELK_OPTIONS, ...ELK_FAST } : ELK_OPTIONS,
    children: input.nodes,
    edges: input.edges.map((e) => ({ id: e.id, sources: [e.source], targets: [e.target] })),
  });
  for (const c of res.children ?? []) {
    const n = graph.nodes[Number(c.id)];
    n.x = c.x ?? 0;
    n.y = c.y ?? 0;
  }
}

/** Linear-time layered placement: what graphs above ELK_MAX_NODES get (and the first frame of any). */
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
