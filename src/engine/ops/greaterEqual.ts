import { defineOp } from '../op';
import type { Tensor, TensorLike } from '../tensor';
import { binaryForward, pair } from './helpers';

/** out = a >= b (bool).  Not differentiable: both inputs get null. */
export const GreaterEqual = defineOp({
  name: 'GreaterEqual',
  inputs: ['a', 'b'],
  derivative: 'none: a bool output carries no gradient',
  forward: binaryForward('GreaterEqual', 'ge', 'bool'),
  gradient: null,
});

/** tf.greaterEqual: out = a >= b (bool).  Not differentiable: both inputs get null. */
export function greaterEqual(a: TensorLike, b: TensorLike): Tensor {
  return GreaterEqual.apply(pair(a, b));
}
