import { allocate } from '../dtype';
import { kernels } from '../kernels';
import { defineOp } from '../op';
import { Tensor, toTensor, type TensorLike } from '../tensor';
import { multiply } from './multiply';
import { requireFloat } from './helpers';
import { reduceSum } from './reduceSum';

/** out = Σ t² / 2 (a scalar), accumulated in double.  ∂out/∂t = t (TensorFlow's _L2LossGrad). */
export const L2Loss = defineOp({
  name: 'L2Loss',
  inputs: ['t'],
  derivative: '∂out/∂t = t',
  jvp: ([t], [x]) => reduceSum(multiply(t!, x)),
  forward: ([t]) => {
    requireFloat('L2Loss', t);
    const out = allocate(t.dtype, 1);
    kernels.reduce('l2loss', t.data, 1, t.size, out);
    return new Tensor(out, [], t.dtype);
  },
  gradient: (dy, [t]) => [() => multiply(t, dy)],
  sample: { kind: 'unary' },
});

/** tf.nn.l2Loss: Σ t² / 2, one scalar for the whole tensor.  ∂out/∂t = t. */
export function l2Loss(t: TensorLike): Tensor {
  return L2Loss.apply([toTensor(t)]);
}
