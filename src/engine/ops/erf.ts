import { defineOp } from '../op';
import { toTensor, type Tensor, type TensorLike } from '../tensor';
import { exp } from './exp';
import { multiply } from './multiply';
import { negative } from './negative';
import { square } from './square';
import { unaryForward } from './helpers';
import { diagonalJvp } from './tangents';

/** out = erf(x) = 2/√π ∫₀ˣ e^(−t²) dt.  ∂out/∂x = 2/√π · e^(−x²) (TensorFlow's _ErfGrad). */
export const Erf = defineOp({
  name: 'Erf',
  inputs: ['x'],
  forward: unaryForward('Erf', 'erf'),
  gradient: (dy, [x]) => [() => multiply(dy, multiply(2 / Math.sqrt(Math.PI), exp(negative(square(x)))))],
  sample: { kind: 'unary', lo: -3.5, hi: 3.5 },
  derivative: '∂out/∂x = 2/√π · e^(−x²)',
  jvp: diagonalJvp,
});

/** tf.math.erf: out = 2/√π ∫₀ˣ e^(−t²) dt.  ∂out/∂x = 2/√π · e^(−x²). */
export function erf(x: TensorLike): Tensor {
  return Erf.apply([toTensor(x)]);
}
