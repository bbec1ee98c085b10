import { defineOp } from '../op';
import { toTensor, type Tensor, type TensorLike } from '../tensor';
import { broadcastTo } from './broadcastTo';
import { divide } from './divide';
import { reshape } from './reshape';
import { keptShape, reduceAttrs, reduceForward, REDUCE_SAMPLE, type ReduceAttrs } from './helpers';
import { linearJvp } from './tangents';

/** out = (Σ x over axes) / n.  ∂out/∂x = 1/n, broadcast back over the reduced axes. */
export const Mean = defineOp<ReduceAttrs>({
  name: 'Mean',
  inputs: ['x'],
  derivative: '∂out/∂x = 1/n',
  forward: reduceForward('mean'),
  gradient: (dy, [x], out, { axes }) => {
    const shape = keptShape(x.shape, axes);
    return [
      () => {
        const n = x.size / Math.max(out.size, 1);
        return divide(broadcastTo(reshape(dy, shape), x.shape), n);
      },
    ];
  },
  jvp: linearJvp,
  sample: REDUCE_SAMPLE,
});

/** axis: a number, a list, or undefined for all axes; keepdims keeps reduced axes as 1s. */
export function reduceMean(x: TensorLike, axis?: number | number[] | null, keepdims?: boolean): Tensor {
  const t = toTensor(x);
  return Mean.apply([t], reduceAttrs(t, axis, keepdims, 'Mean'));
}
