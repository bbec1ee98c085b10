/**
 * Queries over a Trace that the editor (src/extension/format/traceIndex.ts), the panel
 * (webview/model/graphModel.ts) and the CLI report all ask: which tapes are one loop's steps, which
 * gradient calls were made on a tape, the adjoints a tape's latest gradient call computed. Plain
 * data in, plain data out, each one pass over the trace (linear, whatever the run's length).
 */
import type { Trace, TraceGradient, TraceTape, ValueSummary } from './trace';

/** Tapes created at the same source position are one loop's steps (TraceTape.step counts them). */
export interface TapeGroup {
  /** `file:line:column` of `new tf.GradientTape(` (file empty for the scratch file), or `#id` without a position. */
  key: string;
  label: string;
  /** In step order. */
  tapes: TraceTape[];
}

/** The key that makes tapes one loop: where they were created. */
export function loopKey(t: TraceTape): string {
  return t.pos ? `${t.pos.file ?? ''}:${t.pos.line}:${t.pos.column}` : `#${t.id}`;
}

/** The trace's tapes grouped by creation position, groups in first-seen order, each in step order. */
export function groupTapes(trace: Trace): TapeGroup[] {
  const groups = new Map<string, TapeGroup>();
  for (const t of trace.tapes) {
    const key = loopKey(t);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { key, label: `${t.name ?? 'tape'}${t.pos ? ` (line ${t.pos.line})` : ''}`, tapes: [] }));
    g.tapes.push(t);
  }
  for (const g of groups.values()) g.tapes.sort((a, b) => a.step - b.step);
  return [...groups.values()];
}

/** The highest step of any tape (0 for a program without a loop). */
export function maxStep(trace: Trace): number {
  let m = 0;
  for (const t of trace.tapes) m = Math.max(m, t.step);
  return m;
}

/** The tapes to draw for a step: each group's tape at that step, or its last one before it. */
export function tapesAtStep(trace: Trace, step: number): TraceTape[] {
  const out: TraceTape[] = [];
  for (const g of groupTapes(trace)) {
    let pick: TraceTape | undefined;
    for (const t of g.tapes) if (t.step <= step) pick = t;
    out.push(pick ?? g.tapes[0]);
  }
  return out.sort((a, b) => a.id - b.id);
}

/** The gradient calls made on the given tapes, in call order. */
export function gradientsFor(trace: Trace, tapes: readonly TraceTape[]): TraceGradient[] {
  const ids = new Set(tapes.map((t) => t.id));
  return trace.gradients.filter((g) => ids.has(g.tapeId));
}

/** Every tape's gradient calls, in call order, by tape id. */
export function gradientsByTape(trace: Trace): Map<number, TraceGradient[]> {
  const m = new Map<number, TraceGradient[]>();
  for (const g of trace.gradients) {
    const list = m.get(g.tapeId);
    if (list) list.push(g);
    else m.set(g.tapeId, [g]);
  }
  return m;
}

/** The adjoint of each tensor of a tape, from the latest of its gradient calls that computed it. */
export function adjointsOf(calls: readonly TraceGradient[] | undefined): Map<number, ValueSummary> {
  const m = new Map<number, ValueSummary>();
  for (const g of calls ?? []) for (const a of g.adjoints) m.set(a.tensorId, a.value);
  return m;
}

/** What a long run's trace thinned away to stay within its row budget (Trace.thinned), in a few words; undefined when nothing was. */
export function thinnedText(trace: Trace): string | undefined {
  let steps = 0;
  let points = 0;
  for (const th of trace.thinned ?? []) {
    if (th.what === 'steps') steps += th.dropped;
    else points += th.dropped;
  }
  if (steps === 0 && points === 0) return undefined;
  const parts: string[] = [];
  if (steps) parts.push(`${steps} step${steps === 1 ? '' : 's'}`);
  if (points) parts.push(`${points} curve point${points === 1 ? '' : 's'}`);
  return `${parts.join(' and ')} thinned to fit the trace`;
}
