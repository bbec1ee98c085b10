/**
 * The Trace: everything one run of a `.grad.ts` file recorded, as plain data.
 *
 * Produced by `src/runner` (in the worker), read by the CLI, the extension host's run store,
 * and the webview panel. Types only: no runtime imports, structured-clone safe (no Maps,
 * no class instances, no functions; `NaN`/`Infinity` survive structuredClone but not JSON,
 * so numbers that may be non-finite are written as {@link Num}).
 *
 * Additive changes keep TRACE_VERSION; removing or renaming a field bumps it.
 */

import type { NullReasonKind, SourcePos } from '../engine/debugTypes';

// The engine's own types: the trace carries them as the engine reports them (the engine never imports this file).
export type { NullReasonKind, SourcePos };

export const TRACE_VERSION = 1 as const;

/** Elements of a tensor kept in full in a {@link ValueSummary}; larger tensors keep `first` only. */
export const FULL_VALUES_LIMIT = 4096;
/** How many leading elements every summary keeps, whatever the size. */
export const FIRST_VALUES = 8;

/** A number that may be non-finite: JSON has no NaN/Infinity, so those travel as strings. */
export type Num = number | 'NaN' | 'Infinity' | '-Infinity';

export type DType = 'float32' | 'float64' | 'int32' | 'bool';

/** A tensor's value, summarised; full values when size <= FULL_VALUES_LIMIT. */
export interface ValueSummary {
  shape: number[];
  dtype: DType;
  size: number;
  min: Num;
  max: Num;
  mean: Num;
  /** Euclidean (L2) norm of all elements. */
  norm: Num;
  nanCount: number;
  infCount: number;
  /** The first FIRST_VALUES elements in row-major order. */
  first: Num[];
  /** All elements in row-major order, when size <= FULL_VALUES_LIMIT. */
  values?: Num[];
}


export interface NullReason {
  kind: NullReasonKind;
  /** One sentence for a person, e.g. "weights is a constant that no tape watched". */
  message: string;
  /** The line where the reason arose (the constant's creation, the stopGradient call, ...). */
  pos?: SourcePos;
}

/** A tensor that feeds a tape's nodes but was not produced by one of them: variable, constant, watched tensor. */
export interface TraceLeaf {
  tensorId: number;
  kind: 'variable' | 'constant' | 'tensor';
  /** Variable name (`Variable:0` without the `:0`) or the source name it was assigned to. */
  name?: string;
  trainable?: boolean;
  watched: boolean;
  value: ValueSummary;
  pos?: SourcePos;
}

/** A scalar attribute; a non-finite number travels as a {@link Num} string. */
export type TraceAttrScalar = number | string | boolean | null;
/** An op attribute as plain JSON: a scalar, a list (`perm`), or a list of lists (`paddings`). */
export type TraceAttr = TraceAttrScalar | TraceAttrScalar[] | TraceAttrScalar[][];

/** One recorded op application. */
export interface TraceNode {
  /** Unique within the run. */
  id: number;
  /** Op name as registered in the engine: `MatMul`, `SquaredDifference`, ... */
  op: string;
  /** Named inputs, in the op's declared order; `tensorId` is a leaf's or another node's output. */
  inputs: { name: string; tensorId: number }[];
  /** The id of the tensor this node produced. */
  outputId: number;
  output: ValueSummary;
  /**
   * The op's attributes exactly as it received them (`axes`, `keepdims`, `perm`, `begin`/`size`,
   * `transposeA`, `paddings`, …), so the node can be replayed through the same op. Absent for ops
   * without attributes; values that are not plain data (a customGradient's function) are left out.
   */
  attrs?: { [key: string]: TraceAttr };
  pos?: SourcePos;
  /** The identifier the result was assigned to in the source (`const output = tf.matmul(...)` → `output`). */
  name?: string;
  /**
   * The function the source called, as spelled there (`matmul` for `tf.matmul(…)`, `reduce_mean`
   * in a .grad.py), for an unnamed op whose result leaves its call (src/runner/host/callNames.ts).
   */
  call?: string;
  /** Ids of every tape that recorded this node (nested tapes record the same node). */
  tapeIds: number[];
  /** Set when the output holds NaN or Inf. */
  nonFinite?: boolean;
}

export interface TraceTape {
  id: number;
  persistent: boolean;
  watchAccessedVariables: boolean;
  /** Where `new tf.GradientTape(...)` ran. */
  pos?: SourcePos;
  /** The tape's variable name in the source, when known. */
  name?: string;
  /** Tapes created at the same line form a loop: this is the 0-based iteration at that line. */
  step: number;
  /** False when only scalars were kept for this step (see the runner's step budget). */
  detailed: boolean;
  /** Total ops the tape recorded (also when `detailed` is false and `nodes` is empty). */
  nodeCount: number;
  /**
   * Added by the runner: true when the run's detail budget ran out while this tape recorded, so
   * `nodes` holds only the first nodes (nodeCount is still the total). See docs/runner.md.
   */
  truncated?: boolean;
  /** Bytes of tensor data the tape held alive at its largest. */
  bytes: number;
  /** Id of the tape this one was created inside (recording), for nested tapes. */
  parentId?: number;
  leaves: TraceLeaf[];
  nodes: TraceNode[];
}

export interface TraceGradientSource {
  /** The key in the sources structure: index for arrays, property name for objects, undefined for a single tensor. */
  key?: string | number;
  tensorId: number;
  /** The name the source has in the source code (`weights`). */
  name?: string;
  gradient: ValueSummary | null;
  nullReason?: NullReason;
}

/** One call of tape.gradient / jacobian / batchJacobian, or acc.jvp. */
export interface TraceGradient {
  id: number;
  kind: 'gradient' | 'jacobian' | 'batchJacobian' | 'jvp';
  tapeId: number;
  pos?: SourcePos;
  /** Step of the tape's loop (TraceTape.step). */
  step: number;
  targets: { tensorId: number; name?: string; value: ValueSummary }[];
  sources: TraceGradientSource[];
  /** The adjoint (∂target/∂tensor) of every tensor on the path, keyed by tensor id. Empty when not detailed. */
  adjoints: { tensorId: number; value: ValueSummary }[];
  /** The name of the variable that holds the result (`gradients`). */
  resultName?: string;
}

export interface CurvePoint {
  step: number;
  value: Num;
}

export interface Curve {
  /** The `tf.summary.scalar` name, or the name of the variable holding a scalar gradient target. */
  name: string;
  kind: 'summary' | 'target';
  pos?: SourcePos;
  points: CurvePoint[];
}

export interface ConsoleLine {
  level: 'log' | 'info' | 'warn' | 'error' | 'debug';
  text: string;
  pos?: SourcePos;
  /** Milliseconds since the run started. */
  timeMs: number;
}

/** Stable codes: the editor's quick fixes key on them. */
export type DiagnosticCode =
  | 'error' // an exception or syntax error in the script
  | 'timeout'
  | 'memory'
  | 'unwatchedSource' // gradient of an unwatched constant is null
  | 'nonPersistentReuse' // second gradient on a non-persistent tape
  | 'nonScalarTarget' // a non-scalar target was summed
  | 'integerDtype'
  | 'leftEngine' // path left the engine through arraySync/dataSync
  | 'gradientInRecord' // gradient called inside record on a persistent tape (TF's efficiency warning)
  | 'nonFinite'; // NaN or Inf appeared in a value

export interface TraceDiagnostic {
  severity: 'error' | 'warning' | 'info';
  code: DiagnosticCode;
  message: string;
  pos: SourcePos;
  endPos?: SourcePos;
  /** Other lines that explain it (where the constant was made, where the tape was created). */
  related?: { pos: SourcePos; message: string }[];
  /** Ids the quick fixes need: the tape, the source tensor. */
  data?: { tapeId?: number; tensorId?: number; name?: string };
}

export interface RunError {
  kind: 'syntax' | 'exception' | 'timeout' | 'memory' | 'cancelled' | 'internal';
  /** Error class name as thrown: `InvalidArgumentError`, `RangeError`, ... */
  name: string;
  message: string;
  pos?: SourcePos;
  /** Stack with positions mapped to the `.grad.ts` file(s). */
  stack?: string;
}

/**
 * Rows thinned away to keep a long run's trace within its row budget (docs/runner.md "A bounded
 * trace"): of one loop's undetailed steps (`steps`: the tapes and their gradient calls, by the
 * tape's creation position) or of one curve's points (`points`: each thinned stretch keeps its
 * minimum and maximum). `dropped` rows between steps `fromStep` and `toStep`; the first, last
 * and detailed steps are never dropped.
 */
export interface ThinnedRows {
  what: 'steps' | 'points';
  /** The tape's name (steps) or the curve's (points), when known. */
  name?: string;
  pos?: SourcePos;
  dropped: number;
  fromStep: number;
  toStep: number;
}

export interface Trace {
  version: typeof TRACE_VERSION;
  /** Absolute path of the scratch file. */
  file: string;
  /** ISO time the run started. */
  startedAt: string;
  durationMs: number;
  ok: boolean;
  error?: RunError;
  console: ConsoleLine[];
  tapes: TraceTape[];
  gradients: TraceGradient[];
  curves: Curve[];
  diagnostics: TraceDiagnostic[];
  /** Lines (1-based) where ops ran that no tape recorded: gutter marks. */
  unrecordedLines: number[];
  /** Present when the row budget thinned rows (a long run), in the order thinning began. */
  thinned?: ThinnedRows[];
  /** Totals, also over the steps whose detail was dropped, and over thinned rows. */
  stats: { ops: number; recordedOps: number; tapes: number; gradientCalls: number; droppedSteps: number };
}
