import { SELU_ALPHA, SELU_SCALE } from '../kernels';
import { defineOp } from '../op';
import { toTensor, type Tensor, type TensorLike } from '../tensor';
import { add } from './add';
import { greater } from './greater';
import { multiply } from './multiply';
import { unaryForward } from './helpers';
import { where } from './where';
import { diagonalJvp } from './tangents';

/**
 * out = λx if x > 0 else λα(eˣ − 1), λ ≈ 1.0507, α ≈ 1.6733.
 * ∂out/∂x = λ if x > 0 else out + λα (TensorFlow's SeluGrad, from the output).
 */
export const Selu = defineOp({
  name: 'Selu',
  inputs: ['x'],
  forward: unaryForward('Selu', 'selu'),
  gradient: (dy, [x], out) => [() => where(greater(x, 0), multiply(dy, SELU_SCALE), multiply(dy, add(out, SELU_SCALE * SELU_ALPHA)))],
  sample: { kind: 'unary', kinks: [0], minGap: 0.05 },
  derivative: '∂out/∂x = λ if x > 0 else out + λα (λ ≈ 1.0507 and α ≈ 1.6733)',
  jvp: diagonalJvp,
});

/** tf.nn.selu: out = λx if x > 0 else λα(eˣ − 1).  ∂out/∂x = λ if x > 0 else out + λα. */
export function selu(features: TensorLike): Tensor {
  return Selu.apply([toTensor(features)]);
}
