import { defineOp } from '../op';
import { toTensor, type Tensor, type TensorLike } from '../tensor';
import { broadcastTo } from './broadcastTo';
import { reshape } from './reshape';
import { keptShape, reduceAttrs, reduceForward, type ReduceAttrs } from './helpers';

/** out = Σ x over axes.  ∂out/∂x = 1, broadcast back over the reduced axes. */
export const Sum = defineOp<ReduceAttrs>({
  name: 'Sum',
  inputs: ['x'],
  forward: reduceForward('sum'),
  gradient: (dy, [x], out, { axes }) => {
    const shape = keptShape(x.shape, axes);
    return [
      () => {
        return broadcastTo(reshape(dy, shape), x.shape);
      },
    ];
  },
  sample: { kind: 'cases', cases: [
    { inputs: [{ shape: [2, 3] }], attrs: { axes: [1], keepdims: false } },
    { inputs: [{ shape: [2, 3] }], attrs: { axes: [0], keepdims: true } },
    { inputs: [{ shape: [2, 3, 2] }], attrs: { axes: [0, 2], keepdims: false } },
    { inputs: [{ shape: [4] }], attrs: { axes: [0], keepdims: false } },
    { inputs: [{ shape: [] }], attrs: { axes: [], keepdims: false } },
  ] },
});

/** axis: a number, a list, or undefined for all axes; keepdims keeps reduced axes as 1s. */
export function reduceSum(x: TensorLike, axis?: number | number[] | null, keepdims?: boolean): Tensor {
  const t = toTensor(x);
  return Sum.apply([t], reduceAttrs(t, axis, keepdims, 'Sum'));
}
