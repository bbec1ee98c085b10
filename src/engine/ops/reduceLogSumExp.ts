import { defineOp } from '../op';
import { toTensor, type Tensor, type TensorLike } from '../tensor';
import { exp } from './exp';
import { multiply } from './multiply';
import { reshape } from './reshape';
import { subtract } from './subtract';
import { keptShape, reduceAttrs, reduceForward, type ReduceAttrs } from './helpers';

/** out = ln Σ eˣ over axes.  ∂out/∂x = e^(x − out) (the softmax over the axes). */
export const ReduceLogSumExp = defineOp<ReduceAttrs>({
  name: 'ReduceLogSumExp',
  inputs: ['x'],
  forward: reduceForward('logsumexp'),
  gradient: (dy, [x], out, { axes }) => {
    const shape = keptShape(x.shape, axes);
    return [
      () => {
        return multiply(reshape(dy, shape), exp(subtract(x, reshape(out, shape))));
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
export function reduceLogSumExp(x: TensorLike, axis?: number | number[] | null, keepdims?: boolean): Tensor {
  const t = toTensor(x);
  return ReduceLogSumExp.apply([t], reduceAttrs(t, axis, keepdims, 'ReduceLogSumExp'));
}
