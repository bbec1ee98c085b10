import { defineOp } from '../op';
import type { Tensor, TensorLike } from '../tensor';
import { binaryForward, pair } from './helpers';

/** out = a < b (bool).  Not differentiable: both inputs get null. */
export const Less = defineOp({
  name: 'Less',
  inputs: ['a', 'b'],
  derivative: 'none: a bool output carries no gradient',
  forward: binaryForward('Less', 'lt', 'bool'),
  gradient: null,
});

/** tf.less: out = a < b (bool).  Not differentiable: both inputs get null. */
export function less(a: TensorLike, b: TensorLike): Tensor {
  return Less.apply(pair(a, b));
}
