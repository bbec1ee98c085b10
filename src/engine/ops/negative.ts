import { defineOp } from '../op';
import { toTensor, type Tensor, type TensorLike } from '../tensor';
import { unaryForward } from './helpers';
import { linearJvp } from './tangents';

/** out = −x.  ∂out/∂x = −1. */
export const Neg = defineOp({
  name: 'Neg',
  inputs: ['x'],
  derivative: '∂out/∂x = −1',
  forward: unaryForward('Neg', 'neg', false),
  gradient: (dy) => [() => negative(dy)],
  jvp: linearJvp,
  sample: { kind: 'unary' },
});

/** tf.negative: out = −x.  ∂out/∂x = −1. */
export function negative(x: TensorLike): Tensor {
  return Neg.apply([toTensor(x)]);
}
