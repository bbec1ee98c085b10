import { defineOp, definedOp } from '../op';
import { toTensor, type Tensor, type TensorLike } from '../tensor';
import { multiply } from './multiply';
import { negative } from './negative';
import { unaryForward } from './helpers';

/** out = cos x.  ∂out/∂x = −sin x. */
export const Cos = defineOp({
  name: 'Cos',
  inputs: ['x'],
  derivative: '∂out/∂x = −sin x',
  forward: unaryForward('Cos', 'cos'),
  // Sin is looked up, not imported: sin.ts imports this file for its own gradient.
  gradient: (dy, [x]) => [() => negative(multiply(dy, definedOp('Sin').apply([x])))],
  jvp: ([t], [x]) => negative(multiply(t!, definedOp('Sin').apply([x]))),
  sample: { kind: 'unary' },
});

/** tf.cos: out = cos x.  ∂out/∂x = −sin x. */
export function cos(x: TensorLike): Tensor {
  return Cos.apply([toTensor(x)]);
}
