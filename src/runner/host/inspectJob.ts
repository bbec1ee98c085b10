/**
 * What the inspector replays, taken from a Trace: a gradient call's tape (nodes with their recorded
 * attributes), every value the trace kept in full, and the recorded adjoints. Runs on the host side
 * (no engine); the inspect thread answers the job with the engine (src/engine/inspect.ts).
 */
import type { InspectJob, ReplayNode, ReplayValue } from '../../engine/inspect';
import type { Num, Trace, TraceTape, ValueSummary } from '../../protocol/trace';

const toNumber = (v: Num): number => (typeof v === 'number' ? v : v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : -Infinity);
/** Every value, as a typed array (the job crosses to the inspect thread in one piece, not a number at a time). */
const full = (v: ValueSummary | null | undefined): Float64Array | null => (v?.values && v.values.length === v.size ? Float64Array.from(v.values, toNumber) : null);

/**
 * The job for gradient call `gradientId`: its tape's nodes; values from that tape, then from
 * `tapeIds` (the other tapes drawn with it, e.g. nested ones), then from the rest of the run.
 * With `gradientId` null (tapes without a gradient call): the drawn tapes' nodes, no target.
 * Undefined when the trace has no such call.
 */
export function inspectJob(trace: Trace, gradientId: number | null, tapeIds: readonly number[] = []): InspectJob | undefined {
  const g = gradientId === null ? undefined : trace.gradients.find((x) => x.id === gradientId);
  if (gradientId !== null && !g) return undefined;
  const drawn = trace.tapes.filter((t) => tapeIds.includes(t.id));
  const tape: Pick<TraceTape, 'nodes' | 'leaves'> = trace.tapes.find((t) => t.id === g?.tapeId) ?? { nodes: drawn.flatMap((t) => t.nodes), leaves: drawn.flatMap((t) => t.leaves) };
  const values = new Map<number, ReplayValue>();
  const keep = (id: number, v: ValueSummary): void => {
    if (values.has(id)) return;
    const data = full(v);
    if (data) values.set(id, { shape: v.shape, dtype: v.dtype, values: data });
  };
  // A Variable keeps its tensor id across training steps while its value changes: the tape's own leaves win.
  for (const t of [tape, ...drawn, ...trace.tapes.filter((x) => !drawn.includes(x))]) {
    for (const l of t.leaves) keep(l.tensorId, l.value);
    for (const n of t.nodes) keep(n.outputId, n.output);
  }
  const nodes: ReplayNode[] = [...tape.nodes]
    .sort((a, b) => a.id - b.id)
    .map((n) => ({ id: n.id, op: n.op, inputs: n.inputs, outputId: n.outputId, ...(n.attrs ? { attrs: n.attrs } : {}), ...(n.pos && !n.pos.file ? { line: n.pos.line } : {}) }));
  return {
    nodes,
    values,
    targets: g ? g.targets.map((t) => t.tensorId) : [],
    adjoints: new Map(g ? g.adjoints.map((a) => [a.tensorId, full(a.value)]) : []),
    sources: (g?.sources ?? []).map((s) => ({
      tensorId: s.tensorId,
      gradient: s.gradient === null ? null : (full(s.gradient) ?? 'summary'),
      ...(s.nullReason ? { nullReason: s.nullReason.message } : {}),
    })),
  };
}
