import { defineOp } from '../op';
import { toTensor, type Tensor, type TensorLike } from '../tensor';
import { multiply } from './multiply';
import { sign } from './sign';
import { unaryForward } from './helpers';
import { diagonalJvp } from './tangents';

/** out = |x|.  ∂out/∂x = sign(x), so abs'(0) = 0 (TensorFlow, unlike tfjs's step). */
export const Abs = defineOp({
  name: 'Abs',
  inputs: ['x'],
  derivative: '∂out/∂x = sign(x)',
  forward: unaryForward('Abs', 'abs', false),
  gradient: (dy, [x]) => [() => multiply(dy, sign(x))],
  // NOTE: the derivative jumps at 0, so the gradient check samples away from it.
  jvp: diagonalJvp,
  sample: { kind: 'unary', kinks: [0], minGap: 0.05 },
});

/** tf.abs: out = |x|.  ∂out/∂x = sign(x), so abs'(0) = 0 (TensorFlow, unlike tfjs's step). */
export function abs(x: TensorLike): Tensor {
  return Abs.apply([toTensor(x)]);
}
