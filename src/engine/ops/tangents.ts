/**
 * Shared forward-mode rules and pieces of rules (OpSpec.jvp): a rule maps the inputs' tangents
 * (`null` = zero) to the output's tangent with ops, so the tangent is itself recorded and
 * differentiable (forward.ts).
 */
import { isFloat } from '../dtype';
import { definedOp, type OpDef } from '../op';
import { sameShape } from '../shape';
import type { Tensor } from '../tensor';
import { filled, type ReduceAttrs } from './helpers';

// Ops are looked up, not imported: the op files import this one for their rules.
const add = (a: Tensor, b: Tensor): Tensor => definedOp('Add').apply([a, b]);
const multiply = (a: Tensor, b: Tensor): Tensor => definedOp('Mul').apply([a, b]);
const broadcastTo = (x: Tensor, shape: readonly number[]): Tensor => definedOp<{ shape: number[] }>('BroadcastTo').apply([x], { shape: shape.slice() });

/** The sum of the tangent terms that exist, at the output's shape (broadcast where needed); null when none. */
export function sumTangents(terms: readonly (Tensor | null)[], out: Tensor): Tensor | null {
  let s: Tensor | null = null;
  for (const t of terms) if (t) s = s ? add(s, t) : t;
  return s && !sameShape(s.shape, out.shape) ? broadcastTo(s, out.shape) : s;
}

/**
 * For an op linear in its float inputs (reshape, transpose, concat, reduceSum, gather's params, …):
 * the op itself applied to the tangents, zeros standing in for missing ones, other inputs (indices)
 * as they are.
 */
export function linearJvp<A>(tangents: (Tensor | null)[], xs: Tensor[], _out: Tensor, attrs: A, op: OpDef<A>): Tensor {
  return op.apply(xs.map((x, i) => tangents[i] ?? (isFloat(x.dtype) ? filled(x.shape, x.dtype, 0) : x)), attrs);
}

/**
 * For an elementwise op: its Jacobian is diagonal (after broadcasting), hence its own transpose, so
 * the gradient rule applied to an input's tangent (at the output's shape) is that input's share of
 * the JVP. Keeps the gradient's conventions at kinks and ties (relu at 0, maximum's tie) exactly.
 */
export function diagonalJvp<A>(tangents: (Tensor | null)[], xs: Tensor[], out: Tensor, attrs: A, op: OpDef<A>): Tensor | null {
  const rule = op.gradient!;
  const terms = tangents.map((t, i) => {
    if (t === null) return null;
    const thunk = rule(sameShape(t.shape, out.shape) ? t : broadcastTo(t, out.shape), xs, out, attrs)[i];
    return thunk ? thunk() : null;
  });
  return sumTangents(terms, out);
}

/**
 * For a reduction where each input element feeds one output element (max, min, logsumexp): the
 * gradient rule at dy = 1 gives each element's local derivative ∂out/∂x (TF's ties included), and
 * the JVP sums tangent · derivative over the reduced axes.
 */
export function reductionJvp(tangents: (Tensor | null)[], xs: Tensor[], out: Tensor, attrs: ReduceAttrs, op: OpDef<ReduceAttrs>): Tensor {
  const local = op.gradient!(filled(out.shape, out.dtype, 1), xs, out, attrs)[0]!()!;
  return definedOp<ReduceAttrs>('Sum').apply([multiply(tangents[0]!, local)], attrs);
}

/** For an op linear in each of its two inputs (matmul, the convolutions and their backprops): op(ȧ, b) + op(a, ḃ). */
export function bilinearJvp<A>(tangents: (Tensor | null)[], [a, b]: Tensor[], out: Tensor, attrs: A, op: OpDef<A>): Tensor | null {
  const [ta, tb] = tangents;
  return sumTangents([ta && op.apply([ta, b], attrs), tb && op.apply([a, tb], attrs)], out);
}
