/**
 * Which nodes and edges a frame has to draw, found without a pass over all of them: at 100,000 nodes
 * a pan or zoom frame must cost what is in view, not what the graph holds. Items are kept by their
 * extent along the flow (x left to right, y top to bottom), in classes of similar length (1, 2, 4, 8,
 * … graph units), each class sorted by where items start; a query binary-searches each class, so a
 * long edge across the picture is found as cheaply as a short one. Built once per placement. Pure,
 * tested under Node.
 */
import type { GraphEdge, GraphNode } from './graphModel';
import { sortByKey } from './sortByKey';
import type { Box } from './viewport';

/** Slack for an edge's curve: it bends up to this far past its ends along the flow (graphView's bezier). */
export const EDGE_BEND = 24;

interface LengthClass {
  /** Longest item in the class, along the flow. */
  maxLen: number;
  starts: Float64Array;
  ids: Int32Array;
}

/** Items with extents [start, end) along one axis, queried for those overlapping [q0, q1]. */
export class IntervalIndex {
  private readonly classes: LengthClass[] = [];

  constructor(readonly start: Float64Array, readonly end: Float64Array) {
    const n = start.length;
    const cls = new Int32Array(n);
    let top = 0;
    for (let i = 0; i < n; i++) {
      const len = end[i] - start[i];
      const c = len <= 1 ? 0 : Math.ceil(Math.log2(len));
      cls[i] = c;
      if (c > top) top = c;
    }
    // Items by class (a counting sort, index order within each), then each class by start, ties by
    // index, in place: typed arrays and no comparator (Array.sort's callbacks were most of this
    // index's cost; it is built in idle time after the first frame).
    const at = new Int32Array(top + 2);
    for (let i = 0; i < n; i++) at[cls[i] + 1]++;
    for (let c = 0; c <= top; c++) at[c + 1] += at[c];
    const ids = new Int32Array(n);
    const fill = at.slice(0, top + 1);
    for (let i = 0; i < n; i++) ids[fill[cls[i]]++] = i;
    const scratch = new Int32Array(n);
    const starts = new Float64Array(n);
    for (let c = 0; c <= top; c++) {
      const a = at[c], b = at[c + 1];
      if (a === b) continue;
      sortByKey(ids, a, b, start, scratch);
      let maxLen = 0;
      for (let k = a; k < b; k++) {
        const i = ids[k];
        starts[k] = start[i];
        if (end[i] - start[i] > maxLen) maxLen = end[i] - start[i];
      }
      this.classes.push({ maxLen, starts: starts.subarray(a, b), ids: ids.subarray(a, b) });
    }
  }

  /** Calls `visit` with each item whose extent overlaps [q0, q1] (in no particular order). */
  query(q0: number, q1: number, visit: (id: number) => void): void {
    for (const c of this.classes) {
      // First item that could reach q0: it starts no earlier than q0 - maxLen.
      let lo = 0, hi = c.starts.length;
      const from = q0 - c.maxLen;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (c.starts[mid] < from) lo = mid + 1;
        else hi = mid;
      }
      for (let k = lo; k < c.starts.length && c.starts[k] <= q1; k++) {
        const id = c.ids[k];
        if (this.end[id] >= q0) visit(id);
      }
    }
  }
}

/** The graph's nodes and edges by position, for one placement (rebuild it when nodes move). */
export class SpatialIndex {
  private readonly nodeIndex: IntervalIndex;
  private readonly edgeIndex: IntervalIndex;
  /** Each edge's box across the flow (its along extent is in edgeIndex). */
  private readonly edgeLo: Float64Array;
  private readonly edgeHi: Float64Array;
  private readonly found: Int32Array;

  constructor(private readonly nodes: readonly GraphNode[], edges: readonly GraphEdge[], readonly lr: boolean) {
    const n = nodes.length;
    const ns = new Float64Array(n), ne = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const node = nodes[i];
      ns[i] = lr ? node.x : node.y;
      ne[i] = ns[i] + (lr ? node.w : node.h);
    }
    this.nodeIndex = new IntervalIndex(ns, ne);
    const m = edges.length;
    const es = new Float64Array(m), ee = new Float64Array(m);
    this.edgeLo = new Float64Array(m);
    this.edgeHi = new Float64Array(m);
    for (let i = 0; i < m; i++) {
      const a = nodes[edges[i].from], b = nodes[edges[i].to];
      // The box of both ends' nodes holds the edge's line and arrowhead; its curve bends EDGE_BEND further along.
      es[i] = Math.min(ns[a.index], ns[b.index]) - EDGE_BEND;
      ee[i] = Math.max(ne[a.index], ne[b.index]) + EDGE_BEND;
      this.edgeLo[i] = lr ? Math.min(a.y, b.y) : Math.min(a.x, b.x);
      this.edgeHi[i] = lr ? Math.max(a.y + a.h, b.y + b.h) : Math.max(a.x + a.w, b.x + b.w);
    }
    this.edgeIndex = new IntervalIndex(es, ee);
    this.found = new Int32Array(Math.max(n, m));
  }

  /** Indices of the nodes overlapping the box, in index order (later nodes are drawn on top). */
  nodesIn(b: Box): Int32Array {
    const { nodes, lr, found } = this;
    let count = 0;
    const a0 = lr ? b.x : b.y, a1 = lr ? b.x + b.w : b.y + b.h;
    const c0 = lr ? b.y : b.x, c1 = lr ? b.y + b.h : b.x + b.w;
    this.nodeIndex.query(a0, a1, (i) => {
      const n = nodes[i];
      const lo = lr ? n.y : n.x, hi = lo + (lr ? n.h : n.w);
      if (hi >= c0 && lo <= c1) found[count++] = i;
    });
    return found.slice(0, count).sort();
  }

  /** Indices of the edges whose box overlaps the box (a superset of those drawn inside it), in index order. */
  edgesIn(b: Box): Int32Array {
    const { lr, found, edgeLo, edgeHi } = this;
    let count = 0;
    const a0 = lr ? b.x : b.y, a1 = lr ? b.x + b.w : b.y + b.h;
    const c0 = lr ? b.y : b.x, c1 = lr ? b.y + b.h : b.x + b.w;
    this.edgeIndex.query(a0, a1, (i) => {
      if (edgeHi[i] >= c0 && edgeLo[i] <= c1) found[count++] = i;
    });
    return found.slice(0, count).sort();
  }
}

/**
 * What SpatialIndex.nodesIn answers, by a pass over every node: the frames and pointer queries of a
 * placement before its index is built (in idle time after its first frame) use this.
 */
export function nodesInScan(nodes: readonly GraphNode[], b: Box): number[] {
  const out: number[] = [];
  // Indexed: the first frame runs this in cold code, where a for-of's steps make garbage.
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i];
    if (!(n.x > b.x + b.w || n.x + n.w < b.x || n.y > b.y + b.h || n.y + n.h < b.y)) out.push(n.index);
  }
  return out;
}
