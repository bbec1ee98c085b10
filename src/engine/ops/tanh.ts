import { defineOp } from '../op';
import { toTensor, type Tensor, type TensorLike } from '../tensor';
import { unaryForward } from './helpers';
import { tanhGrad } from './tanhGrad';

/** out = tanh x.  ∂out/∂x = 1 − out². */
export const Tanh = defineOp({
  name: 'Tanh',
  inputs: ['x'],
  derivative: '∂out/∂x = 1 − tanh² x',
  forward: unaryForward('Tanh', 'tanh'),
  // One fused op (TensorFlow's TanhGrad) instead of Square, Sub and Mul: a quarter of the tape's work.
  inputGradient: (dy, _xs, out) => tanhGrad(out, dy),
  jvp: ([t], _xs, out) => tanhGrad(out, t!),
  sample: { kind: 'unary' },
});

/** tf.tanh: out = tanh x.  ∂out/∂x = 1 − out². */
export function tanh(x: TensorLike): Tensor {
  return Tanh.apply([toTensor(x)]);
}
