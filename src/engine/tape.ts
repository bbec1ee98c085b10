/**
 * GradientTape: records ops while `record(fn)` runs and computes reverse-mode gradients
 * (TensorFlow 2's tf.GradientTape, with `with tape:` spelled `tape.record(() => …)`).
 */
import type { NullReasonKind, SourcePos } from './debugTypes';
import { isFloat } from './dtype';
import { InvalidArgumentError, LookupError, RuntimeError } from './errors';
import { explainNull, type NullExplanation } from './explain';
import { observeCall, observer } from './observer';
import { activeAccumulators, nextEnterSeq, OpDebug, pausedTapes, recordingTapes, type RecordingTape, type TapeNode } from './op';
import { enterTape, exitTape, stopRecordingAll } from './stop';
import { add } from './ops/add';
import { reduceSum } from './ops/reduceSum';
import { reshape } from './ops/reshape';
import { slice } from './ops/slice';
import { stack } from './ops/stack';
import { filled } from './ops/helpers';
import { reductionAxes, sameShape, shapeText } from './shape';
import { Tensor, toTensor, Variable, type TensorLike } from './tensor';
import { checkArity, checkBool, checkOptions } from './args';

export interface GradientTapeOptions {
  persistent?: boolean;
  watchAccessedVariables?: boolean;
}

/** Sources (or results): a tensor, or arrays / objects of them, nested. */
export type Structure<T> = T | readonly Structure<T>[] | { readonly [key: string]: Structure<T> };

/**
 * The result of gradient(): `sources` with every tensor replaced by its gradient, or by `null`
 * where no gradient flows (TensorFlow's None). The leaves are typed `Tensor`, not
 * `Tensor | null`, so scratch files read like the TensorFlow they mirror
 * (`tape.gradient(loss, w).print()`); check for null where a path may be missing.
 */
export type GradientOf<S> = S extends Tensor
  ? Tensor
  : S extends readonly unknown[]
    ? { [K in keyof S]: GradientOf<S[K]> }
    : S extends object
      ? { [K in keyof S]: GradientOf<S[K]> }
      : never;

export interface GradientOptions {
  /** ∂L/∂target to start from (the "upstream" gradient), same structure as target; default ones. */
  outputGradients?: Structure<TensorLike | null>;
  /** "none" (default): null for unconnected sources; "zero": zeros of the source's shape. */
  unconnectedGradients?: 'none' | 'zero';
}

const GRADIENT_PARAMS = ['target', 'sources', 'options'];
const NON_PERSISTENT_MESSAGE = 'A non-persistent GradientTape can only be used to compute one set of gradients (or jacobians)';
const IN_RECORD_MESSAGE =
  'Calling GradientTape.gradient on a persistent tape inside its context is significantly less efficient than calling it outside the context (it causes the gradient ops to be recorded on the tape, leading to increased CPU and memory usage). Only call GradientTape.gradient inside the context if you actually want to trace the gradient in order to compute higher order derivatives.';

/** How often each plain-run warning text has been printed. */
const warnedTimes = new Map<string, number>();

/** @internal Tests: forget which warnings were printed. */
export function resetWarningCounts(): void {
  warnedTimes.clear();
}

/**
 * TensorFlow's `WARNING:tensorflow:` log lines, for plain runs (no observer attached); like
 * TensorFlow's `log_first_n(..., 5)`, each text at most 5 times, so a loop does not flood stderr.
 */
function warn(message: string): void {
  const n = warnedTimes.get(message) ?? 0;
  if (n >= 5) return;
  warnedTimes.set(message, n + 1);
  console.warn(`WARNING:gradtape:${message}`);
}

let nextTapeId = 1;
/** @internal A tape id for a ForwardAccumulator, which the trace shows as a tape of its own. */
export function newTapeId(): number {
  return nextTapeId++;
}
let nextGradientCallId = 1;
/** Stamps of tapes' recordings (Tensor._rec): never reused, so a forgotten recording's never matches. */
let nextRecording = 1;
/** Stamps the tensors of one backward pass (see backward()). */
let backwardEpoch = 0;

/** Flattens a structure to its tensors, with the key of each inside its parent. */
function flatten<T>(s: Structure<T>, isLeaf: (v: unknown) => v is T, out: { key?: string | number; value: T }[] = [], key?: string | number): { key?: string | number; value: T }[] {
  if (isLeaf(s)) out.push({ key, value: s });
  else if (Array.isArray(s)) s.forEach((v, i) => flatten(v as Structure<T>, isLeaf, out, i));
  else if (s && typeof s === 'object') for (const [k, v] of Object.entries(s)) flatten(v as Structure<T>, isLeaf, out, k);
  else throw new InvalidArgumentError(`Expected a Tensor, an array or an object of tensors, got ${String(s)}`);
  return out;
}

/** Rebuilds `s`'s shape with leaves taken in order from `values`. */
function unflatten<T, R>(s: Structure<T>, isLeaf: (v: unknown) => v is T, values: R[], cursor = { i: 0 }): unknown {
  if (isLeaf(s)) return values[cursor.i++];
  if (Array.isArray(s)) return s.map((v) => unflatten(v as Structure<T>, isLeaf, values, cursor));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s as object)) out[k] = unflatten(v as Structure<T>, isLeaf, values, cursor);
  return out;
}

const isTensor = (v: unknown): v is Tensor => v instanceof Tensor;

/** TF's UnconnectedGradients check: anything but "none" / "zero" is a ValueError with this text. */
export function checkUnconnected(value: unknown): void {
  if (value === undefined || value === 'none' || value === 'zero') return;
  const shown = typeof value === 'string' ? `'${value}'` : String(value);
  throw new InvalidArgumentError(`Unknown value for unconnected_gradients: ${shown} (expected "none" or "zero")`);
}

/**
 * outputGradients, walked along the target's structure (TensorFlow's output_gradients): one seed
 * per target tensor, `null` (or a null subtree) for the default ones, numbers and arrays
 * converted to the target's dtype; a seed must have its target's shape.
 */
function seedsFor(target: Structure<Tensor>, og: unknown, out: (Tensor | null)[]): void {
  if (target instanceof Tensor) {
    if (og === null || og === undefined) {
      out.push(null);
      return;
    }
    const seed = toTensor(og as TensorLike, target.dtype);
    if (!sameShape(seed.shape, target.shape)) {
      throw new InvalidArgumentError(`outputGradients: a gradient of shape ${shapeText(seed.shape)} for a target of shape ${shapeText(target.shape)}`);
    }
    out.push(seed);
    return;
  }
  const entries = Array.isArray(target) ? target.map((t, i) => [i, t] as const) : Object.entries(target);
  if (og !== null && og !== undefined && (typeof og !== 'object' || og instanceof Tensor)) {
    throw new InvalidArgumentError(`outputGradients must have the structure of target, got ${String(og)}`);
  }
  if (Array.isArray(target) && Array.isArray(og) && og.length !== target.length) {
    throw new InvalidArgumentError(`outputGradients has ${og.length} entries, target has ${target.length}`);
  }
  const sub = og as Record<string | number, unknown> | null | undefined;
  for (const [k, t] of entries) seedsFor(t as Structure<Tensor>, sub?.[k], out);
}

/** Sums a gradient back to its input's shape: the one place broadcasting is undone. */
function unbroadcast(dx: Tensor, x: Tensor, node: TapeNode, index: number): Tensor {
  if (dx.shape === x.shape || sameShape(dx.shape, x.shape)) return dx;
  const fail = (): never => {
    throw new InvalidArgumentError(
      `Gradient of ${node.op.name} input '${node.op.inputNames(node.inputs.length)[index]}' has shape ${shapeText(dx.shape)}, input is ${shapeText(x.shape)}`,
      node.op.name,
    );
  };
  if (dx.rank < x.rank) fail();
  const axes = reductionAxes(x.shape, dx.shape);
  const summed = axes.length ? reduceSum(dx, axes) : dx;
  if (summed.size !== x.size) fail();
  return sameShape(summed.shape, x.shape) ? summed : reshape(summed, x.shape);
}

/**
 * Gives each Variable input of `node` the storage it had when the op read it, if it has been
 * assigned since; returns the undo, or null when nothing changed (the usual case: training
 * loops assign after gradient()).
 */
function readValuesBack(node: TapeNode): (() => void) | null {
  const reads = node.reads!;
  const inputs = node.inputs;
  if (!Array.isArray(reads)) {
    // One Variable input: `reads` is its storage.
    for (let i = 0; i < inputs.length; i++) {
      const v = inputs[i];
      if (!(v instanceof Variable)) continue;
      if (v.data === reads) return null;
      const now = v.data;
      v.data = reads;
      return () => {
        v.data = now;
      };
    }
    return null;
  }
  let swapped: { v: Tensor; now: Tensor['data'] }[] | null = null;
  for (let i = 0; i < reads.length; i++) {
    const then = reads[i];
    const v = inputs[i];
    if (then === undefined || v.data === then) continue;
    (swapped ??= []).push({ v, now: v.data });
    v.data = then;
  }
  if (swapped === null) return null;
  const undo = swapped;
  return () => {
    for (let i = undo.length - 1; i >= 0; i--) undo[i].v.data = undo[i].now;
  };
}

/**
 * Observer mode only: the running sums of the backward pass in progress, by the id of the
 * tensor whose adjoint they accumulate. Each op output's debug origin would otherwise keep the
 * previous partial sum alive, so a long tape's partial sums all survive the pass (most of what
 * the GC did in a recorded run); folded, a sum's origin lists its terms and the partial sums die
 * young. Null without an observer.
 */
let runningSums: Map<number, { sum: Tensor; terms: Tensor[] }> | null = null;

/**
 * x's adjoint plus a contribution; with an observer, folds the sum's origin (see runningSums).
 *
 * A sum this function made belongs to the pass alone: nothing else holds it (no tape recorded it,
 * no observer saw it) until the walk reads it as a node's dy, which hands it on (Add's rule
 * passes dy through). While it is so held, `_mark` is −epoch and further contributions are added
 * into it in place (the same float additions as Add's kernel, so the same bits): a tensor with
 * many consumers (a parameter used at every step of a long tape) costs one sum per pass, not one
 * per use. Only when no tape records, no accumulator tracks and no observer watches the pass.
 */
function accumulate(x: Tensor, dx: Tensor, epoch: number): void {
  const prev = x._adj;
  if (!prev) {
    x._adj = dx;
    return;
  }
  if (prev._mark === -epoch && prev.dtype === dx.dtype && prev.size === dx.size) {
    const a = prev.data;
    const b = dx.data;
    for (let i = 0; i < a.length; i++) a[i] = a[i] + b[i];
    return;
  }
  const sum = add(prev, dx);
  x._adj = sum;
  const sums = runningSums;
  if (sums === null) {
    if (recordingTapes.length === 0 && activeAccumulators.length === 0) sum._mark = -epoch;
    return;
  }
  const debug = sum._debug;
  // Folded only when nothing else can see the partial sums: no tape recorded the sum (a tape's
  // node would name them) and no tape is paused (explanations read each sum's paused tapes).
  if (!(debug instanceof OpDebug) || debug.op !== 'Add' || pausedTapes.length > 0) return;
  for (let t = 0; t < recordingTapes.length; t++) if (recordingTapes[t].watches(sum)) return;
  const open = sums.get(x.id);
  if (open !== undefined && open.sum === prev) {
    // prev was only ever x's adjoint, replaced just now: its terms become the new sum's.
    open.terms.push(dx);
    debug.inputs = open.terms;
    open.sum = sum;
  } else sums.set(x.id, { sum, terms: [prev, dx] });
  debug.runningSum = true;
}

/** Applies `node`'s gradient rule to `dy` and adds each input's share to its adjoint. */
function propagate(node: TapeNode, dy: Tensor, epoch: number): void {
  const out = node.output;
  const inputs = node.inputs;
  const direct = node.op.inputGradient;
  if (direct !== undefined) {
    for (let i = 0; i < inputs.length; i++) {
      const x = inputs[i];
      if (x._mark !== epoch || (x.dtype !== 'float32' && x.dtype !== 'float64')) continue;
      const raw = direct(dy, inputs, out, node.attrs as never, i);
      if (raw) accumulate(x, unbroadcast(raw, x, node, i), epoch);
    }
    return;
  }
  const thunks = node.op.gradient!(dy, inputs, out, node.attrs as never);
  for (let i = 0; i < inputs.length; i++) {
    const x = inputs[i];
    if (x._mark !== epoch || (x.dtype !== 'float32' && x.dtype !== 'float64')) continue;
    const thunk = thunks[i];
    if (!thunk) continue;
    const raw = thunk();
    if (!raw) continue;
    accumulate(x, unbroadcast(raw, x, node, i), epoch);
  }
}

/** Epochs of the backward passes running, outermost first (nested through customGradient). */
const passesInProgress: number[] = [];

/**
 * Stamps `t` for the pass `epoch` with no adjoint yet; keeps its fields in `saved` when a pass in
 * progress stamped it, and lists it in `stamped` (when given) for the end to clear.
 */
function stamp(t: Tensor, epoch: number, stamped: Tensor[] | null, saved: { t: Tensor; mark: number; adj: Tensor | null }[]): void {
  if (t._mark !== 0 && passesInProgress.includes(t._mark)) saved.push({ t, mark: t._mark, adj: t._adj });
  stamped?.push(t);
  t._mark = epoch;
  t._adj = null;
}

/**
 * Stamps, in recorded order, the float outputs of the first `count` nodes that have an input
 * stamped for `epoch`: the nodes on a path from a source (the walk back goes by these stamps, with
 * no list of its own).
 */
function stampPath(nodes: TapeNode[], count: number, epoch: number, stamped: Tensor[] | null, saved: { t: Tensor; mark: number; adj: Tensor | null }[]): void {
  for (let i = 0; i < count; i++) {
    const node = nodes[i];
    const out = node.output;
    if (out._mark === epoch || (out.dtype !== 'float32' && out.dtype !== 'float64')) continue;
    const inputs = node.inputs;
    for (let j = 0; j < inputs.length; j++) {
      if (inputs[j]._mark === epoch) {
        stamp(out, epoch, stamped, saved);
        break;
      }
    }
  }
}

export class GradientTape implements RecordingTape {
  readonly id: number;
  readonly persistent: boolean;
  readonly watchAccessedVariables: boolean;
  /** @internal Ids of watched tensors not stamped with `recording` (see RecordingTape.watchedIds). */
  watchedIds = new Set<number>();
  /** @internal The stamp on its nodes' outputs (see RecordingTape.recording). */
  recording = nextRecording++;
  /** @internal Recorded nodes in execution order (hence topological). */
  nodes: TapeNode[] = [];
  private variables: Variable[] = [];
  /** @internal When record() was last entered (see RecordingTape.enterSeq). */
  enterSeq = 0;
  /** Inside record() (possibly paused by stopRecording). */
  /** @internal */
  entered = false;
  /** A non-persistent tape that already answered gradient(). */
  private used = false;
  /** Observer only: what reset() dropped, to explain nulls. */
  private resetInfo: { pos?: SourcePos; ids: Set<number> } | undefined;

  constructor(options: GradientTapeOptions = {}) {
    checkOptions('GradientTape', options, ['persistent', 'watchAccessedVariables']);
    checkBool('GradientTape', 'persistent', options.persistent);
    checkBool('GradientTape', 'watchAccessedVariables', options.watchAccessedVariables);
    this.id = nextTapeId++;
    this.persistent = options.persistent ?? false;
    this.watchAccessedVariables = options.watchAccessedVariables ?? true;
    const obs = observer();
    if (obs) {
      const parent = recordingTapes[recordingTapes.length - 1];
      obs.tapeCreated({ tapeId: this.id, persistent: this.persistent, watchAccessedVariables: this.watchAccessedVariables, pos: obs.locate(), parentTapeId: parent?.id });
    }
  }

  /** TensorFlow's `with tape:` block. May be entered again to record more. */
  record<T>(fn: () => T): T {
    this.enter();
    try {
      return fn();
    } finally {
      this.exit();
    }
  }

  /** @internal The start of a `with tape:` block: record() without the callback (Python's `__enter__`). */
  enter(): void {
    if (this.entered) throw new RuntimeError('Tape is still recording, This can happen if you try to re-enter an already-active tape.');
    if (this.used) this.clear(); // a used non-persistent tape starts afresh, as TensorFlow's _push_tape
    const obs = observer();
    if (obs) obs.recordEntered({ tapeId: this.id, pos: obs.locate() });
    this.entered = true;
    this.enterSeq = nextEnterSeq();
    enterTape(this);
  }

  /** @internal The end of a `with tape:` block (Python's `__exit__`). */
  exit(): void {
    this.entered = false;
    exitTape(this);
    observer()?.recordExited({ tapeId: this.id });
  }

  /** Watch tensors (a tensor, or arrays / objects of them) so ops on them are recorded. */
  watch(tensors: Structure<Tensor>): void {
    const obs = observer();
    const pos = obs ? obs.locate() : undefined;
    for (const { value: t } of flatten(tensors, isTensor)) {
      if (!isFloat(t.dtype)) {
        const message = `The dtype of the watched tensor must be floating (e.g. tf.float32), got tf.${t.dtype}`;
        if (obs) obs.warning({ code: 'integerDtype', message, pos, tapeId: this.id, tensorId: t.id, tensor: t });
        else warn(message);
      }
      if (t instanceof Variable && !this.variables.includes(t)) this.variables.push(t);
      this.watchedIds.add(t.id);
      if (obs) obs.watched({ tapeId: this.id, tensor: t, automatic: false, pos });
    }
  }

  /** @internal A trainable variable read inside record (watchAccessedVariables). */
  autoWatch(v: Variable, pos: SourcePos | undefined): void {
    this.watchedIds.add(v.id);
    if (!this.variables.includes(v)) this.variables.push(v);
    observer()?.watched({ tapeId: this.id, tensor: v, automatic: true, pos });
  }

  /** Runs fn without recording on this tape (TensorFlow's tape.stop_recording()). */
  stopRecording<T>(fn: () => T): T {
    const resume = this.pause();
    try {
      return fn();
    } finally {
      resume();
    }
  }

  /**
   * @internal stopRecording() without the callback (Python's `with tape.stop_recording():`): returns the resume.
   * As TF's (TFE_Py_TapeSetStopOnThread), it stops every tape and forward accumulator on the thread,
   * not only this one, and those entered inside too (stop.ts).
   */
  pause(): () => void {
    if (!this.entered) throw new RuntimeError('Trying to stop recording a tape which is not recording.');
    return stopRecordingAll(true);
  }

  /** Forgets everything recorded, as if the tape were new (TensorFlow's tape.reset()). */
  reset(): void {
    const obs = observer();
    if (obs) {
      const pos = obs.locate();
      const ids = new Set([...(this.resetInfo?.ids ?? []), ...this.watchedIds]);
      for (const node of this.nodes) ids.add(node.output.id);
      this.resetInfo = { pos, ids };
      obs.tapeReset({ tapeId: this.id, pos });
    }
    this.clear();
  }

  private clear(): void {
    this.nodes = [];
    this.watchedIds = new Set();
    this.recording = nextRecording++;
    this.variables = [];
    this.used = false;
  }

  /** Variables this tape watched, explicitly or by reading them inside record, in watch order. */
  watchedVariables(): Variable[] {
    return this.variables.slice();
  }

  /**
   * ∂(sum of targets)/∂sources: same structure as `sources`, null where no gradient flows
   * (TensorFlow's None), zeros instead with `unconnectedGradients: "zero"`.
   */
  gradient<S extends Structure<Tensor>>(target: Structure<Tensor>, sources: S, options: GradientOptions = {}): GradientOf<S> {
    checkArity('GradientTape.gradient', GRADIENT_PARAMS, arguments.length);
    // No closure for observeCall when nothing observes: a training step calls this once per step.
    if (observer() === null) return this.gradientOf(target, sources, options);
    return observeCall('gradient', this.id, () => this.gradientOf(target, sources, options));
  }

  private gradientOf<S extends Structure<Tensor>>(target: Structure<Tensor>, sources: S, options: GradientOptions): GradientOf<S> {
    const obs = observer();
    const pos = obs ? obs.locate() : undefined;
    checkOptions('GradientTape.gradient', options, ['outputGradients', 'unconnectedGradients']);
    checkUnconnected(options.unconnectedGradients);
    this.checkUsable(pos);
    const targets = target instanceof Tensor ? [target] : flatten(target, isTensor).map((e) => e.value);
    const srcs = sources instanceof Tensor ? [{ key: undefined, value: sources as Tensor }] : flatten(sources, isTensor);
    let seeds: (Tensor | null)[] = targets.map(() => null);
    if (options.outputGradients !== undefined) {
      seeds = [];
      seedsFor(target, options.outputGradients, seeds);
    }
    if (obs) {
      for (const t of targets) {
        if (t.size !== 1 && options.outputGradients === undefined) {
          obs.warning({ code: 'nonScalarTarget', message: `The target has shape ${shapeText(t.shape)}: its gradient is the gradient of the sum of its ${t.size} elements.`, pos, tapeId: this.id, tensorId: t.id, tensor: t });
        }
      }
    }
    if (!obs) {
      // TensorFlow logs these and returns None; the observer reports them with the reason instead.
      for (const t of targets) if (!isFloat(t.dtype)) warn(`The dtype of the target tensor must be floating (e.g. tf.float32) when calling GradientTape.gradient, got tf.${t.dtype}`);
      for (const s of srcs) if (!isFloat(s.value.dtype)) warn(`The dtype of the source tensor must be floating (e.g. tf.float32) when calling GradientTape.gradient, got tf.${s.value.dtype}`);
    }
    const grads = this.backward(targets, seeds, srcs.map((s) => s.value), !this.persistent && obs === null);
    const results = srcs.map(({ value: s }) => {
      let g = isFloat(s.dtype) ? (grads.get(s.id) ?? null) : null;
      if (!g && options.unconnectedGradients === 'zero') g = filled(s.shape, s.dtype, 0);
      return g;
    });
    if (obs) this.report('gradient', pos, targets, srcs, results, grads);
    this.finishCall();
    if (sources instanceof Tensor) return results[0] as unknown as GradientOf<S>;
    return unflatten(sources, isTensor, results) as GradientOf<S>;
  }

  /**
   * ∂target[i]/∂source[j] with shape target.shape + source.shape (TensorFlow's
   * GradientTape.jacobian), built from recorded ops so an outer tape can differentiate it.
   */
  jacobian<S extends Structure<Tensor>>(target: Tensor, sources: S, options: { unconnectedGradients?: 'none' | 'zero' } = {}): GradientOf<S> {
    checkOptions('GradientTape.jacobian', options, ['unconnectedGradients']);
    return observeCall('jacobian', this.id, () => this.jacobianOf(target, sources, options));
  }

  private jacobianOf<S extends Structure<Tensor>>(target: Tensor, sources: S, options: { unconnectedGradients?: 'none' | 'zero' }): GradientOf<S> {
    const obs = observer();
    const pos = obs ? obs.locate() : undefined;
    checkUnconnected(options.unconnectedGradients);
    this.checkUsable(pos);
    const srcs = flatten(sources, isTensor);
    const rows: (Tensor | null)[][] = srcs.map(() => []);
    const merged = new Map<number, Tensor>();
    for (let i = 0; i < target.size; i++) {
      const seed = filled(target.shape, target.dtype, 0);
      seed.data[i] = 1;
      const grads = this.backward([target], [seed], srcs.map((s) => s.value));
      srcs.forEach(({ value: s }, j) => rows[j].push(isFloat(s.dtype) ? (grads.get(s.id) ?? null) : null));
      if (obs) for (const [id, g] of grads) if (!merged.has(id)) merged.set(id, g);
    }
    const results = srcs.map(({ value: s }, j) => {
      // A zero-size Jacobian is empty whether or not anything connects (TF's pfor over 0 rows).
      if (target.size === 0 || s.size === 0) return filled([...target.shape, ...s.shape], s.dtype, 0);
      const connected = rows[j].some((g) => g !== null);
      if (!connected && options.unconnectedGradients !== 'zero') return null;
      const flat = rows[j].map((g) => reshape(g ?? filled(s.shape, s.dtype, 0), [s.size]));
      return reshape(stack(flat, 0), [...target.shape, ...s.shape]);
    });
    if (obs) this.report('jacobian', pos, [target], srcs, results, merged);
    this.finishCall();
    return unflatten(sources, isTensor, results) as GradientOf<S>;
  }

  /**
   * Per-example Jacobians: target [b, …y], source [b, …x] → [b, …y, …x], assuming example i
   * of the target depends only on example i of the source (TensorFlow's batch_jacobian).
   */
  batchJacobian(target: Tensor, source: Tensor, options: { unconnectedGradients?: 'none' | 'zero' } = {}): Tensor {
    checkOptions('GradientTape.batchJacobian', options, ['unconnectedGradients']);
    return observeCall('batchJacobian', this.id, () => this.batchJacobianOf(target, source, options));
  }

  private batchJacobianOf(target: Tensor, source: Tensor, options: { unconnectedGradients?: 'none' | 'zero' }): Tensor {
    if (target.rank < 1 || source.rank < 1 || target.shape[0] !== source.shape[0]) {
      throw new InvalidArgumentError(`Need first dimension of target shape (${target.shape}) and source shape (${source.shape}) to match.`);
    }
    checkUnconnected(options.unconnectedGradients);
    const shape = [target.shape[0], ...target.shape.slice(1), ...source.shape.slice(1)];
    if (target.size === 0 || source.size === 0) {
      this.checkUsable(observer()?.locate());
      this.finishCall();
      return filled(shape, source.dtype, 0);
    }
    const full = this.jacobian(target, source, options) as Tensor | null;
    if (!full) return null as unknown as Tensor; // TensorFlow's None (see GradientOf)
    const b = target.shape[0];
    const y = target.size / Math.max(b, 1);
    const x = source.size / Math.max(b, 1);
    const blocks = reshape(full, [b, y, b, x]);
    const diag: Tensor[] = [];
    for (let i = 0; i < b; i++) diag.push(reshape(slice(blocks, [i, 0, i, 0], [1, y, 1, x]), [y, x]));
    return reshape(stack(diag, 0), shape);
  }

  private checkUsable(pos: SourcePos | undefined): void {
    if (this.used) {
      observer()?.warning({ code: 'nonPersistentReuse', message: NON_PERSISTENT_MESSAGE, pos, tapeId: this.id });
      throw new RuntimeError(NON_PERSISTENT_MESSAGE);
    }
    if (recordingTapes.includes(this)) {
      if (!this.persistent) {
        // TensorFlow pops a non-persistent tape here: the rest of the block is not recorded.
        recordingTapes.splice(recordingTapes.indexOf(this), 1);
      } else {
        observer()?.warning({ code: 'gradientInRecord', message: IN_RECORD_MESSAGE, pos, tapeId: this.id });
      }
    }
  }

  /** A non-persistent tape drops its nodes after one gradient/jacobian call. */
  private finishCall(): void {
    if (this.persistent) return;
    this.used = true;
    this.nodes = [];
    this.watchedIds.clear();
    this.recording = nextRecording++;
  }

  /** @internal See RecordingTape.watches. */
  watches(t: Tensor): boolean {
    return t._rec === this.recording || this.watchedIds.has(t.id);
  }

  /**
   * Reverse-mode sweep. Recorded order is execution order, hence topological: keep the nodes
   * that depend on a source, seed the targets, then walk those nodes backwards, applying each
   * op's gradient rule and summing where a tensor fans out. Returns the adjoint of every tensor
   * on a path from a source to a target (only the sources' without an observer).
   *
   * `release` (a non-persistent tape's gradient() without an observer: the call spends the tape)
   * lets go of the tape's nodes as the walk goes, so the nodes behind it are garbage before the
   * gradient ops' allocations make the GC copy them: on a long tape most of the pass's GC work.
   */
  private backward(targets: Tensor[], seeds: (Tensor | null)[], sources: Tensor[], release = false): Map<number, Tensor> {
    // Tensors on the path carry this pass's stamp and their adjoint in `_mark` / `_adj` (no
    // hashing in the hot loop); a stamp from a finished pass is stale and never matches again.
    // A pass started inside another (a customGradient that runs a tape) saves the fields of the
    // tensors the outer pass stamped and puts them back at the end.
    const epoch = ++backwardEpoch;
    passesInProgress.push(epoch);
    // Tensors whose fields the end clears: every stamped one, or with `release` only the sources
    // (the others' adjoints are dropped as the walk uses them, see below).
    const stamped: Tensor[] = [];
    const saved: { t: Tensor; mark: number; adj: Tensor | null }[] = [];
    const obs = observer();
    const keepAll = obs !== null;
    // An observer may keep only the adjoints it will use (EngineObserver.keepsAdjoint).
    const keeps = obs !== null && obs.keepsAdjoint ? obs : null;
    // A pass inside another (customGradient) folds its own sums; the outer pass's resume after.
    const outerSums = runningSums;
    runningSums = obs !== null ? new Map() : null;
    try {
      for (const s of sources) {
        // A source that is also a target gets its seed even when unwatched: ∂v/∂v = 1 (TF's
        // sources_that_are_targets).
        if ((s.dtype === 'float32' || s.dtype === 'float64') && s._mark !== epoch && (this.watches(s) || targets.includes(s))) {
          stamp(s, epoch, stamped, saved);
        }
      }
      // Gradient ops recorded on the tape while the pass runs are not walked: `count` is taken first.
      const nodes = this.nodes;
      const count = nodes.length;
      stampPath(nodes, count, epoch, release ? null : stamped, saved);
      if (release) this.nodes = [];
      // A source made by an op is stamped whether or not that op is on a path: `sources.includes`
      // is needed only when some source is an op's output (stamped by a recording, Tensor._rec).
      let sourceIsOutput = false;
      for (let i = 0; i < sources.length; i++) if (sources[i]._rec !== 0) sourceIsOutput = true;
      for (let i = 0; i < targets.length; i++) {
        const t = targets[i];
        if (t._mark !== epoch) continue;
        const seed = seeds[i] ?? filled(t.shape, t.dtype, 1);
        t._adj = t._adj ? add(t._adj, seed) : seed;
      }
      for (let i = count - 1; i >= 0; i--) {
        // With `release`, popped: a node walked is no longer referenced from here.
        const node = release ? nodes.pop()! : nodes[i];
        const out = node.output;
        if (out._mark !== epoch) continue;
        const dy = out._adj;
        if (!dy) continue;
        // Read as a dy, a sum of the pass's own may be handed on (see accumulate): no longer in place.
        if (dy._mark === -epoch) dy._mark = 0;
        // Without an observer only the sources' adjoints are returned: drop the others once
        // used, so they die young instead of being promoted by the GC.
        if ((!keepAll || (keeps !== null && !keeps.keepsAdjoint!(out))) && !(sourceIsOutput && sources.includes(out))) out._adj = null;
        const rule = node.op.gradient;
        if (rule === undefined) {
          // Stamped as a source, but no input is on a path: nothing to propagate.
          if (!node.inputs.some((x) => x._mark === epoch)) continue;
          throw new LookupError(`No gradient defined for operation '${node.op.name}' (op type: ${node.op.name})`, node.op.name);
        }
        if (rule === null) continue;
        // A variable assigned since this op read it: run the rule on the values the op read.
        const restore = node.reads === undefined ? null : readValuesBack(node);
        if (restore === null) propagate(node, dy, epoch);
        else {
          try {
            propagate(node, dy, epoch);
          } finally {
            restore();
          }
        }
      }
      const grads = new Map<number, Tensor>();
      if (keepAll) {
        for (const t of stamped) if (t._adj) grads.set(t.id, t._adj);
      } else {
        for (const s of sources) if (s._mark === epoch && s._adj) grads.set(s.id, s._adj);
      }
      return grads;
    } catch (e) {
      // The nodes are gone: the tape is spent even though the call failed (as TensorFlow's,
      // which drops a non-persistent tape before it computes).
      if (release) this.used = true;
      throw e;
    } finally {
      runningSums = outerSums;
      passesInProgress.pop();
      for (let i = 0; i < stamped.length; i++) {
        stamped[i]._mark = 0;
        stamped[i]._adj = null;
      }
      for (let i = saved.length - 1; i >= 0; i--) {
        saved[i].t._mark = saved[i].mark;
        saved[i].t._adj = saved[i].adj;
      }
    }
  }

  /** Tells the observer about a finished gradient call, with the reason for every null. */
  private report(
    kind: 'gradient' | 'jacobian',
    pos: SourcePos | undefined,
    targets: Tensor[],
    srcs: { key?: string | number; value: Tensor }[],
    results: (Tensor | null)[],
    adjoints: Map<number, Tensor>,
  ): void {
    const obs = observer();
    if (!obs) return;
    const sources = srcs.map(({ key, value }, i) => {
      const result = results[i];
      let nullReason: { kind: NullReasonKind; message: string; pos?: SourcePos } | undefined;
      if (!result || !adjoints.has(value.id)) {
        const why: NullExplanation = explainNull(value, targets, {
          tapeId: this.id,
          watches: (t) => this.watches(t),
          nodes: this.nodes,
          watchAccessedVariables: this.watchAccessedVariables,
          reset: this.resetInfo,
        });
        nullReason = { kind: why.kind, message: why.message, pos: why.pos };
        const code = why.kind === 'integerDtype' ? 'integerDtype' : why.kind === 'leftEngine' ? 'leftEngine' : why.kind === 'notWatched' || why.kind === 'constant' || why.kind === 'notTrainable' ? 'unwatchedSource' : null;
        if (code) obs.warning({ code, message: why.message, pos: why.pos ?? pos, tapeId: this.id, tensorId: value.id, tensor: value });
      }
      return { key, tensor: value, result, nullReason };
    });
    obs.gradientComputed({ callId: nextGradientCallId++, kind, tapeId: this.id, pos, targets, sources, adjoints });
  }
}
