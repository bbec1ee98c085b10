import { defineOp } from '../op';
import type { Tensor, TensorLike } from '../tensor';
import { binaryForward, pair } from './helpers';

/** out = a > b (bool).  Not differentiable: both inputs get null. */
export const Greater = defineOp({
  name: 'Greater',
  inputs: ['a', 'b'],
  derivative: 'none: a bool output carries no gradient',
  forward: binaryForward('Greater', 'gt', 'bool'),
  gradient: null,
});

/** tf.greater: out = a > b (bool).  Not differentiable: both inputs get null. */
export function greater(a: TensorLike, b: TensorLike): Tensor {
  return Greater.apply(pair(a, b));
}
