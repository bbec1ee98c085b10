/**
 * The engine's observer hook: how the runner (src/runner/worker.ts) learns what a run did,
 * without the engine knowing about traces, files or Node.
 *
 * With no observer attached the engine does no extra work (no stack capture, no events), so
 * plain runs and benchmarks stay fast. With one attached, the engine calls `locate()` at each
 * event that needs a source position; the runner implements it by capturing a stack and mapping
 * it through the bundle's source map to the user's `.grad.ts` line and column.
 *
 * Tensors are passed as live engine objects; the observer reads them with `peekValues` (tensor.ts,
 * exported by the engine's index), which, unlike `dataSync`, never counts as the value leaving the engine.
 */
import type { NullReasonKind, SourcePos } from './debugTypes';
// Types only: tensor.ts calls this module, so this one never loads it (no import cycle at run time).
import type { Tensor, Variable } from './tensor';

export interface ObservedInput {
  name: string;
  tensor: Tensor;
}

export interface EngineObserver {
  /** The user's source position of the current call, or undefined when not in user code. */
  locate(): SourcePos | undefined;

  tapeCreated(e: { tapeId: number; persistent: boolean; watchAccessedVariables: boolean; pos?: SourcePos; parentTapeId?: number }): void;
  /** A tape's record() block was entered / left (a tape may be entered several times). */
  recordEntered(e: { tapeId: number; pos?: SourcePos }): void;
  recordExited(e: { tapeId: number }): void;
  /** tape.watch(t), explicit or automatic (a trainable variable read inside record). */
  watched(e: { tapeId: number; tensor: Tensor; automatic: boolean; pos?: SourcePos }): void;
  /** Every op application; `tapeIds` is empty when no tape recorded it; `attrs` as the op received them. */
  opRan(e: { nodeId: number; op: string; inputs: ObservedInput[]; output: Tensor; tapeIds: number[]; pos?: SourcePos; attrs?: unknown }): void;
  /** A tensor was created from outside any op: constant, variable, fill, random, value read back. */
  tensorCreated(e: { tensor: Tensor; kind: 'constant' | 'variable'; pos?: SourcePos }): void;
  variableAssigned(e: { variable: Variable; how: 'assign' | 'assignAdd' | 'assignSub'; pos?: SourcePos }): void;
  /** A value left the engine (arraySync / dataSync / numpy / print). */
  valueRead(e: { tensor: Tensor; how: 'arraySync' | 'dataSync' | 'numpy'; pos?: SourcePos }): void;
  /** tape.gradient / jacobian / batchJacobian / acc.jvp finished. */
  gradientComputed(e: {
    callId: number;
    kind: 'gradient' | 'jacobian' | 'batchJacobian' | 'jvp';
    tapeId: number;
    pos?: SourcePos;
    targets: Tensor[];
    sources: { key?: string | number; tensor: Tensor; result: Tensor | null; nullReason?: { kind: NullReasonKind; message: string; pos?: SourcePos } }[];
    /** ∂target/∂t for every tensor t on the path, keyed by tensor id. */
    adjoints: Map<number, Tensor>;
  }): void;
  /**
   * tape.gradient / jacobian / batchJacobian, acc.jvp or variable.assign / assignAdd / assignSub
   * was called: before any of its work (its ops, tensors and warnings come between this and
   * callEnded). Calls nest (batchJacobian runs jacobian; a customGradient may run a tape).
   * `tapeId` is the tape's for the tape methods.
   */
  callStarted(e: { kind: ObservedCall; tapeId?: number }): void;
  /** The call ended: `result` is what it returned, undefined when it threw. */
  callEnded(e: { kind: ObservedCall; result: unknown }): void;
  /** tf.summary.scalar. */
  summary(e: { name: string; value: number; step: number; pos?: SourcePos }): void;
  /** Tape misuse that TensorFlow warns about, or that the seed article warns about. */
  warning(e: { code: 'nonPersistentReuse' | 'nonScalarTarget' | 'integerDtype' | 'gradientInRecord' | 'unwatchedSource' | 'leftEngine'; message: string; pos?: SourcePos; tapeId?: number; tensorId?: number; tensor?: Tensor }): void;
  /** tape.reset() */
  tapeReset(e: { tapeId: number; pos?: SourcePos }): void;
  /**
   * Optional. During a backward pass: will the observer use this tensor's adjoint (in
   * gradientComputed's `adjoints`)? When present, the pass drops the others as it goes, as it does
   * with no observer, so a long tape does not keep every adjoint alive. Absent: all are kept.
   * Called for every node on the path, so it gets the tensor (its debug record can answer at once).
   */
  keepsAdjoint?(tensor: Tensor): boolean;
  /**
   * Optional. A Keras layer's or model's call began (`className` is Keras's: `Dense`): the ops, tensors
   * and variables until the matching scopeExited belong to it. Calls nest (a model calls its layers).
   */
  scopeEntered?(e: { name: string; className: string; pos?: SourcePos }): void;
  /** Optional. The call ended; `output` is what it returned, undefined when it threw. */
  scopeExited?(e: { name: string; output: Tensor | undefined }): void;
  /**
   * Optional cheaper form of opRan, called instead of it when present: no event object and no
   * input list are built per op. `inputNames(n)` gives the inputs' names on demand; `tapeIds`
   * is null when no tape recorded the op. The engine never changes a `tapeIds` list it passed,
   * so it may be kept; consecutive ops of one tape may share the same list (don't change it).
   * `attrs` are the op's attributes as it received them (axes, perm, begin/size…; undefined for most ops).
   */
  opRanFast?(nodeId: number, op: string, inputs: readonly Tensor[], inputNames: (count: number) => string[], output: Tensor, tapeIds: number[] | null, pos: SourcePos | undefined, attrs?: unknown): void;
}

/** The engine calls an observer hears start and end (EngineObserver.callStarted). */
export type ObservedCall = 'gradient' | 'jacobian' | 'batchJacobian' | 'jvp' | 'assign' | 'assignAdd' | 'assignSub';

let current: EngineObserver | null = null;

/** Runs `body` as the call `kind`, telling the observer, if one is attached, when it starts and ends. */
export function observeCall<T>(kind: ObservedCall, tapeId: number | undefined, body: () => T): T {
  const o = current;
  if (o === null) return body();
  o.callStarted({ kind, tapeId });
  let result: T | undefined;
  try {
    result = body();
    return result;
  } finally {
    o.callEnded({ kind, result });
  }
}

/** Attach (or detach with null) the one observer. Returns the previous one. */
export function setObserver(o: EngineObserver | null): EngineObserver | null {
  const prev = current;
  current = o;
  return prev;
}

/** The attached observer, if any. Hot paths test this once per op. */
export function observer(): EngineObserver | null {
  return current;
}
