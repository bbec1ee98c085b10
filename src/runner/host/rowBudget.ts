/**
 * The trace's row budget (issue 15): whatever a run's length, the Trace the host assembles keeps
 * at most ROW_LIMITS.steps undetailed steps per loop (each with its gradient calls) and
 * ROW_LIMITS.points points per curve. Past that, the older rows are thinned: every other one of
 * a loop's steps goes (the first, the last ROW_LIMITS.lastSteps and detailed steps stay), and a
 * curve's older points are cut into equal stretches of steps, each keeping its minimum and
 * maximum (thinCurve). Each pass removes a constant share, so thinning costs O(1) per row, and the trace records how many rows went and
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

/**
 * A curve's points within ROW_LIMITS.points. The points older than the latest lastPoints are cut
 * into CURVE_BUCKETS equal stretches of steps, each keeping its minimum and maximum, so every
 * stretch keeps its envelope and the whole curve its extremes. Re-bucketing the whole older part
 * each time keeps the stretches equal: halving only the older part, again and again, had thinned
 * the oldest points away (a 100,000-step curve kept 1 point of its first 80,000 steps).
 */
export function thinCurve(c: Curve, thinned: Thinned): void {
  const pts = c.points;
  const end = pts.length - ROW_LIMITS.lastPoints;
  if (end <= 1) return;
  const value = (p: CurvePoint): number => fromNum(p.value);
  const s0 = pts[0].step;
  const width = Math.max(1, (pts[end - 1].step - s0 + 1) / CURVE_BUCKETS);
  const bucket = (p: CurvePoint): number => Math.floor((p.step - s0) / width);
  const kept: CurvePoint[] = [];
  for (let i = 0; i < end; ) {
    const b = bucket(pts[i]);
    let j = i;
    let lo = i;
    let hi = i;
    for (; j < end && bucket(pts[j]) === b; j++) {
      // NaN is neither: a stretch of NaNs keeps its first.
      if (value(pts[j]) < value(pts[lo])) lo = j;
      if (value(pts[j]) > value(pts[hi])) hi = j;
    }
    for (let k = i; k < j; k++) {
      // The curve's first point stays too: its line starts where the run did.
      if (k === lo || k === hi || k === 0) kept.push(pts[k]);
      else thinned.add(pts[k].step);
    }
    i = j;
  }
  // Steps that go back (a reused step counter) make short stretches: then halve by pairs instead.
  if (kept.length > 2 * CURVE_BUCKETS) {
    const pairs: CurvePoint[] = [];
    for (let k = 0; k < kept.length; k++) {
      if ((k & 1) === 0 || k === kept.length - 1) pairs.push(kept[k]);
      else thinned.add(kept[k].step);
    }
    kept.length = 0;
    kept.push(...pairs);
  }
  for (let i = end; i < pts.length; i++) kept.push(pts[i]);
  c.points = kept;
}

/** Stretches of the older part of a thinned curve (each keeps up to two points). */
const CURVE_BUCKETS = (ROW_LIMITS.points - ROW_LIMITS.lastPoints) / 4;
