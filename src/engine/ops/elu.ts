import { defineOp } from '../op';
import { toTensor, type Tensor, type TensorLike } from '../tensor';
import { add } from './add';
import { greater } from './greater';
import { multiply } from './multiply';
import { unaryForward } from './helpers';
import { where } from './where';
import { diagonalJvp } from './tangents';

/** out = x if x > 0 else eˣ − 1.  ∂out/∂x = 1 if x > 0 else out + 1 (TensorFlow's EluGrad, from the output). */
export const Elu = defineOp({
  name: 'Elu',
  inputs: ['x'],
  forward: unaryForward('Elu', 'elu'),
  gradient: (dy, [x], out) => [() => where(greater(x, 0), dy, multiply(dy, add(out, 1)))],
  // The second derivative jumps at 0 (0 on the right, 1 on the left).
  sample: { kind: 'unary', kinks: [0], minGap: 0.05 },
  derivative: '∂out/∂x = 1 if x > 0 else out + 1 (= eˣ)',
  jvp: diagonalJvp,
});

/** tf.nn.elu: out = x if x > 0 else eˣ − 1.  ∂out/∂x = 1 if x > 0 else out + 1. */
export function elu(features: TensorLike): Tensor {
  return Elu.apply([toTensor(features)]);
}
