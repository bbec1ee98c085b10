import { defineOp } from '../op';
import { toTensor, type Tensor, type TensorLike } from '../tensor';
import { reduceAttrs, reduceForward, type ReduceAttrs } from './helpers';
import { splitAmongTies } from './reduceMax';
import { reductionJvp } from './tangents';

/** out = min x over axes.  ∂out/∂x = [x = out] / (number of ties): TensorFlow splits ties equally. */
export const Min = defineOp<ReduceAttrs>({
  name: 'Min',
  inputs: ['x'],
  derivative: '∂out/∂x = 1 at the minimum, 0 elsewhere',
  forward: reduceForward('min'),
  gradient: (dy, [x], out, { axes }) => [() => splitAmongTies(dy, x, out, axes)],
  jvp: reductionJvp,
  sample: { kind: 'cases', cases: [
    { inputs: [{ shape: [2, 3] }], attrs: { axes: [1], keepdims: false } },
    { inputs: [{ shape: [2, 3] }], attrs: { axes: [0, 1], keepdims: true } },
    { inputs: [{ shape: [4] }], attrs: { axes: [0], keepdims: false } },
  ] },
});

/** axis: a number, a list, or undefined for all axes; keepdims keeps reduced axes as 1s. */
export function reduceMin(x: TensorLike, axis?: number | number[] | null, keepdims?: boolean): Tensor {
  const t = toTensor(x);
  return Min.apply([t], reduceAttrs(t, axis, keepdims, 'Min'));
}
