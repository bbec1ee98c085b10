/**
 * tf.autodiff.ForwardAccumulator: Jacobian-vector products (forward mode), as TensorFlow's
 * `tf.autodiff.ForwardAccumulator(primals, tangents)` with `acc.record(fn)` for `with acc:` and
 * `acc.jvp(t, { unconnectedGradients })`.
 *
 * As TF's forwardprop, tangents are computed as ops run: while an accumulator records, every op
 * with an input that has a tangent gets its output's tangent from the op's `jvp` rule (op.ts),
 * or, for an op without one, from its gradient rule transposed (below). `acc.jvp(t)` only looks
 * the tangent up. Rules are written with ops, so a tangent is an ordinary recorded tensor:
 * - a tape around an accumulator differentiates JVPs (reverse-over-forward);
 * - an accumulator around `tape.gradient` pushes tangents through the backward pass's ops
 *   (forward-over-reverse: the Hessian-vector product);
 * - an outer accumulator sees an inner one's JVP ops (forward-over-forward).
 * Strict nesting, as TF: the ops an accumulator runs to compute a JVP are seen by the tapes and
 * accumulators entered before it, and hidden from those entered after it (so a tape inside an
 * accumulator does not keep every JVP alive), and from the observer (they are not user code).
 */
import { Tensor } from './tensor';
import { constant, cast, add, multiply, reduceSum, reshape } from './ops/index';
import { filled } from './ops/helpers';
import { checkUnconnected, GradientTape, newTapeId, type GradientOf } from './tape';
import { InvalidArgumentError, LookupError } from './errors';
import { observeCall, observer, setObserver } from './observer';
import { activeAccumulators, nextEnterSeq, recordingTapes, type ForwardRecorder, type OpDef, type RecordingTape } from './op';
import { enterAccumulator } from './stop';
import { reductionAxes, sameShape } from './shape';
import { isFloat } from './dtype';

type Structure<T> = T | readonly Structure<T>[] | { readonly [key: string]: Structure<T> };
/** Typed like tape.gradient's result (GradientOf): leaves are `Tensor`, `null` at run time where unconnected. */
export type JvpResult<S> = GradientOf<S>;

function flatten(x: Structure<Tensor>, out: Tensor[] = []): Tensor[] {
  if (x instanceof Tensor) out.push(x);
  else if (Array.isArray(x)) for (const v of x) flatten(v as Structure<Tensor>, out);
  else for (const k of Object.keys(x)) flatten((x as Record<string, Structure<Tensor>>)[k], out);
  return out;
}

function unflatten<R>(template: unknown, leaves: R[], at = { i: 0 }): unknown {
  if (template instanceof Tensor) return leaves[at.i++];
  if (Array.isArray(template)) return template.map((t) => unflatten(t, leaves, at));
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(template as object)) out[k] = unflatten((template as Record<string, unknown>)[k], leaves, at);
  return out;
}

let nextJvpCallId = 1_000_000_000; // apart from the tape's gradient call ids, so trace ids never collide

export class ForwardAccumulator implements ForwardRecorder {
  private readonly primals: Tensor[];
  private readonly tangents: Tensor[];
  /** Each tracked tensor's tangent; weak, so a tangent lives as long as its primal (as TF's). */
  private readonly tangentOf = new WeakMap<Tensor, Tensor>();
  private recording = false;
  /** @internal Inside its `with` block (stop.ts). */
  get entered(): boolean {
    return this.recording;
  }
  private enterSeq = 0;
  /** Its id as a tape in observer events: the trace shows the accumulator as a tape. */
  readonly id = newTapeId();

  /**
   * `primals`: a tensor (or array/object of tensors) to differentiate with respect to;
   * `tangents`: the direction, with the same structure and shapes.
   */
  constructor(primals: Structure<Tensor>, tangents: Structure<Tensor | number | number[] | number[][]>) {
    this.primals = flatten(primals);
    this.primals.forEach((p, i) => {
      if (this.primals.indexOf(p) !== i) {
        throw new InvalidArgumentError(
          `Tensor ${p.toString()} was specified as a primal multiple times. This may indicate an error. If it was intended, please sum the corresponding tangents.`,
        );
      }
    });
    const rawTangents: unknown[] = [];
    const collect = (p: unknown, t: unknown): void => {
      if (p instanceof Tensor) rawTangents.push(t);
      else if (Array.isArray(p)) {
        if (!Array.isArray(t) || t.length !== p.length) throw new InvalidArgumentError('ForwardAccumulator: tangents must have the same structure as primals');
        p.forEach((v, i) => collect(v, t[i]));
      } else for (const k of Object.keys(p as object)) collect((p as Record<string, unknown>)[k], (t as Record<string, unknown>)?.[k]);
    };
    // A single primal takes its tangent whole, even when the tangent is a nested number array.
    if (primals instanceof Tensor) rawTangents.push(tangents);
    else collect(primals, tangents);
    this.tangents = this.primals.map((p, i) => {
      const t = rawTangents[i];
      const tensor = t instanceof Tensor ? t : constant(t as never, p.dtype);
      if (tensor.shape.length !== p.shape.length || tensor.shape.some((d, j) => d !== p.shape[j])) {
        throw new InvalidArgumentError(`Tangent shape [${tensor.shape.join(',')}] does not match primal shape [${p.shape.join(',')}] (primal ${i})`);
      }
      return tensor.dtype === p.dtype ? tensor : cast(tensor, p.dtype);
    });
    this.primals.forEach((p, i) => this.tangentOf.set(p, this.tangents[i]));
    const obs = observer();
    if (obs) {
      const parent = recordingTapes[recordingTapes.length - 1];
      obs.tapeCreated({ tapeId: this.id, persistent: true, watchAccessedVariables: false, pos: obs.locate(), parentTapeId: parent?.id });
    }
  }

  /** @internal op.ts: whether one of `xs` has a tangent here. */
  tracks(xs: readonly Tensor[]): boolean {
    for (let i = 0; i < xs.length; i++) if (this.tangentOf.has(xs[i])) return true;
    return false;
  }

  /** TF's `with acc:` block: ops run inside `fn` carry tangents forward from the primals. */
  record<T>(fn: () => T): T {
    this.enter();
    try {
      return fn();
    } finally {
      this.exit();
    }
  }

  /** @internal The start of `with acc:` without a callback (Python's `__enter__`). */
  enter(): void {
    if (this.recording) throw new InvalidArgumentError('Accumulator is already recording.');
    this.recording = true;
    this.enterSeq = nextEnterSeq();
    const obs = observer();
    if (obs) {
      const pos = obs.locate();
      obs.recordEntered({ tapeId: this.id, pos });
      for (const p of this.primals) obs.watched({ tapeId: this.id, tensor: p, automatic: false, pos });
    }
    enterAccumulator(this);
  }

  /** @internal The end of `with acc:` (Python's `__exit__`). */
  exit(): void {
    this.recording = false;
    const i = activeAccumulators.indexOf(this);
    if (i >= 0) activeAccumulators.splice(i, 1);
    observer()?.recordExited({ tapeId: this.id });
  }

  /**
   * `acc.jvp(primals)`: J·tangent for each tensor of the structure (same structure back), as
   * computed while recording. A tensor that does not depend on the primals gives null, or zeros
   * with `unconnectedGradients: "zero"`, as TF's `UnconnectedGradients`.
   */
  jvp<S extends Structure<Tensor>>(target: S, options: { unconnectedGradients?: 'none' | 'zero' } = {}): JvpResult<S> {
    return observeCall('jvp', undefined, () => this.jvpOf(target, options));
  }

  private jvpOf<S extends Structure<Tensor>>(target: S, { unconnectedGradients = 'none' }: { unconnectedGradients?: 'none' | 'zero' }): JvpResult<S> {
    checkUnconnected(unconnectedGradients);
    const o = observer();
    const pos = o?.locate();
    const targets = flatten(target);
    const results = targets.map((t) => this.tangentOf.get(t) ?? (unconnectedGradients === 'zero' ? filled(t.shape, t.dtype, 0) : null));
    if (o) {
      // For kind 'jvp': `sources` are the primals with their tangents as `result`, `targets` the
      // tensors asked about, and `adjoints` maps each target's id to its JVP (the forward-mode
      // counterpart of an adjoint).
      const adjoints = new Map<number, Tensor>();
      targets.forEach((t, i) => {
        const r = results[i];
        if (r) adjoints.set(t.id, r);
      });
      o.gradientComputed({
        callId: nextJvpCallId++,
        kind: 'jvp',
        tapeId: this.id,
        pos,
        targets,
        sources: this.primals.map((p, i) => ({ key: i, tensor: p, result: this.tangents[i] })),
        adjoints,
      });
    }
    return unflatten(target, results) as JvpResult<S>;
  }

  /** @internal op.ts calls this after every op while recording: `out`'s tangent, if it has one. */
  opRan(def: OpDef<never>, xs: Tensor[], out: Tensor, attrs: unknown): void {
    if (out.dtype !== 'float32' && out.dtype !== 'float64') return;
    let tangents: (Tensor | null)[] | null = null;
    for (let i = 0; i < xs.length; i++) {
      const t = this.tangentOf.get(xs[i]);
      if (t !== undefined) (tangents ??= new Array<Tensor | null>(xs.length).fill(null))[i] = t;
    }
    if (tangents === null || def.jvp === null) return;
    // Strict nesting: hide this accumulator, those entered after it, and tapes entered after it.
    const at = activeAccumulators.indexOf(this);
    const hiddenAccs = activeAccumulators.splice(at);
    const hiddenTapes: { tape: RecordingTape; at: number }[] = [];
    for (let i = recordingTapes.length - 1; i >= 0; i--) {
      if (recordingTapes[i].enterSeq > this.enterSeq) hiddenTapes.push({ tape: recordingTapes.splice(i, 1)[0], at: i });
    }
    const obs = setObserver(null);
    let t: Tensor | null;
    try {
      t = def.jvp ? def.jvp(tangents, xs, out, attrs as never, def) : transposedJvp(def, tangents, xs, out, attrs);
    } finally {
      setObserver(obs);
      for (let i = hiddenTapes.length - 1; i >= 0; i--) recordingTapes.splice(hiddenTapes[i].at, 0, hiddenTapes[i].tape);
      activeAccumulators.push(...hiddenAccs);
    }
    if (t === null) return;
    if (!sameShape(t.shape, out.shape)) {
      throw new InvalidArgumentError(`The forward-mode rule of ${def.name} gave a tangent of shape [${t.shape.join(',')}] for an output of shape [${out.shape.join(',')}]`, def.name);
    }
    this.tangentOf.set(out, t.dtype === out.dtype ? t : cast(t, out.dtype));
  }
}

/** Sums a gradient back to its input's shape (undoes broadcasting, as the tape's unbroadcast). */
function sumToShape(g: Tensor, shape: readonly number[]): Tensor {
  if (sameShape(g.shape, shape)) return g;
  const axes = reductionAxes(shape, g.shape);
  const summed = axes.length ? reduceSum(g, axes) : g;
  return sameShape(summed.shape, shape) ? summed : reshape(summed, shape);
}

/**
 * The JVP of an op without a forward rule, from its gradient rule (TF's `_jvp_helper`): the rule
 * maps u to Jᵀu and is linear in u, so s(u) = Σᵢ ⟨Jᵀu, tangentᵢ⟩ = ⟨u, J·tangent⟩ and ∂s/∂u = J·tangent.
 * A private tape watches u (ones; any value works) and differentiates the rule's own ops: exact,
 * itself made of recorded ops, at the price of a small backward pass per op. @internal Exported
 * for the registry test, which checks every explicit rule against it.
 */
export function transposedJvp(def: OpDef<never>, tangents: (Tensor | null)[], xs: Tensor[], out: Tensor, attrs: unknown): Tensor | null {
  const rule = def.gradient;
  if (rule === undefined) throw new LookupError(`No gradient defined for operation '${def.name}' (op type: ${def.name})`, def.name);
  if (rule === null) return null;
  const u = filled(out.shape, out.dtype, 1);
  const tape = new GradientTape();
  let s: Tensor | null = null;
  tape.record(() => {
    tape.watch(u);
    const thunks = rule(u, xs, out, attrs as never);
    for (let i = 0; i < xs.length; i++) {
      const t = tangents[i];
      const thunk = thunks[i];
      if (t === null || !thunk || !isFloat(xs[i].dtype)) continue;
      const g = thunk();
      if (!g) continue;
      const term = reduceSum(multiply(sumToShape(g, xs[i].shape), t));
      s = s ? add(s, term) : term;
    }
  });
  if (!s) return null;
  // Connected, but s may not depend on u where every local derivative is zero (sign, comparisons).
  return (tape.gradient(s, u) as Tensor | null) ?? filled(out.shape, out.dtype, 0);
}

export const autodiff = { ForwardAccumulator };
