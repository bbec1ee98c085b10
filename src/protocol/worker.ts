/**
 * Messages between the runner's host side (src/runner/host/scratchRun.ts) and the processes and
 * threads it starts. Types and a few constants: both ends import this file.
 *
 * - the *bundler* process (dist/bundler.js): long-lived, keeps esbuild warm, answers `bundle` requests;
 * - a *run* thread (dist/worker.js, told apart from the inspect and Python threads by
 *   `workerData.role`): one per run, executes the user's bundle with the engine's observer attached
 *   and streams what it records. The host assembles the Trace from those events, so a run that
 *   is stopped (timeout, memory, cancellation) still yields everything that was sent before.
 *
 * Worker → host names are past tense (something happened in the worker); host → worker imperative.
 */
import type { InspectAnswer, InspectJob, InspectQuery } from '../engine/inspect';
import type {
  ConsoleLine,
  RunError,
  SourcePos,
  TraceDiagnostic,
  TraceGradient,
  TraceLeaf,
  TraceNode,
  TraceTape,
  ValueSummary,
} from './trace';
import type { PackedScopes } from './traceWire';

// ──── Bundler process (src/runner/bundlerProcess.ts) ────

/** Which esbuild runs the bundle step: the platform binary, or the portable WebAssembly build. */
export type BundlerBackend = 'native' | 'wasm';

/** Host → bundler: bundle `file` (with `text` as its contents when given). */
export interface BundleRequest {
  type: 'bundle';
  id: number;
  file: string;
  text: string;
  /** False: esbuild bundles the file even when type stripping would do (src/runner/bundler/stripScratch.ts). */
  strip: boolean;
}

/** A bundle ready to run: CommonJS code, its source map, and every file it was built from. */
export interface BundleOutput {
  code: string;
  /**
   * The source map (JSON text) of `code`; its `sources` are absolute paths. Absent when `code` is
   * the scratch file itself with its types blanked (src/runner/bundler/stripScratch.ts): its lines
   * and columns are the file's.
   */
  map?: string;
  /** What made `code`: esbuild, or Node's type stripping for a file that needs no bundling. */
  madeBy: 'esbuild' | 'strip';
  /** Absolute paths of the bundled user files (the scratch file first). */
  inputs: string[];
  /** Wall time of the esbuild call (or the stripping), for the benchmarks and docs/runner.md; 0 when the same text's bundle was reused (src/runner/bundler/serve.ts). */
  bundleMs: number;
  /**
   * The bundle with its position probes (src/runner/shared/instrument.ts), made by the bundler process,
   * which stays warm, so a run does not parse the bundle (~7 ms in a fresh thread). Absent when
   * the bundle cannot be parsed: the run thread then finds positions from stacks.
   */
  instrumented?: InstrumentedBundle;
}

/** See BundleOutput.instrumented; plain data (it crosses to the run thread in workerData). */
export interface InstrumentedBundle {
  code: string;
  /** Position of each call index. */
  positions: (SourcePos | undefined)[];
  /** Per call index: its call head in the bundle, as line * 65536 + column (1-based). */
  heads: number[];
  /** Per bundle line (0-based) that got insertions: [column in the bundle, inserted length] pairs, in order. */
  shifts: [number, [number, number][]][];
  /** The code awaits outside any function (a top-level `await` or `for await`): run it as an async body. */
  topLevelAwait: boolean;
  /** Per `__gtN` index: the source name of each value it passes (null: not known). */
  params: (string | null)[][];
  /** Per `__gtV` index: the names a declaration gives the value it binds from a call (string, or per element / key). */
  bindings: (string | { elements: (string | null)[] } | { keys: Record<string, string> })[];
}

/** Bundler → host: the answer to one {@link BundleRequest}. */
export type BundleResponse =
  | { type: 'bundled'; id: number; output: BundleOutput }
  | { type: 'bundleFailed'; id: number; error: RunError };

// ──── Run thread ────

export interface RunWorkerData {
  role: 'run';
  /** Absolute path of the scratch file. */
  file: string;
  /** The scratch file's text as bundled (maybe unsaved); its relative imports are read from disk. */
  text: string;
  bundle: BundleOutput;
  memoryMb: number;
  /** When the run started on the host (Date.now()), so console times share one origin. */
  startedAtMs: number;
}

/**
 * A run worker started ahead of its run (src/runner/host/runWorkers.ts): dist/worker.js, the engine
 * with it, is loaded; its one run arrives as a message (RunWorkerData, with the shared buffers).
 */
export interface WarmRunWorkerData {
  role: 'warmRun';
}

/**
 * One change to the Trace being assembled on the host (src/runner/host/assemble.ts), in the order
 * it happened. Each event is complete on its own: the host never sees half of a node or tape.
 */
export type TraceEvent =
  /** Latest totals of a detailed tape (nodes recorded, bytes held). */
  | { kind: 'tapeStats'; tapeId: number; nodeCount: number; bytes: number }
  /** The tape's detail is dropped (the step budget): nodes, leaves and its gradients' adjoints go. */
  | { kind: 'dropDetail'; tapeId: number }
  /**
   * The tape (recorded lazily, see the step budget) becomes detailed: its leaves and nodes follow in
   * the same batch, as `leafRows` and as `nodeRows` carrying this `tapeId`.
   */
  | { kind: 'detail'; tapeId: number }
  /** The detail budget ran out while this tape was recording: its `nodes` are a prefix. */
  | { kind: 'truncated'; tapeId: number }
  | { kind: 'diagnostic'; diagnostic: TraceDiagnostic }
  | { kind: 'unrecordedLine'; line: number }
  /**
   * Keras layer and model calls that recorded ops and ended since the last batch, in columns (the
   * only form of a layer call: a subclassed model's calls were an object each), in the order they
   * ended (a layer before the model that called it): the panel wire's own column form
   * (src/protocol/traceWire.ts `PackedScopes`), its names and files indices into `strings`.
   */
  | { kind: 'scopeRows'; strings: string[]; scopes: PackedScopes }
  /** A tensor whose node already went out took a name later (`const pred = scale(x)` names what scale returned). */
  | { kind: 'named'; tensorId: number; name: string }
  /** Totals so far: the last event of every batch (the host thins its rows there, src/runner/host/rowBudget.ts). */
  | { kind: 'stats'; ops: number; recordedOps: number; gradientCalls: number; droppedSteps: number }
  /**
   * Tapes, in columns: the only form of a tape (one event per loop per batch for undetailed steps
   * instead of objects per step: serialising those was a third of the recording cost). `tape` is
   * what the rows share (the creation position and name). Row i is the tape with id `ids[i]`,
   * step `steps[i]`, `nodeCounts[i]`, `bytes[i]`, parent `parentIds[i]` (-1: none) and `flags[i]`
   * (TAPE_PERSISTENT | TAPE_WATCHES_VARIABLES | TAPE_DETAILED | TAPE_SENT_BEFORE). A detailed tape (a loop's first
   * step, or a held step that is kept) goes out at once, alone, before its leaves and nodes; its
   * later counts come as `tapeStats`. An undetailed tape's id may come again with later counts,
   * and once more as detailed when the step turns out to be kept: the latest counts win, and
   * detail is added, never taken away (that is `dropDetail`).
   */
  | { kind: 'tapeRows'; tape: Pick<TraceTape, 'pos' | 'name'>; ids: Int32Array; steps: Int32Array; nodeCounts: Int32Array; bytes: Float64Array; parentIds: Int32Array; flags: Uint8Array }
  /**
   * Gradient calls, in columns: the only form of a call. `gradient` is what the rows share (kind,
   * position, names, shapes, null reasons; its summaries hold no numbers: a row carries
   * min(FIRST_VALUES, size) first values, and all `size` values when the summary has `values`, an
   * empty list: src/runner/shared/summary.ts rowTemplate). Row i: `ints[i*k ..]` = call id, tape
   * id, step, then the tensor id of every target and source (k = 3 + targets + sources);
   * `nums[i*m ..]` = for each target, then each non-null source gradient: min, max, mean, norm,
   * nanCount, infCount, first values, then every value when kept (NaN and ±Infinity as themselves). Calls of undetailed steps are grouped, one event per
   * kind of call per batch. A `detailed` call (a detailed step's, or a jvp's) goes out at once,
   * alone, with its adjoints after it as `adjointRows`; it replaces an undetailed row of the same
   * call sent before (a held step that is kept), which never replaces it.
   */
  | { kind: 'gradientRows'; gradient: TraceGradient; ints: Int32Array; nums: Float64Array; detailed?: true }
  /**
   * Detailed nodes in columns (the only form of a detailed node outside a `detail` event), like
   * `gradientRows`: `node` is what the rows share (op, position, name, input names, tapes, attrs,
   * output shape and dtype, whether full values are kept, and `nonFinite`). Row i:
   * `ints` = node id, output id, then each input's tensor id; `nums` = min, max, mean, norm,
   * nanCount, infCount, first values, then (when kept) every value. Appended to the node's
   * detailed tapes (with `tapeId`: to that tape alone, a held step written out after a `detail`
   * event); a tape's nodes are ordered by id (recorded order) when the trace is built.
   */
  | { kind: 'nodeRows'; node: TraceNode; ints: Int32Array; nums: Float64Array; tapeId?: number }
  /**
   * Leaves of detailed tape `tapeId`, in columns (the only form of a leaf: a long tape's constants
   * are thousands, and as objects they were the largest part of its trace's way to the host), like
   * `nodeRows`: `leaf` is what the rows share (kind, watched, name, trainable, position, and the
   * value's shape, dtype and whether every value is kept). Row i: `ints` = tensor id, then its index
   * in the tape's `leaves` (the order the tape met them); `nums` as in `nodeRows`. One event per
   * kind of leaf per tape per batch.
   */
  | { kind: 'leafRows'; tapeId: number; leaf: TraceLeaf; ints: Int32Array; nums: Float64Array }
  /**
   * Adjoints of the detailed `gradientRows` call with id `gradientId`, in columns (a long tape's
   * are thousands of summaries, and as objects their serialising was a tenth of the run); for a
   * jvp, its results (the JVP of each target). `like` is what the rows share (shape, dtype, and
   * whether every value is kept). Row i: `ints` = tensor id, then its index in the gradient's
   * `adjoints`; `nums` as in `nodeRows`.
   */
  | { kind: 'adjointRows'; gradientId: number; like: ValueSummary; ints: Int32Array; nums: Float64Array }
  /** Curve points in columns (one event per curve per batch). */
  | { kind: 'curveRows'; name: string; curveKind: 'summary' | 'target'; pos?: SourcePos; steps: Float64Array; values: Float64Array };

/** `tapeRows` flags. */
export const TAPE_PERSISTENT = 1;
export const TAPE_WATCHES_VARIABLES = 2;
export const TAPE_DETAILED = 4;
/** The row was sent before (later counts, or the step turned out detailed): the host may have thinned it since. */
export const TAPE_SENT_BEFORE = 8;

/** Run worker → host. */
export type RunWorkerMessage =
  /** The script printed a line; the host forwards it at once (RunOptions.onConsole). */
  | { type: 'didLog'; line: ConsoleLine }
  /** A batch of trace events, in order. */
  | { type: 'didRecord'; events: TraceEvent[] }
  /** Heartbeat while user code runs: ops so far and the position of the latest one. */
  | { type: 'didProgress'; ops: number; elapsedMs: number; pos?: SourcePos }
  /** The script used more memory than allowed (typed arrays are outside V8's heap limit). */
  | { type: 'didExceedMemory'; usedMb: number; pos?: SourcePos; /** The check ran in an engine op (else in user code, at `pos`). */ inOp: boolean }
  /** The script called process.exit(code): the worker ends right after this message. */
  | { type: 'didCallExit'; code: number; pos?: SourcePos }
  /** Last message of a run that ended on its own: every event has been sent before it. */
  | { type: 'didFinish'; error?: RunError };

//#region inspect thread
/** Host → inspect thread (src/runner/host/inspectThread.ts → inspect/serve.ts). `job` is sent once per key; later questions about it send the key alone. */
export interface InspectThreadRequest {
  type: 'inspect';
  id: number;
  key: string;
  job?: InspectJob;
  query: InspectQuery;
}
export type InspectThreadResponse = { type: 'inspected'; id: number; answer: InspectAnswer } | { type: 'inspectFailed'; id: number; message: string };

/** Jobs the inspect thread keeps, dropping the oldest; the host mirrors the list to know which it may omit. */
export const KEPT_JOBS = 8;
//#endregion
