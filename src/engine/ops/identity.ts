import { defineOp } from '../op';
import { Tensor, toTensor, type TensorLike } from '../tensor';
import { linearJvp } from './tangents';

/** out = x (a new tensor sharing the values).  ∂out/∂x = 1. */
export const Identity = defineOp({
  name: 'Identity',
  inputs: ['x'],
  derivative: '∂out/∂x = 1',
  forward: ([x]) => new Tensor(x.data, x.shape, x.dtype),
  gradient: (dy) => [() => dy],
  jvp: linearJvp,
  sample: { kind: 'unary' },
});

/** tf.identity: out = x (a new tensor sharing the values).  ∂out/∂x = 1. */
export function identity(x: TensorLike): Tensor {
  return Identity.apply([toTensor(x)]);
}
