import { defineOp } from '../op';
import { toTensor, type Tensor, type TensorLike } from '../tensor';
import { broadcastTo } from './broadcastTo';
import { reshape } from './reshape';
import { keptShape, reduceAttrs, reduceForward, REDUCE_SAMPLE, type ReduceAttrs } from './helpers';
import { linearJvp } from './tangents';

/** out = Σ x over axes.  ∂out/∂x = 1, broadcast back over the reduced axes. */
export const Sum = defineOp<ReduceAttrs>({
  name: 'Sum',
  inputs: ['x'],
  derivative: '∂out/∂x = 1 (broadcast back over the summed axes)',
  forward: reduceForward('sum'),
  gradient: (dy, [x], out, { axes }) => {
    const shape = keptShape(x.shape, axes);
    return [
      () => {
        return broadcastTo(reshape(dy, shape), x.shape);
      },
    ];
  },
  jvp: linearJvp,
  sample: REDUCE_SAMPLE,
});

/** axis: a number, a list, or undefined for all axes; keepdims keeps reduced axes as 1s. */
export function reduceSum(x: TensorLike, axis?: number | number[] | null, keepdims?: boolean): Tensor {
  const t = toTensor(x);
  return Sum.apply([t], reduceAttrs(t, axis, keepdims, 'Sum'));
}
