/**
 * The engine observer of a run (src/engine/observer.ts): turns the engine's events, with their
 * live tensors, into plain TraceEvents for the host to assemble (src/runner/assemble.ts).
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
 * ──── Positions cost a stack capture (~4 µs, more than most ops) ────
 * So the recorder asks for one only where the trace keeps it. Inside tape.gradient & co. every op
 * gets the gradient call's position, captured once (runThread wraps those methods). Inside record
 * blocks whose tapes keep no detail (lazy or dropped steps, or past the node budget), ops get no
 * position; a lazy step that becomes a loop's last step takes its positions and names from the
 * loop's first step, node by node, where the op sequence matches.
 */
import type { EngineObserver } from '../engine/observer';
import type { Tensor, Variable } from '../engine/tensor';
import { FULL_VALUES_LIMIT, type DType, type NullReason, type SourcePos, type TraceGradient, type TraceGradientSource, type TraceLeaf, type TraceNode, type TraceTape, type ValueSummary } from '../protocol/trace';
import type { TraceEvent } from '../protocol/worker';
import type { Pattern } from './names';
import { bytesPerElement, summarize, summarizeInto } from './summary';

/** Detailed steps per loop (first and last included). */
export const DETAIL_STEPS = 20;
/** Nodes kept with full detail over the whole run; later nodes are counted only. */
export const MAX_DETAILED_NODES = 10_000;
/** Elements kept as full `values` over the whole run; later summaries keep `first` only. */
export const VALUES_BUDGET = 200_000;
/** Bytes of node outputs a loop's held samples may keep alive before the oldest is written out at once. */
export const HELD_SAMPLE_BYTES = 32 * 1024 * 1024;
/** Node positions of a loop's first step kept as the template for its lazily recorded steps. */
const TEMPLATE_LIMIT = 2_000;

type GradientEvent = Parameters<EngineObserver['gradientComputed']>[0];

/** What the recorder needs from the engine, passed in so it can be tested without one. */
export interface EngineAccess {
  peekValues(t: Tensor): ArrayLike<number>;
  isVariable(t: Tensor): t is Variable;
  isTensor(x: unknown): x is Tensor;
}

export interface RecorderHost {
  engine: EngineAccess;
  /** Maps the current call to the user's source (the observer's locate()). */
  locate(): SourcePos | undefined;
  /** True when locate() is a table lookup (instrumented bundle), false when it captures a stack. */
  cheapLocate?: boolean;
  /** The identifier the call at `pos` is assigned to, if any. */
  nameAt(pos: SourcePos | undefined): string | undefined;
  emit(e: TraceEvent): void;
  /** Sends what was emitted so far to the host; unless `urgent`, at most every few tens of ms. */
  flush(urgent?: boolean): void;
  /** Called for every op: heartbeat and memory checks. */
  tick(ops: number, pos: SourcePos | undefined, outputSize: number): void;
}

/** A node as the engine gave it; the TraceNode is built only if the trace keeps it (lazy steps mostly do not). */
interface PendingNode {
  nodeId: number;
  op: string;
  inputs: readonly Tensor[];
  inputNames: (count: number) => string[];
  output: Tensor;
  pos?: SourcePos;
  name?: string;
  tapeIds: number[];
  nonFinite: boolean;
}

type Mode = 'eager' | 'lazy' | 'none';

interface TapeState {
  tape: TraceTape;
  loop: LoopState;
  mode: Mode;
  truncated: boolean;
  /** Output ids of this tape's nodes (detailed modes only): other inputs are leaves. */
  produced: Set<number>;
  /** Output ids of the nodes this tape shows in the trace (for its adjoints). */
  emitted: Set<number>;
  leafIds: Set<number>;
  watched: Set<number>;
  /** Leaves of a lazy step: the tensor and its data array as it was (assign replaces a variable's array). */
  pendingLeaves: { tensor: Tensor; data: ArrayLike<number>; watched: boolean }[];
  pendingNodes: PendingNode[];
  pendingGradients: GradientEvent[];
  nodeCount: number;
  bytes: number;
  /** Sent only as rows of `tapeRows` events so far (an undetailed step), not as a `tape` event. */
  compact: boolean;
}

/** Detailed nodes alike but for their ids and numbers (one `nodeRows` event per batch). */
interface NodeRows {
  node: TraceNode;
  ints: number[];
  nums: number[];
}

/**
 * Does a float array hold NaN or ±Infinity? Checked on every op's output, so branch-free:
 * v * 0 is 0 for a finite v and NaN otherwise, and a NaN term makes the whole sum NaN.
 */
function nonFiniteFloats(data: Float32Array | Float64Array): boolean {
  let acc = 0;
  for (let i = 0; i < data.length; i++) acc += data[i] * 0;
  return acc !== acc;
}

/** The id sets of a discarded step: read only (mode 'none' adds nothing to them). */
const NO_IDS: Set<number> = new Set();

/** Gradient calls of undetailed steps that share everything but their numbers (one `gradientRows` event per batch). */
interface GradientRows {
  gradient: TraceGradient;
  ints: number[];
  nums: number[];
}

interface TemplateNode {
  op: string;
  pos?: SourcePos;
  name?: string;
}

interface LoopState {
  count: number;
  /** Positions and names of the first step's nodes and leaves, for the lazy steps. */
  template: TemplateNode[];
  leafTemplate: { kind: TraceLeaf['kind']; name?: string; pos?: SourcePos }[];
  stride: number;
  /** Eagerly detailed steps after the first, which a stride change may drop. */
  sampled: TapeState[];
  lazy?: TapeState;
}

export class Recorder implements EngineObserver {
  private readonly tapes = new Map<number, TapeState>();
  private readonly loops = new Map<string, LoopState>();
  private readonly names = new Map<number, string>();
  /** Tensors made outside any op (constants, variables: isVariable tells which), with where; no object per entry. */
  private readonly created = new Map<number, SourcePos | null>();
  private readonly unrecorded = new Set<number>();
  private readonly warned = new Set<string>();
  private readonly dirty = new Set<TapeState>();
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
  /** The name of each gradient call's scalar target, by call position: names for lazy steps. */
  private readonly targetNames = new Map<string, string>();
  /** Undetailed tapes whose counts changed since the last batch (sent as `tapeRows`). */
  private readonly rowTapes = new Set<TapeState>();
  private readonly gradientRows = new Map<SourcePos | undefined, GradientRows[]>();
  private readonly nodeRows = new Map<SourcePos | undefined, NodeRows[]>();
  private readonly curveRows = new Map<string, { name: string; curveKind: 'summary' | 'target'; pos?: SourcePos; steps: number[]; values: number[] }>();

  constructor(private readonly host: RecorderHost) {}

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

  /** A tape.gradient / jacobian / batchJacobian / acc.jvp call starts at `pos` (undefined: inside another, same position). */
  enterGradient(pos: SourcePos | undefined, tapeId?: number): void {
    const g = this.gradientCalls;
    g.push(pos ?? g[g.length - 1]);
    this.gradientTapes.push(tapeId === undefined ? undefined : this.tapes.get(tapeId));
  }

  /** The tape of each gradient call in progress (undefined: not a tape's, e.g. jvp, or unknown). */
  private readonly gradientTapes: (TapeState | undefined)[] = [];

  /** The engine's backward pass keeps only the adjoints this step's trace will show (called per node on the path). */
  keepsAdjoint(tensorId: number): boolean {
    const ts = this.gradientTapes[this.gradientTapes.length - 1];
    if (!ts) return true;
    if (ts.mode === 'none' || ts.truncated) return ts.leafIds.has(tensorId) || ts.emitted.has(tensorId);
    // A lazy step shows every node it produced if it turns out to be its loop's last.
    if (ts.mode === 'lazy') return ts.produced.has(tensorId) || ts.leafIds.has(tensorId);
    return ts.emitted.has(tensorId) || ts.leafIds.has(tensorId);
  }

  /** Calls whose positions the trace never uses (Variable.assign*): no stack captures inside. */
  private quiet = 0;

  enterQuiet(): void {
    this.quiet++;
  }

  exitQuiet(): void {
    this.quiet--;
  }

  gradientDepth(): number {
    return this.gradientCalls.length;
  }

  exitGradient(): void {
    this.gradientCalls.pop();
    this.gradientTapes.pop();
  }

  /**
   * A value bound by a destructuring (or a for-of variable) in the source: its tensors take the
   * names the pattern gives them (`for (const [x, y] of dataset)`, `const [g1, g2] = tape.gradient(…)`).
   */
  nameValue(value: unknown, pattern: Pattern): void {
    const isTensor = this.host.engine.isTensor;
    if (typeof pattern === 'string') {
      if (isTensor(value)) this.names.set(value.id, pattern);
    } else if ('elements' in pattern) {
      if (!Array.isArray(value)) return;
      pattern.elements.forEach((name, i) => {
        const v: unknown = value[i];
        if (name !== null && isTensor(v)) this.names.set(v.id, name);
      });
    } else if (value !== null && typeof value === 'object') {
      for (const [key, name] of Object.entries(pattern.keys)) {
        const v: unknown = (value as Record<string, unknown>)[key];
        if (isTensor(v)) this.names.set(v.id, name);
      }
    }
  }

  /**
   * A label for a tensor no source name covers, from the op that made it: `reshape(x)` for
   * `tf.reshape(x, [1, 2])` run outside any tape. Inputs are named, or labelled the same way
   * (two levels deep), or `…`.
   */
  private label(t: Tensor, depth = 0): string | undefined {
    const named = this.names.get(t.id);
    if (named !== undefined) return named;
    if (this.host.engine.isVariable(t)) return t.name.replace(/:\d+$/, '');
    const origin = t._debug?.origin;
    if (!origin || depth > 1) return undefined;
    return this.callLabel(origin.op, origin.inputs, origin.runningSum ? origin.inputs.length : 0, depth);
  }

  /**
   * `op(args)` for label(). A gradient's running sum of `terms` terms (TensorDebug origin.runningSum)
   * reads as it ran: add(the sum of the first terms - 1, the last), its partial sums unnamed.
   */
  private callLabel(opName: string, inputs: readonly Tensor[], terms: number, depth: number): string {
    const op = opName.charAt(0).toLowerCase() + opName.slice(1);
    const args =
      terms > 2
        ? `${depth + 1 > 1 ? '…' : this.callLabel(opName, inputs, terms - 1, depth + 1)}, ${this.label(inputs[terms - 1], depth + 1) ?? '…'}`
        : (terms === 2 ? inputs.slice(0, 2) : inputs).map((i) => this.label(i, depth + 1) ?? '…').join(', ');
    const text = `${op}(${args})`;
    return text.length > 40 ? `${text.slice(0, 39)}…` : text;
  }

  // ──── Summaries within the budget ────

  private summarizeTensor(t: Tensor, full: boolean, data: ArrayLike<number> = this.host.engine.peekValues(t)): ValueSummary {
    const withValues = full && this.valuesLeft >= data.length;
    if (withValues) this.valuesLeft -= data.length;
    return summarize(t.shape, t.dtype as DType, data, withValues);
  }

  private leaf(ts: TapeState, t: Tensor, full: boolean, data?: ArrayLike<number>, watched = ts.watched.has(t.id)): TraceLeaf {
    const isVar = this.host.engine.isVariable(t);
    const made = this.created.get(t.id);
    const name = this.names.get(t.id) ?? (isVar ? (t as Variable).name.replace(/:\d+$/, '') : this.label(t));
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

  private addLeaf(ts: TapeState, t: Tensor): void {
    if (ts.leafIds.has(t.id) || ts.produced.has(t.id) || ts.mode === 'none' || ts.truncated) return;
    ts.leafIds.add(t.id);
    if (ts.mode === 'eager') {
      const leaf = this.leaf(ts, t, true);
      if (ts.tape.step === 0 && ts.loop.leafTemplate.length < TEMPLATE_LIMIT) ts.loop.leafTemplate.push({ kind: leaf.kind, name: leaf.name, pos: leaf.pos });
      this.host.emit({ kind: 'leaf', tapeId: ts.tape.id, leaf });
    }
    // A lazy step keeps the leaf's data array as it is now: assigning to a variable gives it a new one.
    else ts.pendingLeaves.push({ tensor: t, data: this.host.engine.peekValues(t), watched: ts.watched.has(t.id) });
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
    return node;
  }

  // ──── Tapes and the step budget ────

  tapeCreated(e: Parameters<EngineObserver['tapeCreated']>[0]): void {
    // Loops are keyed by position, so a tape made inside an undetailed block still needs one.
    if (!e.pos) e = { ...e, pos: this.host.locate() };
    const key = e.pos ? `${e.pos.file ?? ''}:${e.pos.line}:${e.pos.column}` : `tape#${e.tapeId}`;
    let loop = this.loops.get(key);
    if (!loop) this.loops.set(key, (loop = { count: 0, stride: 1, sampled: [], template: [], leafTemplate: [] }));
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
      leaves: [],
      nodes: [],
    };
    if (e.pos) tape.pos = e.pos;
    const name = this.host.nameAt(e.pos);
    if (name !== undefined) tape.name = name;
    if (e.parentTapeId !== undefined) tape.parentId = e.parentTapeId;
    const ts: TapeState = {
      tape,
      loop,
      mode,
      truncated: false,
      produced: new Set(),
      emitted: new Set(),
      leafIds: new Set(),
      watched: new Set(),
      pendingLeaves: [],
      pendingNodes: [],
      pendingGradients: [],
      nodeCount: 0,
      bytes: 0,
      compact: mode === 'lazy',
    };
    this.tapes.set(e.tapeId, ts);
    // An undetailed step goes out as a row of the next batch's `tapeRows`.
    if (mode === 'lazy') this.rowTapes.add(ts);
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
          ts.produced = new Set();
          ts.leafIds = new Set();
          ts.emitted = new Set();
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

  /** An eager step falls off the sample: the host drops its detail. */
  private drop(ts: TapeState): void {
    ts.mode = 'none';
    this.droppedSteps++;
    this.host.emit({ kind: 'dropDetail', tapeId: ts.tape.id });
  }

  /** A lazy step turned out not to be the last: keep its gradients' scalars only. */
  private discard(ts: TapeState): void {
    ts.mode = 'none';
    this.droppedSteps++;
    ts.pendingGradients = []; // their scalars went out as rows already
    ts.pendingLeaves = [];
    ts.pendingNodes = [];
    // Kept for the whole run (a row of the trace): nothing of it needs to stay but its counts.
    ts.produced = NO_IDS;
    ts.leafIds = NO_IDS;
    ts.emitted = NO_IDS;
  }

  /** The run ended and this lazy step is its loop's last: write it out in full. */
  private promote(ts: TapeState): void {
    ts.mode = 'eager';
    if (ts.compact) {
      ts.compact = false;
      this.rowTapes.delete(ts);
      this.host.emit({ kind: 'tape', tape: { ...ts.tape, nodeCount: ts.nodeCount, bytes: ts.bytes, detailed: true } });
    }
    const nodes: TraceNode[] = [];
    const template = ts.loop.template;
    for (let i = 0; i < ts.pendingNodes.length; i++) {
      const p = ts.pendingNodes[i];
      if (this.detailedNodes >= MAX_DETAILED_NODES) {
        ts.truncated = true;
        break;
      }
      const t = template[i];
      if (!p.pos && t && t.op === p.op) {
        if (t.pos) p.pos = t.pos;
        if (t.name !== undefined && p.name === undefined) {
          p.name = t.name;
          this.names.set(p.output.id, t.name);
        }
      }
      this.detailedNodes++;
      ts.emitted.add(p.output.id);
      nodes.push(this.traceNode(p, true));
    }
    const leafTemplate = ts.loop.leafTemplate;
    const leaves = ts.pendingLeaves.map((p, i) => {
      const leaf = this.leaf(ts, p.tensor, true, p.data, p.watched);
      const t = leafTemplate[i];
      if (t && t.kind === leaf.kind) {
        if (leaf.name === undefined && t.name !== undefined) leaf.name = t.name;
        if (!leaf.pos && t.pos) leaf.pos = t.pos;
      }
      return leaf;
    });
    this.host.emit({ kind: 'detail', tapeId: ts.tape.id, leaves, nodes });
    if (ts.truncated) this.host.emit({ kind: 'truncated', tapeId: ts.tape.id });
    for (const g of ts.pendingGradients) this.emitGradient(g, ts, true);
    ts.pendingGradients = [];
    ts.pendingNodes = [];
    ts.pendingLeaves = [];
  }

  recordEntered(e: Parameters<EngineObserver['recordEntered']>[0]): void {
    const ts = this.tapes.get(e.tapeId);
    if (ts) this.recording.push(ts);
  }

  recordExited(e: Parameters<EngineObserver['recordExited']>[0]): void {
    for (let i = this.recording.length - 1; i >= 0; i--) {
      if (this.recording[i].tape.id === e.tapeId) {
        this.recording.splice(i, 1);
        break;
      }
    }
    const ts = this.tapes.get(e.tapeId);
    this.flushStats();
    this.host.flush(ts?.mode === 'eager');
  }

  watched(e: Parameters<EngineObserver['watched']>[0]): void {
    const ts = this.tapes.get(e.tapeId);
    if (!ts) return;
    ts.watched.add(e.tensor.id);
    this.addLeaf(ts, e.tensor);
  }

  tapeReset(): void {}

  // ──── Ops and tensors ────

  opRan(e: Parameters<EngineObserver['opRan']>[0]): void {
    const names = e.inputs.map((i) => i.name);
    this.opRanFast(e.nodeId, e.op, e.inputs.map((i) => i.tensor), () => names, e.output, e.tapeIds.length > 0 ? e.tapeIds : null, e.pos);
  }

  /** Every op: counted always; a node is built only when a tape keeps detail (most loop steps do not). */
  opRanFast(nodeId: number, op: string, inputs: readonly Tensor[], inputNames: (count: number) => string[], out: Tensor, tapeIds: number[] | null, pos: SourcePos | undefined): void {
    this.ops++;
    const inGradient = this.gradientCalls.length > 0;
    if (pos && !inGradient) this.lastPos = pos;
    this.host.tick(this.ops, pos, out.size);
    // Ops inside tape.gradient carry the call's position: they are not what the source names.
    const name = inGradient ? undefined : this.host.nameAt(pos);
    if (name !== undefined) {
      this.names.set(out.id, name);
      // A number turned into a constant by this very call is not what the name holds.
      for (let k = 0; k < inputs.length; k++) {
        const id = inputs[k].id;
        if (this.created.get(id) === pos && this.names.get(id) === name) this.names.delete(id);
      }
    }
    const isFloat = out.dtype === 'float32' || out.dtype === 'float64';
    const nonFinite = isFloat && nonFiniteFloats(this.host.engine.peekValues(out) as Float32Array | Float64Array);
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
    let pending: PendingNode | undefined;
    let eager = false;
    const bytes = out.size * bytesPerElement(out.dtype as DType);
    for (let t = 0; t < tapeIds.length; t++) {
      const id = tapeIds[t];
      const ts = this.tapes.get(id);
      if (!ts) continue;
      ts.nodeCount++;
      ts.bytes += bytes;
      this.dirty.add(ts);
      if (ts.mode === 'none' || ts.truncated) continue;
      for (let k = 0; k < inputs.length; k++) this.addLeaf(ts, inputs[k]);
      ts.produced.add(out.id);
      if (ts.mode === 'lazy') ts.pendingNodes.push((pending ??= this.pendingNode(nodeId, op, inputs, inputNames, out, tapeIds, pos, name, nonFinite)));
      else if (this.detailedNodes >= MAX_DETAILED_NODES) {
        ts.truncated = true;
        this.host.emit({ kind: 'truncated', tapeId: id });
      } else {
        eager = true;
        ts.emitted.add(out.id);
        if (ts.tape.step === 0 && ts.loop.template.length < TEMPLATE_LIMIT) ts.loop.template.push({ op, pos, name });
      }
    }
    if (eager) {
      this.detailedNodes++;
      if (nonFinite) {
        pending ??= this.pendingNode(nodeId, op, inputs, inputNames, out, tapeIds, pos, name, nonFinite);
        this.host.emit({ kind: 'node', node: this.traceNode(pending, true) });
      } else this.nodeRow(nodeId, op, inputs, inputNames, out, tapeIds, pos, name);
    }
  }

  /** A detailed node as a row of numbers under a template shared by nodes alike (a long tape repeats one op). */
  private nodeRow(nodeId: number, op: string, inputs: readonly Tensor[], inputNames: (count: number) => string[], out: Tensor, tapeIds: number[], pos: SourcePos | undefined, name: string | undefined): void {
    const data = this.host.engine.peekValues(out);
    const withValues = this.valuesLeft >= data.length && data.length <= FULL_VALUES_LIMIT;
    let list = this.nodeRows.get(pos);
    if (!list) this.nodeRows.set(pos, (list = []));
    let rows: NodeRows | undefined;
    for (const r of list) {
      const n = r.node;
      if (n.op === op && n.name === name && n.inputs.length === inputs.length && (n.output.values !== undefined) === withValues && n.output.dtype === out.dtype && sameShape(n.output.shape, out.shape) && sameShape(n.tapeIds, tapeIds)) {
        rows = r;
        break;
      }
    }
    if (!rows) {
      if (list.length >= 16) {
        // Nodes at one position that differ every time: plain events.
        this.host.emit({ kind: 'node', node: this.traceNode(this.pendingNode(nodeId, op, inputs, inputNames, out, tapeIds, pos, name, false), true) });
        return;
      }
      const node: TraceNode = { id: 0, op, inputs: inputList(inputs, inputNames(inputs.length)), outputId: 0, output: summarize(out.shape, out.dtype as DType, data, withValues), tapeIds: tapeIds.slice() };
      if (pos) node.pos = pos;
      if (name !== undefined) node.name = name;
      rows = { node, ints: [], nums: [] };
      list.push(rows);
    }
    if (withValues) this.valuesLeft -= data.length;
    rows.ints.push(nodeId, out.id);
    for (let i = 0; i < inputs.length; i++) rows.ints.push(inputs[i].id);
    summarizeInto(data, rows.nums);
    if (withValues) for (let i = 0; i < data.length; i++) rows.nums.push(data[i]);
  }

  private pendingNode(nodeId: number, op: string, inputs: readonly Tensor[], inputNames: (count: number) => string[], out: Tensor, tapeIds: number[], pos: SourcePos | undefined, name: string | undefined, nonFinite: boolean): PendingNode {
    // Copies: a caller may reuse its input array (tf.concat(list)); the engine's tapeIds is fresh per op.
    const p: PendingNode = { nodeId, op, inputs: inputs.slice(), inputNames, output: out, tapeIds, nonFinite };
    if (pos) p.pos = pos;
    if (name !== undefined) p.name = name;
    return p;
  }

  tensorCreated(e: Parameters<EngineObserver['tensorCreated']>[0]): void {
    // Seeds and zeros made inside tape.gradient are not what the gradient's variable names.
    const name = this.gradientCalls.length > 0 ? undefined : this.host.nameAt(e.pos);
    if (name !== undefined) this.names.set(e.tensor.id, name);
    this.created.set(e.tensor.id, e.pos ?? null);
    this.host.tick(this.ops, e.pos, e.tensor.size);
  }

  variableAssigned(): void {}

  valueRead(): void {}

  // ──── Gradients, curves, warnings ────

  gradientComputed(e: GradientEvent): void {
    this.gradientCount++;
    const ts = this.tapes.get(e.tapeId);
    const step = ts?.tape.step ?? 0;
    // Scalar targets are curves, whatever the detail of the step.
    const at = e.pos ? `${e.pos.file ?? ''}:${e.pos.line}:${e.pos.column}` : '';
    // Targets of lazy steps have no names of their own: the same call's earlier target name holds.
    const targetNames = e.targets.map((t, i) => {
      const key = `${at}#${i}`;
      const name = this.names.get(t.id);
      if (name !== undefined) this.targetNames.set(key, name);
      return name ?? this.targetNames.get(key);
    });
    e.targets.forEach((t, i) => {
      if (t.size !== 1) return;
      const name = targetNames[i] ?? (e.pos ? `target@${e.pos.line}` : 'target');
      this.curvePoint(name, 'target', e.pos, step, Number(this.host.engine.peekValues(t)[0]));
    });
    const resultName = this.host.nameAt(e.pos);
    const stamped = { ...e, targetNames, ...(resultName !== undefined ? { resultName } : {}) };
    // A held step's scalars go out now (a timeout must not lose them); its detail replaces them if it is kept.
    if (ts?.mode === 'lazy') ts.pendingGradients.push(stamped);
    // A jvp's accumulator tape is not a user tape: its call is kept whole.
    this.emitGradient(stamped, ts, ts?.mode === 'eager' || e.kind === 'jvp');
    this.flushStats();
    this.host.flush(ts?.mode === 'eager');
  }

  /** Curve points go out in columns, one event per curve per batch. */
  private curvePoint(name: string, curveKind: 'summary' | 'target', pos: SourcePos | undefined, step: number, value: number): void {
    const key = `${curveKind}\0${name}`;
    let c = this.curveRows.get(key);
    if (!c) this.curveRows.set(key, (c = { name, curveKind, ...(pos ? { pos } : {}), steps: [], values: [] }));
    c.steps.push(step);
    c.values.push(value);
  }

  private sourceName(t: Tensor): string | undefined {
    return this.names.get(t.id) ?? (this.host.engine.isVariable(t) ? t.name.replace(/:\d+$/, '') : undefined);
  }

  /** An undetailed step's gradient call: a row of numbers under a shared template (no objects per call). */
  private gradientRow(e: GradientEvent & { resultName?: string; targetNames?: (string | undefined)[] }, ts: TapeState | undefined): void {
    // Rows are grouped by call site, then by everything a row does not carry (compared, not hashed: this runs every step).
    let list = this.gradientRows.get(e.pos);
    if (!list) this.gradientRows.set(e.pos, (list = []));
    let rows = list.find((r) => this.sameTemplate(r.gradient, e));
    if (!rows) {
      // Calls that differ every time (a message naming a tensor id): plain events, no search through templates.
      if (list.length >= 16) {
        this.host.emit({ kind: 'gradient', gradient: this.buildGradient(e, ts, false) });
        return;
      }
      // The template: built once per kind of call, the same way as a full gradient.
      rows = { gradient: this.buildGradient(e, ts, false), ints: [], nums: [] };
      list.push(rows);
    }
    rows.ints.push(e.callId, e.tapeId, ts?.tape.step ?? 0);
    for (const t of e.targets) rows.ints.push(t.id);
    for (const s of e.sources) rows.ints.push(s.tensor.id);
    const peek = this.host.engine.peekValues;
    for (const t of e.targets) summarizeInto(peek(t), rows.nums);
    for (const s of e.sources) if (s.result) summarizeInto(peek(s.result), rows.nums);
  }

  private sameTemplate(g: TraceGradient, e: GradientEvent & { resultName?: string; targetNames?: (string | undefined)[] }): boolean {
    if (g.kind !== e.kind || g.resultName !== e.resultName || g.targets.length !== e.targets.length || g.sources.length !== e.sources.length) return false;
    for (let i = 0; i < e.targets.length; i++) {
      const t = e.targets[i];
      const gt = g.targets[i];
      if (gt.name !== (this.names.get(t.id) ?? e.targetNames?.[i]) || gt.value.dtype !== t.dtype || !sameShape(gt.value.shape, t.shape)) return false;
    }
    for (let i = 0; i < e.sources.length; i++) {
      const s = e.sources[i];
      const gs = g.sources[i];
      if (gs.key !== s.key || gs.name !== this.sourceName(s.tensor)) return false;
      if (s.result === null || gs.gradient === null) {
        if (s.result !== gs.gradient || gs.nullReason?.message !== s.nullReason?.message || gs.nullReason?.pos !== s.nullReason?.pos) return false;
      } else if (gs.gradient.dtype !== s.result.dtype || !sameShape(gs.gradient.shape, s.result.shape)) return false;
    }
    return true;
  }

  /** What waits to go out in columns: called by the host's flush, just before a batch is sent. */
  pack(): TraceEvent[] {
    const out: TraceEvent[] = [];
    const byLoop = new Map<LoopState, TapeState[]>();
    for (const ts of this.rowTapes) {
      if (!ts.compact) continue;
      let l = byLoop.get(ts.loop);
      if (!l) byLoop.set(ts.loop, (l = []));
      l.push(ts);
    }
    this.rowTapes.clear();
    for (const list of byLoop.values()) {
      const { id: _id, step: _step, nodeCount: _n, bytes: _b, detailed: _d, leaves: _l, nodes: _nodes, truncated: _t, ...tape } = list[0].tape;
      out.push({
        kind: 'tapeRows',
        tape,
        ids: Int32Array.from(list, (t) => t.tape.id),
        steps: Int32Array.from(list, (t) => t.tape.step),
        nodeCounts: Int32Array.from(list, (t) => t.nodeCount),
        bytes: Float64Array.from(list, (t) => t.bytes),
      });
    }
    for (const r of [...this.gradientRows.values()].flat()) {
      if (r.ints.length === 0) continue;
      out.push({ kind: 'gradientRows', gradient: r.gradient, ints: Int32Array.from(r.ints), nums: Float64Array.from(r.nums) });
      r.ints = [];
      r.nums = [];
    }
    for (const r of [...this.nodeRows.values()].flat()) {
      if (r.ints.length === 0) continue;
      out.push({ kind: 'nodeRows', node: r.node, ints: Int32Array.from(r.ints), nums: Float64Array.from(r.nums) });
      r.ints = [];
      r.nums = [];
    }
    for (const c of this.curveRows.values()) {
      if (c.steps.length === 0) continue;
      out.push({ kind: 'curveRows', name: c.name, curveKind: c.curveKind, ...(c.pos ? { pos: c.pos } : {}), steps: Float64Array.from(c.steps), values: Float64Array.from(c.values) });
      c.steps = [];
      c.values = [];
    }
    return out;
  }

  private emitGradient(e: GradientEvent & { resultName?: string; targetNames?: (string | undefined)[] }, ts: TapeState | undefined, full: boolean): void {
    if (full) this.host.emit({ kind: 'gradient', gradient: this.buildGradient(e, ts, true) });
    else this.gradientRow(e, ts);
  }

  private buildGradient(e: GradientEvent & { resultName?: string; targetNames?: (string | undefined)[] }, ts: TapeState | undefined, full: boolean): TraceGradient {
    const sources: TraceGradientSource[] = e.sources.map((s) => {
      const src: TraceGradientSource = { tensorId: s.tensor.id, gradient: s.result ? this.summarizeTensor(s.result, full) : null };
      if (s.key !== undefined) src.key = s.key;
      const name = this.sourceName(s.tensor);
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
        const name = this.names.get(t.id) ?? e.targetNames?.[i];
        return { tensorId: t.id, ...(name !== undefined ? { name } : {}), value: this.summarizeTensor(t, full) };
      }),
      sources,
      // A jvp's "adjoints" are its results, the JVP of each target (src/engine/forward.ts): always kept.
      adjoints: e.kind === 'jvp' ? [...e.adjoints].map(([tensorId, t]) => ({ tensorId, value: this.summarizeTensor(t, true) })) : full && ts ? this.adjoints(e.adjoints, ts) : [],
    };
    if (e.pos) g.pos = e.pos;
    if (e.resultName !== undefined) g.resultName = e.resultName;
    return g;
  }

  /** Adjoints of the tensors the trace shows for this tape (its detailed nodes and leaves). */
  private adjoints(all: Map<number, Tensor>, ts: TapeState): { tensorId: number; value: ValueSummary }[] {
    const out: { tensorId: number; value: ValueSummary }[] = [];
    for (const [tensorId, t] of all) {
      if (ts.emitted.has(tensorId) || ts.leafIds.has(tensorId)) out.push({ tensorId, value: this.summarizeTensor(t, true) });
    }
    return out;
  }

  summary(e: Parameters<EngineObserver['summary']>[0]): void {
    this.curvePoint(e.name, 'summary', e.pos, e.step, e.value);
  }

  warning(e: Parameters<EngineObserver['warning']>[0]): void {
    const data: { tapeId?: number; tensorId?: number; name?: string } = {};
    if (e.tapeId !== undefined) data.tapeId = e.tapeId;
    if (e.tensorId !== undefined) {
      data.tensorId = e.tensorId;
      const name = this.names.get(e.tensorId);
      if (name !== undefined) data.name = name;
    }
    this.warn(e.code, e.message, e.pos ?? this.host.locate(), data);
  }

  /** One diagnostic per code and line: a loop would repeat it every step. */
  private warn(code: Parameters<EngineObserver['warning']>[0]['code'] | 'nonFinite', message: string, pos: SourcePos | undefined, data: { tapeId?: number; tensorId?: number; name?: string }): void {
    const at = pos ?? this.lastPos ?? { line: 1, column: 1 };
    const key = `${code}:${at.file ?? ''}:${at.line}`;
    if (this.warned.has(key)) return;
    this.warned.add(key);
    const related: { pos: SourcePos; message: string }[] = [];
    const tape = data.tapeId !== undefined ? this.tapes.get(data.tapeId)?.tape : undefined;
    if (tape?.pos) related.push({ pos: tape.pos, message: `the tape${tape.name ? ` '${tape.name}'` : ''} was created here` });
    const made = data.tensorId !== undefined ? this.created.get(data.tensorId) : undefined;
    if (made) related.push({ pos: made, message: `${data.name ?? 'the tensor'} was created here` });
    this.host.emit({
      kind: 'diagnostic',
      diagnostic: { severity: 'warning', code, message, pos: at, ...(related.length ? { related } : {}), ...(Object.keys(data).length ? { data } : {}) },
    });
  }

  private flushStats(): void {
    for (const ts of this.dirty) {
      if (ts.compact) this.rowTapes.add(ts);
      else this.host.emit({ kind: 'tapeStats', tapeId: ts.tape.id, nodeCount: ts.nodeCount, bytes: ts.bytes });
    }
    this.dirty.clear();
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

function inputList(inputs: readonly Tensor[], names: string[]): { name: string; tensorId: number }[] {
  const out: { name: string; tensorId: number }[] = new Array(inputs.length);
  for (let i = 0; i < inputs.length; i++) out[i] = { name: names[i], tensorId: inputs[i].id };
  return out;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
