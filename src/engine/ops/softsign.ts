import { defineOp } from '../op';
import { toTensor, type Tensor, type TensorLike } from '../tensor';
import { abs } from './abs';
import { add } from './add';
import { divide } from './divide';
import { square } from './square';
import { unaryForward } from './helpers';
import { diagonalJvp } from './tangents';

/** out = x / (1 + |x|).  ∂out/∂x = 1 / (1 + |x|)² (TensorFlow's SoftsignGrad). */
export const Softsign = defineOp({
  name: 'Softsign',
  inputs: ['x'],
  forward: unaryForward('Softsign', 'softsign'),
  gradient: (dy, [x]) => [() => divide(dy, square(add(1, abs(x))))],
  // The second derivative jumps at 0 (|x| has a kink there).
  sample: { kind: 'unary', kinks: [0], minGap: 0.05 },
  derivative: '∂out/∂x = 1 / (1 + |x|)²',
  jvp: diagonalJvp,
});

/** tf.nn.softsign: out = x / (1 + |x|).  ∂out/∂x = 1 / (1 + |x|)². */
export function softsign(features: TensorLike): Tensor {
  return Softsign.apply([toTensor(features)]);
}
