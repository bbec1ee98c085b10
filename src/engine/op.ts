/**
 * Op definitions and application: `defineOp` declares an op (forward + gradient rule),
 * `OpDef.apply` runs the forward and records a node on every tape that watches an input.
 *
 * The recording rule (TensorFlow's): an op is recorded on a tape when the tape is recording
 * and one of the op's inputs is watched by it (explicitly, as an automatically watched
 * trainable variable, or as the output of an op the tape recorded).
 */
import type { SourcePos } from './debugTypes';
import type { DType, TypedArray } from './dtype';
import { observer } from './observer';
import { Tensor, Variable, type TensorDebug } from './tensor';

/** A lazily computed input gradient; `null` when the input gets no gradient. */
export type GradThunk = (() => Tensor | null) | null;

/**
 * A gradient rule applied directly: input `i`'s gradient (`null` = none), for an op whose inputs'
 * gradients share no work. The tape calls it once per input on a path from a source: no
 * closures or thunk array per node, which on a long scalar tape was much of the backward pass.
 */
export type InputGradient<A> = (dy: Tensor, xs: Tensor[], out: Tensor, attrs: A, i: number) => Tensor | null;

/**
 * A forward-mode rule: the tangent of the output from the tangents of the inputs (`null` = zero,
 * at least one is a tensor), written with ops so that it is itself recorded and differentiable.
 * `op` is the op's own definition (shared rules in ops/tangents.ts apply it or its gradient).
 */
export type JvpRule<A> = (tangents: (Tensor | null)[], xs: Tensor[], out: Tensor, attrs: A, op: OpDef<A>) => Tensor | null;

/** One input of a property-test sample: its shape and the range values are drawn from. */
export interface SampleInput {
  shape: number[];
  /** Values drawn uniformly from [lo, hi] (default [-2, 2]). */
  lo?: number;
  hi?: number;
  /** An int32 input with values in [0, int). */
  int?: number;
  /** A bool input. */
  bool?: boolean;
}

/**
 * How the registry-wide gradient check samples an op. `unary` and `binary` run over the shared
 * shape combinations (scalars and broadcasting); `cases` lists shapes and attributes by hand.
 * `minGap` keeps sampled values that far from kinks (`kinks`) and, for binary ops, apart from
 * each other, where the derivative jumps (relu at 0, maximum at a tie).
 */
export type OpSample<A> =
  | { kind: 'unary'; lo?: number; hi?: number; kinks?: number[]; minGap?: number; attrs?: A }
  | { kind: 'binary'; lo?: [number, number]; hi?: [number, number]; apart?: number; attrs?: A }
  | { kind: 'cases'; cases: { inputs: SampleInput[]; attrs: A }[]; kinks?: number[]; minGap?: number };

export interface OpSpec<A> {
  /** Graph label and registry key, TensorFlow's op name: `Mul`, `MatMul`, `Sum`. */
  name: string;
  /** Input names in order; for a variadic op, one base name (`values` → `values[0]`, ...). */
  inputs: readonly string[];
  variadic?: boolean;
  /**
   * The local derivative the panel's inspector shows, in the input names above: one clause per
   * input, joined by ", " (`∂out/∂a = b, ∂out/∂b = a`; `∂L/∂a = ∂L/∂out · bᵀ` for a rule stated
   * on the adjoint). The file's one-line comment says the same math.
   */
  derivative: string;
  /**
   * Set when the inspector cannot replay the op from its recorded inputs and attributes (says
   * why): a customGradient's function is user code the trace does not keep.
   */
  unreplayable?: string;
  forward(xs: Tensor[], attrs: A): Tensor;
  /**
   * One thunk per input, written with ops (so nested tapes can differentiate it). `dy` has the
   * output's shape; the tape sums each result back to its input's shape (broadcasting).
   * `null` = not differentiable (TensorFlow's NotDifferentiable); omitted = missing (LookupError).
   */
  gradient?: ((dy: Tensor, xs: Tensor[], out: Tensor, attrs: A) => GradThunk[]) | null;
  /**
   * The same rule in direct form (see InputGradient), given instead of `gradient` by the hot
   * elementwise ops; `gradient` is then derived from it, for the callers that want thunks.
   */
  inputGradient?: InputGradient<A>;
  /**
   * Forward mode (ForwardAccumulator), applied as the op runs when an input has a tangent.
   * `null` = no tangent (not differentiable); omitted = derived from `gradient` by transposing it
   * (forward.ts), which is exact but costs a small backward pass per op: common ops give a rule.
   */
  jvp?: JvpRule<A> | null;
  sample?: OpSample<A>;
}

export interface OpDef<A = unknown> extends OpSpec<A> {
  /** Runs the op on tensors (already converted) and records it. */
  apply(xs: Tensor[], attrs?: A): Tensor;
  /** Input names for these inputs (expands a variadic name). */
  inputNames(count: number): string[];
}

/** A recorded op application. Tapes share node objects when nested tapes record the same op. */
export interface TapeNode {
  id: number;
  op: OpDef<never>;
  inputs: Tensor[];
  output: Tensor;
  attrs: unknown;
  /**
   * The storage each Variable input had when the op read it, or undefined when no input is a
   * Variable: that storage itself when one input is (no array per node: a parameter read at every
   * step of a long tape), else one entry per input (undefined for the others). `assign*` swaps in
   * a new array and never writes the old one, so this keeps the values the op read: the backward
   * pass puts them back while it runs this node's gradient rule (TensorFlow snapshots the value
   * each op reads).
   */
  reads: TypedArray | (TypedArray | undefined)[] | undefined;
}

/** The storage of the Variables among `xs` (see TapeNode.reads). */
function variableReads(xs: readonly Tensor[]): TapeNode['reads'] {
  let one: TypedArray | undefined;
  let count = 0;
  for (let i = 0; i < xs.length; i++) {
    if (xs[i] instanceof Variable) {
      one = xs[i].data;
      count++;
    }
  }
  if (count < 2) return one;
  const reads = new Array<TypedArray | undefined>(xs.length);
  for (let i = 0; i < xs.length; i++) if (xs[i] instanceof Variable) reads[i] = xs[i].data;
  return reads;
}

/** What op.ts needs from a tape (tape.ts implements it). */
export interface RecordingTape {
  readonly id: number;
  readonly watchAccessedVariables: boolean;
  /**
   * Ids of tensors the tape watches that carry no stamp of its `recording`: watched sources, and
   * outputs of its nodes another tape stamped first (nested tapes recording the same op).
   */
  readonly watchedIds: Set<number>;
  /** The stamp (Tensor._rec) on the outputs of its nodes; a new one when the tape forgets them. */
  readonly recording: number;
  /** Whether the tape watches `t`: a watched source or the output of one of its nodes. */
  watches(t: Tensor): boolean;
  readonly nodes: TapeNode[];
  /** When the tape last entered `record` (nextEnterSeq): accumulators entered before it hide their JVP work from it. */
  readonly enterSeq: number;
  /** Inside its `with` block (possibly inside a stop: stop.ts). */
  readonly entered: boolean;
  /** Watch a trainable variable read inside record (emits the observer event). */
  autoWatch(v: Variable, pos: SourcePos | undefined): void;
}

/** Tapes currently recording, innermost last. */
export const recordingTapes: RecordingTape[] = [];
/**
 * Variables read by ops while a customGradient function runs, one list per active call
 * (TensorFlow's VariableWatcher); nested calls all see the reads.
 */
export const variableWatchers: Variable[][] = [];

function noteVariableReads(xs: readonly Tensor[]): void {
  for (const x of xs) {
    if (!(x instanceof Variable)) continue;
    for (const w of variableWatchers) if (!w.includes(x)) w.push(x);
  }
}

/** What op.ts needs from a ForwardAccumulator (forward.ts implements it). */
export interface ForwardRecorder {
  /** Its id as a tape in observer events (the trace shows an accumulator as a tape). */
  readonly id: number;
  /** Inside its `with` block (possibly inside a stop: stop.ts). */
  readonly entered: boolean;
  /** Whether one of `xs` has a tangent: the op then belongs to the accumulator's graph. */
  tracks(xs: readonly Tensor[]): boolean;
  /** Called after every op while the accumulator records: gives `out` its tangent, if any. */
  opRan(def: OpDef<never>, xs: Tensor[], out: Tensor, attrs: unknown): void;
}

/** Observer mode: the tape ids of an op plus the accumulators that carry it forward. */
function withAccumulators(xs: readonly Tensor[], tapeIds: number[] | null): number[] | null {
  for (const acc of activeAccumulators) if (acc.tracks(xs)) tapeIds = tapeIds === null ? [acc.id] : [...tapeIds, acc.id];
  return tapeIds;
}

/** ForwardAccumulators currently recording, outermost first (TF applies them in entry order). */
export const activeAccumulators: ForwardRecorder[] = [];

let enterClock = 0;
/** Orders the entries of tapes and accumulators into `record` (TF's strict nesting, forward.ts). */
export function nextEnterSeq(): number {
  return ++enterClock;
}

/** Tapes inside stopRecording (kept only to explain null gradients). */
export const pausedTapes: RecordingTape[] = [];

let nextNodeId = 1;

/** Every defined op, in definition order (ops/index.ts exports it as ALL_OPS). */
export const registry: OpDef<never>[] = [];

/**
 * The tape-id list of an op recorded by one tape: shared by consecutive ops of the same tape
 * (no array per op); nothing changes it (EngineObserver.opRanFast).
 */
let soloIds: number[] = [0];
function soloTapeIds(id: number): number[] {
  if (soloIds[0] !== id) soloIds = [id];
  return soloIds;
}

const byName = new Map<string, OpDef<never>>();

/**
 * The op defined as `name`. For the pairs of ops whose gradients need each other (Sin and Cos,
 * Pad and Slice): one of the two looks the other up here when its gradient runs, so their files
 * do not import each other (the engine's imports have no cycles: test/engine/imports.test.ts).
 */
export function definedOp<A>(name: string): OpDef<A> {
  const def = byName.get(name);
  if (!def) throw new Error(`internal: no op named ${name} is defined`);
  return def as unknown as OpDef<A>;
}

export function defineOp<A = undefined>(spec: OpSpec<A>): OpDef<A> {
  const direct = spec.inputGradient;
  if (direct !== undefined && spec.gradient !== undefined) throw new Error(`internal: op ${spec.name} gives both gradient and inputGradient`);
  const def: OpDef<A> = {
    ...spec,
    ...(direct === undefined ? {} : { gradient: (dy: Tensor, xs: Tensor[], out: Tensor, attrs: A) => xs.map((_, i) => () => direct(dy, xs, out, attrs, i)) }),
    apply(xs: Tensor[], attrs?: A): Tensor {
      return applyOp(def, xs, attrs as A);
    },
    inputNames(count: number): string[] {
      if (!spec.variadic) return spec.inputs.slice(0, count);
      return Array.from({ length: count }, (_, i) => `${spec.inputs[0]}[${i}]`);
    },
  };
  registry.push(def as unknown as OpDef<never>);
  byName.set(spec.name, def as unknown as OpDef<never>);
  return def;
}

function applyOp<A>(def: OpDef<A>, xs: Tensor[], attrs: A): Tensor {
  const out = def.forward(xs, attrs);
  if (variableWatchers.length > 0) noteVariableReads(xs);
  const obs = observer();
  // Positions are asked for only while an observer is attached: plain runs capture no stacks.
  const pos = obs ? obs.locate() : undefined;
  let node: TapeNode | null = null;
  let tapeIds: number[] | null = null;
  if (recordingTapes.length > 0) {
    for (let t = 0; t < recordingTapes.length; t++) {
      const tape = recordingTapes[t];
      let hit = false;
      let readsVariable = false;
      for (let i = 0; i < xs.length; i++) {
        const x = xs[i];
        if (x instanceof Variable) {
          readsVariable = true;
          // Reading a trainable variable inside record watches it (watchAccessedVariables).
          if (x.trainable && tape.watchAccessedVariables && !tape.watchedIds.has(x.id)) tape.autoWatch(x, pos);
        }
        if (x._rec === tape.recording || tape.watchedIds.has(x.id)) hit = true;
      }
      if (hit) {
        node ??= { id: nextNodeId++, op: def as unknown as OpDef<never>, inputs: xs, output: out, attrs, reads: readsVariable ? variableReads(xs) : undefined };
        tape.nodes.push(node);
        if (out._rec === 0) out._rec = tape.recording;
        else if (out._rec !== tape.recording) tape.watchedIds.add(out.id);
        if (obs) {
          if (tapeIds === null) tapeIds = soloTapeIds(tape.id);
          else {
            // A shared one-tape list (length 1) is copied before it grows.
            if (tapeIds.length === 1) tapeIds = [tapeIds[0]];
            tapeIds.push(tape.id);
          }
        }
      }
    }
  }
  if (obs) {
    if (activeAccumulators.length > 0) tapeIds = withAccumulators(xs, tapeIds);
    let paused: number[] | undefined;
    for (const tape of pausedTapes) {
      // Inputs the tape watches, or trainable variables it would have watched on reading.
      const affected = xs.some((x) => tape.watches(x) || (x instanceof Variable && x.trainable && tape.watchAccessedVariables));
      if (affected) (paused ??= []).push(tape.id);
    }
    // One object serves as both the tensor's debug record and its origin (an op's output has
    // no debug record yet): half the allocations of a record plus an origin, per op.
    if (out._debug === undefined) out._debug = new OpDebug(pos, def.name, xs, paused);
    else {
      out._debug.pos = pos;
      out._debug.origin = { op: def.name, inputs: xs, pausedTapeIds: paused };
    }
    if (obs.opRanFast) obs.opRanFast(node ? node.id : nextNodeId++, def.name, xs, def.inputNames, out, tapeIds, pos, attrs);
    else {
      const names = def.inputNames(xs.length);
      obs.opRan({
        nodeId: node ? node.id : nextNodeId++,
        op: def.name,
        inputs: xs.map((tensor, i) => ({ name: names[i], tensor })),
        output: out,
        tapeIds: tapeIds ?? [],
        pos,
        attrs,
      });
    }
  }
  // Forward mode, after the op is reported (its JVP ops consume `out`). One check when unused.
  if (activeAccumulators.length > 0) forwardprop(def as unknown as OpDef<never>, xs, out, attrs);
  return out;
}

/** Each recording accumulator, outermost first, gives `out` its tangent (see ForwardAccumulator). */
function forwardprop(def: OpDef<never>, xs: Tensor[], out: Tensor, attrs: unknown): void {
  const accs = activeAccumulators;
  // An accumulator computing a JVP hides itself and those after it (restored before it returns).
  for (let i = 0; i < accs.length; i++) accs[i].opRan(def, xs, out, attrs);
}

/** Ops along a chain of origins (TensorDebug.origin.inputs) between two cuts (see OpDebug). */
export const ORIGIN_DEPTH = 1024;
const NO_ORIGIN_INPUTS: readonly Tensor[] = [];

/**
 * The debug record of an op's output (observer mode only), which is also its own `origin`: the
 * fields of TensorDebug and of its origin in one object of one fixed shape. One is made per op
 * while an observer is attached, so it keeps to the fields most records use (each slot is GC work).
 */
export class OpDebug implements TensorDebug {
  // Declared only (no slot in every record): set on the few tensors that need them.
  /** See TensorDebug's origin.runningSum (set by the backward pass on the sums it folds). */
  declare runningSum?: true;
  declare readPos?: SourcePos;
  declare readClock?: number;
  declare readHow?: 'arraySync' | 'dataSync' | 'numpy';
  declare created?: 'constant' | 'variable';
  /** Set by the observer on the tensors the trace shows in detail (a few thousand at most). */
  declare shown?: boolean;
  /** A slot of its own: the observer names most op outputs. */
  name: string | undefined = undefined;
  /** Ops along the longest chain of origins back to the nearest cut (see ORIGIN_DEPTH). */
  readonly depth: number;
  constructor(
    public pos: SourcePos | undefined,
    readonly op: string,
    public inputs: readonly Tensor[],
    readonly pausedTapeIds: number[] | undefined,
  ) {
    let depth = 0;
    for (let i = 0; i < inputs.length; i++) {
      const d = (inputs[i]._debug as { depth?: number } | undefined)?.depth;
      if (d !== undefined && d > depth) depth = d;
    }
    // A chain of origins keeps every tensor on it alive: `x = tf.add(x, 1)` run for ever outside
    // any tape would keep every x it made. So a chain is cut every ORIGIN_DEPTH ops; deeper
    // origins are more than a null gradient's explanation or a label reads.
    if (++depth >= ORIGIN_DEPTH) {
      this.inputs = NO_ORIGIN_INPUTS;
      depth = 0;
    }
    this.depth = depth;
  }

  /** The record itself (no slot); an output that already had a record may be given another origin. */
  get origin(): NonNullable<TensorDebug['origin']> {
    return this;
  }

  set origin(origin: NonNullable<TensorDebug['origin']>) {
    Object.defineProperty(this, 'origin', { value: origin, writable: true, enumerable: true, configurable: true });
  }
}

/** TensorFlow's "float"/"double"/"int32" names in dtype errors. */
export function dtypeMismatch(op: string, index: number, expected: DType, got: DType): string {
  const n = (d: DType): string => (d === 'float32' ? 'float' : d === 'float64' ? 'double' : d);
  return `cannot compute ${op} as input #${index}(zero-based) was expected to be a ${n(expected)} tensor but is a ${n(got)} tensor`;
}
