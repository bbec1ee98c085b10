import { defineOp } from '../op';
import type { Tensor, TensorLike } from '../tensor';
import { binaryForward, pair } from './helpers';

/** out = a == b (bool).  Not differentiable: both inputs get null. */
export const Equal = defineOp({
  name: 'Equal',
  inputs: ['a', 'b'],
  derivative: 'none: a bool output carries no gradient',
  forward: binaryForward('Equal', 'eq', 'bool'),
  gradient: null,
});

/** tf.equal: out = a == b (bool).  Not differentiable: both inputs get null. */
export function equal(a: TensorLike, b: TensorLike): Tensor {
  return Equal.apply(pair(a, b));
}
