import { defineOp } from '../op';
import type { Tensor, TensorLike } from '../tensor';
import { greater } from './greater';
import { log } from './log';
import { multiply } from './multiply';
import { subtract } from './subtract';
import { binaryForward, filled, pair } from './helpers';
import { where } from './where';
import { diagonalJvp } from './tangents';

/** out = aᵇ.  ∂out/∂a = b·aᵇ⁻¹, ∂out/∂b = out·ln a (0 where a ≤ 0, as TensorFlow's _PowGrad). */
export const Pow = defineOp({
  name: 'Pow',
  inputs: ['a', 'b'],
  derivative: '∂out/∂a = b·a^(b−1), ∂out/∂b = a^b·ln a',
  forward: binaryForward('Pow', 'pow'),
  gradient: (dy, [a, b], out) => [
    () => multiply(dy, multiply(b, pow(a, subtract(b, 1)))),
    () => {
      const positive = greater(a, 0);
      const safeA = where(positive, a, filled(a.shape, a.dtype, 1));
      const logA = where(positive, log(safeA), filled(a.shape, a.dtype, 0));
      return multiply(dy, multiply(out, logA));
    },
  ],
  jvp: diagonalJvp,
  sample: { kind: 'binary', lo: [0.5, -2], hi: [2, 2] },
});

/** tf.pow: out = aᵇ.  ∂out/∂a = b·aᵇ⁻¹, ∂out/∂b = out·ln a (0 where a ≤ 0, as TensorFlow's _PowGrad). */
export function pow(a: TensorLike, b: TensorLike): Tensor {
  return Pow.apply(pair(a, b));
}
