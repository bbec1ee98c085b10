import { defineOp } from '../op';
import { toTensor, type Tensor, type TensorLike } from '../tensor';
import { unaryForward } from './helpers';
import { sigmoidGrad } from './sigmoidGrad';

/** out = 1/(1 + e⁻ˣ).  ∂out/∂x = out·(1 − out). */
export const Sigmoid = defineOp({
  name: 'Sigmoid',
  inputs: ['x'],
  derivative: '∂out/∂x = σ(x)(1 − σ(x))',
  forward: unaryForward('Sigmoid', 'sigmoid'),
  // One fused op (TensorFlow's SigmoidGrad) instead of Sub, Mul and Mul.
  inputGradient: (dy, _xs, out) => sigmoidGrad(out, dy),
  jvp: ([t], _xs, out) => sigmoidGrad(out, t!),
  sample: { kind: 'unary' },
});

/** tf.sigmoid: out = 1/(1 + e⁻ˣ).  ∂out/∂x = out·(1 − out). */
export function sigmoid(x: TensorLike): Tensor {
  return Sigmoid.apply([toTensor(x)]);
}
