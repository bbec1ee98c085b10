/**
 * The recorder's state (src/runner/run/recorder.ts): its budgets, what it keeps per tape and per
 * loop (the step budget, steps.ts), a lazy step's flat buffers, the column groups that go out as
 * rows, and the debug fields it keeps on tensors.
 */
import type { EngineObserver } from '../../engine/observer';
import type { Tensor, Variable } from '../../engine/tensor';
import type { SourcePos, TraceGradient, TraceLeaf, TraceNode, TraceTape } from '../../protocol/trace';
import type { TraceEvent } from '../../protocol/worker';
import type { Pattern } from './names';
import type { Column } from '../shared/summary';

/** What the recorder needs from the engine, passed in so it can be tested without one. */
export interface EngineAccess {
  peekValues(t: Tensor): ArrayLike<number>;
  isVariable(t: Tensor): t is Variable;
  isTensor(x: unknown): x is Tensor;
}

/** What the recorder needs from the run thread (runThread.ts, and Python's). */
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

/** Detailed steps per loop (first and last included). */
export const DETAIL_STEPS = 20;
/** Nodes kept with full detail over the whole run; later nodes are counted only. */
export const MAX_DETAILED_NODES = 10_000;
/** Elements kept as full `values` over the whole run; later summaries keep `first` only. */
export const VALUES_BUDGET = 200_000;
/** Bytes of node outputs a loop's held samples may keep alive before the oldest is written out at once. */
export const HELD_SAMPLE_BYTES = 32 * 1024 * 1024;
/** Node positions of a loop's first step kept as the template for its lazily recorded steps. */
export const TEMPLATE_LIMIT = 2_000;

export type GradientEvent = Parameters<EngineObserver['gradientComputed']>[0];
/** A gradient event with the names the source gives its targets and its result. */
export type Stamped = GradientEvent & { resultName?: string; targetNames?: (string | undefined)[]; /** Its tape's step. */ step?: number };

/**
 * A lazy step's ops, in flat arrays a loop reuses from step to step: recording an op of an
 * undetailed step pushes a few references and allocates nothing. `nodes` holds NODE_FIELDS
 * entries per node (see pushNode); `inputs` two per input: the tensor and its data array as it
 * was when the op ran (assigning to a variable gives it a new one). tape.watch calls are kept in
 * `watches` (tensor, data, number of nodes before it), so leaves come out in the order an eager
 * step meets them.
 */
export class StepBuffer {
  readonly nodes: unknown[] = [];
  readonly inputs: unknown[] = [];
  readonly watches: unknown[] = [];

  get nodeCount(): number {
    return this.nodes.length / NODE_FIELDS;
  }

  /** Lets go of every tensor (the arrays keep their capacity for the next step). */
  clear(): void {
    this.nodes.length = 0;
    this.inputs.length = 0;
    this.watches.length = 0;
  }
}

/** nodeId, op, output, pos, name, tapeIds, inputNames, end of its inputs in `inputs`, attrs. */
export const NODE_FIELDS = 9;

export type Mode = 'eager' | 'lazy' | 'none';

export interface TapeState {
  tape: TraceTape;
  loop: LoopState;
  mode: Mode;
  truncated: boolean;
  /** Output ids of this tape's nodes (eager mode only; NO_IDS otherwise): other inputs are leaves. */
  produced: Set<number>;
  /** Output ids of the nodes this tape shows in the trace (for its adjoints). */
  emitted: Set<number>;
  leafIds: Set<number>;
  watched: Set<number>;
  /** A lazy step's ops (null in the other modes). */
  buf: StepBuffer | null;
  pendingGradients: GradientEvent[] | null;
  nodeCount: number;
  bytes: number;
  /** Sent only as rows of `tapeRows` events so far (an undetailed step), not as a `tape` event. */
  compact: boolean;
  /** Counts changed since the last batch. */
  dirty: boolean;
  /** Its row went out at least once (TAPE_SENT_BEFORE). */
  sent: boolean;
}

/** Row groups kept per source position (nodes and gradient calls each): a new kind past these replaces the last group. */
export const ROW_GROUPS = 16;

/** Detailed nodes alike but for their ids and numbers (one `nodeRows` event per batch). */
export interface NodeRows {
  node: TraceNode;
  ints: Column<Int32Array>;
  nums: Column<Float64Array>;
  /** The nodes of this tape alone (a held step written out), not of every detailed tape they are on. */
  tapeId?: number;
}

/** Leaves of one detailed tape alike but for their ids, places and numbers (one `leafRows` event per batch). */
export interface LeafRows {
  leaf: TraceLeaf;
  ints: Column<Int32Array>;
  nums: Column<Float64Array>;
}

/** The id sets of lazy and discarded steps: read only (only eager mode adds to them). */
export const NO_IDS: Set<number> = new Set();
/** The leaves and nodes of a lazy step's TraceTape: never written (its detail goes out as rows after a `detail` event). */
export const NO_LEAVES: TraceLeaf[] = [];
export const NO_NODES: TraceNode[] = [];

/** The name the source gives a tensor (src/engine/tensor.ts TensorDebug.name). */
export const nameOf = (t: Tensor): string | undefined => t._debug?.name;

export function setName(t: Tensor, name: string): void {
  (t._debug ??= {}).name = name;
}

/** The trace shows this tensor in detail: its adjoints are wanted (keepsAdjoint). */
export function show(t: Tensor): void {
  (t._debug ??= {}).shown = true;
}

/** Where a tensor made outside an op was made (null: not known), undefined for op outputs. */
export function madeAt(t: Tensor): SourcePos | null | undefined {
  const d = t._debug;
  return d?.created ? (d.pos ?? null) : undefined;
}

/** Gradient calls of undetailed steps that share everything but their numbers (one `gradientRows` event per batch). */
export interface GradientRows {
  gradient: TraceGradient;
  ints: Column<Int32Array>;
  nums: Column<Float64Array>;
}

export interface CurveRows {
  name: string;
  curveKind: 'summary' | 'target';
  pos?: SourcePos;
  steps: number[];
  values: number[];
}

export interface TemplateNode {
  op: string;
  pos?: SourcePos;
  name?: string;
}

export interface LoopState {
  count: number;
  /** Buffers of steps let go, for the next lazy steps. */
  pool: StepBuffer[];
  /** Positions and names of the first step's nodes and leaves, for the lazy steps. */
  template: TemplateNode[];
  leafTemplate: { kind: TraceLeaf['kind']; name?: string; pos?: SourcePos }[];
  stride: number;
  /** Eagerly detailed steps after the first, which a stride change may drop. */
  sampled: TapeState[];
  lazy?: TapeState;
  /** The latest steps let go (a ring of LET_GO_KEPT): older ones are forgotten (Steps.letGo). */
  letGo: (TapeState | undefined)[];
  letGoCount: number;
  /** Tape ids and steps of the steps forgotten since (ascending ids; the latest FORGOTTEN_KEPT to FORGOTTEN_KEPT·2). */
  forgottenIds: number[];
  forgottenSteps: number[];
}

/** Steps let go that a loop still remembers, for gradient calls on a tape kept past its step. */
export const LET_GO_KEPT = 64;
/** Steps forgotten whose step number a loop still knows (two numbers each), for a gradient call on a tape kept long past its step. */
export const FORGOTTEN_KEPT = 1 << 16;

export function inputList(inputs: readonly Tensor[], names: string[]): { name: string; tensorId: number }[] {
  const out: { name: string; tensorId: number }[] = new Array(inputs.length);
  for (let i = 0; i < inputs.length; i++) out[i] = { name: names[i], tensorId: inputs[i].id };
  return out;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
