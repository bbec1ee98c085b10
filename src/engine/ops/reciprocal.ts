import { defineOp } from '../op';
import { toTensor, type Tensor, type TensorLike } from '../tensor';
import { multiply } from './multiply';
import { negative } from './negative';
import { square } from './square';
import { unaryForward } from './helpers';
import { diagonalJvp } from './tangents';

/** out = 1/x.  ∂out/∂x = −out² (TensorFlow's ReciprocalGrad, from the output). */
export const Reciprocal = defineOp({
  name: 'Reciprocal',
  inputs: ['x'],
  forward: unaryForward('Reciprocal', 'reciprocal'),
  gradient: (dy, _xs, out) => [() => multiply(dy, negative(square(out)))],
  sample: { kind: 'unary', kinks: [0], minGap: 0.3 },
  derivative: '∂out/∂x = −out² (= −1/x²)',
  jvp: diagonalJvp,
});

/** tf.math.reciprocal: out = 1/x.  ∂out/∂x = −out². */
export function reciprocal(x: TensorLike): Tensor {
  return Reciprocal.apply([toTensor(x)]);
}
