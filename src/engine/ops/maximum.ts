import { defineOp } from '../op';
import type { Tensor, TensorLike } from '../tensor';
import { greaterEqual } from './greaterEqual';
import { binaryForward, filled, pair } from './helpers';
import { where } from './where';
import { diagonalJvp } from './tangents';

/** out = max(a, b).  ∂out/∂a = [a ≥ b], ∂out/∂b = [a < b] (a tie goes to a, as TensorFlow). */
export const Maximum = defineOp({
  name: 'Maximum',
  inputs: ['a', 'b'],
  derivative: '∂out/∂a = 1 if a ≥ b else 0, ∂out/∂b = 1 if b > a else 0',
  forward: binaryForward('Maximum', 'max'),
  gradient: (dy, [a, b]) => {
    const mask = greaterEqual(a, b);
    const zero = filled([], dy.dtype, 0);
    return [() => where(mask, dy, zero), () => where(mask, zero, dy)];
  },
  jvp: diagonalJvp,
  sample: { kind: 'binary', apart: 0.1 },
});

/** tf.maximum: out = max(a, b).  ∂out/∂a = [a ≥ b], ∂out/∂b = [a < b] (a tie goes to a, as TensorFlow). */
export function maximum(a: TensorLike, b: TensorLike): Tensor {
  return Maximum.apply(pair(a, b));
}
