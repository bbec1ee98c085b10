import { allocate } from '../dtype';
import { InvalidArgumentError } from '../errors';
import { defineOp } from '../op';
import { normalizeAxis, shapeText } from '../shape';
import { Tensor, type TensorLike } from '../tensor';
import { slice } from './slice';
import { convertAll, sameDtype } from './helpers';
import { linearJvp } from './tangents';

/** Joins tensors along `axis` (shapes must agree elsewhere); returns data and shape. */
export function joinAlong(xs: readonly Tensor[], axis: number, op: string): Tensor {
  const dtype = sameDtype(op, xs);
  const first = xs[0].shape;
  for (const x of xs) {
    if (x.shape.length !== first.length || x.shape.some((d, i) => i !== axis && d !== first[i])) {
      throw new InvalidArgumentError(
        `ConcatOp : Dimension ${first.findIndex((d, i) => i !== axis && d !== x.shape[i])} in both shapes must be equal: shape[0] = ${shapeText(first)} vs. shape[${xs.indexOf(x)}] = ${shapeText(x.shape)}`,
        op,
      );
    }
  }
  const shape = first.slice();
  shape[axis] = xs.reduce((s, x) => s + x.shape[axis], 0);
  let outer = 1;
  for (let i = 0; i < axis; i++) outer *= first[i];
  const out = allocate(dtype, outer === 0 ? 0 : shape.reduce((p, d) => p * d, 1));
  const rowLen = out.length / Math.max(outer, 1);
  // Copy each input's contiguous block per outer index, side by side.
  let col = 0;
  for (const x of xs) {
    const block = outer === 0 ? 0 : x.size / outer;
    for (let o = 0; o < outer; o++) out.set(x.data.subarray(o * block, (o + 1) * block), o * rowLen + col);
    col += block;
  }
  return new Tensor(out, shape, dtype);
}

/** out = [x₀ x₁ …] along axis.  ∂out/∂xᵢ = the slice of dy that xᵢ filled. */
export const ConcatV2 = defineOp<{ axis: number }>({
  name: 'ConcatV2',
  inputs: ['values'],
  derivative: '∂L/∂values = the slice of ∂L/∂out where values sits',
  variadic: true,
  forward: (xs, { axis }) => joinAlong(xs, axis, 'ConcatV2'),
  gradient: (dy, xs, _out, { axis }) => {
    let offset = 0;
    return xs.map((x) => {
      const begin = x.shape.map((_, i) => (i === axis ? offset : 0));
      offset += x.shape[axis];
      return () => slice(dy, begin, x.shape);
    });
  },
  jvp: linearJvp,
  sample: {
    kind: 'cases',
    cases: [
      { inputs: [{ shape: [2, 3] }, { shape: [2, 1] }], attrs: { axis: 1 } },
      { inputs: [{ shape: [1, 3] }, { shape: [2, 3] }, { shape: [1, 3] }], attrs: { axis: 0 } },
    ],
  },
});

/** tf.concat: out = [x₀ x₁ …] along axis.  ∂out/∂xᵢ = the slice of dy that xᵢ filled. */
export function concat(values: readonly TensorLike[], axis: number): Tensor {
  const xs = convertAll(values);
  if (xs.length === 0) throw new InvalidArgumentError('ConcatOp : Expected a non-empty list of tensors', 'ConcatV2');
  return ConcatV2.apply(xs, { axis: normalizeAxis(axis, xs[0].rank, 'ConcatV2') });
}
