import { defineOp } from '../op';
import { toTensor, type Tensor, type TensorLike } from '../tensor';
import { greater } from './greater';
import { less } from './less';
import { filled, unaryForward } from './helpers';
import { where } from './where';
import { diagonalJvp } from './tangents';

/** out = min(max(x, 0), 6).  ∂out/∂x = 1 if 0 < x < 6 else 0 (TensorFlow's Relu6Grad). */
export const Relu6 = defineOp({
  name: 'Relu6',
  inputs: ['x'],
  forward: unaryForward('Relu6', 'relu6', false),
  gradient: (dy, [x]) => {
    const zero = filled([], dy.dtype, 0);
    return [() => where(greater(x, 0), where(less(x, 6), dy, zero), zero)];
  },
  sample: { kind: 'unary', lo: -2, hi: 8, kinks: [0, 6], minGap: 0.05 },
  derivative: '∂out/∂x = 1 if 0 < x < 6 else 0',
  jvp: diagonalJvp,
});

/** tf.nn.relu6: out = min(max(x, 0), 6).  ∂out/∂x = 1 if 0 < x < 6 else 0. */
export function relu6(features: TensorLike): Tensor {
  return Relu6.apply([toTensor(features)]);
}
