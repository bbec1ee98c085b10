/**
 * Keras layer calls in the graph (Trace.scopes, docs/keras.md): each layer's call is folded into one
 * box titled `dense_1 (Dense)` until opened, and a model's calls (Sequential, a subclassed Model)
 * are framed, so a three-layer model reads as three boxes in a frame first. A scope covers the nodes
 * whose ids fall in (afterNodeId, lastNodeId]; scopes nest. Folding reuses the repeats' group nodes
 * (one iteration of the layer's ops). Pure, tested under Node.
 */
import type { TraceScope } from '../../src/protocol/trace';
import type { Graph, GraphNode } from './graphModel';
import { collapseRepeats, identityView, type Repeat, type ViewFrame, type ViewGraph } from './repeats';

/** Stable across the steps of a loop (a new call each step): the layer's name. */
export const layerKey = (s: TraceScope): string => `layer:${s.name}`;

const titleOf = (s: TraceScope): string => `${s.name} (${s.className})`;

/**
 * A leaf the layer's call made: one of its weights (`dense/kernel`, `block/dense/kernel`), or a
 * constant made during the call (it has the call's position). Its input is not the layer's.
 */
function madeBy(leaf: GraphNode, scope: TraceScope): boolean {
  const l = leaf.leaf;
  if (l === undefined) return false;
  if (l.kind === 'variable') return l.name !== undefined && l.name.startsWith(`${scope.name}/`);
  const p = leaf.pos;
  const q = scope.pos;
  return l.kind === 'constant' && p !== undefined && q !== undefined && p.line === q.line && p.column === q.column && p.file === q.file;
}

/**
 * Titles for the tensors layer and model calls returned, by tensor id (buildGraph's `resultNames`):
 * the source's name for the outermost call's result (`logits`), else the layer's name, so an opened
 * layer reads `matMul(dense, dense_1/kernel)`.
 */
export function scopeResultNames(scopes: readonly TraceScope[] | undefined): Map<number, string> | undefined {
  if (!scopes) return undefined;
  const out = new Map<number, string>();
  for (const s of scopes) if (s.outputId !== undefined && !s.model && !out.has(s.outputId)) out.set(s.outputId, s.name);
  for (const s of scopes) if (s.resultName !== undefined && s.outputId !== undefined) out.set(s.outputId, s.resultName);
  return out.size > 0 ? out : undefined;
}

/**
 * The scopes that hold op nodes of this graph, each with its drawn members, outermost first.
 * Returns null when no layer call recorded any of the graph's nodes.
 */
export function scopesIn(base: Graph, scopes: readonly TraceScope[] | undefined): { scope: TraceScope; members: number[]; depth: number }[] | null {
  if (!scopes || scopes.length === 0) return null;
  const ops = base.nodes.filter((n) => n.kind === 'op' && n.nodeId !== undefined);
  if (ops.length === 0) return null;
  // A loop, not Math.min(...ids): a spread of 100,000 ids overflows the stack.
  let lo = Infinity, hi = -Infinity;
  for (const n of ops) {
    lo = Math.min(lo, n.nodeId as number);
    hi = Math.max(hi, n.nodeId as number);
  }
  const byId = new Map<number, TraceScope>();
  for (const s of scopes) if (s.lastNodeId >= lo && s.afterNodeId < hi) byId.set(s.id, s);
  if (byId.size === 0) return null;
  const depthOf = (s: TraceScope): number => {
    let d = 0;
    for (let p = s.parentId; p !== undefined && byId.has(p) && d < 64; p = byId.get(p)!.parentId) d++;
    return d;
  };
  const out: { scope: TraceScope; members: number[]; depth: number }[] = [];
  for (const s of byId.values()) {
    const members = ops.filter((n) => (n.nodeId as number) > s.afterNodeId && (n.nodeId as number) <= s.lastNodeId).map((n) => n.index);
    if (members.length > 0) out.push({ scope: s, members, depth: depthOf(s) });
  }
  return out.length > 0 ? out.sort((a, b) => a.depth - b.depth || a.scope.id - b.scope.id) : null;
}

/**
 * The drawn graph with layer calls folded (those not in `expanded`, by layerKey) and frames around
 * models and opened layers. A node belongs to the outermost layer call that is folded; a model is
 * never folded (its layers are what a reader opens it for). Null: no layer calls in this graph.
 */
export function foldLayers(base: Graph, scopes: readonly TraceScope[] | undefined, expanded: ReadonlySet<string>): ViewGraph | null {
  const found = scopesIn(base, scopes);
  if (found === null) return null;
  const names = scopeResultNames(scopes);
  const foldedBy = new Int32Array(base.nodes.length).fill(-1);
  const folds: Repeat[] = [];
  found.forEach(({ scope, members }) => {
    if (scope.model || expanded.has(layerKey(scope))) return;
    const mine = members.filter((m) => foldedBy[m] < 0);
    if (mine.length === 0) return;
    for (const m of mine) foldedBy[m] = folds.length;
    const last = base.nodes[mine[mine.length - 1]];
    const named = last.node?.name ?? names?.get(last.tensorId);
    const resultName = named !== scope.name ? named : undefined;
    folds.push({
      key: layerKey(scope),
      period: mine.length,
      count: 1,
      ops: mine.map((m) => base.nodes[m].op),
      members: mine,
      layer: { title: titleOf(scope), ...(resultName !== undefined ? { resultName } : {}) },
      absorbs: (leaf) => madeBy(leaf, scope),
    });
  });
  const view = folds.length > 0 ? collapseRepeats(base, folds.sort((a, b) => a.members[0] - b.members[0])) : identityView(base);
  const frames: ViewFrame[] = [];
  for (const { scope, members, depth } of found) {
    if (!scope.model && !expanded.has(layerKey(scope))) continue;
    const drawn = new Set<number>();
    for (const m of members) if (view.viewOf[m] >= 0) drawn.add(view.viewOf[m]);
    // The leaves only its nodes use (a layer's weights) sit inside its frame too.
    for (const n of view.nodes) if (n.kind === 'leaf' && n.leaf?.kind === 'variable' && n.consumers.length > 0 && n.consumers.every((c) => drawn.has(c))) drawn.add(n.index);
    frames.push({ label: titleOf(scope), members: [...drawn], depth });
  }
  view.frames = frames;
  return view;
}
