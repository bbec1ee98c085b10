import { defineOp } from '../op';
import { toTensor, type Tensor, type TensorLike } from '../tensor';
import { multiply } from './multiply';
import { square } from './square';
import { subtract } from './subtract';
import { unaryForward } from './helpers';

/** out = tanh x.  ∂out/∂x = 1 − out². */
export const Tanh = defineOp({
  name: 'Tanh',
  inputs: ['x'],
  derivative: '∂out/∂x = 1 − tanh² x',
  forward: unaryForward('Tanh', 'tanh'),
  gradient: (dy, _xs, out) => [() => multiply(dy, subtract(1, square(out)))],
  jvp: ([t], _xs, out) => multiply(t!, subtract(1, multiply(out, out))),
  sample: { kind: 'unary' },
});

/** tf.tanh: out = tanh x.  ∂out/∂x = 1 − out². */
export function tanh(x: TensorLike): Tensor {
  return Tanh.apply([toTensor(x)]);
}
