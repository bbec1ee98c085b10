import { defineOp } from '../op';
import type { Tensor, TensorLike } from '../tensor';
import { binaryForward, pair } from './helpers';

/** out = a <= b (bool).  Not differentiable: both inputs get null. */
export const LessEqual = defineOp({
  name: 'LessEqual',
  inputs: ['a', 'b'],
  derivative: 'none: a bool output carries no gradient',
  forward: binaryForward('LessEqual', 'le', 'bool'),
  gradient: null,
});

/** tf.lessEqual: out = a <= b (bool).  Not differentiable: both inputs get null. */
export function lessEqual(a: TensorLike, b: TensorLike): Tensor {
  return LessEqual.apply(pair(a, b));
}
