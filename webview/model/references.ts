/**
 * A leaf used across the tape (a weight read at the first layer and again at the last, a constant
 * shared by distant ops) is drawn once, beside its first use, and its later uses read it through
 * short references: a small `↩ w` node just before each far group of consumers, in place of a long
 * edge across the picture. A reference stands for the same tensor (selecting it selects the leaf);
 * its edges keep their gradients. In graphs the panel's own layered layout places (above
 * LIBRARY_MAX_NODES); dagre keeps a small graph's edges short itself. Pure, tested under Node.
 */
import { copyNode, type GraphNode } from './graphModel';
import type { ViewGraph } from './repeats';
import { LIBRARY_MAX_NODES, opRanks, shareOpRanks } from './layout';

/** Consumers more than this many ranks after the leaf's first one read it through a reference. */
export const REF_SPAN = 2;

/**
 * `minNodes`: graphs up to this size are left alone; dagre lays them out (layout.ts), and its
 * ranking already keeps edges short there, where references would only add boxes.
 */
export function addReferences(view: ViewGraph, span = REF_SPAN, minNodes = LIBRARY_MAX_NODES): ViewGraph {
  if (view.nodes.length <= minNodes) return view;
  // Ranks as the layered layout gives them (a reference is a leaf: no op's rank changes below, so the
  // layout takes these rather than working them out again).
  const rank = opRanks(view.nodes);
  const far: { leaf: GraphNode; clusters: number[][] }[] = [];
  // An indexed pass, not filter/map over every node: this runs before the first frame, in cold code.
  for (let i = 0; i < view.nodes.length; i++) {
    const leaf = view.nodes[i];
    if (leaf.kind !== 'leaf' || leaf.consumers.length < 2 || leaf.ref !== undefined) continue;
    const cs = [...new Set(leaf.consumers)].sort((a, b) => rank[a] - rank[b] || a - b);
    // Consumers in clusters along the flow: the first stays linked to the leaf, each later one gets a reference.
    const clusters: number[][] = [];
    for (const c of cs) {
      const last = clusters[clusters.length - 1];
      if (last && rank[c] - rank[last[0]] <= span) last.push(c);
      else clusters.push([c]);
    }
    if (clusters.length > 1) far.push({ leaf, clusters });
  }
  if (!far.length) {
    shareOpRanks(view.nodes, rank);
    return view;
  }

  // Copy on write: only the far leaves and their consumers change (copying every node and edge of a
  // 10,000-node view was most of this step, and garbage for the first frame to collect).
  const nodes: GraphNode[] = view.nodes.slice();
  const own = (i: number): GraphNode => (nodes[i] === view.nodes[i] ? (nodes[i] = copyNode(view.nodes[i], { inputs: [...view.nodes[i].inputs], consumers: [...view.nodes[i].consumers] })) : nodes[i]);
  const edges = view.edges.slice();
  const baseOf = [...view.baseOf];
  // Each far leaf's outgoing edges, found in one pass (a pass per cluster was quadratic: 10,000 nodes took 90 ms here).
  const farAt = new Int32Array(view.nodes.length).fill(-1);
  const outOf: number[][] = [];
  for (let f = 0; f < far.length; f++) {
    farAt[far[f].leaf.index] = f;
    outOf.push([]);
  }
  for (let k = 0; k < edges.length; k++) {
    const f = farAt[edges[k].from];
    if (f >= 0) outOf[f].push(k);
  }
  for (let f = 0; f < far.length; f++) {
    const { leaf, clusters } = far[f];
    // Each later cluster's consumers read the leaf through that cluster's reference: one pass over
    // the leaf's edges and consumers for all its clusters (a pass per cluster was quadratic for a
    // weight read at every step of a long loop).
    const refOf = new Map<number, number>();
    for (let ci = 1; ci < clusters.length; ci++) {
      const cluster = clusters[ci];
      const ref = nodes.length;
      nodes.push(copyNode(view.nodes[leaf.index], { index: ref, ref: leaf.index, inputs: [], consumers: [...cluster], x: 0, y: 0 }));
      baseOf.push(view.baseOf[leaf.index]);
      for (const c of cluster) refOf.set(c, ref);
    }
    for (const k of outOf[f]) {
      const ref = refOf.get(edges[k].to);
      if (ref !== undefined) edges[k] = { ...edges[k], from: ref };
    }
    for (const [c, ref] of refOf) {
      const ins = own(c).inputs;
      for (let k = 0; k < ins.length; k++) if (ins[k] === leaf.index) ins[k] = ref;
    }
    const l = own(leaf.index);
    l.consumers = l.consumers.filter((c) => !refOf.has(c));
  }
  const shared = new Int32Array(nodes.length);
  shared.set(rank);
  shareOpRanks(nodes, shared);
  return { ...view, nodes, edges, baseOf };
}
