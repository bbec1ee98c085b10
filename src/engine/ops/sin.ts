import { defineOp } from '../op';
import { toTensor, type Tensor, type TensorLike } from '../tensor';
import { cos } from './cos';
import { multiply } from './multiply';
import { unaryForward } from './helpers';

/** out = sin x.  ∂out/∂x = cos x. */
export const Sin = defineOp({
  name: 'Sin',
  inputs: ['x'],
  derivative: '∂out/∂x = cos x',
  forward: unaryForward('Sin', 'sin'),
  gradient: (dy, [x]) => [() => multiply(dy, cos(x))],
  jvp: ([t], [x]) => multiply(t!, cos(x)),
  sample: { kind: 'unary' },
});

/** tf.sin: out = sin x.  ∂out/∂x = cos x. */
export function sin(x: TensorLike): Tensor {
  return Sin.apply([toTensor(x)]);
}
