/**
 * The trace's row budget (issue 15): whatever a run's length, the Trace the host assembles keeps
 * at most ROW_LIMITS.steps undetailed steps per loop (each with its gradient calls) and
 * ROW_LIMITS.points points per curve. Past that, the older rows are thinned: every other one of
 * a loop's steps goes (the first, the last ROW_LIMITS.lastSteps and detailed steps stay), and a
 * curve's older points go by groups of four, each group keeping its minimum and maximum, so every
 * stretch of the curve keeps its envelope (and the whole curve its extremes). Each pass halves
 * the older part, so thinning costs O(1) per row, and the trace records how many rows went and
 * between which steps (Trace.thinned). Detail is bounded elsewhere (the recorder's step budget).
 */
import type { Curve, CurvePoint, SourcePos, ThinnedRows } from '../../protocol/trace';
import { fromNum } from '../shared/summary';

export const ROW_LIMITS = {
  /** Undetailed steps kept per loop (tapes created at one position). */
  steps: 2000,
  /** Of which the latest, never thinned. */
  lastSteps: 500,
  /** Points kept per curve. */
  points: 4000,
  /** Of which the latest, never thinned. */
  lastPoints: 1000,
} as const;

/** What was thinned away of one loop or curve. */
export class Thinned {
  dropped = 0;
  fromStep = Infinity;
  toStep = -Infinity;
  constructor(
    readonly what: ThinnedRows['what'],
    readonly name: string | undefined,
    readonly pos: SourcePos | undefined,
  ) {}

  add(step: number): void {
    this.dropped++;
    if (step < this.fromStep) this.fromStep = step;
    if (step > this.toStep) this.toStep = step;
  }

  rows(): ThinnedRows {
    const r: ThinnedRows = { what: this.what, dropped: this.dropped, fromStep: this.fromStep, toStep: this.toStep };
    if (this.name !== undefined) r.name = this.name;
    if (this.pos) r.pos = this.pos;
    return r;
  }
}

/**
 * Every other row of `rows` older than its last `last` goes, unless `keep` says otherwise;
 * `drop` is told about each. Returns the rows kept, in order.
 */
export function thinRows<T>(rows: T[], last: number, keep: (row: T) => boolean, drop: (row: T) => void): T[] {
  const kept: T[] = [];
  const end = rows.length - last;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    if (i >= end || (i & 1) === 0 || keep(r)) kept.push(r);
    else drop(r);
  }
  return kept;
}

/** A curve's points within ROW_LIMITS.points: older points by groups of four, each keeping its minimum and maximum. */
export function thinCurve(c: Curve, thinned: Thinned): void {
  const pts = c.points;
  const end = pts.length - ROW_LIMITS.lastPoints;
  const kept: CurvePoint[] = [];
  const value = (p: CurvePoint): number => fromNum(p.value);
  let i = 0;
  for (; i + 4 <= end; i += 4) {
    let lo = i;
    let hi = i;
    for (let j = i + 1; j < i + 4; j++) {
      // NaN is neither: a group of NaNs keeps its first.
      if (value(pts[j]) < value(pts[lo])) lo = j;
      if (value(pts[j]) > value(pts[hi])) hi = j;
    }
    for (let j = i; j < i + 4; j++) {
      if (j === lo || j === hi) kept.push(pts[j]);
      else thinned.add(pts[j].step);
    }
  }
  for (; i < pts.length; i++) kept.push(pts[i]);
  c.points = kept;
}
