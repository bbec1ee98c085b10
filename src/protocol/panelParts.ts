/**
 * A large run goes to the panel in two parts, so the panel draws its first screen before the rest
 * has arrived: first the header and the step the panel opens on (its tapes with their nodes and
 * leaves, their gradient calls), every other tape as a stub without nodes and leaves (the step bar
 * still knows every step), and neither curves nor console; then the rest (those tapes' nodes and
 * leaves, the other gradient calls, the curves, the console). `joinTrace(first, rest)` gives back
 * the trace that was split, field for field. Imported by the host (panelSession.ts) and the panel.
 */
import type { ConsoleLine, Curve, Trace, TraceGradient, TraceTape } from './trace';
import { gradientsFor, maxStep, tapesAtStep } from './traceQueries';

/** What follows the first part. */
export interface TraceRest {
  /** The stubbed tapes, whole, in the order of the trace. */
  tapes: TraceTape[];
  /** The gradient calls left out of the first part, and where each goes in the trace's list. */
  gradients: TraceGradient[];
  gradientAt: number[];
  curves: Curve[];
  console: ConsoleLine[];
}

export interface TraceParts {
  first: Trace;
  /** Ids of the tapes the first part holds as stubs. */
  pendingTapes: number[];
  rest: TraceRest;
}

/**
 * Below this many rows in the rest (nodes and leaves of other steps, adjoints of other calls, curve
 * points, console lines) a run goes whole: a second message would gain nothing.
 */
export const SPLIT_MIN_ROWS = 2000;

/** The two parts of `trace` for a panel opening on `step` (its last by default), or undefined when it is small enough to go whole. */
export function splitTrace(trace: Trace, step = maxStep(trace), minRows = SPLIT_MIN_ROWS): TraceParts | undefined {
  const shown = new Set(tapesAtStep(trace, step).map((t) => t.id));
  const shownCalls = new Set(gradientsFor(trace, trace.tapes.filter((t) => shown.has(t.id))));
  let rows = trace.console.length;
  for (const c of trace.curves) rows += c.points.length;
  const rest: TraceRest = { tapes: [], gradients: [], gradientAt: [], curves: trace.curves, console: trace.console };
  const pendingTapes: number[] = [];
  const tapes = trace.tapes.map((t) => {
    if (shown.has(t.id) || (!t.nodes.length && !t.leaves.length)) return t;
    rows += t.nodes.length + t.leaves.length;
    rest.tapes.push(t);
    pendingTapes.push(t.id);
    return { ...t, nodes: [], leaves: [] };
  });
  const gradients: TraceGradient[] = [];
  trace.gradients.forEach((g, i) => {
    if (shownCalls.has(g)) gradients.push(g);
    else {
      rows += 1 + g.adjoints.length + g.sources.length;
      rest.gradients.push(g);
      rest.gradientAt.push(i);
    }
  });
  if (rows < minRows) return undefined;
  return { first: { ...trace, tapes, gradients, curves: [], console: [] }, pendingTapes, rest };
}

/** The whole trace again: the stubs replaced by their tapes, the other calls put back in their places. */
export function joinTrace(first: Trace, rest: TraceRest): Trace {
  const whole = new Map(rest.tapes.map((t) => [t.id, t]));
  const gradients: TraceGradient[] = new Array(first.gradients.length + rest.gradients.length);
  rest.gradientAt.forEach((at, j) => (gradients[at] = rest.gradients[j]));
  let k = 0;
  for (let i = 0; i < gradients.length; i++) if (gradients[i] === undefined) gradients[i] = first.gradients[k++];
  return { ...first, tapes: first.tapes.map((t) => whole.get(t.id) ?? t), gradients, curves: rest.curves, console: rest.console };
}

/**
 * Whether `rest` completes `first` (the panel checks before joining): it holds exactly the pending
 * tapes, and one place in the list for each other gradient call, each place free and in range.
 * Returns the reason it does not, or undefined.
 */
export function restMismatch(first: Trace, pendingTapes: readonly number[], rest: TraceRest): string | undefined {
  if (!Array.isArray(rest.tapes) || !Array.isArray(rest.gradients) || !Array.isArray(rest.gradientAt) || !Array.isArray(rest.curves) || !Array.isArray(rest.console)) return 'a list is missing';
  const pending = new Set(pendingTapes);
  if (rest.tapes.length !== pending.size || rest.tapes.some((t) => !pending.has(t.id))) return 'its tapes are not the ones left out';
  if (rest.gradientAt.length !== rest.gradients.length) return 'gradient calls and their places differ in number';
  const n = first.gradients.length + rest.gradients.length;
  const seen = new Set<number>();
  for (const at of rest.gradientAt) {
    if (!Number.isInteger(at) || at < 0 || at >= n || seen.has(at)) return `a gradient call's place (${at}) is out of range or taken`;
    seen.add(at);
  }
  return undefined;
}
