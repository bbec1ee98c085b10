/**
 * Where a gradient's chain breaks, drawn in the graph. When a source's gradient is null because a
 * value computed from it left the engine (arraySync / dataSync) and came back as a new constant, the
 * tape recorded the ops up to the exit and nothing after it (the constant is not watched), so the
 * break would be invisible. This adds a note node after each op that is a dead end on the source's
 * side (computed from the source, used by nothing recorded), linked by a broken edge, and the
 * gradient's target beyond it when the target is not drawn. Pure, tested under Node.
 */
import { makeNode } from './graphModel';
import type { ViewGraph } from './repeats';

export function addChainBreaks(view: ViewGraph): ViewGraph {
  const grad = view.gradient;
  const reasons = (grad?.sources ?? []).filter((s) => s.gradient === null && s.nullReason?.kind === 'leftEngine');
  if (!grad || !reasons.length) return view;
  const nodes = [...view.nodes];
  const edges = [...view.edges];
  const baseOf = [...view.baseOf];
  const target = grad.targets[0];
  let targetIndex = target ? view.byTensor.get(target.tensorId) : undefined;
  const add = (n: Omit<Parameters<typeof makeNode>[0], 'index'>): number => {
    const index = nodes.length;
    nodes.push(makeNode({ ...n, index, inputs: [], consumers: [], x: 0, y: 0, w: 0, h: 0 }));
    baseOf.push(-1);
    return index;
  };
  const link = (from: number, to: number, input: string) => {
    edges.push({ from, to, input, tensorId: nodes[from].tensorId, broken: true });
    nodes[from].consumers.push(to);
    nodes[to].inputs.push(from);
  };
  for (const src of reasons) {
    const start = view.byTensor.get(src.tensorId);
    if (start === undefined) continue;
    // Ops reachable from the source that nothing recorded uses: where the value left.
    const seen = new Set<number>([start]);
    const stack = [start];
    const ends: number[] = [];
    while (stack.length) {
      const i = stack.pop()!;
      const n = view.nodes[i];
      if (n.kind !== 'leaf' && !n.consumers.length && i !== targetIndex) ends.push(i);
      for (const c of n.consumers) {
        if (seen.has(c)) continue;
        seen.add(c);
        stack.push(c);
      }
    }
    const how = /through (\w+)\(\)/.exec(src.nullReason!.message)?.[1];
    const line = src.nullReason!.pos?.line;
    for (const e of ends.sort((a, b) => a - b)) {
      const from = nodes[e];
      const note = add({
        kind: 'note', tensorId: -1, title: 'chain broken', op: how ? `${how}()${line ? ` :${line}` : ''}` : `line ${line ?? '?'}`,
        value: from.value, grad: undefined, nonFinite: false, pos: src.nullReason!.pos, tapeIds: from.tapeIds, depth: from.depth,
        note: { role: 'break', message: src.nullReason!.message },
      });
      link(e, note, 'left the engine');
      if (target && targetIndex === undefined) {
        targetIndex = add({
          kind: 'note', tensorId: target.tensorId, title: target.name ?? 'target', op: 'target', value: target.value, grad: undefined,
          nonFinite: false, pos: grad.pos, tapeIds: from.tapeIds, depth: 0,
          note: { role: 'target', message: `${target.name ?? 'The target'} was computed from a constant that came back from outside the engine, so the tape has no path from it back to ${src.name ?? 'the source'}.` },
        });
      }
      if (targetIndex !== undefined) link(note, targetIndex, 'came back as a constant');
    }
  }
  const viewOf = view.viewOf;
  return { ...view, nodes, edges, baseOf, viewOf };
}
