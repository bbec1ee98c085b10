/**
 * tf.autodiff.ForwardAccumulator: Jacobian-vector products (forward mode), as TensorFlow's
 * `tf.autodiff.ForwardAccumulator(primals, tangents)` with `acc.record(fn)` for `with acc:` and
 * `acc.jvp(t, { unconnectedGradients })`.
 *
 * How, without a forward rule per op: the double-VJP trick on top of the reverse-mode tape.
 * Inside `record`, a persistent tape T watches the primals x. For a target t = f(x):
 *   g(u)  = T.gradient(t, x, { outputGradients: u }) = Jᵀu      (linear in u)
 *   s(u)  = Σᵢ ⟨g(u)ᵢ, tangentᵢ⟩ = ⟨u, J·tangent⟩
 *   jvp   = ∂s/∂u = J·tangent
 * An outer tape O watches u (any value works, since s is linear in u; we use zeros) and records
 * the computation of g, because gradient rules are themselves recorded ops. This costs two
 * reverse passes instead of one forward pass, and works for every op that has a gradient,
 * including gradients of gradients (forward-over-reverse Hessian-vector products).
 */
import { Tensor } from './tensor';
import { constant, multiply, reduceSum, add, zerosLike, cast } from './ops/index';
import { checkUnconnected, GradientTape, type GradientOf } from './tape';
import { InvalidArgumentError } from './errors';
import { observeCall, observer, setObserver } from './observer';

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

function isFloat(t: Tensor): boolean {
  return t.dtype === 'float32' || t.dtype === 'float64';
}

let nextJvpCallId = 1_000_000_000; // apart from the tape's gradient call ids, so trace ids never collide

export class ForwardAccumulator {
  private readonly primals: Tensor[];
  private readonly tangents: Tensor[];
  private readonly tape: GradientTape;

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
    this.tape = new GradientTape({ persistent: true, watchAccessedVariables: false });
  }

  /** TF's `with acc:` block: computations on the primals inside `fn` can be asked for their JVP. */
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
    this.tape.enter();
    try {
      this.tape.watch(this.primals);
    } catch (e) {
      this.tape.exit();
      throw e;
    }
  }

  /** @internal The end of `with acc:` (Python's `__exit__`). */
  exit(): void {
    this.tape.exit();
  }

  /**
   * `acc.jvp(primals)`: J·tangent for each tensor of the structure (same structure back).
   * A tensor that does not depend on the primals gives null, or zeros with
   * `unconnectedGradients: "zero"`, as TF's `UnconnectedGradients`.
   */
  jvp<S extends Structure<Tensor>>(target: S, options: { unconnectedGradients?: 'none' | 'zero' } = {}): JvpResult<S> {
    return observeCall('jvp', undefined, () => this.jvpOf(target, options));
  }

  private jvpOf<S extends Structure<Tensor>>(target: S, { unconnectedGradients = 'none' }: { unconnectedGradients?: 'none' | 'zero' }): JvpResult<S> {
    const o = observer();
    const pos = o?.locate();
    checkUnconnected(unconnectedGradients);
    const targets = flatten(target);
    // The double-VJP internals are not user operations: keep them out of the trace.
    const prev = setObserver(null);
    let results: (Tensor | null)[];
    try {
      results = targets.map((t) => this.jvpOne(t, unconnectedGradients));
    } finally {
      setObserver(prev);
    }
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
        tapeId: this.tape.id,
        pos,
        targets,
        sources: this.primals.map((p, i) => ({ key: i, tensor: p, result: this.tangents[i] })),
        adjoints,
      });
    }
    return unflatten(target, results) as JvpResult<S>;
  }

  private jvpOne(t: Tensor, unconnected: 'none' | 'zero'): Tensor | null {
    const unconnectedResult = (): Tensor | null => (unconnected === 'zero' ? zerosLike(t) : null);
    if (!isFloat(t)) return unconnectedResult();
    // A primal's own JVP is its tangent (the gradient path below would give the same).
    const own = this.primals.indexOf(t);
    if (own >= 0) return this.tangents[own];
    const u = zerosLike(t);
    const outer = new GradientTape();
    let s: Tensor | null = null;
    outer.record(() => {
      outer.watch(u);
      const gs = this.tape.gradient(t, this.primals, { outputGradients: u }) as (Tensor | null)[];
      for (let i = 0; i < gs.length; i++) {
        const g = gs[i];
        if (!g) continue;
        const term = reduceSum(multiply(g, this.tangents[i]));
        s = s ? add(s, term) : term;
      }
    });
    if (!s) return unconnectedResult();
    // Connected, but the result may not depend on u when every local derivative is zero (sign, comparisons).
    return (outer.gradient(s, u) as Tensor | null) ?? zerosLike(t);
  }
}

export const autodiff = { ForwardAccumulator };
