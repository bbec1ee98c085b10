import { defineOp } from '../op';
import { toTensor, type Tensor, type TensorLike } from '../tensor';
import { multiply } from './multiply';
import { unaryForward } from './helpers';

/** out = x².  ∂out/∂x = 2x. */
export const Square = defineOp({
  name: 'Square',
  inputs: ['x'],
  derivative: '∂out/∂x = 2x',
  forward: unaryForward('Square', 'square', false),
  gradient: (dy, [x]) => [() => multiply(dy, multiply(2, x))],
  jvp: ([t], [x]) => multiply(t!, multiply(x, 2)),
  sample: { kind: 'unary' },
});

/** tf.square: out = x².  ∂out/∂x = 2x. */
export function square(x: TensorLike): Tensor {
  return Square.apply([toTensor(x)]);
}
