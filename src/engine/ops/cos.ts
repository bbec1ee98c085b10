import { defineOp } from '../op';
import { toTensor, type Tensor, type TensorLike } from '../tensor';
import { multiply } from './multiply';
import { negative } from './negative';
import { sin } from './sin';
import { unaryForward } from './helpers';

/** out = cos x.  ∂out/∂x = −sin x. */
export const Cos = defineOp({
  name: 'Cos',
  inputs: ['x'],
  derivative: '∂out/∂x = −sin x',
  forward: unaryForward('Cos', 'cos'),
  gradient: (dy, [x]) => [() => negative(multiply(dy, sin(x)))],
  jvp: ([t], [x]) => negative(multiply(t!, sin(x))),
  sample: { kind: 'unary' },
});

/** tf.cos: out = cos x.  ∂out/∂x = −sin x. */
export function cos(x: TensorLike): Tensor {
  return Cos.apply([toTensor(x)]);
}
