/**
 * Gradient calls (tape.gradient, jacobian, batchJacobian, jvp) for the trace: the names of their
 * targets and result, a curve point per scalar target, and the call itself, in full (a detailed
 * step: summaries with values, then its adjoints as `adjointRows`) or as a row of numbers under a
 * shared template (an undetailed step, `gradientRows`).
 */
import type { Tensor } from '../../engine/tensor';
import { FULL_VALUES_LIMIT, type DType, type NullReason, type SourcePos, type TraceGradient, type TraceGradientSource, type ValueSummary } from '../../protocol/trace';
import { tapeRows, type Columns } from './columns';
import type { Detail } from './detail';
import type { Naming } from './naming';
import { nameOf, ROW_GROUPS, sameShape, type GradientEvent, type GradientRows, type RecorderHost, type Stamped, type TapeState } from './recordState';
import { float64Column, int32Column, rowTemplate, summarizeInto, type Column } from '../shared/summary';

export class Gradients {
  /** Calls so far. */
  count = 0;
  /** The names of each gradient call's targets, by call position: names for lazy steps. */
  private readonly targetNames = new Map<SourcePos | undefined, (string | undefined)[]>();

  constructor(
    private readonly host: RecorderHost,
    private readonly detail: Detail,
    private readonly naming: Naming,
    private readonly columns: Columns,
  ) {}

  /** A call ended; `ts` is its tape's state (undefined: not a user tape's, e.g. a jvp). */
  computed(e: GradientEvent, ts: TapeState | undefined, step: number): void {
    this.count++;
    // Targets of lazy steps have no names of their own: the same call's earlier target names hold.
    let known = this.targetNames.get(e.pos);
    const targetNames: (string | undefined)[] = new Array(e.targets.length);
    for (let i = 0; i < e.targets.length; i++) {
      const t = e.targets[i];
      const name = nameOf(t);
      if (name !== undefined) {
        if (!known) this.targetNames.set(e.pos, (known = []));
        known[i] = name;
      }
      targetNames[i] = name ?? known?.[i];
      // Scalar targets are curves, whatever the detail of the step.
      if (t.size === 1) this.columns.curvePoint(targetNames[i] ?? (e.pos ? `target@${e.pos.line}` : 'target'), 'target', e.pos, step, Number(this.host.engine.peekValues(t)[0]));
    }
    // The engine's event is made for this call alone: the names go on it (no copy per step).
    const stamped = e as Stamped;
    stamped.step = step;
    stamped.targetNames = targetNames;
    const resultName = this.host.nameAt(e.pos);
    if (resultName !== undefined) stamped.resultName = resultName;
    // A held step's scalars go out now (a timeout must not lose them); its detail replaces them if it is kept.
    if (ts?.mode === 'lazy') (ts.pendingGradients ??= []).push(stamped);
    // A jvp's accumulator tape is not a user tape: its call is kept whole.
    this.emit(stamped, ts, ts?.mode === 'eager' || e.kind === 'jvp');
  }

  /**
   * The call of a detailed step (or a jvp) goes out at once, alone, with full values within the
   * budget and its adjoints after it; an undetailed step's joins the rows of its kind of call.
   */
  emit(e: Stamped, ts: TapeState | undefined, full: boolean): void {
    if (!full) return this.row(e, ts);
    // A jvp on an undetailed step's accumulator: its tape goes out first (its row comes again with the batch).
    if (ts?.compact) this.host.emit(tapeRows([ts]));
    const gradient = this.build(e, ts, true);
    const ints = int32Column();
    const nums = float64Column();
    this.fill(gradient, e, ts, ints, nums);
    this.host.emit({ kind: 'gradientRows', gradient, ints: ints.take(), nums: nums.take(), detailed: true });
    // A jvp's "adjoints" are its results, the JVP of each target (src/engine/forward.ts): all kept.
    if (e.kind === 'jvp') this.emitAdjoints(e.callId, e.adjoints, null);
    else if (ts) this.emitAdjoints(e.callId, e.adjoints, ts);
  }

  /** An undetailed step's gradient call: a row of numbers under a shared template (no objects per call). */
  private row(e: Stamped, ts: TapeState | undefined): void {
    // Rows are grouped by call site, then by everything a row does not carry (compared, not hashed: this runs every step).
    const gradientRows = this.columns.gradientRows;
    let list = gradientRows.get(e.pos);
    if (!list) gradientRows.set(e.pos, (list = []));
    let rows: GradientRows | undefined;
    for (const r of list) {
      if (this.sameTemplate(r.gradient, e)) {
        rows = r;
        break;
      }
    }
    if (!rows) {
      // The template: built once per kind of call, the same way as a detailed one.
      rows = { gradient: this.build(e, ts, false), ints: int32Column(), nums: float64Column() };
      // Calls that differ every time (a message naming a tensor id): the newest group takes the last place (a short search).
      if (list.length >= ROW_GROUPS) this.columns.retired.push(...list.splice(list.length - 1, 1));
      list.push(rows);
    }
    this.fill(rows.gradient, e, ts, rows.ints, rows.nums);
  }

  /** The call's row under `template` (every value of a summary that keeps them: see build()). */
  private fill(template: TraceGradient, e: Stamped, ts: TapeState | undefined, ints: Column<Int32Array>, nums: Column<Float64Array>): void {
    ints.push(e.callId);
    ints.push(e.tapeId);
    ints.push(e.step ?? 0);
    for (const t of e.targets) ints.push(t.id);
    for (const s of e.sources) ints.push(s.tensor.id);
    const peek = this.host.engine.peekValues;
    for (let i = 0; i < e.targets.length; i++) summarizeInto(peek(e.targets[i]), nums, template.targets[i].value.values !== undefined);
    for (let i = 0; i < e.sources.length; i++) {
      const r = e.sources[i].result;
      const g = template.sources[i].gradient;
      if (r && g) summarizeInto(peek(r), nums, g.values !== undefined);
    }
  }

  private sameTemplate(g: TraceGradient, e: Stamped): boolean {
    if (g.kind !== e.kind || g.resultName !== e.resultName || g.targets.length !== e.targets.length || g.sources.length !== e.sources.length) return false;
    for (let i = 0; i < e.targets.length; i++) {
      const t = e.targets[i];
      const gt = g.targets[i];
      if (gt.name !== (nameOf(t) ?? e.targetNames?.[i]) || gt.value.dtype !== t.dtype || !sameShape(gt.value.shape, t.shape)) return false;
    }
    for (let i = 0; i < e.sources.length; i++) {
      const s = e.sources[i];
      const gs = g.sources[i];
      if (gs.key !== s.key || gs.name !== this.naming.sourceName(s.tensor)) return false;
      if (s.result === null || gs.gradient === null) {
        if (s.result !== gs.gradient || gs.nullReason?.message !== s.nullReason?.message || gs.nullReason?.pos !== s.nullReason?.pos) return false;
      } else if (gs.gradient.dtype !== s.result.dtype || !sameShape(gs.gradient.shape, s.result.shape)) return false;
    }
    return true;
  }

  private build(e: Stamped, ts: TapeState | undefined, full: boolean): TraceGradient {
    const sources: TraceGradientSource[] = e.sources.map((s) => {
      const src: TraceGradientSource = { tensorId: s.tensor.id, gradient: s.result ? this.detail.template(s.result, full) : null };
      if (s.key !== undefined) src.key = s.key;
      const name = this.naming.sourceName(s.tensor);
      if (name !== undefined) src.name = name;
      if (s.nullReason) {
        const r: NullReason = { kind: s.nullReason.kind, message: s.nullReason.message };
        if (s.nullReason.pos) r.pos = s.nullReason.pos;
        src.nullReason = r;
      }
      return src;
    });
    const g: TraceGradient = {
      id: e.callId,
      kind: e.kind,
      tapeId: e.tapeId,
      step: e.step ?? 0,
      targets: e.targets.map((t, i) => {
        const name = nameOf(t) ?? e.targetNames?.[i];
        return { tensorId: t.id, ...(name !== undefined ? { name } : {}), value: this.detail.template(t, full) };
      }),
      sources,
      // They follow as `adjointRows` (emitAdjoints).
      adjoints: [],
    };
    if (e.pos) g.pos = e.pos;
    if (e.resultName !== undefined) g.resultName = e.resultName;
    return g;
  }

  /**
   * Adjoints of the tensors the trace shows for this tape (its detailed nodes and leaves; all of
   * them when `ts` is null: a jvp's results), as `adjointRows` events: one per kind of summary
   * (shape, dtype, values kept or not).
   */
  private emitAdjoints(gradientId: number, all: Map<number, Tensor>, ts: TapeState | null): void {
    const peek = this.host.engine.peekValues;
    const groups: { like: ValueSummary; ints: Column<Int32Array>; nums: Column<Float64Array> }[] = [];
    let index = 0;
    for (const [tensorId, t] of all) {
      if (ts && !ts.emitted.has(tensorId) && !ts.leafIds.has(tensorId)) continue;
      const data = peek(t);
      // Only values that are kept in full spend the budget (a big adjoint kept as a summary does not).
      const withValues = data.length <= FULL_VALUES_LIMIT && this.detail.takeValues(data.length);
      let g: (typeof groups)[number] | undefined;
      // The latest kinds only: a tape of many shapes makes more groups, never a long search.
      for (let i = groups.length - 1; i >= 0 && i >= groups.length - 32; i--) {
        const like = groups[i].like;
        if (like.dtype === t.dtype && (like.values !== undefined) === withValues && sameShape(like.shape, t.shape)) {
          g = groups[i];
          break;
        }
      }
      if (!g) groups.push((g = { like: rowTemplate(t.shape, t.dtype as DType, data.length, withValues), ints: int32Column(), nums: float64Column() }));
      g.ints.push(tensorId);
      g.ints.push(index++);
      summarizeInto(data, g.nums, withValues);
    }
    for (const g of groups) this.host.emit({ kind: 'adjointRows', gradientId, like: g.like, ints: g.ints.take(), nums: g.nums.take() });
  }
}
