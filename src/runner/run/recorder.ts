/**
 * The engine observer of a run (src/engine/observer.ts): turns the engine's events, with their
 * live tensors, into plain TraceEvents for the host to assemble (src/runner/host/assemble.ts).
 * It follows the run (ops, record blocks, gradient calls in progress, positions) and hands each
 * concern to its own module:
 * - steps.ts: the step budget (which steps of a loop keep detail; lazily held steps);
 * - detail.ts: what a detailed step shows, within the run's node and value budgets;
 * - gradients.ts: gradient calls, in full or as rows, and their curve points;
 * - warnings.ts: one diagnostic per code and line;
 * - naming.ts (names of tensors), columns.ts (what goes out as rows), recordState.ts (the budgets
 *   and the state kept per tape and loop).
 *
 * ──── Recording must cost at most half again the run (issue 4) ────
 * Most ops of a long loop belong to lazy steps, so those allocate nothing per op: a lazy step
 * keeps its ops in flat arrays (StepBuffer) that the loop reuses from step to step, and works out
 * its leaves only if it is written out. Names live on the tensors (TensorDebug.name), not in maps
 * that would grow with every step; a step that is let go keeps a few numbers. Objects that outlive
 * a step are what the GC copies and promotes, and they cost more than the recorder's own work.
 *
 * ──── Positions cost a stack capture (~4 µs, more than most ops) ────
 * So the recorder asks for one only where the trace keeps it. Inside tape.gradient & co. every op
 * gets the gradient call's position, captured once (the engine's callStarted event). Inside record
 * blocks whose tapes keep no detail (lazy or dropped steps, or past the node budget), ops get no
 * position; a lazy step that becomes a loop's last step takes its positions and names from the
 * loop's first step, node by node, where the op sequence matches.
 */
import type { EngineObserver } from '../../engine/observer';
import type { Tensor } from '../../engine/tensor';
import type { DType, SourcePos, TraceScope } from '../../protocol/trace';
import type { TraceEvent } from '../../protocol/worker';
import { packScopes, Strings } from '../../protocol/traceWire';
import type { Pattern } from './names';
import { Columns } from './columns';
import { Detail } from './detail';
import { Gradients } from './gradients';
import { Naming } from './naming';
import { Steps } from './steps';
import { Warnings } from './warnings';
import { nameOf, setName, show, TEMPLATE_LIMIT, type GradientEvent, type RecorderHost, type TapeState } from './recordState';
import { bytesPerElement, hasNonFinite } from '../shared/summary';
export type { EngineAccess, RecorderHost } from './recordState';
export { DETAIL_STEPS, HELD_SAMPLE_BYTES, MAX_DETAILED_NODES, VALUES_BUDGET } from './recordState';

export class Recorder implements EngineObserver {
  private readonly naming: Naming;
  /** The column groups (src/runner/run/columns.ts). */
  private readonly columns = new Columns();
  private readonly detail: Detail;
  private readonly gradients: Gradients;
  private readonly steps: Steps;
  private readonly warnings: Warnings;
  /** Every tape of the run, by id (the step budget's). */
  private readonly tapes: Map<number, TapeState>;

  private readonly unrecorded = new Set<number>();
  /** Tapes whose counts changed since the last batch. */
  private readonly dirty: TapeState[] = [];
  private ops = 0;
  private recordedOps = 0;
  /** Position of the latest op, for the timeout message. */
  lastPos: SourcePos | undefined;
  /** Tapes whose record() block is running, innermost last. */
  private readonly recording: TapeState[] = [];
  /** Positions of the tape.gradient/jacobian/jvp calls in progress, innermost last. */
  private readonly gradientCalls: (SourcePos | undefined)[] = [];
  /** The tape of each gradient call in progress (undefined: not a tape's, e.g. jvp, or unknown). */
  private readonly gradientTapes: (TapeState | undefined)[] = [];
  /** Inside Variable.assign* (see callStarted). */
  private quiet = 0;
  /** The latest op's node id: node ids increase in the order ops run, so a layer call's nodes are a range. */
  private lastNodeId = 0;
  /** Keras layer and model calls in progress, innermost last (see scopeEntered). */
  private readonly scopes: { id: number; name: string; className: string; model: boolean; afterNodeId: number; recordedOps: number; pos?: SourcePos }[] = [];
  private nextScopeId = 1;
  /** Calls ended since the last batch (`scopeRows`). */
  private readonly scopeRows = new ScopeRows();

  constructor(private readonly host: RecorderHost) {
    this.naming = new Naming(host.engine);
    this.detail = new Detail(host, this.naming, this.columns);
    this.gradients = new Gradients(host, this.detail, this.naming, this.columns);
    this.steps = new Steps(host, this.detail, this.gradients, this.columns);
    this.warnings = new Warnings(host, this.steps.tapes);
    this.tapes = this.steps.tapes;
  }

  /**
   * A value bound by a destructuring (or a for-of variable) in the source: its tensors take the
   * names the pattern gives them (`for (const [x, y] of dataset)`, `const [g1, g2] = tape.gradient(…)`).
   */
  nameValue(value: unknown, pattern: Pattern): void {
    this.naming.nameValue(value, pattern);
  }

  /**
   * A name given after the tensor was made (`const pred = scale(x)`, where the op ran inside scale):
   * the tensor takes it, and so does its node where one already went out (eager tapes; a lazy step's
   * nodes read names when they go out).
   */
  nameLate(t: Tensor, name: string): void {
    setName(t, name);
    for (const ts of this.recording) {
      if (ts.emitted.has(t.id)) return this.host.emit({ kind: 'named', tensorId: t.id, name });
    }
  }

  /** What waits to go out in columns: called by the host's flush, just before a batch is sent. */
  pack(): TraceEvent[] {
    const out = this.columns.pack();
    const scopes = this.scopeRows.take();
    if (scopes) out.push(scopes);
    return out;
  }

  /** The observer's locate(): a stack capture only where the trace will keep the position. */
  locate(): SourcePos | undefined {
    const g = this.gradientCalls.length;
    if (g > 0) return this.gradientCalls[g - 1];
    if (this.quiet > 0) return undefined;
    const r = this.recording.length;
    if (r > 0 && !this.host.cheapLocate) {
      let wanted = false;
      for (let i = 0; i < r; i++) {
        const ts = this.recording[i];
        if (ts.mode === 'eager' && !ts.truncated) wanted = true;
      }
      if (!wanted) return undefined;
    }
    return this.host.locate();
  }

  /**
   * tape.gradient & co. start: one position for the whole call (captured once, not per backward
   * op; a call inside another shares the outer one's). Variable.assign*: positions the trace never
   * uses, so no stack captures inside.
   */
  callStarted(e: Parameters<EngineObserver['callStarted']>[0]): void {
    if (e.kind === 'assign' || e.kind === 'assignAdd' || e.kind === 'assignSub') {
      this.quiet++;
      return;
    }
    const g = this.gradientCalls;
    g.push(g.length === 0 ? this.host.locate() : g[g.length - 1]);
    this.gradientTapes.push(e.tapeId === undefined ? undefined : this.tapes.get(e.tapeId));
  }

  callEnded(e: Parameters<EngineObserver['callEnded']>[0]): void {
    if (e.kind === 'assign' || e.kind === 'assignAdd' || e.kind === 'assignSub') {
      this.quiet--;
      return;
    }
    // `const [g1, g2] = tape.gradient(loss, [w1, w2])`: each result takes its name; so does
    // `const dy = tape.gradient(y, x)`'s one tensor (unless it already has one), so that an outer
    // `outer.gradient(dy, x)` reads ∂dy/∂x, not the op that made it.
    if (this.gradientCalls.length === 1) {
      const pos = this.gradientCalls[0];
      const pattern = this.host.patternAt(pos);
      if (pattern !== undefined) this.nameValue(e.result, pattern);
      else if (this.host.engine.isTensor(e.result) && nameOf(e.result) === undefined) {
        const name = this.host.nameAt(pos);
        if (name !== undefined) setName(e.result, name);
      }
    }
    this.gradientCalls.pop();
    this.gradientTapes.pop();
  }

  /** The engine's backward pass keeps only the adjoints this step's trace will show (called per node on the path). */
  keepsAdjoint(t: Tensor): boolean {
    const ts = this.gradientTapes[this.gradientTapes.length - 1];
    // A lazy step shows every node and leaf on the path if it turns out to be its loop's last.
    if (!ts || ts.mode === 'lazy') return true;
    // Shown by some detailed tape (a property read, not two set lookups per node of a long tape);
    // the gradient's adjoints keep this tape's own.
    return t._debug?.shown === true;
  }

  // ──── Tapes ────

  tapeCreated(e: Parameters<EngineObserver['tapeCreated']>[0]): void {
    this.steps.created(e);
  }

  recordEntered(e: Parameters<EngineObserver['recordEntered']>[0]): void {
    const ts = this.tapes.get(e.tapeId);
    if (ts) this.recording.push(ts);
  }

  recordExited(e: Parameters<EngineObserver['recordExited']>[0]): void {
    const r = this.recording;
    if (r.length > 0 && r[r.length - 1].tape.id === e.tapeId) r.pop();
    else {
      for (let i = r.length - 1; i >= 0; i--) {
        if (r[i].tape.id === e.tapeId) {
          r.splice(i, 1);
          break;
        }
      }
    }
    const ts = this.tapes.get(e.tapeId);
    this.flushStats();
    this.host.flush(ts?.mode === 'eager');
  }

  watched(e: Parameters<EngineObserver['watched']>[0]): void {
    const ts = this.tapes.get(e.tapeId);
    if (!ts) return;
    if (ts.mode === 'eager') {
      ts.watched.add(e.tensor.id);
      if (!ts.truncated) this.detail.addLeaf(ts, e.tensor);
    } else if (ts.buf) {
      ts.buf.watches.push(e.tensor, this.host.engine.peekValues(e.tensor), ts.buf.nodeCount);
    }
  }

  tapeReset(): void {}

  // ──── Ops and tensors ────

  opRan(e: Parameters<EngineObserver['opRan']>[0]): void {
    const names = e.inputs.map((i) => i.name);
    this.opRanFast(e.nodeId, e.op, e.inputs.map((i) => i.tensor), () => names, e.output, e.tapeIds.length > 0 ? e.tapeIds : null, e.pos, e.attrs);
  }

  /** Every op: counted always; a node is built only when a tape keeps detail (most loop steps do not). */
  opRanFast(nodeId: number, op: string, inputs: readonly Tensor[], inputNames: (count: number) => string[], out: Tensor, tapeIds: number[] | null, pos: SourcePos | undefined, attrs?: unknown): void {
    this.ops++;
    this.lastNodeId = nodeId;
    const inGradient = this.gradientCalls.length > 0;
    if (pos && !inGradient) this.lastPos = pos;
    this.host.tick(this.ops, pos, out.size);
    // Ops inside tape.gradient carry the call's position: they are not what the source names;
    // nor are the ops inside a Keras layer's call (the source names the layer's result: scopeExited).
    const name = inGradient || this.scopes.length > 0 ? undefined : this.host.nameAt(pos);
    if (name !== undefined) {
      setName(out, name);
      // A number turned into a constant by this very call is not what the name holds.
      for (let k = 0; k < inputs.length; k++) {
        const d = inputs[k]._debug;
        if (d !== undefined && d.created !== undefined && d.pos === pos && d.name === name) d.name = undefined;
      }
    }
    const isFloat = out.dtype === 'float32' || out.dtype === 'float64';
    const nonFinite = isFloat && hasNonFinite(this.host.engine.peekValues(out) as Float32Array | Float64Array);
    if (nonFinite) {
      pos ??= this.host.locate();
      if (pos) {
        const what = name ?? (inGradient ? `a gradient (${op})` : `the result of ${op}`);
        this.warnings.warn('nonFinite', `${what} holds NaN or Infinity`, pos, { tensorId: out.id, ...(name ? { name } : {}) });
      }
    }
    if (tapeIds === null || tapeIds.length === 0) {
      if (pos && !pos.file && !inGradient && !this.unrecorded.has(pos.line)) {
        this.unrecorded.add(pos.line);
        this.host.emit({ kind: 'unrecordedLine', line: pos.line });
      }
      return;
    }
    this.recordedOps++;
    let eager = false;
    const bytes = out.size * bytesPerElement(out.dtype as DType);
    for (let t = 0; t < tapeIds.length; t++) {
      const id = tapeIds[t];
      const ts = this.tapes.get(id);
      if (!ts) continue;
      ts.nodeCount++;
      ts.bytes += bytes;
      if (!ts.dirty) {
        ts.dirty = true;
        this.dirty.push(ts);
      }
      if (ts.mode === 'none' || ts.truncated) continue;
      if (ts.buf) {
        // A lazy step: references into its reused arrays, nothing allocated (see StepBuffer).
        const b = ts.buf;
        for (let k = 0; k < inputs.length; k++) b.inputs.push(inputs[k], this.host.engine.peekValues(inputs[k]));
        b.nodes.push(nodeId, op, out, pos, name, tapeIds, inputNames, b.inputs.length, attrs);
        continue;
      }
      for (let k = 0; k < inputs.length; k++) this.detail.addLeaf(ts, inputs[k]);
      ts.produced.add(out.id);
      if (this.detail.spent) {
        ts.truncated = true;
        this.host.emit({ kind: 'truncated', tapeId: id });
      } else {
        eager = true;
        ts.emitted.add(out.id);
        show(out);
        if (ts.tape.step === 0 && ts.loop.template.length < TEMPLATE_LIMIT) ts.loop.template.push({ op, pos, name });
      }
    }
    if (eager) this.detail.nodeRow(nodeId, op, inputs, inputNames, out, tapeIds, pos, name, nonFinite, attrs);
  }

  tensorCreated(e: Parameters<EngineObserver['tensorCreated']>[0]): void {
    // Seeds and zeros made inside tape.gradient are not what the gradient's variable names.
    // (Where it was made is on the tensor: TensorDebug.pos and .created.)
    // A layer's weights keep their Keras names (`dense/kernel`), not the line's (`logits = model(x)`).
    const name = this.gradientCalls.length > 0 || this.scopes.length > 0 ? undefined : this.host.nameAt(e.pos);
    if (name !== undefined) setName(e.tensor, name);
    this.host.tick(this.ops, e.pos, e.tensor.size);
  }

  // ──── Keras layer calls ────

  scopeEntered(e: Parameters<NonNullable<EngineObserver['scopeEntered']>>[0]): void {
    this.scopes.push({ id: this.nextScopeId++, name: e.name, className: e.className, model: e.model, afterNodeId: this.lastNodeId, recordedOps: this.recordedOps, pos: e.pos });
  }

  /**
   * A call that recorded ops becomes a TraceScope (the assembler keeps those holding kept nodes);
   * the outermost call's result takes the source's name (`const logits = model(x)`).
   */
  scopeExited(e: Parameters<NonNullable<EngineObserver['scopeExited']>>[0]): void {
    const s = this.scopes.pop();
    if (s === undefined) return;
    const outer = this.scopes.length === 0 && this.gradientCalls.length === 0;
    const resultName = outer && e.output !== undefined ? this.host.nameAt(s.pos) : undefined;
    if (resultName !== undefined) setName(e.output as Tensor, resultName);
    if (this.recordedOps > s.recordedOps && this.lastNodeId > s.afterNodeId) {
      const parent = this.scopes[this.scopes.length - 1];
      const scope: TraceScope = { id: s.id, name: s.name, className: s.className, model: s.model, afterNodeId: s.afterNodeId, lastNodeId: this.lastNodeId };
      if (parent) scope.parentId = parent.id;
      if (s.pos) scope.pos = s.pos;
      if (e.output !== undefined) scope.outputId = e.output.id;
      if (resultName !== undefined) scope.resultName = resultName;
      this.scopeRows.add(scope);
    }
  }

  variableAssigned(): void {}

  valueRead(): void {}

  // ──── Gradients, curves, warnings ────

  gradientComputed(e: GradientEvent): void {
    const ts = this.tapes.get(e.tapeId);
    this.gradients.computed(e, ts, ts ? ts.tape.step : e.tapeId === undefined ? 0 : (this.steps.forgottenStep(e.tapeId) ?? 0));
    this.flushStats();
    this.host.flush(ts?.mode === 'eager');
  }

  summary(e: Parameters<EngineObserver['summary']>[0]): void {
    this.columns.curvePoint(e.name, 'summary', e.pos, e.step, e.value);
  }

  warning(e: Parameters<EngineObserver['warning']>[0]): void {
    this.warnings.fromEngine(e, e.pos ?? this.host.locate() ?? this.lastPos);
  }

  /** Counts of the tapes that changed: undetailed ones as rows of the next `tapeRows`. */
  private flushStats(): void {
    for (const ts of this.dirty) {
      ts.dirty = false;
      if (ts.compact) this.columns.rowTapes.add(ts);
      else this.host.emit({ kind: 'tapeStats', tapeId: ts.tape.id, nodeCount: ts.nodeCount, bytes: ts.bytes });
    }
    this.dirty.length = 0;
  }

  /** The run ended (normally or by an exception): write out every loop's last step and the totals. */
  finish(): void {
    this.steps.finish();
    this.flushStats();
    this.host.emit(this.statsEvent());
    this.host.flush(true);
  }

  /** Totals so far, for a run that is stopped before finish(). */
  statsEvent(): TraceEvent {
    return { kind: 'stats', ops: this.ops, recordedOps: this.recordedOps, gradientCalls: this.gradients.count, droppedSteps: this.steps.dropped };
  }
}

/** Layer calls as `scopeRows` (src/protocol/worker.ts): the panel wire's columns, the names and files interned per batch. */
export class ScopeRows {
  private scopes: TraceScope[] = [];

  add(scope: TraceScope): void {
    this.scopes.push(scope);
  }

  /** The event of the calls added since the last one, or undefined when there were none. */
  take(): TraceEvent | undefined {
    if (this.scopes.length === 0) return undefined;
    const strings = new Strings();
    const scopes = packScopes(this.scopes, strings);
    this.scopes = [];
    return { kind: 'scopeRows', strings: strings.list, scopes };
  }
}
