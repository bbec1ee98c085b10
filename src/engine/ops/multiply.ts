import { defineOp } from '../op';
import type { Tensor, TensorLike } from '../tensor';
import { binaryForward, pair } from './helpers';
import { sumTangents } from './tangents';

/** out = a·b.  ∂out/∂a = b, ∂out/∂b = a. */
export const Mul = defineOp({
  name: 'Mul',
  inputs: ['a', 'b'],
  derivative: '∂out/∂a = b, ∂out/∂b = a',
  forward: binaryForward('Mul', 'mul'),
  inputGradient: (dy, xs, _out, _attrs, i) => multiply(dy, xs[1 - i]),
  jvp: ([ta, tb], [a, b], out) => sumTangents([ta && multiply(ta, b), tb && multiply(a, tb)], out),
  sample: { kind: 'binary' },
});

/** tf.multiply: out = a·b.  ∂out/∂a = b, ∂out/∂b = a. */
export function multiply(a: TensorLike, b: TensorLike): Tensor {
  return Mul.apply(pair(a, b));
}
