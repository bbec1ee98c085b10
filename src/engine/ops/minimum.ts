import { defineOp } from '../op';
import type { Tensor, TensorLike } from '../tensor';
import { lessEqual } from './lessEqual';
import { binaryForward, filled, pair } from './helpers';
import { where } from './where';
import { diagonalJvp } from './tangents';

/** out = min(a, b).  ∂out/∂a = [a ≤ b], ∂out/∂b = [a > b] (a tie goes to a, as TensorFlow). */
export const Minimum = defineOp({
  name: 'Minimum',
  inputs: ['a', 'b'],
  derivative: '∂out/∂a = 1 if a ≤ b else 0, ∂out/∂b = 1 if b < a else 0',
  forward: binaryForward('Minimum', 'min'),
  gradient: (dy, [a, b]) => {
    const mask = lessEqual(a, b);
    const zero = filled([], dy.dtype, 0);
    return [() => where(mask, dy, zero), () => where(mask, zero, dy)];
  },
  jvp: diagonalJvp,
  sample: { kind: 'binary', apart: 0.1 },
});

/** tf.minimum: out = min(a, b).  ∂out/∂a = [a ≤ b], ∂out/∂b = [a > b] (a tie goes to a, as TensorFlow). */
export function minimum(a: TensorLike, b: TensorLike): Tensor {
  return Minimum.apply(pair(a, b));
}
