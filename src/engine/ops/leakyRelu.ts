import { allocate } from '../dtype';
import { kernels } from '../kernels';
import { defineOp } from '../op';
import { Tensor, toTensor, type TensorLike } from '../tensor';
import { greater } from './greater';
import { multiply } from './multiply';
import { requireFloat } from './helpers';
import { where } from './where';
import { diagonalJvp } from './tangents';
import { checkNumber } from '../args';

/** out = x if x > 0 else α·x.  ∂out/∂x = 1 if x > 0 else α (TensorFlow's LeakyReluGrad). */
export const LeakyRelu = defineOp<{ alpha: number }>({
  name: 'LeakyRelu',
  inputs: ['x'],
  forward: ([x], { alpha }) => {
    requireFloat('LeakyRelu', x);
    const out = allocate(x.dtype, x.size);
    kernels.leakyRelu(x.data, alpha, out);
    return new Tensor(out, x.shape, x.dtype);
  },
  gradient: (dy, [x], _out, { alpha }) => [() => where(greater(x, 0), dy, multiply(dy, alpha))],
  sample: { kind: 'unary', kinks: [0], minGap: 0.05, attrs: { alpha: 0.2 } },
  derivative: '∂out/∂x = 1 if x > 0 else α',
  jvp: diagonalJvp,
});

/** tf.nn.leakyRelu: out = x if x > 0 else α·x (α = 0.2 by default, as TensorFlow's).  ∂out/∂x = 1 if x > 0 else α. */
export function leakyRelu(features: TensorLike, alpha = 0.2): Tensor {
  checkNumber('leakyRelu', 'alpha', alpha);
  return LeakyRelu.apply([toTensor(features)], { alpha });
}
