/**
 * Training steps and curves, one way everywhere in the panel: steps numbered as TensorFlow numbers
 * them (from 0, `step 159 of 0–159`), the steps that kept a graph, one curve per quantity, and
 * smoothing that a short series does not distort. Pure, tested under Node.
 */
import type { Curve, CurvePoint, Trace } from '../../src/protocol/trace';
import { toNumber } from './format';

export { stepText } from '../../src/format/text';

/** The same for screen readers (a dash is read as "minus" by some). */
export function stepSpoken(step: number, last: number): string {
  return `step ${step} of 0 to ${last}`;
}

/** Steps at which the runner kept the tapes' nodes (the others kept scalars only), ascending. */
export function detailedSteps(trace: Trace): number[] {
  const steps = new Set<number>();
  for (const t of trace.tapes) if (t.detailed && t.nodes.length) steps.add(t.step);
  return [...steps].sort((a, b) => a - b);
}

/** The kept step nearest to `step` (the earlier one on a tie), or undefined when none was kept. */
export function nearestDetailed(detailed: readonly number[], step: number): number | undefined {
  let best: number | undefined;
  for (const s of detailed) if (best === undefined || Math.abs(s - step) < Math.abs(best - step)) best = s;
  return best;
}

/** Ranges of consecutive kept steps, for a short text: `0–9, 159`. */
export function stepRanges(steps: readonly number[]): string {
  const out: string[] = [];
  for (let i = 0; i < steps.length; i++) {
    let j = i;
    while (j + 1 < steps.length && steps[j + 1] === steps[j] + 1) j++;
    out.push(j > i ? `${steps[i]}–${steps[j]}` : String(steps[i]));
    i = j;
  }
  return out.join(', ');
}

/** One chart: a quantity, from one or more of the run's curves that carry the same numbers. */
export interface CurveGroup {
  name: string;
  /** Where it came from: a gradient target, tf.summary.scalar, or both. */
  kinds: Curve['kind'][];
  curves: Curve[];
  points: CurvePoint[];
  /** True when the x values are training steps (the scrubber's); a summary's own steps otherwise. */
  trainingSteps: boolean;
}

const sameSeries = (a: Curve, b: Curve) =>
  a.points.length === b.points.length && a.points.every((p, i) => {
    const x = toNumber(p.value), y = toNumber(b.points[i].value);
    return p.step === b.points[i].step && (x === y || Math.abs(x - y) <= 1e-6 * Math.max(Math.abs(x), Math.abs(y)));
  });

/**
 * One curve per quantity: a tape target `loss` and `tf.summary.scalar("loss", loss, { step })` that
 * log the same numbers at the same steps are one chart. Same name, different numbers: two charts,
 * each named with where it came from.
 */
export function groupCurves(curves: readonly Curve[]): CurveGroup[] {
  const out: CurveGroup[] = [];
  for (const c of curves) {
    const twin = out.find((g) => g.name === c.name && !g.kinds.includes(c.kind) && sameSeries(g.curves[0], c));
    if (twin) {
      twin.kinds.push(c.kind);
      twin.curves.push(c);
      twin.trainingSteps ||= c.kind === 'target';
      continue;
    }
    out.push({ name: c.name, kinds: [c.kind], curves: [c], points: c.points, trainingSteps: c.kind === 'target' });
  }
  for (const g of out) {
    const clash = out.filter((o) => o.name === g.name);
    if (clash.length > 1) for (const o of clash) if (!o.name.includes('(')) o.name = `${o.name} (${o.kinds.map((k) => (k === 'target' ? 'gradient target' : 'summary')).join(', ')})`;
  }
  return out;
}

/**
 * The smoothing weight actually applied to a series of n points: the chosen one, limited so the
 * moving average spans at most a tenth of the series (window 1 / (1 − w) ≤ n / 10). A 3-point series
 * is not smoothed at all, so its bold line ends at its last value, not far above it.
 */
export function effectiveSmoothing(weight: number, n: number): number {
  const cap = 1 - 10 / Math.max(n, 1);
  return Math.max(0, Math.min(weight, cap));
}
