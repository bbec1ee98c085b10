import { defineOp } from '../op';
import { toTensor, type Tensor, type TensorLike } from '../tensor';
import { cast } from './cast';
import { divide } from './divide';
import { equal } from './equal';
import { multiply } from './multiply';
import { reduceSum } from './reduceSum';
import { reshape } from './reshape';
import { keptShape, reduceAttrs, reduceForward, type ReduceAttrs } from './helpers';
import { reductionJvp } from './tangents';

/** out = max x over axes.  ∂out/∂x = [x = out] / (number of ties): TensorFlow splits ties equally. */
export const Max = defineOp<ReduceAttrs>({
  name: 'Max',
  inputs: ['x'],
  derivative: '∂out/∂x = 1 at the maximum, 0 elsewhere',
  forward: reduceForward('max'),
  gradient: (dy, [x], out, { axes }) => [() => splitAmongTies(dy, x, out, axes)],
  jvp: reductionJvp,
  sample: { kind: 'cases', cases: [
    { inputs: [{ shape: [2, 3] }], attrs: { axes: [1], keepdims: false } },
    { inputs: [{ shape: [2, 3] }], attrs: { axes: [0, 1], keepdims: true } },
    { inputs: [{ shape: [4] }], attrs: { axes: [0], keepdims: false } },
  ] },
});

/** dy reaches the elements equal to the extremum, shared equally among ties (also Min's gradient). */
export function splitAmongTies(dy: Tensor, x: Tensor, out: Tensor, axes: number[]): Tensor {
  const shape = keptShape(x.shape, axes);
  const indicators = cast(equal(x, reshape(out, shape)), dy.dtype);
  const count = reshape(reduceSum(indicators, axes), shape);
  return multiply(divide(indicators, count), reshape(dy, shape));
}

/** axis: a number, a list, or undefined for all axes; keepdims keeps reduced axes as 1s. */
export function reduceMax(x: TensorLike, axis?: number | number[] | null, keepdims?: boolean): Tensor {
  const t = toTensor(x);
  return Max.apply([t], reduceAttrs(t, axis, keepdims, 'Max'));
}
