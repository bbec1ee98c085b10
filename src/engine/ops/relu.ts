import { defineOp } from '../op';
import { toTensor, type Tensor, type TensorLike } from '../tensor';
import { greater } from './greater';
import { filled, unaryForward } from './helpers';
import { where } from './where';
import { diagonalJvp } from './tangents';

/** out = max(x, 0).  ∂out/∂x = [x > 0], so relu'(0) = 0 (TensorFlow's ReluGrad). */
export const Relu = defineOp({
  name: 'Relu',
  inputs: ['x'],
  derivative: '∂out/∂x = 1 if x > 0 else 0',
  forward: unaryForward('Relu', 'relu', false),
  gradient: (dy, [x]) => [() => where(greater(x, 0), dy, filled([], dy.dtype, 0))],
  // NOTE: relu'(0) is taken as 0, so the gradient check samples away from x = 0.
  jvp: diagonalJvp,
  sample: { kind: 'unary', kinks: [0], minGap: 0.05 },
});

/** tf.relu: out = max(x, 0).  ∂out/∂x = [x > 0], so relu'(0) = 0 (TensorFlow's ReluGrad). */
export function relu(x: TensorLike): Tensor {
  return Relu.apply([toTensor(x)]);
}
