import { defineOp } from '../op';
import type { Tensor, TensorLike } from '../tensor';
import { negative } from './negative';
import { binaryForward, pair } from './helpers';
import { sumTangents } from './tangents';

/** out = a − b.  ∂out/∂a = 1, ∂out/∂b = −1. */
export const Sub = defineOp({
  name: 'Sub',
  inputs: ['a', 'b'],
  derivative: '∂out/∂a = 1, ∂out/∂b = −1',
  forward: binaryForward('Sub', 'sub'),
  gradient: (dy) => [() => dy, () => negative(dy)],
  jvp: ([ta, tb], _xs, out) => sumTangents([ta, tb && negative(tb)], out),
  sample: { kind: 'binary' },
});

/** tf.subtract: out = a − b.  ∂out/∂a = 1, ∂out/∂b = −1. */
export function subtract(a: TensorLike, b: TensorLike): Tensor {
  return Sub.apply(pair(a, b));
}
