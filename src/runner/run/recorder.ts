/**
 * The engine observer of a run (src/engine/observer.ts): turns the engine's events, with their
 * live tensors, into plain TraceEvents for the host to assemble (src/runner/host/assemble.ts).
 *
 * ──── The step budget ────
 * Tapes created at the same source position form a loop; the n-th one is step n. Every step keeps
 * its scalars (curves, node counts, gradient summaries), but only a bounded set keeps full detail
 * (nodes, leaves, adjoints, full values): the first step, the last step, and steps sampled evenly
 * between, at most DETAIL_STEPS per loop. Sampling doubles its stride whenever the sampled set
 * would overflow, dropping the steps that fall off the new stride. The last step is not known
 * until the loop ends, so the newest step that is not a sample is held lazily (live tensors, no
 * summaries) until the next step replaces it or the run ends, when it is written out in full.
 * Across the run, at most MAX_DETAILED_NODES nodes and VALUES_BUDGET full values are kept.
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
import type { Tensor, Variable } from '../../engine/tensor';
import { FULL_VALUES_LIMIT, type DType, type NullReason, type SourcePos, type TraceGradient, type TraceGradientSource, type TraceLeaf, type TraceNode, type TraceTape, type ValueSummary } from '../../protocol/trace';
import type { TraceEvent } from '../../protocol/worker';
import type { Pattern } from './names';
import { Columns } from './columns';
import { Naming } from './naming';
import type { EngineAccess } from './recordState';
export type { EngineAccess } from './recordState';
import { inputList, madeAt, nameOf, NO_IDS, NO_LEAVES, NO_NODES, NODE_FIELDS, sameShape, setName, show, StepBuffer, TEMPLATE_LIMIT, type GradientEvent, type GradientRows, type LoopState, type Mode, type NodeRows, type PendingNode, ROW_GROUPS, type Stamped, type TapeState } from './recordState';
export { DETAIL_STEPS, HELD_SAMPLE_BYTES, MAX_DETAILED_NODES, VALUES_BUDGET } from './recordState';
import { DETAIL_STEPS, HELD_SAMPLE_BYTES, MAX_DETAILED_NODES, VALUES_BUDGET } from './recordState';
import { sameAttrs, traceAttrs } from './attrs';
import { bytesPerElement, float64Column, hasNonFinite, int32Column, summarize, summarizeInto, type Column } from '../shared/summary';


export interface RecorderHost {
  engine: EngineAccess;
  /** Maps the current call to the user's source (the observer's locate()). */
  locate(): SourcePos | undefined;
  /** True when locate() is a table lookup (instrumented bundle), false when it captures a stack. */
  cheapLocate?: boolean;
  /** The identifier the call at `pos` is assigned to, if any. */
  nameAt(pos: SourcePos | undefined): string | undefined;
  /** The destructuring pattern the call at `pos` is assigned to, if any. */
  patternAt(pos: SourcePos | undefined): Pattern | undefined;
  emit(e: TraceEvent): void;
  /** Sends what was emitted so far to the host; unless `urgent`, at most every few tens of ms. */
  flush(urgent?: boolean): void;
  /** Called for every op: heartbeat and memory checks. */
  tick(ops: number, pos: SourcePos | undefined, outputSize: number): void;
}

export class Recorder implements EngineObserver {
  private readonly tapes = new Map<number, TapeState>();
  private readonly loops = new Map<string, LoopState>();
  /** `file:line:column` of each position object (positions are shared objects, one per call site). */
  private readonly posKeys = new Map<SourcePos, string>();
  private readonly unrecorded = new Set<number>();
  private readonly warned = new Set<string>();
  private readonly dirty: TapeState[] = [];
  private ops = 0;
  private recordedOps = 0;
  private gradientCount = 0;
  private droppedSteps = 0;
  private detailedNodes = 0;
  private valuesLeft = VALUES_BUDGET;
  /** Position of the latest op, for the timeout message. */
  lastPos: SourcePos | undefined;
  /** Tapes whose record() block is running, innermost last. */
  private readonly recording: TapeState[] = [];
  /** Positions of the tape.gradient/jacobian/jvp calls in progress, innermost last. */
  private readonly gradientCalls: (SourcePos | undefined)[] = [];
  /** The names of each gradient call's targets, by call position: names for lazy steps. */
  private readonly targetNames = new Map<SourcePos | undefined, (string | undefined)[]>();
  /** The column groups (src/runner/run/columns.ts), and the recorder's names for them. */
  private readonly columns = new Columns();
  private readonly rowTapes = this.columns.rowTapes;
  private readonly gradientRows = this.columns.gradientRows;
  private readonly nodeRows = this.columns.nodeRows;

  private readonly naming: Naming;

  constructor(private readonly host: RecorderHost) {
    this.naming = new Naming(host.engine);
  }

  /**
   * A value bound by a destructuring (or a for-of variable) in the source: its tensors take the
   * names the pattern gives them (`for (const [x, y] of dataset)`, `const [g1, g2] = tape.gradient(…)`).
   */
  nameValue(value: unknown, pattern: Pattern): void {
    this.naming.nameValue(value, pattern);
  }


  /** What waits to go out in columns: called by the host's flush, just before a batch is sent. */
  pack(): TraceEvent[] {
    return this.columns.pack();
  }

  private curvePoint(name: string, curveKind: 'summary' | 'target', pos: SourcePos | undefined, step: number, value: number): void {
    this.columns.curvePoint(name, curveKind, pos, step, value);
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

  /** The tape of each gradient call in progress (undefined: not a tape's, e.g. jvp, or unknown). */
  private readonly gradientTapes: (TapeState | undefined)[] = [];

  /** The engine's backward pass keeps only the adjoints this step's trace will show (called per node on the path). */
  keepsAdjoint(t: Tensor): boolean {
    const ts = this.gradientTapes[this.gradientTapes.length - 1];
    // A lazy step shows every node and leaf on the path if it turns out to be its loop's last.
    if (!ts || ts.mode === 'lazy') return true;
    // Shown by some detailed tape (a property read, not two set lookups per node of a long tape);
    // adjoints() keeps this tape's own.
    return t._debug?.shown === true;
  }

  /** Inside Variable.assign* (see callStarted). */
  private quiet = 0;




  // ──── Summaries within the budget ────

  private summarizeTensor(t: Tensor, full: boolean, data: ArrayLike<number> = this.host.engine.peekValues(t)): ValueSummary {
    const withValues = full && this.valuesLeft >= data.length;
    if (withValues) this.valuesLeft -= data.length;
    return summarize(t.shape, t.dtype as DType, data, withValues);
  }


  private leaf(ts: TapeState, t: Tensor, full: boolean, data?: ArrayLike<number>, watched = ts.watched.has(t.id)): TraceLeaf {
    const isVar = this.host.engine.isVariable(t);
    const made = madeAt(t);
    const name = nameOf(t) ?? (isVar ? this.naming.variableName(t as Variable) : this.naming.label(t));
    const leaf: TraceLeaf = {
      tensorId: t.id,
      kind: isVar ? 'variable' : made !== undefined ? 'constant' : 'tensor',
      watched,
      value: this.summarizeTensor(t, full, data),
    };
    if (name !== undefined) leaf.name = name;
    if (isVar) leaf.trainable = (t as Variable).trainable;
    if (made) leaf.pos = made;
    else if (t._debug?.pos) leaf.pos = t._debug.pos; // made by an op no tape recorded
    return leaf;
  }

  /** An eager step's input that no node of the tape produced: a leaf, sent once. */
  private addLeaf(ts: TapeState, t: Tensor): void {
    if (ts.leafIds.has(t.id) || ts.produced.has(t.id)) return;
    ts.leafIds.add(t.id);
    show(t);
    const leaf = this.leaf(ts, t, true);
    if (ts.tape.step === 0 && ts.loop.leafTemplate.length < TEMPLATE_LIMIT) ts.loop.leafTemplate.push({ kind: leaf.kind, name: leaf.name, pos: leaf.pos });
    this.host.emit({ kind: 'leaf', tapeId: ts.tape.id, leaf });
  }

  private traceNode(p: PendingNode, full: boolean): TraceNode {
    const node: TraceNode = {
      id: p.nodeId,
      op: p.op,
      inputs: inputList(p.inputs, p.inputNames(p.inputs.length)),
      outputId: p.output.id,
      output: this.summarizeTensor(p.output, full),
      tapeIds: p.tapeIds,
    };
    if (p.pos) node.pos = p.pos;
    if (p.name !== undefined) node.name = p.name;
    if (p.nonFinite) node.nonFinite = true;
    const attrs = traceAttrs(p.attrs);
    if (attrs) node.attrs = attrs;
    return node;
  }

  // ──── Tapes and the step budget ────

  tapeCreated(e: Parameters<EngineObserver['tapeCreated']>[0]): void {
    // Loops are keyed by position, so a tape made inside an undetailed block still needs one.
    const pos = e.pos ?? this.host.locate();
    const key = pos ? this.keyOf(pos) : `tape#${e.tapeId}`;
    let loop = this.loops.get(key);
    if (!loop) this.loops.set(key, (loop = { count: 0, pool: [], stride: 1, sampled: [], template: [], leafTemplate: [] }));
    const step = loop.count++;
    // A new step means the previous lazy one was not the last after all.
    if (loop.lazy) this.discard(loop.lazy);
    loop.lazy = undefined;

    // Samples are held lazily too: most of them fall off a later stride, and then they cost nothing.
    const sample = step > 0 && step % loop.stride === 0;
    const mode: Mode = step === 0 ? 'eager' : 'lazy';
    const tape: TraceTape = {
      id: e.tapeId,
      persistent: e.persistent,
      watchAccessedVariables: e.watchAccessedVariables,
      step,
      detailed: mode === 'eager',
      nodeCount: 0,
      bytes: 0,
      // A lazy step's leaves and nodes go out in a `detail` event: these stay empty.
      leaves: mode === 'eager' ? [] : NO_LEAVES,
      nodes: mode === 'eager' ? [] : NO_NODES,
    };
    if (pos) tape.pos = pos;
    const name = this.host.nameAt(pos);
    if (name !== undefined) tape.name = name;
    if (e.parentTapeId !== undefined) tape.parentId = e.parentTapeId;
    const eager = mode === 'eager';
    const ts: TapeState = {
      tape,
      loop,
      mode,
      truncated: false,
      produced: eager ? new Set() : NO_IDS,
      emitted: eager ? new Set() : NO_IDS,
      leafIds: eager ? new Set() : NO_IDS,
      watched: eager ? new Set() : NO_IDS,
      buf: eager ? null : (loop.pool.pop() ?? new StepBuffer()),
      pendingGradients: null,
      nodeCount: 0,
      bytes: 0,
      compact: !eager,
      dirty: false,
    };
    this.tapes.set(e.tapeId, ts);
    // An undetailed step goes out as a row of the next batch's `tapeRows`.
    if (!eager) this.rowTapes.add(ts);
    else this.host.emit({ kind: 'tape', tape });
    if (step > 0 && !sample) loop.lazy = ts;
    else if (sample) {
      loop.sampled.push(ts);
      if (loop.sampled.length > DETAIL_STEPS - 2) {
        loop.stride *= 2;
        for (const s of loop.sampled) {
          if (s.tape.step % loop.stride === 0) continue;
          if (s.mode === 'eager') this.drop(s);
          else this.discard(s);
        }
        loop.sampled = loop.sampled.filter((s) => s.mode !== 'none');
        // This step may itself be off the new stride: it stays as the lazy "last" candidate.
        if (ts.mode === 'none') {
          this.droppedSteps--;
          ts.mode = 'lazy';
          ts.buf = loop.pool.pop() ?? new StepBuffer();
          loop.lazy = ts;
        }
      }
      // Held samples keep their tensors alive: past a byte budget the oldest are written out now.
      let held = 0;
      for (const s of loop.sampled) if (s.mode === 'lazy' && s !== ts) held += s.bytes;
      for (const s of loop.sampled) {
        if (held <= HELD_SAMPLE_BYTES) break;
        if (s.mode === 'lazy' && s !== ts) {
          held -= s.bytes;
          this.promote(s);
        }
      }
    }
  }

  /** `file:line:column`, made once per position object. */
  private keyOf(pos: SourcePos): string {
    let key = this.posKeys.get(pos);
    if (key === undefined) this.posKeys.set(pos, (key = `${pos.file ?? ''}:${pos.line}:${pos.column}`));
    return key;
  }

  /** An eager step falls off the sample: the host drops its detail. */
  private drop(ts: TapeState): void {
    ts.mode = 'none';
    this.droppedSteps++;
    ts.produced = ts.emitted = ts.leafIds = ts.watched = NO_IDS;
    this.host.emit({ kind: 'dropDetail', tapeId: ts.tape.id });
  }

  /** A lazy step turned out not to be the last: keep its gradients' scalars only. */
  private discard(ts: TapeState): void {
    ts.mode = 'none';
    this.droppedSteps++;
    ts.pendingGradients = null; // their scalars went out as rows already
    // Kept for the whole run (a row of the trace): nothing of it needs to stay but its counts.
    if (ts.buf) this.release(ts);
  }

  /** A lazy step's buffer goes back to its loop, emptied (its tensors can die now). */
  private release(ts: TapeState): void {
    const buf = ts.buf!;
    ts.buf = null;
    buf.clear();
    if (ts.loop.pool.length < 2) ts.loop.pool.push(buf);
  }

  /** The run ended and this lazy step is its loop's last (or a sample kept): write it out in full. */
  private promote(ts: TapeState): void {
    const buf = ts.buf!;
    ts.mode = 'eager';
    ts.produced = new Set();
    ts.emitted = new Set();
    ts.leafIds = new Set();
    ts.watched = new Set();
    if (ts.compact) {
      ts.compact = false;
      this.rowTapes.delete(ts);
      this.host.emit({ kind: 'tape', tape: { ...ts.tape, leaves: [], nodes: [], nodeCount: ts.nodeCount, bytes: ts.bytes, detailed: true } });
    }
    // Nodes first (they may take names from the loop's first step), then the leaves they read.
    const peek = this.host.engine.peekValues;
    const nodes: TraceNode[] = [];
    const template = ts.loop.template;
    const n = buf.nodeCount;
    const bn = buf.nodes;
    for (let i = 0; i < n; i++) ts.produced.add((bn[i * NODE_FIELDS + 2] as Tensor).id);
    for (let i = 0, start = 0; i < n; i++) {
      const f = i * NODE_FIELDS;
      const op = bn[f + 1] as string;
      const out = bn[f + 2] as Tensor;
      let pos = bn[f + 3] as SourcePos | undefined;
      let name = bn[f + 4] as string | undefined;
      const end = bn[f + 7] as number;
      if (this.detailedNodes >= MAX_DETAILED_NODES) {
        ts.truncated = true;
        break;
      }
      const t = template[i];
      if (!pos && t && t.op === op) {
        if (t.pos) pos = t.pos;
        if (t.name !== undefined && name === undefined) {
          name = t.name;
          setName(out, t.name);
        }
      }
      this.detailedNodes++;
      ts.emitted.add(out.id);
      show(out);
      const isFloat = out.dtype === 'float32' || out.dtype === 'float64';
      const nonFinite = isFloat && hasNonFinite(peek(out) as Float32Array | Float64Array);
      const inputs: Tensor[] = [];
      for (let k = start; k < end; k += 2) inputs.push(buf.inputs[k] as Tensor);
      start = end;
      const inputNames = bn[f + 6] as (count: number) => string[];
      nodes.push(this.traceNode({ nodeId: bn[f] as number, op, inputs, inputNames, output: out, pos, name, tapeIds: bn[f + 5] as number[], nonFinite, attrs: bn[f + 8] }, true));
    }
    // Leaves as an eager step meets them: watched tensors and inputs no node produced, in order.
    const leaves: TraceLeaf[] = [];
    const leafTemplate = ts.loop.leafTemplate;
    const addLeaf = (t: Tensor, data: ArrayLike<number>): void => {
      if (ts.leafIds.has(t.id) || ts.produced.has(t.id)) return;
      ts.leafIds.add(t.id);
      show(t);
      const leaf = this.leaf(ts, t, true, data);
      const tpl = leafTemplate[leaves.length];
      if (tpl && tpl.kind === leaf.kind) {
        if (leaf.name === undefined && tpl.name !== undefined) leaf.name = tpl.name;
        if (!leaf.pos && tpl.pos) leaf.pos = tpl.pos;
      }
      leaves.push(leaf);
    };
    const ws = buf.watches;
    let w = 0;
    let k = 0;
    for (let i = 0; i <= n; i++) {
      for (; w < ws.length && (ws[w + 2] as number) <= i; w += 3) {
        const t = ws[w] as Tensor;
        ts.watched.add(t.id);
        addLeaf(t, ws[w + 1] as ArrayLike<number>);
      }
      if (i < n) for (const end = bn[i * NODE_FIELDS + 7] as number; k < end; k += 2) addLeaf(buf.inputs[k] as Tensor, buf.inputs[k + 1] as ArrayLike<number>);
    }
    this.release(ts);
    this.host.emit({ kind: 'detail', tapeId: ts.tape.id, leaves, nodes });
    if (ts.truncated) this.host.emit({ kind: 'truncated', tapeId: ts.tape.id });
    for (const g of ts.pendingGradients ?? []) this.emitGradient(g, ts, true);
    ts.pendingGradients = null;
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
      if (!ts.truncated) this.addLeaf(ts, e.tensor);
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
    const inGradient = this.gradientCalls.length > 0;
    if (pos && !inGradient) this.lastPos = pos;
    this.host.tick(this.ops, pos, out.size);
    // Ops inside tape.gradient carry the call's position: they are not what the source names.
    const name = inGradient ? undefined : this.host.nameAt(pos);
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
        this.warn('nonFinite', `${what} holds NaN or Infinity`, pos, { tensorId: out.id, ...(name ? { name } : {}) });
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
      for (let k = 0; k < inputs.length; k++) this.addLeaf(ts, inputs[k]);
      ts.produced.add(out.id);
      if (this.detailedNodes >= MAX_DETAILED_NODES) {
        ts.truncated = true;
        this.host.emit({ kind: 'truncated', tapeId: id });
      } else {
        eager = true;
        ts.emitted.add(out.id);
        show(out);
        if (ts.tape.step === 0 && ts.loop.template.length < TEMPLATE_LIMIT) ts.loop.template.push({ op, pos, name });
      }
    }
    if (eager) {
      this.detailedNodes++;
      this.nodeRow(nodeId, op, inputs, inputNames, out, tapeIds, pos, name, nonFinite, attrs);
    }
  }

  /** A detailed node as a row of numbers under a template shared by nodes alike (a long tape repeats one op). */
  private nodeRow(nodeId: number, op: string, inputs: readonly Tensor[], inputNames: (count: number) => string[], out: Tensor, tapeIds: number[], pos: SourcePos | undefined, name: string | undefined, nonFinite: boolean, rawAttrs: unknown): void {
    const data = this.host.engine.peekValues(out);
    const attrs = traceAttrs(rawAttrs);
    const withValues = this.valuesLeft >= data.length && data.length <= FULL_VALUES_LIMIT;
    let list = this.nodeRows.get(pos);
    if (!list) this.nodeRows.set(pos, (list = []));
    let rows: NodeRows | undefined;
    for (const r of list) {
      const n = r.node;
      if (n.op === op && n.name === name && (n.nonFinite === true) === nonFinite && n.inputs.length === inputs.length && (n.output.values !== undefined) === withValues && n.output.dtype === out.dtype && sameShape(n.output.shape, out.shape) && sameShape(n.tapeIds, tapeIds) && sameAttrs(n.attrs, attrs)) {
        rows = r;
        break;
      }
    }
    if (!rows) {
      const node: TraceNode = { id: 0, op, inputs: inputList(inputs, inputNames(inputs.length)), outputId: 0, output: summarize(out.shape, out.dtype as DType, data, withValues), tapeIds: tapeIds.slice() };
      if (pos) node.pos = pos;
      if (name !== undefined) node.name = name;
      if (attrs) node.attrs = attrs;
      if (nonFinite) node.nonFinite = true;
      rows = { node, ints: int32Column(), nums: float64Column() };
      // Nodes at one position that differ every time: the newest group takes the last place (a short search).
      if (list.length >= ROW_GROUPS) this.columns.retired.push(...list.splice(list.length - 1, 1));
      list.push(rows);
    }
    if (withValues) this.valuesLeft -= data.length;
    rows.ints.push(nodeId);
    rows.ints.push(out.id);
    for (let i = 0; i < inputs.length; i++) rows.ints.push(inputs[i].id);
    summarizeInto(data, rows.nums);
    if (withValues) {
      const buf = rows.nums.reserve(data.length);
      for (let i = 0; i < data.length; i++) buf[rows.nums.length++] = data[i];
    }
  }

  tensorCreated(e: Parameters<EngineObserver['tensorCreated']>[0]): void {
    // Seeds and zeros made inside tape.gradient are not what the gradient's variable names.
    // (Where it was made is on the tensor: TensorDebug.pos and .created.)
    const name = this.gradientCalls.length > 0 ? undefined : this.host.nameAt(e.pos);
    if (name !== undefined) setName(e.tensor, name);
    this.host.tick(this.ops, e.pos, e.tensor.size);
  }

  variableAssigned(): void {}

  valueRead(): void {}

  // ──── Gradients, curves, warnings ────

  gradientComputed(e: GradientEvent): void {
    this.gradientCount++;
    const ts = this.tapes.get(e.tapeId);
    const step = ts?.tape.step ?? 0;
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
      if (t.size === 1) this.curvePoint(targetNames[i] ?? (e.pos ? `target@${e.pos.line}` : 'target'), 'target', e.pos, step, Number(this.host.engine.peekValues(t)[0]));
    }
    // The engine's event is made for this call alone: the names go on it (no copy per step).
    const stamped = e as Stamped;
    stamped.targetNames = targetNames;
    const resultName = this.host.nameAt(e.pos);
    if (resultName !== undefined) stamped.resultName = resultName;
    // A held step's scalars go out now (a timeout must not lose them); its detail replaces them if it is kept.
    if (ts?.mode === 'lazy') (ts.pendingGradients ??= []).push(stamped);
    // A jvp's accumulator tape is not a user tape: its call is kept whole.
    this.emitGradient(stamped, ts, ts?.mode === 'eager' || e.kind === 'jvp');
    this.flushStats();
    this.host.flush(ts?.mode === 'eager');
  }



  /** An undetailed step's gradient call: a row of numbers under a shared template (no objects per call). */
  private gradientRow(e: Stamped, ts: TapeState | undefined): void {
    // Rows are grouped by call site, then by everything a row does not carry (compared, not hashed: this runs every step).
    let list = this.gradientRows.get(e.pos);
    if (!list) this.gradientRows.set(e.pos, (list = []));
    let rows: GradientRows | undefined;
    for (const r of list) {
      if (this.sameTemplate(r.gradient, e)) {
        rows = r;
        break;
      }
    }
    if (!rows) {
      // The template: built once per kind of call, the same way as a full gradient.
      rows = { gradient: this.buildGradient(e, ts, false), ints: int32Column(), nums: float64Column() };
      // Calls that differ every time (a message naming a tensor id): the newest group takes the last place (a short search).
      if (list.length >= ROW_GROUPS) this.columns.retired.push(...list.splice(list.length - 1, 1));
      list.push(rows);
    }
    rows.ints.push(e.callId);
    rows.ints.push(e.tapeId);
    rows.ints.push(ts?.tape.step ?? 0);
    for (const t of e.targets) rows.ints.push(t.id);
    for (const s of e.sources) rows.ints.push(s.tensor.id);
    const peek = this.host.engine.peekValues;
    for (const t of e.targets) summarizeInto(peek(t), rows.nums);
    for (const s of e.sources) if (s.result) summarizeInto(peek(s.result), rows.nums);
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


  private emitGradient(e: Stamped, ts: TapeState | undefined, full: boolean): void {
    if (!full) return this.gradientRow(e, ts);
    const g = this.buildGradient(e, ts, true);
    this.host.emit({ kind: 'gradient', gradient: g });
    if (e.kind !== 'jvp' && ts) this.emitAdjoints(g.id, e.adjoints, ts);
  }

  private buildGradient(e: Stamped, ts: TapeState | undefined, full: boolean): TraceGradient {
    const sources: TraceGradientSource[] = e.sources.map((s) => {
      const src: TraceGradientSource = { tensorId: s.tensor.id, gradient: s.result ? this.summarizeTensor(s.result, full) : null };
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
      step: ts?.tape.step ?? 0,
      targets: e.targets.map((t, i) => {
        const name = nameOf(t) ?? e.targetNames?.[i];
        return { tensorId: t.id, ...(name !== undefined ? { name } : {}), value: this.summarizeTensor(t, full) };
      }),
      sources,
      // A jvp's "adjoints" are its results, the JVP of each target (src/engine/forward.ts): always kept.
      // Other adjoints follow as `adjointRows` (emitAdjoints).
      adjoints: e.kind === 'jvp' ? [...e.adjoints].map(([tensorId, t]) => ({ tensorId, value: this.summarizeTensor(t, true) })) : [],
    };
    if (e.pos) g.pos = e.pos;
    if (e.resultName !== undefined) g.resultName = e.resultName;
    return g;
  }

  /**
   * Adjoints of the tensors the trace shows for this tape (its detailed nodes and leaves), as
   * `adjointRows` events: one per kind of summary (shape, dtype, values kept or not).
   */
  private emitAdjoints(gradientId: number, all: Map<number, Tensor>, ts: TapeState): void {
    const peek = this.host.engine.peekValues;
    const groups: { like: ValueSummary; ints: Column<Int32Array>; nums: Column<Float64Array> }[] = [];
    let index = 0;
    for (const [tensorId, t] of all) {
      if (!ts.emitted.has(tensorId) && !ts.leafIds.has(tensorId)) continue;
      const data = peek(t);
      // The same budget rule as summarizeTensor.
      const budget = this.valuesLeft >= data.length;
      if (budget) this.valuesLeft -= data.length;
      const withValues = budget && data.length <= FULL_VALUES_LIMIT;
      let g: (typeof groups)[number] | undefined;
      // The latest kinds only: a tape of many shapes makes more groups, never a long search.
      for (let i = groups.length - 1; i >= 0 && i >= groups.length - 32; i--) {
        const like = groups[i].like;
        if (like.dtype === t.dtype && (like.values !== undefined) === withValues && sameShape(like.shape, t.shape)) {
          g = groups[i];
          break;
        }
      }
      if (!g) groups.push((g = { like: summarize(t.shape, t.dtype as DType, data, withValues), ints: int32Column(), nums: float64Column() }));
      g.ints.push(tensorId);
      g.ints.push(index++);
      summarizeInto(data, g.nums);
      if (withValues) {
        const buf = g.nums.reserve(data.length);
        for (let i = 0; i < data.length; i++) buf[g.nums.length++] = data[i];
      }
    }
    for (const g of groups) this.host.emit({ kind: 'adjointRows', gradientId, like: g.like, ints: g.ints.take(), nums: g.nums.take() });
  }

  summary(e: Parameters<EngineObserver['summary']>[0]): void {
    this.curvePoint(e.name, 'summary', e.pos, e.step, e.value);
  }

  warning(e: Parameters<EngineObserver['warning']>[0]): void {
    const data: { tapeId?: number; tensorId?: number; name?: string } = {};
    if (e.tapeId !== undefined) data.tapeId = e.tapeId;
    if (e.tensorId !== undefined) {
      data.tensorId = e.tensorId;
      const name = e.tensor && nameOf(e.tensor);
      if (name !== undefined) data.name = name;
    }
    this.warn(e.code, e.message, e.pos ?? this.host.locate(), data, e.tensor);
  }

  /** One diagnostic per code and line: a loop would repeat it every step. */
  private warn(code: Parameters<EngineObserver['warning']>[0]['code'] | 'nonFinite', message: string, pos: SourcePos | undefined, data: { tapeId?: number; tensorId?: number; name?: string }, tensor?: Tensor): void {
    const at = pos ?? this.lastPos ?? { line: 1, column: 1 };
    const key = `${code}:${at.file ?? ''}:${at.line}`;
    if (this.warned.has(key)) return;
    this.warned.add(key);
    const related: { pos: SourcePos; message: string }[] = [];
    const tape = data.tapeId !== undefined ? this.tapes.get(data.tapeId)?.tape : undefined;
    if (tape?.pos) related.push({ pos: tape.pos, message: `the tape${tape.name ? ` '${tape.name}'` : ''} was created here` });
    const made = tensor ? madeAt(tensor) : undefined;
    if (made) related.push({ pos: made, message: `${data.name ?? 'the tensor'} was created here` });
    this.host.emit({
      kind: 'diagnostic',
      diagnostic: { severity: 'warning', code, message, pos: at, ...(related.length ? { related } : {}), ...(Object.keys(data).length ? { data } : {}) },
    });
  }

  private flushStats(): void {
    for (const ts of this.dirty) {
      ts.dirty = false;
      if (ts.compact) this.rowTapes.add(ts);
      else this.host.emit({ kind: 'tapeStats', tapeId: ts.tape.id, nodeCount: ts.nodeCount, bytes: ts.bytes });
    }
    this.dirty.length = 0;
  }

  /** The run ended (normally or by an exception): write out every loop's last step and the totals. */
  finish(): void {
    for (const loop of this.loops.values()) {
      for (const s of loop.sampled) if (s.mode === 'lazy') this.promote(s);
      if (loop.lazy) this.promote(loop.lazy);
      loop.lazy = undefined;
    }
    this.flushStats();
    this.host.emit(this.statsEvent());
    this.host.flush(true);
  }

  /** Totals so far, for a run that is stopped before finish(). */
  statsEvent(): TraceEvent {
    return { kind: 'stats', ops: this.ops, recordedOps: this.recordedOps, gradientCalls: this.gradientCount, droppedSteps: this.droppedSteps };
  }
}

